"""The redirect: where it sends people, what it records, and what it never does."""

from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from django.utils import timezone

from advocato.content.models import ContentItem
from advocato.links import services
from advocato.links.models import Click
from advocato.sharing import services as sharing

pytestmark = pytest.mark.django_db

CHROME = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/131.0.0.0 Safari/537.36"
)
IPHONE = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1"
)
LINKEDIN_BOT = (
    "LinkedInBot/1.0 (compatible; Mozilla/5.0; Apache-HttpClient +http://www.linkedin.com)"
)
GOOGLEBOT = "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"


def follow(client, share, ua=CHROME, method="get", **extra):
    return getattr(client, method)(f"/l/{share.link.code}", HTTP_USER_AGENT=ua, **extra)


def test_redirects_with_utm_keeping_the_urls_own_query_and_fragment(client, share):
    response = follow(client, share)
    assert response.status_code == 302
    location = urlsplit(response["Location"])
    assert (location.scheme, location.netloc, location.path) == (
        "https",
        "nordlys.example",
        "/nyheder/vind",
    )
    assert location.fragment == "top"
    query = parse_qs(location.query)
    assert query["lang"] == ["da"]
    assert query["utm_source"] == ["linkedin"]
    assert query["utm_medium"] == ["employee_advocacy"]
    assert query["utm_campaign"] == ["vindmllepark-abner"] or query["utm_campaign"][0].startswith(
        "vindm"
    )
    assert query["utm_content"] == [share.link.code]
    assert query["adv"] == [Click.objects.get().token]


def test_the_items_own_utm_values_are_replaced_and_unicode_urls_survive(client, advocate):
    item = ContentItem.objects.create(
        title="Æblegrød", url="https://nordlys.example/sø/åbent?utm_source=newsletter&x=1",
        status="published", published_at=timezone.now(),
    )  # fmt: skip
    share = sharing.start_share(advocate, item, "x", "Prøv!")
    location = follow(client, share)["Location"]
    assert location.startswith("https://nordlys.example/s%C3%B8/%C3%A5bent?x=1&utm_source=x&")
    assert "newsletter" not in location


def test_never_redirects_anywhere_but_the_items_url(client, share):
    for attempt in ("?next=https://evil.example", "?url=//evil.example", "/../../evil.example"):
        response = client.get(f"/l/{share.link.code}{attempt}", HTTP_USER_AGENT=CHROME)
        if response.status_code == 302:
            assert urlsplit(response["Location"]).netloc == "nordlys.example"
        else:
            assert response.status_code == 404


@pytest.mark.parametrize("code", ["nope1234", "x", "a" * 17, "bad code!", "%00%00%00%00", "é" * 8])
def test_unknown_malformed_and_overlong_codes_get_a_friendly_404(client, code):
    response = client.get(f"/l/{code}", HTTP_USER_AGENT=CHROME)
    assert response.status_code == 404
    assert "does not lead anywhere" in response.content.decode()
    assert Click.objects.count() == 0


def test_a_revoked_link_is_gone(client, share):
    share.link.revoked_at = timezone.now()
    share.link.save()
    services.forget(share.link.code)
    assert follow(client, share).status_code == 404


def test_an_expired_item_still_redirects(client, share):
    ContentItem.objects.filter(pk=share.item_id).update(
        status="expired", expire_at=timezone.now() - timedelta(days=1)
    )
    assert follow(client, share).status_code == 302


def test_caching_is_forbidden(client, share):
    response = follow(client, share)
    assert response["Cache-Control"] == "private, no-store"
    assert response["X-Robots-Tag"] == "noindex"


def test_head_and_prefetch_are_never_clicks(client, share):
    assert follow(client, share, method="head").status_code == 302
    assert follow(client, share, HTTP_SEC_PURPOSE="prefetch;prerender").status_code == 302
    assert follow(client, share, HTTP_PURPOSE="prefetch").status_code == 302
    assert Click.objects.count() == 0


def test_a_human_click_is_recorded_without_the_ip(client, share):
    follow(
        client,
        share,
        ua=IPHONE,
        REMOTE_ADDR="203.0.113.7",
        HTTP_REFERER="https://www.linkedin.com/feed/",
    )
    click = Click.objects.get()
    assert (click.kind, click.device, click.referrer_domain) == (
        "human",
        "mobile",
        "www.linkedin.com",
    )
    assert len(click.visitor) == 32 and "203.0.113.7" not in click.visitor
    assert all("203.0.113" not in str(v) for v in Click.objects.values().get().values())


def test_the_same_visitor_hashes_the_same_today_and_differently_tomorrow(client, share):
    follow(client, share, REMOTE_ADDR="203.0.113.7")
    follow(client, share, REMOTE_ADDR="203.0.113.7")
    follow(client, share, REMOTE_ADDR="198.51.100.9")
    visitors = list(Click.objects.order_by("pk").values_list("visitor", flat=True))
    assert visitors[0] == visitors[1] != visitors[2]
    tomorrow = timezone.localdate() + timedelta(days=1)
    assert services.visitor_hash("203.0.113.7", CHROME, tomorrow) != visitors[0]


def test_old_salts_are_forgotten(share):
    today = timezone.localdate()
    for days in range(4):
        services.daily_salt(today - timedelta(days=days))
    assert services.forget_old_salts(today) == 2


def test_link_preview_bots_get_the_curated_card_in_the_version_shared(client, share):
    """The card is in the language version the advocate shared (kept on the share), not in
    whatever they read later."""
    from advocato.sharing import services as sharing

    share.item.variants.create(language="en", title="Wind farm opens")
    english = sharing.start_share(share.employee, share.item, "x", "Proud!", language="en")
    response = follow(client, english, ua=LINKEDIN_BOT)
    html = response.content.decode()
    assert response.status_code == 200
    assert '<meta property="og:title" content="Wind farm opens">' in html
    share.employee.language = "en"  # the sharer reads English now; the share was in Danish
    share.employee.save()
    services.forget(share.link.code)
    html = follow(client, share, ua=LINKEDIN_BOT).content.decode()
    assert '<meta property="og:title" content="Vindmøllepark åbner">' in html
    assert '<meta property="og:image" content="https://nordlys.example/media/vind.jpg">' in html
    assert set(Click.objects.values_list("kind", flat=True)) == {"preview"}


def test_crawlers_are_bots_not_clicks(client, share):
    assert follow(client, share, ua=GOOGLEBOT).status_code == 302
    assert Click.objects.get().kind == "bot"


def test_the_sharers_own_click_is_flagged(client, share):
    client.force_login(share.employee.user)
    follow(client, share)
    assert Click.objects.get().kind == "self"


def test_the_first_human_click_confirms_the_share(client, share):
    assert share.confirmed_at is None
    follow(client, share, ua=LINKEDIN_BOT)
    share.refresh_from_db()
    assert share.confirmed_at is None
    follow(client, share)
    share.refresh_from_db()
    assert share.confirmed_by == "click" and share.status == "confirmed"


def test_codes_are_short_unguessable_and_url_safe(advocate, item):
    codes = {sharing.start_share(advocate, item, "x", "t").link.code for _ in range(50)}
    assert len(codes) == 50
    assert all(len(c) == 8 and c.replace("-", "").replace("_", "").isalnum() for c in codes)
