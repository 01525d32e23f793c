"""No page is wider than the window — on a 1,280 px desk and a 390 px phone, for every role,
in every language (Danish and Norwegian words are longer). The navigation is a few menus by
purpose, not two dozen links in a row."""

from __future__ import annotations

import pytest
from django.urls import reverse

from .walk import ANONYMOUS, ROLES, plan, sign_in

LANGUAGES = {"en": "en-GB", "da": "da-DK", "nb": "nb-NO"}
WIDTHS = [1280, 390]


@pytest.mark.django_db
def test_navigation_is_a_few_menus_by_purpose(client, personas):
    from advocato.shell.context_processors import navigation_for

    admin = navigation_for(personas["admin"], reverse("shell:my_data"))
    assert len(admin) <= 5
    labels = [link["label"] for group in admin for link in group["links"]]
    assert len(labels) == len(set(labels))
    # One's own pages sit together, apart from the admin's tools.
    me = admin[0]
    assert {link["url"] for link in me["links"]} >= {
        reverse("sharing:mine"), reverse("analytics:scorecard"), reverse("rewards:points")
    }  # fmt: skip
    assert reverse("people:list") not in {link["url"] for link in me["links"]}
    # The longest matching address is the current page: My data, not Profile at /me/.
    current = [link["url"] for group in admin for link in group["links"] if link["current"]]
    assert current == [reverse("shell:my_data")] and me["current"]
    # An advocate has no Content, Results or Admin menu.
    advocate = navigation_for(personas["advocate"], "/")
    assert [str(group["label"]) for group in advocate] == ["Me", "Programme"]
    # The page carries the menus as <details>, which open without JavaScript.
    client.force_login(personas["admin"].user)
    html = client.get(reverse("home")).content.decode()
    assert html.count('<details class="nav-group"') == len(admin)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_no_page_is_wider_than_the_window(browser, live_server, dataset):
    from django.db import connection

    if connection.vendor != "sqlite":
        pytest.skip("the width walk runs on SQLite only (the pages are the same)")
    personas, objects = dataset
    visits, _unaccounted = plan(objects)  # complete: see test_accessibility.py
    base = live_server.url
    too_wide = []
    for language, locale in LANGUAGES.items():
        for role in [ANONYMOUS, *ROLES]:
            # The browser's language picks the page's (no one has chosen one of their own).
            context = browser.new_context(
                locale=locale, viewport={"width": WIDTHS[0], "height": 800}
            )
            page = context.new_page()
            if role != ANONYMOUS:
                sign_in(page, base, personas[role])
            for path in visits[role]:
                page.set_viewport_size({"width": WIDTHS[0], "height": 800})
                page.goto(base + path, wait_until="domcontentloaded")
                if "/accounts/reauthenticate/" in page.url:
                    continue  # two-factor set-up asks for the password again: axe walk's job
                assert page.evaluate("document.documentElement.lang") == language, path
                for width in WIDTHS:
                    page.set_viewport_size({"width": width, "height": 800})
                    scroll = page.evaluate("document.documentElement.scrollWidth")
                    if scroll > width:
                        too_wide.append(f"{language} {role} {path} at {width} px: {scroll} px")
            context.close()
    assert too_wide == [], "\n".join(too_wide)
