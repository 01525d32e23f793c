"""Who sees what, and in which words."""

from datetime import timedelta

import pytest
from django.utils import timezone

from advocato.conftest import make_employee
from advocato.content import services
from advocato.content.models import ContentItem, ContentVariant, Status, SuggestedText
from advocato.people import services as people
from advocato.people.models import Group

pytestmark = pytest.mark.django_db


def published(title="Item", language="en", **fields):
    fields.setdefault("published_at", timezone.now())
    return ContentItem.objects.create(
        title=title, language=language, status=Status.PUBLISHED, **fields
    )


def titles(employee):
    return {item.title for item in services.feed_for(employee)}


def test_everyone_sees_an_item_for_everyone(advocate, advocate_engineering):
    published("All hands")
    assert titles(advocate) == titles(advocate_engineering) == {"All hands"}


def test_only_the_targeted_department_sees_it(advocate, advocate_engineering):
    item = published("For sales", target_everyone=False)
    item.departments.set([advocate.department])
    assert titles(advocate) == {"For sales"}
    assert titles(advocate_engineering) == set()


def test_within_a_kind_any_across_kinds_all(advocate, advocate_engineering):
    oslo = people.location_named("Oslo")
    advocate.location = oslo
    advocate.save()
    item = published("Sales or Engineering, in Oslo", target_everyone=False)
    item.departments.set([advocate.department, advocate_engineering.department])
    item.locations.set([oslo])
    assert titles(advocate) == {"Sales or Engineering, in Oslo"}
    assert titles(advocate_engineering) == set()  # Engineering, but not in Oslo


def test_groups_and_roles(advocate, manager, advocate_engineering):
    ambassadors = Group.objects.create(name="Ambassadors")
    advocate_engineering.groups.add(ambassadors)
    by_group = published("Ambassadors only", target_everyone=False)
    by_group.groups.set([ambassadors])
    by_role = published("Managers only", target_everyone=False)
    by_role.set_roles(["manager"])
    by_role.save()
    assert titles(advocate_engineering) == {"Ambassadors only"}
    assert titles(manager) == {"Managers only"}
    assert titles(advocate) == set()


def test_team_targeting(db):
    sales = people.department_named("Sales")
    nordics, partners = people.team_named("Nordics", sales), people.team_named("Partners", sales)
    a = make_employee("a@example.com", department="Sales", team=nordics)
    b = make_employee("b@example.com", department="Sales", team=partners)
    item = published("Nordics team", target_everyone=False)
    item.teams.set([nordics])
    assert titles(a) == {"Nordics team"} and titles(b) == set()


def test_unpublished_future_and_expired_items_are_hidden(advocate):
    now = timezone.now()
    published("Live")
    published("Later", publish_at=now + timedelta(hours=1))
    published("Gone", expire_at=now - timedelta(minutes=1))
    ContentItem.objects.create(title="Draft", status=Status.DRAFT)
    ContentItem.objects.create(title="Waiting", status=Status.IN_REVIEW)
    assert titles(advocate) == {"Live"}


def test_featured_first_then_newest(advocate):
    now = timezone.now()
    published("Old", published_at=now - timedelta(days=3))
    published("New", published_at=now)
    published("Featured old", featured=True, published_at=now - timedelta(days=9))
    assert [i.title for i in services.feed_for(advocate)] == ["Featured old", "New", "Old"]


def test_filters_and_search_find_translations(advocate):
    item = published("Wind farm opens", goal="awareness")
    ContentVariant.objects.create(item=item, language="da", title="Vindmøllepark åbner")
    published("We are hiring", goal="recruitment")
    assert {i.title for i in services.feed_for(advocate, goal="recruitment")} == {"We are hiring"}
    assert {i.title for i in services.feed_for(advocate, query="vindmølle")} == {"Wind farm opens"}


@pytest.mark.parametrize(
    ("reader", "available", "expected"),
    [
        ("da", {"en", "da", "nb"}, "da"),
        ("da", {"en", "nb"}, "nb"),  # Danes read Norwegian before English
        ("nb", {"en", "da"}, "da"),
        ("nb", {"en"}, "en"),
        ("en", {"da", "nb"}, "da"),  # the item's own language when there is no English
    ],
)
def test_language_fallback(reader, available, expected):
    own = "da" if "da" in available else sorted(available)[0]
    item = published(f"title-{own}", language=own)
    for code in available - {own}:
        ContentVariant.objects.create(item=item, language=code, title=f"title-{code}")
        SuggestedText.objects.create(item=item, network="x", language=code, text=f"x-{code}")
    SuggestedText.objects.create(item=item, network="x", language=own, text=f"x-{own}")
    item = ContentItem.objects.prefetch_related("variants", "texts").get(pk=item.pk)
    assert services.localise(item, reader).title == f"title-{expected}"
    assert services.suggested_texts(item, reader)["x"] == f"x-{expected}"
