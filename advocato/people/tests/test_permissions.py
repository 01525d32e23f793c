"""Roles are enforced on every page: each role × each page is either allowed or 403."""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from advocato.people.models import Group, InviteImport

ROLES = ["admin", "curator", "manager", "analyst", "advocate"]

# (url name, needs an object, the roles that may open it)
PAGES = [
    ("home", None, ROLES),
    ("shell:profile", None, ROLES),
    ("shell:settings", None, ["admin"]),
    ("shell:audit", None, ["admin"]),
    ("people:list", None, ["admin"]),
    ("people:invite", None, ["admin"]),
    ("people:import", None, ["admin"]),
    ("people:import_template", None, ["admin"]),
    ("people:import_report", "import", ["admin"]),
    ("people:detail", "employee", ["admin"]),
    ("people:groups", None, ["admin"]),
    ("people:group_edit", "group", ["admin"]),
    ("analytics:team", None, ["admin", "manager"]),
    ("analytics:adoption", None, ["admin", "analyst"]),
    ("content:feed", None, ROLES),
    ("content:item", "published", ROLES),
    ("content:suggest", None, ROLES),
    ("content:library", None, ["admin", "curator"]),
    ("content:new", None, ["admin", "curator"]),
    ("content:edit", "item", ["admin", "curator"]),
    ("content:review", None, ["admin", "curator"]),
    ("content:sources", None, ["admin", "curator"]),
    ("content:source", "source", ["admin", "curator"]),
    ("sharing:mine", None, ROLES),
    ("sharing:compose", "published", ROLES),
    ("sharing:item_results", "published", ["admin", "curator", "analyst"]),
]
POSTS = [
    ("people:resend", ["admin"]),
    ("people:revoke", ["admin"]),
    ("people:set_active", ["admin"]),
]


def _url(name, needs, objects):
    if needs is None:
        return reverse(name)
    return reverse(name, args=[objects[needs].pk])


@pytest.fixture
def objects(personas):
    from django.utils import timezone

    from advocato.content.models import ContentItem, FeedSource

    return {
        "employee": personas["advocate_engineering"],
        "group": Group.objects.create(name="Ambassadors"),
        "import": InviteImport.objects.create(uploaded_by=personas["admin"], filename="x.csv"),
        "item": ContentItem.objects.create(title="Draft"),
        "published": ContentItem.objects.create(
            title="Live", status="published", published_at=timezone.now()
        ),
        "source": FeedSource.objects.create(name="Blog", url="https://blog.example/feed"),
    }


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("name", "needs", "allowed"), PAGES, ids=[p[0] for p in PAGES])
def test_each_role_gets_each_page_or_403(client, personas, objects, role, name, needs, allowed):
    client.force_login(personas[role].user)
    response = client.get(_url(name, needs, objects))
    assert response.status_code == (200 if role in allowed else 403)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("name", "allowed"), POSTS, ids=[p[0] for p in POSTS])
def test_each_role_may_or_may_not_post_actions(client, personas, role, name, allowed):
    target = personas["advocate_engineering"]
    client.force_login(personas[role].user)
    response = client.post(reverse(name, args=[target.pk]), {"active": "1"})
    assert response.status_code == (302 if role in allowed else 403)


@pytest.mark.parametrize(("name", "needs", "allowed"), PAGES, ids=[p[0] for p in PAGES])
def test_anonymous_visitors_are_sent_to_sign_in(client, objects, name, needs, allowed):
    response = client.get(_url(name, needs, objects))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_deactivated_employee_is_refused(client, advocate):
    advocate.is_active = False
    advocate.save()
    client.force_login(advocate.user)
    assert client.get(reverse("home")).status_code == 403


def test_403_page_says_why_in_words(client, advocate):
    client.force_login(advocate.user)
    response = client.get(reverse("people:list"))
    assert response.status_code == 403
    assert "not part of your role" in response.content.decode()


def test_navigation_shows_only_the_pages_of_the_role(client, personas):
    client.force_login(personas["advocate"].user)
    html = client.get(reverse("home")).content.decode()
    assert reverse("people:list") not in html
    client.force_login(personas["admin"].user)
    html = client.get(reverse("home")).content.decode()
    assert reverse("people:list") in html and reverse("shell:audit") in html


def _walk(resolver, prefix=""):
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            yield from _walk(entry, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            yield prefix + str(entry.pattern), entry.callback


def test_every_view_declares_its_access():
    """A new page cannot ship without saying who may open it."""
    missing = [
        route
        for route, view in _walk(get_resolver())
        if view.__module__.startswith("advocato.") and not hasattr(view, "access")
    ]
    assert missing == []
    assert len([1 for _r, v in _walk(get_resolver()) if v.__module__.startswith("advocato.")]) > 10
