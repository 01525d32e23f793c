"""What the links app does against points farming: a visitor for points is the network (one
machine with many user agents is one), the advocate's own browser is recognised after she
signs out, and only the company's conversion types are accepted."""

import json
from datetime import date
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core import signing
from django.urls import reverse
from django.utils import timezone

from advocato.links import conversions, selfmark, services
from advocato.links.models import Click, Conversion, ConversionKind
from advocato.links.tests.test_conversions import SITE, server_post

pytestmark = pytest.mark.django_db
UA = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/13{n}.0 Safari/537.36"


@pytest.mark.parametrize(
    ("ip", "network"),
    [
        ("203.0.113.77", "203.0.113.0/24"),
        ("::ffff:203.0.113.9", "203.0.113.0/24"),
        ("2001:db8:abcd:12::1", "2001:db8:abcd::/48"),
        ("", ""),
        ("not an address", ""),
    ],
)
def test_the_network_of_an_address(ip, network):
    assert services.network_of(ip) == network


def test_the_network_visitor_is_one_per_network_and_day_whatever_the_browser():
    day = date(2026, 12, 2)
    one = services.network_hash("203.0.113.7", day)
    assert one == services.network_hash("203.0.113.200", day)
    assert one != services.network_hash("203.0.114.7", day)
    assert one != services.network_hash("203.0.113.7", date(2026, 12, 3))
    assert "203.0.113" not in one and len(one) == 32
    # …while analytics' visitor still tells the browsers apart.
    assert services.visitor_hash("203.0.113.7", "a", day) != services.visitor_hash(
        "203.0.113.7", "b", day
    )


def test_clicks_carry_the_network_visitor(client, share):
    for n in range(3):
        client.get(
            f"/l/{share.link.code}", HTTP_USER_AGENT=UA.format(n=n), REMOTE_ADDR="198.51.100.4"
        )
    clicks = list(Click.objects.all())
    assert len({c.visitor for c in clicks}) == 3
    assert len({c.network for c in clicks}) == 1 and clicks[0].network


def test_the_advocates_browser_is_marked_and_stays_hers_after_signing_out(client, share, advocate):
    client.force_login(advocate.user)
    client.get("/")
    marked = client.cookies[selfmark.COOKIE]
    assert marked["httponly"] and marked["max-age"] >= 365 * 24 * 3600
    client.post(reverse("account_logout"))  # signing out, as she would
    assert not client.get("/").wsgi_request.user.is_authenticated
    assert selfmark.COOKIE in client.cookies  # …keeps the mark
    client.get(f"/l/{share.link.code}", HTTP_USER_AGENT=UA.format(n=1))
    assert Click.objects.get().kind == Click.Kind.SELF


def test_a_forged_or_foreign_mark_is_not_the_sharers(client, share, advocate_engineering):
    client.cookies[selfmark.COOKIE] = str(share.employee_id)  # unsigned: ignored
    client.get(f"/l/{share.link.code}", HTTP_USER_AGENT=UA.format(n=1))
    client.cookies[selfmark.COOKIE] = signing.get_cookie_signer(
        salt=selfmark.COOKIE + selfmark.SALT
    ).sign(str(advocate_engineering.pk))  # a colleague's browser
    client.get(f"/l/{share.link.code}", HTTP_USER_AGENT=UA.format(n=2))
    assert list(Click.objects.values_list("kind", flat=True)) == ["human", "human"]


@pytest.fixture
def click(client, share):
    response = client.get(f"/l/{share.link.code}", HTTP_USER_AGENT=UA.format(n=1))
    return Click.objects.get(token=parse_qs(urlsplit(response["Location"]).query)["adv"][0])


def test_unknown_conversion_types_are_refused_at_both_doors(client, click, settings):
    settings.CONVERSION_ORIGINS = [SITE]
    settings.CONVERSION_SECRET = "s3cret"
    body = json.dumps({"token": click.token, "type": "coffee"})
    browser = client.post("/c/convert", body, content_type="application/json", HTTP_ORIGIN=SITE)
    server = server_post(client, body.encode())
    for response in (browser, server):
        assert response.status_code == 400
        assert response.json()["field"] == "type"
        assert "lead" in response.json()["error"]
    assert Conversion.objects.count() == 0


def test_the_admins_list_of_types_is_what_counts(client, click, settings):
    settings.CONVERSION_ORIGINS = [SITE]
    assert conversions.allowed_kinds() == ["application", "lead", "signup"]
    conversions.set_kinds(["Demo-request", "lead"])
    assert sorted(ConversionKind.objects.values_list("code", flat=True)) == ["demo-request", "lead"]

    def send(kind):
        body = json.dumps({"token": click.token, "type": kind})
        return client.post("/c/convert", body, content_type="application/json", HTTP_ORIGIN=SITE)

    assert send("demo-request").status_code == 201
    assert send("signup").status_code == 400
    with pytest.raises(conversions.ConversionError):
        conversions.set_kinds([" "])


def test_a_browser_reports_a_type_once_per_click(client, click, settings):
    settings.CONVERSION_ORIGINS = [SITE]
    for external_id in ("a", "b", "c"):
        body = json.dumps({"token": click.token, "type": "lead", "id": external_id})
        client.post("/c/convert", body, content_type="application/json", HTTP_ORIGIN=SITE)
    assert Conversion.objects.count() == 1


def test_spooled_clicks_keep_their_network_visitor(client, share, settings, tmp_path):
    import time

    settings.DATA_DIR = tmp_path
    settings.CLICK_WRITE = "spool"
    for n in range(2):
        client.get(f"/l/{share.link.code}", HTTP_USER_AGENT=UA.format(n=n), REMOTE_ADDR="192.0.2.8")
    assert services.replay_spool(now=time.time() + 180) == 2
    networks = set(Click.objects.values_list("network", flat=True))
    assert networks == {services.network_hash("192.0.2.8", timezone.localdate())}
