"""Analytics rules the views, tasks and commands share: keeping rollups fresh, targets,
settings changes, and the words and numbers around the charts."""

from __future__ import annotations

import logging
from datetime import timedelta
from decimal import Decimal

from django.db import DatabaseError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from advocato.core.audit import acting_as
from advocato.core.models import Organisation
from advocato.lib import formatting
from advocato.lib.permissions import has_role
from advocato.links.models import Click, Conversion
from advocato.people.models import Employee
from advocato.people.privacy import can_name, managed_ids, nameable

from . import kpis, rollups
from .models import KPI, FillState, Target

logger = logging.getLogger(__name__)

INLINE_FILL_LIMIT = 20_000  # events a page may fold itself; more is the worker's job
FRESH = timedelta(seconds=60)


def fill_if_stale() -> None:
    """Pages read rollups; if the worker has not filled them for a minute and only a little
    is waiting, fill them now so the figures a person just caused are there."""
    state = FillState.objects.filter(source="clicks").first()
    if state and state.filled_at and timezone.now() - state.filled_at < FRESH:
        return
    last = state.last_id if state else 0
    waiting = Click.objects.filter(pk__gt=last).count() if state else Click.objects.count()
    if waiting > INLINE_FILL_LIMIT:
        return
    try:
        rollups.fill()
    except DatabaseError:  # the worker holds the lock: it is filling right now
        logger.info("Rollups are being filled elsewhere; showing them as they are")


def filled_at():
    state = FillState.objects.filter(source="clicks").first()
    return state.filled_at if state else None


def after_settings_change() -> None:
    """Referrals depend on the company's own domains: count every row again, in the worker."""
    from .tasks import rebuild_rollups

    transaction.on_commit(lambda: rebuild_rollups())


def conversion_kinds() -> list[str]:
    kinds = set(Conversion.objects.values_list("kind", flat=True).distinct()[:50])
    kinds |= set(Target.objects.exclude(conversion_kind="").values_list("conversion_kind",
                                                                        flat=True))  # fmt: skip
    return sorted(kinds)


def save_targets(year: int, quarter: int, values: dict, *, by: Employee) -> None:
    """Set the quarter's targets; an empty field removes that target."""

    wanted: dict[tuple[str, str], Decimal | None] = {}
    for name, value in values.items():
        if name.startswith("kind:"):
            wanted[("conversions", name.removeprefix("kind:"))] = value
        elif name in KPI.values:
            wanted[(name, "")] = value
    with transaction.atomic(), acting_as(by):
        for (kpi, kind), value in wanted.items():
            existing = Target.objects.filter(
                year=year, quarter=quarter, kpi=kpi, conversion_kind=kind
            ).first()
            if value is None:
                if existing:
                    existing.delete()
            elif existing is None:
                Target.objects.create(year=year, quarter=quarter, kpi=kpi,
                                      conversion_kind=kind, value=value, set_by=by)  # fmt: skip
            elif existing.value != value:
                existing.value, existing.set_by, existing.set_at = value, by, timezone.now()
                existing.save()


def consistency_spread(f: kpis.Filters) -> list[dict]:
    """How many registered people share every week, most weeks, now and then, or not at all."""
    people = list(
        Employee.objects.filter(f.people(), is_active=True, user__isnull=False)
        .distinct()
        .values_list("pk", flat=True)
    )
    scores = kpis.consistency(f, people)
    bands = [
        (_("Every week"), lambda s: s >= 0.999),
        (_("Most weeks (50% or more)"), lambda s: 0.5 <= s < 0.999),
        (_("Now and then"), lambda s: 0 < s < 0.5),
        (_("Not in this period"), lambda s: s == 0),
    ]
    return [
        {"label": label, "count": sum(1 for pk in people if test(scores.get(pk, 0.0)))}
        for label, test in bands
    ]


def team_cards(viewer: Employee, f: kpis.Filters) -> list[dict]:
    """A manager's people and their figures, where each one's privacy allows."""
    ids = managed_ids(viewer)
    if not ids:
        return []
    # nameable() is can_name() as one filter: the policy is read once, not once per person.
    people = Employee.objects.filter(nameable(viewer), pk__in=ids, is_active=True).order_by("name")
    totals = kpis.per_employee(kpis.Filters(start=f.start, end=f.end))
    steady = kpis.consistency(kpis.Filters(start=f.start, end=f.end), list(ids))
    cards = []
    for person in people:
        found = totals.get(person.pk, dict.fromkeys(kpis.SUMS, 0))
        cards.append({"employee": person, "consistency": steady.get(person.pk, 0.0), **found})
    return cards


def may_see_scorecard(viewer: Employee, subject: Employee) -> bool:
    """Whose scorecard `viewer` may open: their own; someone they may name who reports to
    them, or anyone they may name when they are on the programme team (the page and the API
    ask here)."""
    if viewer.pk == subject.pk:
        return True
    if not can_name(viewer, subject):
        return False
    return has_role(viewer, "analyst") or subject.pk in managed_ids(viewer)


def series_text(labels: list[str], values: list, *, percent: bool = False) -> str:
    """A chart's numbers as a sentence, for screen readers."""
    parts = []
    for label, value in zip(labels, values, strict=True):
        if value is None:
            shown = "–"
        elif percent:
            shown = formatting.format_percent(value, 0)
        else:
            shown = formatting.format_number(value, 0)
        parts.append(f"{label}: {shown}")
    return "; ".join(parts)


def best_text(best, weekday_names: list[str]) -> str:
    """The best slot in words: the best-time page, the report and the e-mail say it so."""
    if not best:
        return _(
            "Not enough shares yet to say: the period needs %(total)d shares, and a slot at "
            "least %(n)d."
        ) % {"total": kpis.MIN_SHARES_TO_SAY, "n": kpis.MIN_SHARES_PER_SLOT}
    weekday, hour, per_share, shares = best
    return _(
        "Best: %(day)s %(hour)02d:00–%(hour)02d:59, %(rate)s people clicked per share, over "
        "%(shares)d shares."
    ) % {"day": weekday_names[weekday], "hour": hour,
         "rate": formatting.format_number(per_share, 1), "shares": shares}  # fmt: skip


def best_slot(network: str, *, now=None, days: int = 180) -> tuple[int, int] | None:
    """The composer's best time: the best-time page's answer (`kpis.heatmap`) for `network`
    over the last `days`, or None while there are too few shares to say."""
    fill_if_stale()
    now = now or timezone.now()
    today = now.astimezone(Organisation.get().zone).date()
    found = kpis.heatmap(kpis.Filters(start=today - timedelta(days=days), end=today), network)
    return (found["best"][0], found["best"][1]) if found["best"] else None
