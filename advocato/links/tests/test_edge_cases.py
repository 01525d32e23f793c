"""Edge cases found in review: the spool's minute boundary, stale links, conversions right
after a click, the lean handler's odd paths and language, signatures and destinations."""

import json
import time
from urllib.parse import parse_qs, urlsplit

import pytest
import time_machine
from django.utils import timezone

from advocato.content.models import ContentItem
from advocato.links import conversions, services, spool
from advocato.links.models import Click, Conversion
from advocato.links.tests.test_wsgi import call
from advocato.sharing import services as sharing

pytestmark = pytest.mark.django_db
CHROME = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36"
LINKEDIN_BOT = (
    "LinkedInBot/1.0 (compatible; Mozilla/5.0; Apache-HttpClient +http://www.linkedin.com)"
)


def record(link_id, token):
    return {"link_id": link_id, "kind": "human", "visitor": "v", "token": token, "referrer_domain": "",
            "device": "", "country": "", "at": "2026-11-20T10:00:00+00:00"}  # fmt: skip


def test_the_minute_just_over_is_left_for_late_writers(share, settings, tmp_path):
    settings.DATA_DIR = tmp_path
    now = 1_800_000_030.0  # half a minute into a minute
    with time_machine.travel(now, tick=False):
        spool.append(record(share.link.pk, "t-boundary-1"))
    assert services.replay_spool(now=now + 60) == 0  # a writer may still finish that minute
    assert services.replay_spool(now=now + 120) == 1


def test_clicks_of_deleted_links_do_not_block_the_rest(share, advocate, settings, tmp_path):
    settings.DATA_DIR = tmp_path
    other = sharing.start_share(advocate, share.item, "x", "t")
    spool.append(record(other.link.pk, "t-stale-000"))
    spool.append(record(share.link.pk, "t-good-0000"))
    other.delete()
    assert services.replay_spool(now=time.time() + 120) == 1
    assert list(Click.objects.values_list("token", flat=True)) == ["t-good-0000"]


def test_a_conversion_right_after_its_spooled_click_is_credited(client, share, settings, tmp_path):
    settings.DATA_DIR = tmp_path
    settings.CLICK_WRITE = "spool"
    settings.CONVERSION_ORIGINS = ["https://www.nordlys.example"]
    response = client.get(f"/l/{share.link.code}", HTTP_USER_AGENT=CHROME)
    token = parse_qs(urlsplit(response["Location"]).query)["adv"][0]
    result = client.post("/c/convert", json.dumps({"token": token, "type": "lead"}),
                         content_type="application/json", HTTP_ORIGIN="https://www.nordlys.example")  # fmt: skip
    assert result.status_code == 201
    assert services.replay_spool(now=time.time() + 120) == 0  # already written, not twice
    assert Click.objects.count() == 1


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("path", ["/l/", "/l/a/b", "/l/abcdefgh/"])
def test_odd_paths_under_l_get_the_friendly_page(path):
    status, _headers, body = call(path)
    assert status == 404 and "does not lead anywhere" in body


@pytest.mark.django_db(transaction=True)
def test_the_lean_handler_speaks_the_visitors_language():
    assert "Dette link" in call("/l/nope1234", HTTP_ACCEPT_LANGUAGE="da")[2]
    assert "This link" in call("/l/nope1234", HTTP_ACCEPT_LANGUAGE="en")[2]


def test_a_non_ascii_signature_is_refused_not_a_crash(client, settings):
    settings.CONVERSION_SECRET = "s3cret"
    response = client.post("/api/conversions", b"{}", content_type="application/json",
                           HTTP_X_ADVOCATO_TIMESTAMP=str(int(time.time())),
                           HTTP_X_ADVOCATO_SIGNATURE="sha256=\xff")  # fmt: skip
    assert response.status_code == 401


def test_the_composer_check_refuses_json_that_is_not_an_object(login, advocate, share):
    url = f"/feed/{share.item.pk}/share/check/"
    for body in ("[]", "null", "1"):
        assert login(advocate).post(url, body, content_type="application/json").status_code == 400


def test_a_server_reported_order_counts_once_whichever_click_it_comes_with(client, share, settings):
    settings.CONVERSION_SECRET = "s3cret"
    tokens = [
        parse_qs(
            urlsplit(client.get(f"/l/{share.link.code}", HTTP_USER_AGENT=CHROME)["Location"]).query
        )["adv"][0]
        for _ in range(2)
    ]
    for token in tokens:
        body = json.dumps({"token": token, "type": "lead", "id": "order-1"}).encode()
        stamp = int(time.time())
        client.post("/api/conversions", body, content_type="application/json",
                    HTTP_X_ADVOCATO_TIMESTAMP=str(stamp),
                    HTTP_X_ADVOCATO_SIGNATURE=conversions.sign(body, stamp, "s3cret"))  # fmt: skip
    assert Conversion.objects.count() == 1


def test_the_snippet_counts_one_conversion_per_click_and_type(client, share, settings):
    settings.CONVERSION_ORIGINS = ["https://www.nordlys.example"]
    token = parse_qs(
        urlsplit(client.get(f"/l/{share.link.code}", HTTP_USER_AGENT=CHROME)["Location"]).query
    )["adv"][0]
    for order in ("a", "b", "c"):
        client.post("/c/convert", json.dumps({"token": token, "type": "lead", "id": order}),
                    content_type="application/json", HTTP_ORIGIN="https://www.nordlys.example")  # fmt: skip
    assert Conversion.objects.count() == 1


@pytest.mark.parametrize(
    ("url", "starts"),
    [
        ("https://example.com", "https://example.com/?utm_source=x"),
        (
            "https://bücher.example/ä?UTM_SOURCE=old&adv=summer",
            "https://xn--bcher-kva.example/%C3%A4?utm_source=x",
        ),
    ],
)
def test_destinations_edge_cases(advocate, url, starts):
    item = ContentItem.objects.create(
        title="T", url=url, status="published", published_at=timezone.now()
    )
    share = sharing.start_share(advocate, item, "x", "t")
    info = services.link_info(share.link.code)
    assert info is not None
    destination = services.destination(info, "tokentoken12")
    assert destination.startswith(starts)
    assert "old" not in destination and "summer" not in destination


def test_a_preview_fetchers_head_request_is_not_a_preview(client, share):
    client.head(f"/l/{share.link.code}", HTTP_USER_AGENT=LINKEDIN_BOT)
    assert Click.objects.count() == 0


def test_revoking_a_link_takes_effect_at_once(client, share):
    assert client.get(f"/l/{share.link.code}", HTTP_USER_AGENT=CHROME).status_code == 302
    services.revoke(share.link)
    assert client.get(f"/l/{share.link.code}", HTTP_USER_AGENT=CHROME).status_code == 404
