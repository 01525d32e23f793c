"""Each figure has one definition, pinned here with a small hand-counted case: what the
dashboard filters out, who counts as active, unique clicks on "My shares" and the scorecard,
and times shown on the viewer's own clock."""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from advocato.analytics import kpis, rollups
from advocato.analytics.adoption import adoption_funnel
from advocato.links.models import Click
from advocato.people.models import Employee
from advocato.sharing.models import Share

from .conftest import click, local, make_share, utc

pytestmark = pytest.mark.django_db


def test_the_dashboard_shows_what_it_filtered_out(org, item, advocate, login, analyst):
    share = make_share(advocate, item, timezone.now() - timedelta(days=2))
    at = timezone.now() - timedelta(days=1)
    click(share, at, visitor="a")
    click(share, at, visitor="b")
    click(share, at, kind=Click.Kind.BOT, visitor="crawler")
    click(share, at, kind=Click.Kind.BOT, visitor="crawler2")
    click(share, at, kind=Click.Kind.PREVIEW, visitor="linkedinbot")
    click(share, at, kind=Click.Kind.SELF, visitor="anna")
    rollups.fill()
    today = org.today()
    clicks = next(
        f for f in kpis.programme(kpis.Filters(today - timedelta(days=6), today))["figures"]
        if f.key == "clicks"
    )  # fmt: skip
    assert clicks.value == 2
    assert clicks.extra == {"bots": 2, "previews": 1, "own": 1}
    html = login(analyst).get(reverse("analytics:dashboard")).content.decode()
    assert "Filtered out: 2 by bots, 1 link previews, 1 own clicks." in html


def test_active_means_shared_in_the_window_by_the_shares_own_time(org, item, advocate,
                                                                   advocate_engineering):  # fmt: skip
    now = timezone.now()
    # Anna shared 40 days ago through a dialog; its first click confirmed it 10 days ago.
    old = make_share(advocate, item, now - timedelta(days=40), confirmed_at=now - timedelta(10))
    assert old.created_at < now - timedelta(days=30)
    # Lars shared 5 days ago; Bo posted directly 3 days ago (the network's answer counts).
    make_share(advocate_engineering, item, now - timedelta(days=5))
    bo = Employee.objects.create(email="bo@example.com", name="Bo", user=None)
    direct = make_share(bo, item, now - timedelta(days=60), method=Share.Method.API,
                        confirmed_at=now - timedelta(days=3))  # fmt: skip
    assert direct.method == Share.Method.API
    funnel = adoption_funnel(Employee.objects.filter(pk__in=[advocate.pk, advocate_engineering.pk]))
    assert (funnel.activated, funnel.active_30d) == (2, 1)  # Anna's confirmation came late


def test_my_shares_counts_unique_clicks_like_the_scorecard(org, item, advocate, login):
    """One visitor at 23:30 and again at 00:30 in Copenhagen (the same UTC day): two days of
    the company's time zone, so two unique clicks on both pages — even for a person whose own
    clock is in New York."""
    Employee.objects.filter(pk=advocate.pk).update(time_zone="America/New_York")
    share = make_share(advocate, item, utc(2026, 1, 14, 12))
    click(share, utc(2026, 1, 14, 22, 30), visitor="same")  # 23:30 in Copenhagen
    click(share, utc(2026, 1, 14, 23, 30), visitor="same")  # 00:30 on the 15th
    click(share, utc(2026, 1, 14, 23, 40), visitor="same")  # the same person, same day
    rollups.fill()
    card = kpis.scorecard(advocate, kpis.Filters(date(2026, 1, 1), date(2026, 1, 31)))
    assert (card["totals"]["clicks"], card["totals"]["unique_clicks"]) == (3, 2)
    html = login(advocate).get(reverse("sharing:mine")).content.decode()
    assert "<dt>Clicks</dt><dd>3</dd>" in html
    assert "<dt>Unique clicks</dt><dd>2</dd>" in html


def test_times_show_on_the_viewers_own_clock(org, item, advocate, login):
    make_share(advocate, item, local(2026, 6, 10, 9, 15))  # 09:15 in Copenhagen
    client = login(advocate)
    assert "10/06/2026 09:15" in client.get(reverse("shell:my_data")).content.decode()
    Employee.objects.filter(pk=advocate.pk).update(time_zone="America/New_York")
    assert "10/06/2026 03:15" in client.get(reverse("shell:my_data")).content.decode()


def test_the_measurement_settings_page_says_the_attribution_window(org, login, admin, settings):
    settings.ATTRIBUTION_WINDOW_DAYS = 45
    html = login(admin).get(reverse("analytics:settings")).content.decode()
    assert "within 45 days before it" in html
