"""Leaderboards: week, month, quarter or all time; the whole company, a department, a team or a
group; by points, shares, clicks or conversions. They read `DailyScore` (employee × company
day), so their cost grows with days × people, never with clicks.

Ties share a place (standard competition ranking: 1, 2, =3, =3, 5), listed by name.
Privacy (`advocato.people.privacy`): people who left rankings are not ranked (except, for
themselves, where they would stand); others are ranked, but a viewer sees by name only those
`nameable(viewer)` gives — the rest count for places and totals but are not listed."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Q, Sum

from advocato.lib.periods import Period, period
from advocato.people import privacy
from advocato.people.models import Employee

from .models import DailyScore, Metric

SCOPES = ["company", "department", "team", "group"]


@dataclass
class Row:
    employee_id: int
    value: int
    rank: int = 0
    tied: bool = False
    name: str = ""
    named: bool = False
    me: bool = False

    @property
    def place(self) -> str:
        return f"={self.rank}" if self.tied else str(self.rank)


def scope_q(scope: str, scope_id: int | None) -> Q:
    if scope == "department" and scope_id:
        return Q(department_id=scope_id)
    if scope == "team" and scope_id:
        return Q(team_id=scope_id)
    if scope == "group" and scope_id:
        return Q(groups__id=scope_id)
    return Q()


def rank(rows: list[Row]) -> list[Row]:
    """Order by value (highest first), then name; equal values share a place."""
    rows.sort(key=lambda r: (-r.value, r.name.casefold(), r.employee_id))
    for i, row in enumerate(rows):
        if i and row.value == rows[i - 1].value:
            row.rank = rows[i - 1].rank
            row.tied = rows[i - 1].tied = True
        else:
            row.rank = i + 1
    return rows


def totals(
    people: Q,
    first: date | None,
    last: date | None,
    metric: str,
    goal: str = "",
    network: str = "",
) -> dict[int, int]:
    scores = DailyScore.objects.filter(employee__in=Employee.objects.filter(people, is_active=True))
    if first is not None:
        scores = scores.filter(day__gte=first, day__lte=last)
    if goal:
        scores = scores.filter(goal=goal)
    if network:
        scores = scores.filter(network=network)
    return {
        e: v
        for e, v in scores.values_list("employee_id").annotate(v=Sum(metric)).order_by()
        if v and v > 0
    }


def standings(
    anchor: date,
    kind: str,
    metric: str = Metric.POINTS,
    scope: str = "company",
    scope_id: int | None = None,
    viewer: Employee | None = None,
) -> list[Row]:
    """Everyone ranked (people who left rankings out, `viewer` too if they did), before
    privacy decides who is shown by name."""
    when = period(kind, anchor)
    people = scope_q(scope, scope_id) & privacy.ranked(viewer)
    values = totals(people, when.first, when.last, metric)
    names = dict(Employee.objects.filter(pk__in=values).values_list("pk", "name"))
    return rank([Row(e, v, name=names.get(e, "")) for e, v in values.items()])


@dataclass
class Board:
    period: Period
    metric: str
    rows: list[Row]  # what the viewer may see, in order
    me: Row | None
    participants: int
    hidden: int
    total: int


def board(
    viewer: Employee,
    anchor: date,
    kind: str,
    metric: str = Metric.POINTS,
    scope: str = "company",
    scope_id: int | None = None,
    limit: int = 50,
) -> Board:
    ranked = standings(anchor, kind, metric, scope, scope_id, viewer)
    visible = set(
        Employee.objects.filter(
            privacy.nameable(viewer), pk__in=[r.employee_id for r in ranked]
        ).values_list("pk", flat=True)
    )
    me = None
    shown: list[Row] = []
    for row in ranked:
        row.me = row.employee_id == viewer.pk
        row.named = row.employee_id in visible
        if row.me:
            me = row
        if row.named and (len(shown) < limit or row.me):
            shown.append(row)
    return Board(
        period=period(kind, anchor),
        metric=metric,
        rows=shown,
        me=me,
        participants=len(ranked),
        hidden=len([r for r in ranked if not r.named]),
        total=sum(r.value for r in ranked),
    )
