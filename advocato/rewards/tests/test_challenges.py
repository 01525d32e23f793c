"""Challenges: live progress for the audience, settled automatically once the last company day
is over, ties broken by who reached the score first; the monthly top-10 badge; the worker's
periodic tasks."""

from datetime import UTC, date, datetime

import pytest
from django.urls import reverse

from advocato.people.models import Group
from advocato.rewards import services, tasks
from advocato.rewards.conftest import make_click, make_item, make_share
from advocato.rewards.models import BadgeAward, Challenge, PointEntry

pytestmark = pytest.mark.django_db


@pytest.fixture
def march(db, curator):
    return Challenge.objects.create(
        title="Most recruitment clicks in March",
        metric="clicks",
        goal="recruitment",
        starts_on=date(2026, 3, 1),
        ends_on=date(2026, 3, 31),
        prize="Dinner",
        winners=2,
        created_by=curator,
    )


def test_ties_go_to_who_reached_the_score_first(march, advocate, advocate_engineering, manager):
    jobs = make_item("Jobs", goal="recruitment")
    news = make_item("News", goal="awareness")
    anna = make_share(advocate, jobs, at=datetime(2026, 3, 2, 9, tzinfo=UTC))
    lars = make_share(advocate_engineering, jobs, at=datetime(2026, 3, 2, 9, tzinfo=UTC))
    other = make_share(manager, news, at=datetime(2026, 3, 2, 9, tzinfo=UTC))
    make_click(anna, at=datetime(2026, 3, 5, 9, tzinfo=UTC))
    make_click(anna, at=datetime(2026, 3, 20, 9, tzinfo=UTC))  # Anna's second: later
    make_click(lars, at=datetime(2026, 3, 6, 9, tzinfo=UTC))
    make_click(lars, at=datetime(2026, 3, 9, 9, tzinfo=UTC))  # Lars got to 2 first
    make_click(lars, at=datetime(2026, 4, 1, 9, tzinfo=UTC))  # April: outside
    for _ in range(5):
        make_click(other, at=datetime(2026, 3, 10, 9, tzinfo=UTC))  # not recruitment content
    services.fold(now=datetime(2026, 4, 2, tzinfo=UTC))
    rows = services.challenge_standings(march)
    assert [(r.name, r.value) for r in rows] == [("Lars Berg", 2), ("Anna Holm", 2)]

    # Still the 31st in Copenhagen at 22:30 UTC: not settled yet.
    assert services.settle_challenges(now=datetime(2026, 3, 31, 21, 30, tzinfo=UTC)) == 0
    assert services.settle_challenges(now=datetime(2026, 3, 31, 22, 30, tzinfo=UTC)) == 1
    assert services.settle_challenges(now=datetime(2026, 4, 3, tzinfo=UTC)) == 0
    march.refresh_from_db()
    assert march.status == "settled"
    assert [(w.place, w.employee.name, w.score) for w in march.results.all()] == [
        (1, "Lars Berg", 2),
        (2, "Anna Holm", 2),
    ]


def test_audience_sees_live_progress_others_do_not(client, march, advocate, advocate_engineering):
    group = Group.objects.create(name="Recruiting ambassadors")
    march.groups.add(group)
    advocate.groups.add(group)
    share = make_share(advocate, make_item(goal="recruitment"), at=datetime(2026, 3, 2, tzinfo=UTC))
    make_click(share, at=datetime(2026, 3, 3, tzinfo=UTC))
    services.fold()
    client.force_login(advocate.user)
    page = client.get(reverse("rewards:challenge", args=[march.pk])).content.decode()
    assert "place 1, 1" in page
    assert "Most recruitment clicks" in client.get(reverse("rewards:challenges")).content.decode()
    client.force_login(advocate_engineering.user)
    assert client.get(reverse("rewards:challenge", args=[march.pk])).status_code == 404
    assert "Most recruitment" not in client.get(reverse("rewards:challenges")).content.decode()


def test_top_ten_of_a_month_badge_once_the_month_is_over(advocate, advocate_engineering, org):
    make_share(advocate, make_item(), at=datetime(2026, 2, 10, 9, tzinfo=UTC))
    services.fold(now=datetime(2026, 2, 20, tzinfo=UTC))
    assert not BadgeAward.objects.filter(badge="top10_month").exists()
    services.fold(now=datetime(2026, 3, 1, 12, tzinfo=UTC))
    award = BadgeAward.objects.get(badge="top10_month")
    assert award.employee == advocate and award.detail == "2026-02"


def test_the_workers_periodic_tasks_fold_and_settle(march, advocate):
    make_share(advocate, make_item())
    tasks.fold_points()  # immediate mode in tests: runs now
    assert PointEntry.objects.filter(employee=advocate, kind="share").exists()
    tasks.settle_challenges()
    march.refresh_from_db()
    assert march.status == "settled" and march.settled_at is not None
