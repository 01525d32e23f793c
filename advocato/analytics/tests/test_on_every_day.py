"""Rollups, the dashboard, the quarterly evaluation and the summary e-mails on the days date
arithmetic goes wrong: each test runs at every moment in `advocato.conftest.MOMENTS` (the
first and last of a month, New Year, 29 February, and both daylight-saving changes, at hours
where the company's day and the UTC day differ)."""

import itertools
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from advocato.analytics import digest, evaluation, kpis, rollups
from advocato.analytics.models import ShareDay, Subscription
from advocato.analytics.tests.conftest import CPH, click, make_share
from advocato.people.models import Employee, User

pytestmark = pytest.mark.django_db


@pytest.fixture
def today(moment, org):
    return moment.astimezone(CPH).date()


@pytest.fixture
def joined_long_ago(analyst, advocate):
    """Everyone registered a year before the moment, so every period has its people."""
    long_ago = timezone.now() - timedelta(days=365)
    for person in (analyst, advocate):
        Employee.objects.filter(pk=person.pk).update(created_at=long_ago)
        User.objects.filter(pk=person.user_id).update(date_joined=long_ago)


@pytest.fixture
def shared_now(item, advocate, joined_long_ago):
    """A share made a minute ago, clicked by two people now."""
    share = make_share(advocate, item, timezone.now() - timedelta(minutes=1), audience=500)
    click(share, timezone.now(), visitor="a")
    click(share, timezone.now(), visitor="b")
    rollups.fill()
    return share


def test_events_made_now_land_on_the_companys_today(today, shared_now):
    row = ShareDay.objects.get(share=shared_now)
    assert (row.day, row.shares, row.clicks, row.unique_clicks) == (today, 1, 2, 2)
    assert rollups.compare() == []


def test_dashboard_periods_that_end_today_count_them(today, shared_now, login, analyst):
    year, quarter = kpis.quarter_of(today)
    first, last = kpis.quarter_bounds(year, quarter)
    assert first <= today <= last
    for start in (today, today - timedelta(days=29), first):
        figures = {f.key: f for f in kpis.programme(kpis.Filters(start, today))["figures"]}
        assert (figures["shares"].value, figures["clicks"].value) == (1, 2), start
    yesterday = kpis.Filters(today - timedelta(days=1), today - timedelta(days=1))
    figures = {f.key: f for f in kpis.programme(yesterday)["figures"]}
    assert (figures["shares"].value, figures["clicks"].value) == (0, 0)
    response = login(analyst).get(reverse("analytics:dashboard"))
    assert response.status_code == 200


def test_the_running_quarter_is_evaluated_and_the_list_starts_with_it(
    today, shared_now, login, analyst
):
    year, quarter = kpis.quarter_of(today)
    quarters = evaluation.recent_quarters()
    assert quarters[0] == (year, quarter)
    assert all(evaluation.previous_quarter(*a) == b for a, b in itertools.pairwise(quarters))
    evaluation.check_quarter(year, quarter)
    with pytest.raises(ValueError):
        evaluation.check_quarter(
            *kpis.quarter_of(kpis.quarter_bounds(year, quarter)[1] + timedelta(1))
        )
    rows = {row["key"]: row for row in evaluation.report(year, quarter)["rows"]}
    assert rows["shares"]["value"] == 1 and rows["clicks"]["value"] == 2
    client = login(analyst)
    page = client.get(reverse("analytics:evaluation", args=[year, quarter]))
    assert page.status_code == 200
    assert "The quarter is still running" in page.content.decode()
    assert client.get(reverse("analytics:evaluation_pdf", args=[year, quarter])).status_code == 200


@pytest.mark.parametrize("frequency", ["weekly", "monthly"])
def test_the_summary_covers_the_last_whole_period_before_today(
    today, analyst, joined_long_ago, frequency
):
    period = digest.period_for(frequency, today)
    assert period.end < today
    assert period.start <= period.end
    if frequency == "weekly":
        assert period.start.weekday() == 0 and (period.end - period.start).days == 6
        assert today - period.end <= timedelta(days=7)
    else:
        assert period.start.day == 1 and (period.end + timedelta(days=1)).day == 1
        assert (period.end + timedelta(days=1)).month == today.month
    before = period.before()
    assert before.end + timedelta(days=1) == period.start
    Subscription.objects.create(
        employee=analyst, frequency=frequency, created_at=timezone.now() - timedelta(days=70)
    )
    assert [p for _s, p in digest.due_subscriptions(today)] == [period]
