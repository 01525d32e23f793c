"""Points farming, replayed: what the security review did (one advocate, her own short link,
thirty user agents from one address; forged browser conversions) earns at most what one real
visitor would give — nothing from her own browser — and the admin sees why. Also: bursts are
held for review, clicks settle before they pay, paying clicks are capped per share, browser
conversions wait for the company's server, and a reward request shows its evidence."""

import json
import secrets
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from django.db.models import Sum
from django.urls import reverse
from django.utils import timezone

from advocato.core.models import AuditEntry
from advocato.links.models import Click, Conversion
from advocato.rewards import ledger, services
from advocato.rewards.conftest import grant, make_item, make_share
from advocato.rewards.models import PointEntry, Reward

pytestmark = pytest.mark.django_db
ADDRESS = "203.0.113.45"
SITE = "https://www.nordlys.example"
UA = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/{n}.0.0.0 Safari/537.36"
)


@pytest.fixture(autouse=True)
def settle(settings):
    settings.CLICK_SETTLE_MINUTES = 60  # the product's default, not the test suite's 0
    settings.CONVERSION_ORIGINS = [SITE]
    settings.CONVERSION_SECRET = "s3cret"


def later(hours: float = 2):
    return timezone.now() + timedelta(hours=hours)


def click_points(employee) -> int:
    entries = PointEntry.objects.filter(employee=employee, kind="click")
    return entries.aggregate(s=Sum("points"))["s"] or 0


def open_link(client, share, n: int, address: str = ADDRESS) -> str:
    response = client.get(
        f"/l/{share.link.code}", HTTP_USER_AGENT=UA.format(n=100 + n), REMOTE_ADDR=address
    )
    assert response.status_code == 302
    return parse_qs(urlsplit(response["Location"]).query)["adv"][0]


def sign_in_then_out(client, employee):
    client.force_login(employee.user)
    client.get("/")  # using the site marks this browser as hers
    client.post(reverse("account_logout"))


def test_thirty_user_agents_signed_out_with_her_mark_earn_nothing(client, advocate, org):
    share = make_share(advocate, make_item())
    sign_in_then_out(client, advocate)
    for n in range(30):
        open_link(client, share, n)
    services.fold(now=later())
    assert set(Click.objects.values_list("kind", flat=True)) == {"self"}
    assert click_points(advocate) == 0
    assert set(PointEntry.objects.filter(kind="click").values_list("reason", flat=True)) == {"self"}


def test_thirty_user_agents_from_one_address_earn_at_most_one_visitor(client, advocate, admin, org):
    share = make_share(advocate, make_item())
    one_real_visitor = ledger.current_rules().click_points
    for n in range(30):
        open_link(client, share, n)  # a fresh browser each time: no mark, no session
    assert Click.objects.filter(kind="human").count() == 30  # analytics still sees them
    assert Click.objects.values("visitor").distinct().count() == 30
    assert Click.objects.values("network").distinct().count() == 1

    services.fold()  # too young: nothing is priced yet
    assert not PointEntry.objects.filter(kind="click").exists()
    services.fold(now=later())
    assert click_points(advocate) <= one_real_visitor
    assert click_points(advocate) == 0  # held, not paid
    reasons = list(PointEntry.objects.filter(kind="click").values_list("reason", flat=True))
    assert reasons.count("held") == 1 and reasons.count("repeat") == 29

    # The admin sees it, and why.
    client.force_login(admin.user)
    page = client.get(reverse("rewards:review")).content.decode()
    assert "Anna Holm" in page and "held for review" in page
    assert "30 clicks on this link from one visitor in a day" in page


def test_one_real_visitor_with_a_few_browsers_earns_once(client, advocate, org):
    share = make_share(advocate, make_item())
    for n in range(3):  # a phone, a laptop, a tablet on one home network
        open_link(client, share, n)
    services.fold(now=later())
    assert click_points(advocate) == 1


def test_the_review_approves_with_a_new_audited_entry(client, advocate, admin, org):
    share = make_share(advocate, make_item())
    for n in range(12):
        open_link(client, share, n)
    services.fold(now=later())
    held = PointEntry.objects.get(reason="held")
    client.force_login(admin.user)
    response = client.post(
        reverse("rewards:review_decide", args=[held.pk]),
        {"decision": "approve", "note": "A team meeting clicked it together"},
    )
    assert response.status_code == 302
    paid = PointEntry.objects.get(resolves=held)
    assert (paid.points, paid.reason, paid.by, paid.at) == (1, "approved", admin, held.at)
    assert click_points(advocate) == 1
    assert AuditEntry.objects.filter(object_type="rewards.PointEntry", object_id=str(paid.pk))
    assert held.source not in client.get(reverse("rewards:review")).content.decode()
    # Once only.
    with pytest.raises(ledger.LedgerError):
        services.resolve(held, admin, True)
    assert services.verify() == []


def test_declining_pays_nothing_and_clears_the_list(advocate, admin, org):
    share = make_share(advocate, make_item())
    for n in range(10):
        Click.objects.create(link=share.link, kind="human", visitor=f"v{n}", network="net-a",
                             token=secrets.token_urlsafe(12), at=timezone.now())  # fmt: skip
    services.fold(now=later())
    held = PointEntry.objects.get(reason="held")
    services.resolve(held, admin, False, "Looks like a script")
    assert click_points(advocate) == 0
    assert not services.review_queue().exists()


def test_a_minute_with_more_clicks_than_an_audience_makes_is_held(advocate, org):
    share = make_share(advocate, make_item())
    moment = timezone.now() - timedelta(hours=3)
    for n in range(35):  # 35 networks within 30 seconds
        Click.objects.create(link=share.link, kind="human", visitor=f"v{n}", network=f"n{n}",
                             token=secrets.token_urlsafe(12),
                             at=moment + timedelta(seconds=n))  # fmt: skip
    services.fold()
    entries = PointEntry.objects.filter(kind="click")
    assert set(entries.values_list("reason", flat=True)) == {"held"}
    first = entries.first()
    assert first is not None and "35 clicks on this share within a minute" in first.note
    assert click_points(advocate) == 0


def test_paying_clicks_are_capped_per_share_per_day(advocate, org):
    ledger.change_rules(None, {"share_click_cap": 20}, now=timezone.now() - timedelta(days=1))
    share = make_share(advocate, make_item())
    other = make_share(advocate, make_item("Solar"))
    moment = timezone.now() - timedelta(hours=5)
    for target in (share, other):
        for n in range(25):  # one a minute, each from another network
            Click.objects.create(link=target.link, kind="human", visitor=f"v{n}",
                                 network=f"{target.pk}-{n}", token=secrets.token_urlsafe(12),
                                 at=moment + timedelta(minutes=n))  # fmt: skip
    services.fold()
    for target in (share, other):
        entries = PointEntry.objects.filter(share=target, kind="click")
        assert entries.filter(points=1).count() == 20
        assert entries.filter(reason="share_cap").count() == 5


def test_a_click_pays_only_once_it_is_an_hour_old(advocate, org):
    share = make_share(advocate, make_item())
    now = timezone.now()
    young = Click.objects.create(link=share.link, kind="human", visitor="a", network="a",
                                 token=secrets.token_urlsafe(12), at=now)  # fmt: skip
    # A spooled click written after it (a higher id) but made earlier is not held up by it.
    old = Click.objects.create(link=share.link, kind="human", visitor="b", network="b",
                               token=secrets.token_urlsafe(12),
                               at=now - timedelta(hours=2))  # fmt: skip
    services.fold(now=now)
    assert set(PointEntry.objects.values_list("click_id", flat=True).exclude(click=None)) == {
        old.pk
    }
    services.fold(now=now + timedelta(minutes=30))
    assert not PointEntry.objects.filter(click=young).exists()
    services.fold(now=now + timedelta(minutes=61))
    assert PointEntry.objects.get(click=young).points == 1


def convert(client, token: str, kind: str, external_id: str = ""):
    body = json.dumps({"token": token, "type": kind, "id": external_id})
    return client.post("/c/convert", body, content_type="application/json", HTTP_ORIGIN=SITE)


def server_convert(client, token: str, kind: str, external_id: str):
    from advocato.links.tests.test_conversions import server_post

    return server_post(
        client, json.dumps({"token": token, "type": kind, "id": external_id}).encode()
    )


def test_forged_browser_conversions_earn_nothing(client, advocate, org):
    share = make_share(advocate, make_item())
    tokens = [open_link(client, share, n, address=f"198.51.100.{n}") for n in range(3)]
    answers = [
        convert(client, token, kind, f"x{i}")
        for i, (token, kind) in enumerate(
            [(t, k) for t in tokens for k in ("lead", "signup", "application", "demo", "vip", "x")]
        )
    ]  # 18 reports on three tokens
    assert sorted(a.status_code for a in answers).count(400) == 9  # unknown types refused
    assert all(a.json().get("field") == "type" for a in answers if a.status_code == 400)
    assert Conversion.objects.count() == 9  # once per click and type
    services.fold(now=later())
    conversions = PointEntry.objects.filter(kind="conversion")
    assert set(conversions.values_list("reason", flat=True)) == {"waiting"}
    assert conversions.aggregate(s=Sum("points"))["s"] == 0
    assert services.review_queue().filter(kind="conversion").count() == 9


def test_the_companys_signed_report_confirms_and_pays(client, advocate, org):
    share = make_share(advocate, make_item())
    token = open_link(client, share, 1)
    convert(client, token, "lead")
    services.fold(now=later())
    waiting = PointEntry.objects.get(kind="conversion")
    assert (waiting.points, waiting.reason) == (0, "waiting")
    assert server_convert(client, token, "lead", "crm-17").status_code == 201
    services.fold(now=later())
    paid = PointEntry.objects.get(resolves=waiting)
    assert (paid.points, paid.reason) == (25, "confirmed")
    assert not services.review_queue().exists()
    # A browser report after the server's earns nothing more.
    convert(client, token, "signup")
    server_convert(client, token, "signup", "crm-18")
    convert(client, open_link(client, share, 2, address="192.0.2.1"), "signup")
    services.fold(now=later())
    total = PointEntry.objects.filter(kind="conversion").aggregate(s=Sum("points"))["s"]
    assert total == 25 + 10
    assert services.verify() == []


def test_a_signed_report_without_an_id_confirms_the_browsers(client, advocate, org):
    share = make_share(advocate, make_item())
    token = open_link(client, share, 1)
    convert(client, token, "signup")
    services.fold(now=later())
    assert server_convert(client, token, "signup", "").status_code == 201
    assert server_convert(client, token, "signup", "").json()["counted"] is False
    services.fold(now=later())
    assert Conversion.objects.count() == 2
    assert PointEntry.objects.filter(kind="conversion").aggregate(s=Sum("points"))["s"] == 10


def test_an_admin_approves_a_browser_report_once(client, advocate, admin, org):
    share = make_share(advocate, make_item())
    token = open_link(client, share, 1)
    convert(client, token, "application")
    services.fold(now=later())
    waiting = PointEntry.objects.get(kind="conversion")
    assert services.resolve(waiting, admin, True).points == 25
    server_convert(client, token, "application", "hr-9")  # the server's report comes later
    services.fold(now=later())
    total = PointEntry.objects.filter(kind="conversion").aggregate(s=Sum("points"))["s"]
    assert total == 25
    assert PointEntry.objects.filter(kind="conversion", reason="reported").count() == 1


def test_a_reward_request_shows_what_earned_the_points(client, advocate, admin, org):
    share = make_share(advocate, make_item("Wind farm opens"))
    for n in range(3):
        open_link(client, share, n, address=f"198.51.100.{n}")
    token = open_link(client, share, 9, address="192.0.2.9")
    server_convert(client, token, "lead", "crm-1")
    services.fold(now=later())
    grant(advocate, 1000)
    reward = Reward.objects.create(name="Gift card", price=1000)
    request = services.redeem(advocate, reward)
    assert request.status == "pending"  # every request waits for an admin, large ones too
    client.force_login(admin.user)
    page = client.get(reverse("rewards:redemptions")).content.decode()
    assert "data-evidence=" in page
    assert "Wind farm opens" in page and "signed server report" in page
    assert f'data-evidence-entry="share:{share.pk}"' in page


def test_the_minute_window_matches_counting_by_hand(advocate, org):
    import random

    rng = random.Random(7)
    share = make_share(advocate, make_item())
    start = timezone.now() - timedelta(hours=3)
    seconds = sorted(rng.choice([rng.uniform(0, 600), rng.uniform(200, 230)]) for _ in range(120))
    clicks = [
        Click.objects.create(
            link=share.link,
            kind="human",
            visitor=f"v{n}",
            network=f"n{n}",
            token=secrets.token_urlsafe(12),
            at=start + timedelta(seconds=s),
        )
        for n, s in enumerate(seconds)
    ]
    run = ledger.Run(timezone.now(), org.zone, ledger.RuleBook(), {}, set())
    found = ledger._minute_bursts(run, clicks)
    limit = ledger.current_rules().burst_per_minute
    by_hand = {}
    for click in clicks:  # every window [t, t + 1 minute] that holds the click
        most = max(
            sum(1 for o in clicks if t.at <= o.at <= t.at + timedelta(minutes=1))
            for t in clicks
            if t.at <= click.at <= t.at + timedelta(minutes=1)
        )
        if most > limit:
            by_hand[click.pk] = most
    assert found == by_hand and by_hand
