"""Leaderboards: order, ties, periods across the year boundary and in the company's time
zone, scopes, and privacy (the company's setting and each person's choice)."""

from datetime import UTC, date, datetime

import pytest
from django.urls import reverse

from advocato.core.models import Organisation
from advocato.people.models import Ranking
from advocato.rewards import leaderboards, services
from advocato.rewards.conftest import make_item, make_share
from advocato.rewards.models import Metric

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(db, org):
    from advocato.conftest import make_employee

    names = ["Ada", "Bo", "Cai", "Dan"]
    return {n: make_employee(f"{n.lower()}@example.com", name=n, department="Sales") for n in names}


def shares(employee, n, at):
    for _ in range(n):
        make_share(employee, make_item(), at=at)


def board(viewer, anchor, kind="month", metric=Metric.POINTS, **kw):
    return leaderboards.board(viewer, anchor, kind, metric, **kw)


def test_order_and_ties_share_a_place(people):
    at = datetime(2026, 10, 14, 9, tzinfo=UTC)
    shares(people["Ada"], 3, at)
    shares(people["Bo"], 2, at)
    shares(people["Cai"], 2, at)
    shares(people["Dan"], 1, at)
    services.fold()
    result = board(people["Dan"], date(2026, 10, 1))
    assert [(r.name, r.place, r.value) for r in result.rows] == [
        ("Ada", "1", 30),
        ("Bo", "=2", 20),
        ("Cai", "=2", 20),
        ("Dan", "4", 10),
    ]
    assert result.me.place == "4" and result.total == 80
    by_shares = board(people["Dan"], date(2026, 10, 1), metric=Metric.SHARES)
    assert [r.value for r in by_shares.rows] == [3, 2, 2, 1]


def test_periods_across_the_year_boundary(people):
    shares(people["Ada"], 2, datetime(2026, 12, 30, 10, tzinfo=UTC))  # Wednesday
    shares(people["Bo"], 3, datetime(2027, 1, 2, 10, tzinfo=UTC))  # Saturday, same ISO week
    services.fold(now=datetime(2027, 1, 5, tzinfo=UTC))
    week = board(people["Ada"], date(2027, 1, 1), "week")
    assert week.period.first == date(2026, 12, 28) and week.period.last == date(2027, 1, 3)
    assert [(r.name, r.value) for r in week.rows] == [("Bo", 30), ("Ada", 20)]
    december = board(people["Ada"], date(2026, 12, 31), "month")
    assert [(r.name, r.value) for r in december.rows] == [("Ada", 20)]
    q1 = board(people["Ada"], date(2027, 2, 1), "quarter")
    assert q1.period.first == date(2027, 1, 1) and [r.name for r in q1.rows] == ["Bo"]
    q4 = board(people["Ada"], date(2026, 11, 1), "quarter")
    assert [r.name for r in q4.rows] == ["Ada"]
    assert week.period.previous().last == date(2026, 12, 27)
    everything = board(people["Ada"], date(2027, 1, 1), "all")
    assert everything.total == 50


def test_the_company_time_zone_decides_the_day(people, org):
    # 23:30 UTC on New Year's Eve is already January in Copenhagen.
    make_share(people["Ada"], make_item(), at=datetime(2026, 12, 31, 23, 30, tzinfo=UTC))
    services.fold(now=datetime(2027, 1, 2, tzinfo=UTC))
    assert board(people["Ada"], date(2027, 1, 1)).total == 10
    assert board(people["Ada"], date(2026, 12, 1)).total == 0
    # A company on UTC counts it in December (scores are rebuilt after the change).
    org.time_zone = "UTC"
    org.save()
    services.rebuild_scores()
    assert board(people["Ada"], date(2026, 12, 1)).total == 10
    assert board(people["Ada"], date(2027, 1, 1)).total == 0
    # And one in New York: still the 31st at 18:30.
    org.time_zone = "America/New_York"
    org.save()
    services.rebuild_scores()
    assert board(people["Ada"], date(2026, 12, 1)).total == 10


def test_scopes_department_team_group(people, advocate_engineering):
    from advocato.people.models import Group

    at = datetime(2026, 10, 14, 9, tzinfo=UTC)
    shares(people["Ada"], 1, at)
    shares(advocate_engineering, 2, at)
    group = Group.objects.create(name="Ambassadors")
    people["Ada"].groups.add(group)
    services.fold()
    anchor = date(2026, 10, 1)
    company = board(people["Ada"], anchor)
    assert [r.name for r in company.rows] == ["Lars Berg", "Ada"]
    sales = board(people["Ada"], anchor, scope="department", scope_id=people["Ada"].department_id)
    assert [r.name for r in sales.rows] == ["Ada"]
    ambassadors = board(people["Bo"], anchor, scope="group", scope_id=group.pk)
    assert [r.name for r in ambassadors.rows] == ["Ada"]


def test_privacy_opt_out_own_rank_only_and_company_setting(people):
    at = datetime(2026, 10, 14, 9, tzinfo=UTC)
    for n, name in enumerate(["Ada", "Bo", "Cai", "Dan"]):
        shares(people[name], 4 - n, at)
    services.fold()
    anchor = date(2026, 10, 1)
    people["Ada"].ranking = Ranking.OUT  # leaves rankings
    people["Ada"].save()
    people["Bo"].ranking = Ranking.OWN  # only sees their own rank
    people["Bo"].save()

    seen_by_dan = board(people["Dan"], anchor)
    assert [(r.name, r.place) for r in seen_by_dan.rows] == [("Cai", "2"), ("Dan", "3")]
    assert seen_by_dan.participants == 3 and seen_by_dan.hidden == 1  # Bo: ranked, not named
    seen_by_bo = board(people["Bo"], anchor)
    assert seen_by_bo.me.place == "1" and [r.name for r in seen_by_bo.rows] == ["Bo", "Cai", "Dan"]
    # She asked to be left out: no place for her, not even shown to herself (was "1").
    seen_by_ada = board(people["Ada"], anchor)
    assert seen_by_ada.me is None and "Ada" not in [r.name for r in seen_by_ada.rows]
    assert seen_by_ada.participants == 3

    org = Organisation.get()
    org.individual_results = Organisation.Visibility.SELF
    org.save()
    only_me = board(people["Dan"], anchor)
    assert [r.name for r in only_me.rows] == ["Dan"] and only_me.me.place == "3"
    assert only_me.total == 3 * 10 + 2 * 10 + 10


def test_leaderboard_page_respects_privacy(client, people):
    at = datetime.now(UTC)
    shares(people["Ada"], 2, at)
    shares(people["Bo"], 1, at)
    services.fold()
    people["Ada"].ranking = Ranking.OWN
    people["Ada"].save()
    client.force_login(people["Bo"].user)
    html = client.get(reverse("rewards:leaderboard")).content.decode()
    assert "Ada" not in html and "data-my-rank>2<" in html
    assert "1 person is ranked but not shown by name" in html
    html = client.get(reverse("rewards:leaderboard") + "?period=bogus&by=nope&scope=team&id=x")
    assert html.status_code == 200


def test_who_left_rankings_is_not_ranked_on_her_own_pages(client, people):
    """Issue 16: she still saw herself ranked ("=2 of 27") after leaving rankings; the page
    says she is not ranked, and her scorecard's top list leaves her out too."""
    at = datetime.now(UTC)
    shares(people["Ada"], 2, at)
    shares(people["Bo"], 2, at)
    shares(people["Cai"], 1, at)
    services.fold()
    Employee = type(people["Ada"])
    Employee.objects.filter(pk=people["Ada"].pk).update(ranking=Ranking.OUT)
    client.force_login(people["Ada"].user)
    html = client.get(reverse("rewards:leaderboard")).content.decode()
    assert "data-my-rank>not ranked: you left rankings<" in html
    assert "data-me" not in html and "(you)" not in html
    card = client.get(reverse("analytics:scorecard"))
    assert card.status_code == 200
    assert 'class="me"' not in card.content.decode()
    own = client.get(reverse("analytics:scorecard_of", args=[people["Ada"].pk]))
    assert own.status_code == 200 and "Ada" in own.content.decode()


def test_team_kudos_lists_only_kudos_to_the_team(client, org, manager):
    """Issue 16: a team member's kudos to someone outside the team is not the team's kudos;
    neither is kudos to someone who left rankings shown with her name to others."""
    from advocato.conftest import make_employee

    inside = make_employee("in@example.com", name="Inga Inside", manager=manager)
    outsider = make_employee("out@example.com", name="Olga Outside")
    services.give_kudos(inside, outsider, "Thanks for the slides")
    services.give_kudos(outsider, inside, "Great demo")
    client.force_login(manager.user)
    html = client.get(reverse("rewards:team_kudos")).content.decode()
    assert "Great demo" in html
    assert "Thanks for the slides" not in html
    assert list(services.team_kudos(manager).values_list("message", flat=True)) == ["Great demo"]
