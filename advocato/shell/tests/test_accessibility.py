"""Every page, for every role that may open it, passes axe with no serious or critical
violation and does not scroll sideways — on a phone, and for the admin (who may open nearly
every page, and has the longest menu) and visitors who are not signed in also on a desktop
screen. The pages come from the URL configuration, not
from a list kept by hand: a view's `access` (role_required / employee_required / public) says
who may open it, and a new URL that is neither visited nor skipped (walk.py), with its
reason, fails the test."""

from __future__ import annotations

import re

import pytest
from django.urls import get_resolver, reverse

from advocato.conftest import PASSWORD

from .walk import (
    ANONYMOUS,
    DOWNLOAD,
    JSON,
    POST,
    REDIRECT,
    ROLES,
    SCREENS,
    SKIPPED,
    _walk,
    plan,
    sign_in,
)


def serious_violations(page) -> list[str]:
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    return [
        f"{v['id']}: {v['help']} ({len(v['nodes'])}×: "
        + " | ".join(n["target"][0] if n["target"] else "?" for n in v["nodes"][:3])
        + ")"
        for v in results.response["violations"]
        if v["impact"] in {"serious", "critical"}
    ]


def test_every_url_is_visited_or_skipped(dataset):
    """The walk cannot rot: a new URL is either visited (a view with `access`, its
    parameters given objects in `dataset`) or skipped with its reason."""
    _personas, objects = dataset
    visits, unaccounted = plan(objects)
    assert unaccounted == [], (
        "URLs neither visited nor skipped (give a view's parameters an object in `dataset`, "
        "or add it to SKIPPED with the reason):\n" + "\n".join(unaccounted)
    )
    assert set(visits) == {ANONYMOUS, *ROLES}
    assert len(visits["admin"]) > 50 and len(visits["advocate"]) > 20


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_every_page_for_every_role_passes_axe(browser, live_server, dataset):
    from django.db import connection

    if connection.vendor != "sqlite":
        # Two minutes of CI per database for the same markup: the walk runs once, on SQLite.
        pytest.skip("the accessibility walk runs on SQLite only (the pages are the same)")
    personas, objects = dataset
    visits, _unaccounted = plan(objects)  # complete: see the test above
    base = live_server.url
    found: dict[str, list[str]] = {}
    for role, screen in SCREENS:
        context = browser.new_context(locale="en-GB", viewport=screen)
        page = context.new_page()
        if role != ANONYMOUS:
            sign_in(page, base, personas[role])
        for path in visits[role]:
            response = page.goto(base + path)
            if "/accounts/reauthenticate/?" in page.url:
                # Setting up two-factor first asks for the password again.
                page.fill("input[name=password]", PASSWORD)
                with page.expect_navigation():
                    page.locator("main form button[type=submit]").first.click()
                response = page.goto(base + path)
            where = f"{role} {path} ({screen['width']} px)"
            # The page itself, not an error or a redirect to some other page.
            if response.status != 200 or page.url.split("?")[0] != base + path:
                found[where] = [f"answered {response.status} at {page.url}"]
                continue
            # What people can unfold (the menu, "How is this counted?") is checked too.
            page.evaluate("document.querySelectorAll('details').forEach(d => d.open = true)")
            problems = serious_violations(page)
            # Nothing wider than the screen (WCAG's reflow): wide tables scroll in their box.
            width = page.evaluate("document.documentElement.scrollWidth")
            if width > screen["width"]:
                problems.append(f"{width} px wide: it scrolls sideways")
            if problems:
                found[where] = problems
        context.close()
    assert found == {}, "\n".join(f"{k}:\n  " + "\n  ".join(v) for k, v in found.items())


@pytest.mark.django_db
def test_skipped_urls_are_not_pages(client, dataset, settings, tmp_path):
    """What the skip list says of a URL is so: a GET is refused (actions and JSON take POST
    only), answers a file, or redirects — so no page hides in it."""
    from advocato.analytics import evaluation
    from advocato.links.models import TrackedLink

    personas, _objects = dataset
    settings.MEDIA_ROOT = tmp_path
    (tmp_path / "pixel.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    year, quarter = evaluation.recent_quarters()[0]
    minted = TrackedLink.objects.order_by("-pk").first()
    assert minted is not None
    samples = {
        "links:follow": (minted.code,),
        "analytics:export": ("kpis", "csv"),
        "analytics:evaluation_pdf": (year, quarter),
        "media": ("pixel.png",),
        "analytics:history_sample": ("clicks",),
    }
    client.force_login(personas["admin"].user)  # admins may open every page
    wrong = []
    for route, name, _view in _walk(get_resolver()):
        kind, _reason = SKIPPED.get(name, (None, ""))
        if kind not in {POST, JSON, DOWNLOAD, REDIRECT}:
            continue
        # Actions refuse a GET before they look anything up, so any id will do for them.
        parameters = re.findall(r"<(?:(\w+):)?\w+>", route)
        args = samples.get(name) or [1 if c == "int" else "mastodon" for c in parameters]
        response = client.get(reverse(name, args=args))
        given = response.get("Content-Type", "")
        if kind in {POST, JSON} and response.status_code != 405:
            wrong.append(f"{name} ({kind}): GET answered {response.status_code}")
        if kind == DOWNLOAD and (response.status_code != 200 or given.startswith("text/html")):
            wrong.append(f"{name} ({kind}): GET answered {response.status_code} {given}")
        if kind == REDIRECT and response.status_code not in {301, 302, 303}:
            wrong.append(f"{name} ({kind}): GET answered {response.status_code}")
    assert wrong == []
