"""The pages people open most cost the same number of SQL queries with a little data as with a
lot: no page runs a query per row it lists or counts (an N+1 grows silently until a big
company's pages crawl)."""

from __future__ import annotations

import re
from collections import Counter
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from .conftest import grow

LITTLE, LOT = 3, 40

# (page, url name, who opens it, which object the url needs). Home and the scorecard twice:
# an admin's home adds the adoption funnel and departments, a manager's scorecard their team.
PAGES = [
    ("home", "home", "advocate", None),
    ("home-admin", "home", "admin", None),
    ("feed", "content:feed", "advocate", None),
    ("item", "content:item", "advocate", "item"),
    # Shows one item and one network's text, so the page itself does not get longer; the
    # shares of that item, the other items and the clicks around it still grow.
    ("composer", "sharing:compose", "advocate", "item"),
    ("my-shares", "sharing:mine", "advocate", None),
    ("scorecard", "analytics:scorecard", "advocate", None),
    ("scorecard-manager", "analytics:scorecard", "manager", None),
    ("leaderboard", "rewards:leaderboard", "advocate", None),
    ("programme-dashboard", "analytics:dashboard", "analyst", None),
    ("content-performance", "analytics:content", "analyst", None),
    ("best-time", "analytics:best_time", "analyst", None),
    ("people-list", "people:list", "admin", None),
    ("review-queue", "content:review", "curator", None),
    ("library", "content:library", "curator", None),
    ("rewards", "rewards:catalogue", "advocate", None),
    ("audit-log", "shell:audit", "admin", None),
]


@pytest.fixture(autouse=True)
def _midmonth():
    """A Wednesday noon mid-month and mid-quarter, so the data of the last hours is in this
    week, month and quarter on whatever day the test runs (leaderboards count by month)."""
    noon = datetime(2026, 5, 13, 12, tzinfo=ZoneInfo("Europe/Copenhagen"))
    with time_machine.travel(noon, tick=True):
        yield


def _shape(sql: str) -> str:
    """The query without its values, so the same query for another row reads the same."""
    sql = re.sub(r"'[^']*'", "?", sql)
    sql = re.sub(r"\b\d+(\.\d+)?\b", "?", sql)
    return re.sub(r"\(\?(, \?)*\)", "(…)", sql)


def _grown(little: list[str], lot: list[str]) -> str:
    before, after = Counter(map(_shape, little)), Counter(map(_shape, lot))
    return "\n".join(
        f"  {before[shape]} → {count}×  {shape[:300]}"
        for shape, count in after.items()
        if count != before[shape]
    )


def _render(client, url) -> tuple[list[str], str]:
    client.get(url)  # once to warm per-process caches (translations, content types)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, url
    return [q["sql"] for q in captured.captured_queries], response.content.decode()


@pytest.mark.parametrize(("page", "name", "role", "needs"), PAGES, ids=[p[0] for p in PAGES])
def test_page_costs_the_same_queries_with_more_data(client, world, page, name, role, needs):
    grow(world, LITTLE)
    item = world.items[0]  # for Sales only: the advocate's department
    url = reverse(name, args=[item.pk]) if needs == "item" else reverse(name)
    client.force_login(getattr(world, role).user)
    little, little_html = _render(client, url)

    grow(world, LOT - LITTLE)
    lot, lot_html = _render(client, url)

    if page != "composer":  # the page really lists or counts more, or the comparison is moot
        assert len(lot_html) > len(little_html), f"{page} shows no more with more data"

    if len(lot) != len(little):
        pytest.fail(
            f"{page} ({url} as {role}): {len(little)} queries with {LITTLE} of everything, "
            f"{len(lot)} with {LOT}. Queries whose count changed:\n{_grown(little, lot)}",
            pytrace=False,
        )
