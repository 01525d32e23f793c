"""Who sees whose results by name: the organisation's setting × each person's own choice."""

import pytest
from django.urls import reverse

from advocato.conftest import make_employee
from advocato.core.models import Organisation
from advocato.people.models import Employee, Ranking
from advocato.people.privacy import can_name, listed, managed_ids, nameable, ranked


@pytest.fixture
def line(db, admin, analyst):
    """A manager with a direct report, who has a report of her own; and a colleague elsewhere."""
    boss = make_employee("boss@example.com", role="manager", department="Sales")
    mid = make_employee("mid@example.com", department="Sales", manager=boss)
    low = make_employee("low@example.com", department="Sales", manager=mid)
    other = make_employee("other@example.com", department="Engineering")
    return {"admin": admin, "analyst": analyst, "boss": boss, "mid": mid, "low": low,
            "other": other}  # fmt: skip


def set_policy(value: str) -> None:
    Organisation.objects.filter(pk=Organisation.get().pk).update(individual_results=value)


def visible(viewer) -> set[str]:
    return set(Employee.objects.filter(nameable(viewer)).values_list("email", flat=True)) - {
        "curator@example.com"
    }


def test_the_reporting_line_is_followed_down_however_deep(line):
    assert managed_ids(line["boss"]) == {line["mid"].pk, line["low"].pk}
    assert managed_ids(line["low"]) == set()


@pytest.mark.parametrize(
    ("policy", "viewer", "sees"),
    [
        ("everyone", "other", {"boss", "mid", "low", "other", "admin", "analyst"}),
        ("managers", "other", {"other"}),
        ("managers", "boss", {"boss", "mid", "low"}),
        ("managers", "mid", {"mid", "low"}),
        ("managers", "analyst", {"boss", "mid", "low", "other", "admin", "analyst"}),
        ("self", "boss", {"boss"}),
        ("self", "analyst", {"analyst"}),
    ],
)
def test_the_organisation_decides_who_is_named_to_whom(line, policy, viewer, sees):
    set_policy(policy)
    expected = {line[name].email for name in sees}
    assert visible(line[viewer]) == expected
    # The single-pair rule agrees with the set form.
    for subject in line.values():
        assert can_name(line[viewer], subject) == (subject.email in expected)


def test_a_person_can_show_only_their_own_rank_or_leave_rankings(line):
    Employee.objects.filter(pk=line["low"].pk).update(ranking=Ranking.OWN)
    Employee.objects.filter(pk=line["mid"].pk).update(ranking=Ranking.OUT)
    low, mid = (Employee.objects.get(pk=line[n].pk) for n in ("low", "mid"))
    assert not can_name(line["boss"], low)
    assert not can_name(line["boss"], mid)
    assert can_name(low, low) and can_name(mid, mid)
    in_rankings = set(Employee.objects.filter(ranked(line["boss"])).values_list("pk", flat=True))
    assert low.pk in in_rankings and mid.pk not in in_rankings
    # Left out of rankings for herself too (issue 16), but still finds herself in pickers.
    assert mid.pk not in set(Employee.objects.filter(ranked(mid)).values_list("pk", flat=True))
    assert mid.pk in set(Employee.objects.filter(listed(mid)).values_list("pk", flat=True))


def test_nobody_is_named_to_an_anonymous_viewer(line):
    assert not can_name(None, line["low"])
    assert not Employee.objects.filter(nameable(None)).exists()


def test_the_advocate_sets_their_choice_on_the_profile(login, advocate):
    response = login(advocate).post(
        reverse("shell:profile"),
        {"name": "Anna Holm", "title": "", "language": "da", "ui_language": "",
         "time_zone": "Europe/Copenhagen", "ranking": "own"},
    )  # fmt: skip
    assert response.status_code == 302
    advocate.refresh_from_db()
    assert advocate.ranking == Ranking.OWN


def test_a_made_up_choice_is_refused(login, advocate):
    response = login(advocate).post(
        reverse("shell:profile"),
        {"name": "Anna Holm", "title": "", "language": "da", "ui_language": "",
         "time_zone": "Europe/Copenhagen", "ranking": "famous"},
    )  # fmt: skip
    assert response.status_code == 200
    assert "ranking" in response.context["form"].errors
    advocate.refresh_from_db()
    assert advocate.ranking == Ranking.NAMED
