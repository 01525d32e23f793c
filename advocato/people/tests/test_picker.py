"""The people picker (issue 16): one field wherever a person is chosen, a select grouped by
department with namesakes told apart when there is no JavaScript, and a JSON search by name,
e-mail address or department that finds only whom the page could list."""

import pytest
from django.urls import reverse

from advocato.conftest import make_employee
from advocato.people import picker
from advocato.people.models import Employee, Ranking
from advocato.rewards.forms import KudosForm

pytestmark = pytest.mark.django_db


@pytest.fixture
def company(advocate):
    return {
        "anna_sales": advocate,  # Anna Holm, Sales
        "anna_it": make_employee("anna.holm@example.com", name="Anna Holm", department="IT"),
        "bo": make_employee("bo@example.com", name="Bo Berg", department="Finance"),
        "out": make_employee(
            "zelda@example.com", name="Zelda Quist", department="IT", ranking=Ranking.OUT
        ),
    }


def test_the_select_groups_by_department_and_tells_namesakes_apart(company):
    html = str(KudosForm(giver=company["bo"])["receiver"])
    assert '<optgroup label="IT">' in html and '<optgroup label="Sales">' in html
    # Two Anna Holms: each shown with her address (before: two identical "Anna Holm").
    assert "Anna Holm (anna@example.com)" in html
    assert "Anna Holm (anna.holm@example.com)" in html
    assert "Zelda" not in html  # left rankings: not offered
    assert "Bo Berg" not in html  # not oneself
    assert 'data-person-picker="colleagues"' in html
    assert f'data-search-url="{reverse("people:search")}"' in html


def test_kudos_still_post_the_chosen_person(client, company):
    client.force_login(company["bo"].user)
    client.post(
        reverse("rewards:kudos"),
        {"receiver": company["anna_it"].pk, "message": "Thanks for the demo"},
    )
    assert company["anna_it"].kudos_received.count() == 1


@pytest.mark.parametrize(
    ("query", "found"),
    [("anna", ["anna@example.com", "anna.holm@example.com"]), ("holm@", ["anna.holm@example.com"]),
     ("sales", ["anna@example.com"]), ("anna it", ["anna.holm@example.com"]), ("zelda", [])],
)  # fmt: skip
def test_search_by_name_email_or_department(client, company, query, found):
    client.force_login(company["bo"].user)
    response = client.get(reverse("people:search"), {"scope": "colleagues", "q": query})
    assert response.status_code == 200
    results = response.json()["results"]
    assert sorted(r["email"] for r in results) == sorted(found)
    assert all({"id", "name", "department", "email"} <= set(r) for r in results)


def test_search_keeps_to_what_the_viewer_may_find(client, company, admin):
    client.force_login(company["bo"].user)
    refused = client.get(reverse("people:search"), {"scope": "everyone", "q": "zelda"})
    assert refused.status_code == 403 and "error" in refused.json()
    assert client.get(reverse("people:search"), {"scope": "bogus"}).status_code == 403
    client.force_login(admin.user)
    # The admin's scope (a person's manager) finds everyone active, whatever their choice.
    found = client.get(reverse("people:search"), {"scope": "everyone", "q": "zelda"}).json()
    assert [r["name"] for r in found["results"]] == ["Zelda Quist"]
    Employee.objects.filter(pk=company["out"].pk).update(is_active=False)
    assert picker.search("everyone", admin, "zelda") == []


def test_search_needs_a_signed_in_person(client, company):
    response = client.get(reverse("people:search"), {"q": "anna"})
    assert response.status_code in {302, 403}
    assert b"anna@example.com" not in response.content
