"""Periods, leaderboards and challenges on the days date arithmetic goes wrong: each test runs
at every moment in `advocato.conftest.MOMENTS` (the first and last of a month, New Year,
29 February, and both daylight-saving changes, at hours where the company's day and the UTC
day differ)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from advocato.conftest import CPH
from advocato.core.models import Organisation
from advocato.lib import periods
from advocato.rewards import leaderboards, services
from advocato.rewards.conftest import make_click, make_item, make_share
from advocato.rewards.models import Challenge, Metric

pytestmark = pytest.mark.django_db

LENGTHS = {"week": {7}, "month": {28, 29, 30, 31}, "quarter": {90, 91, 92}}


def test_today_is_the_companys_day_and_periods_follow_each_other(moment, org):
    today = Organisation.get().today()
    assert today == moment.astimezone(CPH).date()
    start, end = periods.day_start(today, CPH), periods.day_start(today + timedelta(days=1), CPH)
    assert start <= timezone.now() < end
    for kind, lengths in LENGTHS.items():
        now = periods.period(kind, today)
        previous, following = now.previous(), now.next()
        assert now.first and now.last and previous and previous.last and following, kind
        assert now.contains(today), kind
        assert (now.last - now.first).days + 1 in lengths, kind
        assert previous.last + timedelta(days=1) == now.first, kind
        assert following.first == now.last + timedelta(days=1), kind
        assert previous.next() == now, kind


def test_a_click_made_now_counts_in_this_weeks_months_and_quarters_board(
    moment, org, advocate, advocate_engineering
):
    share = make_share(advocate, make_item())
    make_click(share)
    make_share(advocate_engineering, make_item())
    services.fold()
    today = Organisation.get().today()
    for kind in ("week", "month", "quarter", "all"):
        clicks = leaderboards.board(advocate, today, kind, Metric.CLICKS)
        assert [(r.name, r.value) for r in clicks.rows][:1] == [("Anna Holm", 1)], kind
        shares = leaderboards.board(advocate, today, kind, Metric.SHARES)
        assert shares.total == 2, kind
    previous = periods.period("week", today).previous()
    assert previous is not None and previous.first is not None
    last_week = previous.first
    assert leaderboards.board(advocate, last_week, "week", Metric.SHARES).total == 0


def test_a_challenge_that_runs_today_counts_now_and_settles_after_its_last_day(
    moment, org, curator, advocate
):
    today = Organisation.get().today()
    challenge = Challenge.objects.create(
        title="Recruitment week",
        metric="clicks",
        goal="recruitment",
        starts_on=today - timedelta(days=3),
        ends_on=today,
        prize="Dinner",
        winners=1,
        created_by=curator,
    )
    make_click(make_share(advocate, make_item("Jobs", goal="recruitment")))
    services.fold()
    assert [(r.name, r.value) for r in services.challenge_standings(challenge)] == [
        ("Anna Holm", 1)
    ]
    # Still its last day at the last second of the company's day; over at its midnight.
    midnight = periods.day_start(today + timedelta(days=1), CPH)
    assert services.settle_challenges(now=midnight - timedelta(seconds=1)) == 0
    assert services.settle_challenges(now=midnight) == 1
    challenge.refresh_from_db()
    assert [(w.employee.name, w.score) for w in challenge.results.all()] == [("Anna Holm", 1)]
