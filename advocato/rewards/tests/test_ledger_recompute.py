"""The ledger equals a recomputation from the events — written here independently of the fold
— whatever the events, caps, rule changes mid-period, batches the fold sees them in, replays
and reversals. Around the spring DST change in the company's time zone, so "a day" is 23 hours
once."""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from advocato.rewards import ledger, services
from advocato.rewards.conftest import make_click, make_conversion, make_item, make_share
from advocato.rewards.models import FoldState, PointEntry, RuleVersion

pytestmark = pytest.mark.django_db
TZ = ZoneInfo("Europe/Copenhagen")
# Saturday before the clocks go forward (29 March 2026, 02:00 → 03:00).
BASE = datetime(2026, 3, 27, 20, 0, tzinfo=UTC)


class Rollback(Exception):
    pass


event = st.tuples(
    st.sampled_from(["share", "click", "click", "click", "self", "conversion"]),
    st.integers(0, 1),  # employee
    st.integers(0, 2),  # item
    st.sampled_from(["linkedin", "x"]),
    st.integers(0, 72 * 60),  # minutes after BASE
    st.integers(0, 3),  # visitor
)
rule_change = st.tuples(
    st.integers(0, 72 * 60),
    st.integers(0, 4),  # click points
    st.integers(0, 3),  # click cap (0 = none)
    st.integers(1, 20),  # share points
    st.integers(0, 2),  # share cap
    st.integers(1, 40),  # lead points
)


def _price(n: int, multiplier: Decimal) -> int:
    return int((Decimal(n) * multiplier).to_integral_value(rounding=ROUND_HALF_UP))


def recompute(events, versions, items) -> dict[str, int]:
    """Points per source, straight from the rules as the issue states them."""
    expected: dict[str, int] = {}
    counted: dict[tuple, int] = defaultdict(int)
    shared: set = set()
    first_visit: dict[tuple, tuple] = {}
    for kind, obj, employee, item, network, at, visitor in sorted(
        events, key=lambda e: (e[5], e[1].pk, e[0])
    ):
        rules = [v for v in versions if v.effective_from <= at][-1]
        day = at.astimezone(TZ).date()
        if kind == "share":
            key = (employee, item.pk, network)
            if key in shared:
                expected[f"share:{obj.pk}"] = 0
                continue
            if rules.share_cap and counted[(employee, "share", day)] >= rules.share_cap:
                expected[f"share:{obj.pk}"] = 0
                continue
            shared.add(key)
            counted[(employee, "share", day)] += 1
            if item.points_override is not None:
                expected[f"share:{obj.pk}"] = item.points_override
            elif item.featured:
                expected[f"share:{obj.pk}"] = _price(rules.share_points, rules.featured_multiplier)
            else:
                expected[f"share:{obj.pk}"] = rules.share_points
        elif kind in {"click", "self"}:
            source = f"click:{obj.pk}"
            if kind == "self":
                expected[source] = 0
                continue
            first = first_visit.setdefault((obj.link_id, visitor), (at, obj.pk))
            if first != (at, obj.pk):
                expected[source] = 0
                continue
            if rules.click_cap and counted[(employee, "click", day)] >= rules.click_cap:
                expected[source] = 0
                continue
            counted[(employee, "click", day)] += 1
            featured = item.featured and item.points_override is None
            expected[source] = (
                _price(rules.click_points, rules.featured_multiplier)
                if featured
                else rules.click_points
            )
        else:
            source = f"conversion:{obj.pk}"
            if rules.conversion_cap and counted[(employee, "conv", day)] >= rules.conversion_cap:
                expected[source] = 0
                continue
            counted[(employee, "conv", day)] += 1
            expected[source] = rules.conversion_for("lead")
    return expected


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    events=st.lists(event, min_size=1, max_size=30),
    changes=st.lists(rule_change, max_size=3),
    splits=st.lists(st.integers(0, 30), max_size=4),
    reverse_every=st.integers(2, 5),
)
def test_ledger_equals_recomputation(
    org, advocate, advocate_engineering, events, changes, splits, reverse_every
):
    try:
        with transaction.atomic():
            _run(org, [advocate, advocate_engineering], events, changes, splits, reverse_every)
            raise Rollback
    except Rollback:
        pass


def _run(org, people, events, changes, splits, reverse_every):
    ledger.default_rules()
    for minute, click_points, click_cap, share_points, share_cap, lead in sorted(changes):
        ledger.change_rules(
            None,
            {
                "click_points": click_points,
                "click_cap": click_cap,
                "share_points": share_points,
                "share_cap": share_cap,
                "conversion_by_kind": {"lead": lead},
            },
            now=BASE + timedelta(minutes=minute),
        )
    versions = list(RuleVersion.objects.order_by("effective_from", "id"))
    items = [make_item("a"), make_item("b", featured=True), make_item("c", points_override=7)]
    # Every click and conversion needs a share: one per person and item to start with.
    base = {
        (e, i): make_share(people[e], items[i], "linkedin", BASE - timedelta(minutes=1))
        for e in range(2)
        for i in range(3)
    }
    made: list[tuple[Any, ...]] = [
        ("share", s, people[e].pk, items[i], "linkedin", s.confirmed_at, 0)
        for (e, i), s in base.items()
    ]
    timeline = sorted(events, key=lambda e: e[4])
    cuts = sorted({min(s, len(timeline)) for s in splits} | {len(timeline)})
    done = 0
    clock = BASE
    for cut in cuts:
        for kind, e, i, network, minute, visitor in timeline[done:cut]:
            at = BASE + timedelta(minutes=minute)
            item = items[i]
            if kind == "share":
                share = make_share(people[e], item, network, at)
                made.append(("share", share, people[e].pk, item, network, at, 0))
            elif kind in {"click", "self"}:
                click = make_click(
                    base[(e, i)], at=at, kind="human" if kind == "click" else "self",
                    visitor=f"visitor-{visitor}",
                )  # fmt: skip
                made.append((kind, click, people[e].pk, item, "linkedin", at, f"visitor-{visitor}"))
            else:
                click = make_click(base[(e, i)], at=at)
                made.append(("click", click, people[e].pk, item, "linkedin", at, click.visitor))
                conversion = make_conversion(click, at=at)
                made.append(("conversion", conversion, people[e].pk, item, "", at, 0))
        done = cut
        clock = max(clock, BASE + timedelta(minutes=timeline[cut - 1][4] if cut else 0))
        clock += timedelta(minutes=11)
        services.fold(now=clock)
        services.fold(now=clock)  # a replay changes nothing

    # A replay from scratch (the fold's memory lost) adds nothing either.
    before = PointEntry.objects.count()
    FoldState.objects.all().delete()
    services.fold(now=clock)
    assert PointEntry.objects.count() == before

    expected = recompute(made, versions, items)
    actual = dict(
        PointEntry.objects.filter(kind__in=["share", "click", "conversion"]).values_list(
            "source", "points"
        )
    )
    assert actual == expected

    # Corrections: reversing entries, never edits.
    reversed_points: defaultdict[int, int] = defaultdict(int)
    earning = PointEntry.objects.filter(points__gt=0, kind__in=["share", "click", "conversion"])
    for n, entry in enumerate(earning.order_by("id")):
        if n % reverse_every == 0:
            ledger.reverse_entry(entry, None, "test correction")
            reversed_points[entry.employee_id] += entry.points
    assert (
        dict(
            PointEntry.objects.filter(kind__in=["share", "click", "conversion"]).values_list(
                "source", "points"
            )
        )
        == expected
    )

    for person in people:
        earned = sum(
            points
            for kind, obj, employee, *_rest in made
            if employee == person.pk
            for points in [expected[f"{'click' if kind == 'self' else kind}:{obj.pk}"]]
        )
        streaks = sum(
            PointEntry.objects.filter(employee=person, kind="streak").values_list(
                "points", flat=True
            )
        )
        assert services.wallet_balance(person) == earned + streaks - reversed_points[person.pk]
    assert services.verify() == []
