"""The KPIs of ARCHITECTURE.md, read from the rollups (never from raw clicks).

Two ways of placing a share's results in time, each named where it is used:

- **In the period** (programme figures, trends): what happened in the period — shares posted,
  clicks made, conversions reported in it. Clicks in March on a February share count in March.
- **Shares posted in the period** (content performance, best time, personal voice): everything
  the shares posted in the period have earned so far, so a share is judged on all its clicks.

Potential reach and engagement belong to the share, on the day it was posted.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Sum
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _

from advocato.content.models import ContentItem, Topic
from advocato.core.models import Organisation
from advocato.people.models import Department, Employee, Team
from advocato.people.privacy import nameable, ranked
from advocato.people.services import in_programme

from .models import KPI, RATE_KPIS, ConversionDay, Settings, ShareDay, Target
from .rollups import day_bounds

SUMS = [
    "shares", "reach", "engaged_shares", "engagement", "rated_engagement", "engaged_reach",
    "clicks", "unique_clicks", "referrals", "conversions", "previews", "bots", "self_clicks",
]  # fmt: skip

# What each figure means, shown beside it ("how is this counted?").
HOW = {
    "adoption": _("Registered ÷ invited, as at the end of the period."),
    "activation": _("Registered people with at least one share ever ÷ registered."),
    "participation": _("People with at least one share in the period ÷ registered."),
    "shares": _("Posts shared in the period, on any network."),
    "reach": _("The sharers' audience on the network when they shared, added up."),
    "engagement_rate": _(
        "Reactions + comments + reshares ÷ potential reach, over the shares whose engagement "
        "and audience are both known."
    ),
    "clicks": _(
        "Clicks by people on the tracked links in the period. Link previews (a network "
        "fetching the page to show its card), bots and the sharers' own clicks are left out; "
        "how many of each were filtered is shown under the figure."
    ),
    "unique_clicks": _("Different visitors per link per day, added up."),
    "referrals": _("Clicks that landed on your own domains (set by the admin)."),
    "conversions": _(
        "Conversions the website reported in the period, attributed to the "
        "share whose link the visitor last clicked within 30 days."
    ),
    "emv": _(
        "Clicks × cost per click + potential reach ÷ 1000 × cost per thousand: what the "
        "same results would have cost as ads."
    ),
    "consistency": _("Weeks with at least one share ÷ weeks in the period."),
    "uplift": _(
        "Clicks per share on texts the sharers rewrote ÷ on texts shared as suggested, "
        "minus 1; over the shares posted in the period."
    ),
}


def quarter_of(day: date) -> tuple[int, int]:
    return day.year, (day.month - 1) // 3 + 1


def quarter_bounds(year: int, quarter: int) -> tuple[date, date]:
    start = date(year, 3 * quarter - 2, 1)
    end = date(year + (quarter == 4), 1 if quarter == 4 else 3 * quarter + 1, 1)
    return start, end - timedelta(days=1)


@dataclass(frozen=True)
class Filters:
    """The dashboard's filters. `start` and `end` are local days, both included."""

    start: date
    end: date
    department: int | None = None
    team: int | None = None
    group: int | None = None
    network: str = ""
    topic: int | None = None
    goal: str = ""
    language: str = ""
    employee: int | None = None

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def previous(self) -> Filters:
        """The same length of time just before."""
        return replace(self, start=self.start - timedelta(days=self.days),
                       end=self.start - timedelta(days=1))  # fmt: skip

    def people(self) -> Q:
        """The people filters, on Employee."""
        q = Q()
        if self.department:
            q &= Q(department_id=self.department)
        if self.team:
            q &= Q(team_id=self.team)
        if self.group:
            q &= Q(groups=self.group)
        if self.employee:
            q &= Q(pk=self.employee)
        return q

    def rows(self, *, posted: bool = False) -> QuerySet[ShareDay]:
        """Rollup rows in the period (`posted`: of the shares posted in the period)."""
        rows = ShareDay.objects.all()
        if posted:
            rows = rows.filter(posted_on__gte=self.start, posted_on__lte=self.end)
        else:
            rows = rows.filter(day__gte=self.start, day__lte=self.end)
        if self.department:
            rows = rows.filter(department_id=self.department)
        if self.team:
            rows = rows.filter(team_id=self.team)
        if self.group:
            rows = rows.filter(
                employee_id__in=Employee.groups.through.objects.filter(group_id=self.group).values(
                    "employee_id"
                )
            )
        if self.employee:
            rows = rows.filter(employee_id=self.employee)
        if self.network:
            rows = rows.filter(network=self.network)
        if self.topic:
            rows = rows.filter(
                item_id__in=ContentItem.topics.through.objects.filter(topic_id=self.topic).values(
                    "contentitem_id"
                )
            )
        if self.goal:
            rows = rows.filter(goal=self.goal)
        if self.language:
            rows = rows.filter(language=self.language)
        return rows


def ratio(part, whole) -> float | None:
    return float(part) / float(whole) if whole else None


def totals(rows: QuerySet[ShareDay]) -> dict:
    sums = rows.aggregate(
        sharers=Count("employee", distinct=True, filter=Q(shares__gt=0)),
        **{f"sum_{name}": Sum(name) for name in SUMS},
    )
    return {k.removeprefix("sum_"): v or 0 for k, v in sums.items()}


def conversions_by_kind(rows: QuerySet[ShareDay]) -> dict[str, int]:
    found = (
        ConversionDay.objects.filter(row__in=rows)
        .values_list("kind")
        .annotate(n=Sum("count"))
        .order_by("kind")
    )
    return dict(found)


def emv(clicks: int, reach: int, settings: Settings | None = None) -> Decimal:
    settings = settings or Settings.get()
    value = clicks * settings.cpc + Decimal(reach) / 1000 * settings.cpm
    return value.quantize(Decimal("0.01"))


# --- The programme ---------------------------------------------------------------------------


@dataclass
class Figure:
    key: str
    label: str
    value: float | int | Decimal | None
    previous: float | int | Decimal | None = None
    target: float | Decimal | None = None
    target_note: str = ""
    is_rate: bool = False
    money: bool = False
    how: str = ""
    extra: dict = field(default_factory=dict)

    @property
    def change(self) -> float | None:
        if self.value is None or self.previous is None or self.previous == 0:
            return None
        return float(self.value) / float(self.previous) - 1

    @property
    def of_target(self) -> float | None:
        if self.value is None or not self.target:
            return None
        return float(self.value) / float(self.target)


def period_end(f: Filters):
    """The moment the period's last local day ends."""
    return day_bounds(f.end, Organisation.get().zone)[1]


def registered_people(f: Filters) -> QuerySet[Employee]:
    """People in the programme and registered by the end of the period (the base of every
    rate), within the people filters."""
    end = period_end(f)
    people = in_programme().filter(f.people(), created_at__lt=end)
    return people.filter(user__isnull=False, user__date_joined__lt=end).distinct()


def people_counts(f: Filters) -> dict:
    """Invited, registered, activated and sharing people (as at the end of the period)."""
    people = in_programme().filter(f.people(), created_at__lt=period_end(f)).distinct()
    registered = registered_people(f)
    # EXISTS per person (an index seek on employee, day), not IN over every rollup row.
    ever = ShareDay.objects.filter(employee_id=OuterRef("pk"), day__lte=f.end, shares__gt=0)
    in_period = f.rows().filter(employee_id=OuterRef("pk"), shares__gt=0)
    return {
        "invited": people.count(),
        "registered": registered.count(),
        "activated": registered.filter(Exists(ever)).count(),
        "sharing": registered.filter(Exists(in_period)).count(),
    }


def programme(f: Filters) -> dict:
    """Every programme KPI for the period, with the period before and the target beside it."""
    settings = Settings.get()
    now, before = totals(f.rows()), totals(f.previous().rows())
    people, people_before = people_counts(f), people_counts(f.previous())
    kinds, kinds_before = conversions_by_kind(f.rows()), conversions_by_kind(f.previous().rows())
    targets = targets_for(f)

    def figure(key, value, previous, **extra) -> Figure:
        target, note = targets.get(key, (None, ""))
        return Figure(key=key, label=str(KPI(key).label), value=value, previous=previous,
                      target=target, target_note=note, is_rate=key in RATE_KPIS,
                      how=str(HOW.get(key, "")), **extra)  # fmt: skip

    figures = [
        figure("adoption", ratio(people["registered"], people["invited"]),
               ratio(people_before["registered"], people_before["invited"]),
               extra={"part": people["registered"], "whole": people["invited"]}),
        figure("activation", ratio(people["activated"], people["registered"]),
               ratio(people_before["activated"], people_before["registered"]),
               extra={"part": people["activated"], "whole": people["registered"]}),
        figure("participation", ratio(people["sharing"], people["registered"]),
               ratio(people_before["sharing"], people_before["registered"]),
               extra={"part": people["sharing"], "whole": people["registered"]}),
        figure("shares", now["shares"], before["shares"]),
        figure("reach", now["reach"], before["reach"]),
        figure("engagement_rate", ratio(now["rated_engagement"], now["engaged_reach"]),
               ratio(before["rated_engagement"], before["engaged_reach"]),
               extra={"engagement": now["engagement"], "engaged_shares": now["engaged_shares"]}),
        figure("clicks", now["clicks"], before["clicks"],
               extra={"bots": now["bots"], "previews": now["previews"],
                      "own": now["self_clicks"]}),
        figure("unique_clicks", now["unique_clicks"], before["unique_clicks"]),
        figure("referrals", now["referrals"], before["referrals"]),
        figure("conversions", now["conversions"], before["conversions"],
               extra={"kinds": kinds, "kinds_before": kinds_before}),
        figure("emv", emv(now["clicks"], now["reach"], settings),
               emv(before["clicks"], before["reach"], settings), money=True),
    ]  # fmt: skip
    return {
        "figures": figures,
        "totals": now,
        "people": people,
        "kinds": kinds,
        "kind_targets": {k: v for k, v in targets.items() if k.startswith("conversions:")},
        "settings": settings,
    }


def plain_number(value: Decimal) -> str:
    """900.00 → "900", 1250.50 → "1250.5" (localised decimal mark, no exponent)."""
    return number_format(Decimal(format(value.normalize(), "f")))


def targets_for(f: Filters) -> dict[str, tuple[Decimal, str]]:
    """Targets of the quarter the period starts in. Counts are scaled to the period's share of
    the quarter (said so beside them); rates stand as they are."""
    year, quarter = quarter_of(f.start)
    q_start, q_end = quarter_bounds(year, quarter)
    q_days = (q_end - q_start).days + 1
    overlap = (min(f.end, q_end) - max(f.start, q_start)).days + 1
    share = Decimal(max(0, overlap)) / q_days
    found = {}
    for target in Target.objects.filter(year=year, quarter=quarter):
        key = f"conversions:{target.conversion_kind}" if target.conversion_kind else target.kpi
        if target.kpi in RATE_KPIS:
            value = target.value / 100  # entered as a percentage
            found[key] = (value, str(_("Q%(q)s target") % {"q": quarter}))
        elif share >= 1:
            found[key] = (target.value, str(_("Q%(q)s target") % {"q": quarter}))
        else:
            found[key] = (
                (target.value * share).quantize(Decimal("1")),
                str(
                    _("%(part)d%% of the Q%(q)s target of %(whole)s")
                    % {
                        "part": round(share * 100),
                        "q": quarter,
                        "whole": plain_number(target.value),
                    }
                ),
            )
    return found


# --- Over time -----------------------------------------------------------------------------


def monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


def weeks_in(start: date, end: date) -> list[date]:
    """The Mondays of the weeks that overlap the period."""
    first, weeks = monday(start), []
    while first <= end:
        weeks.append(first)
        first += timedelta(days=7)
    return weeks


def weekly(f: Filters) -> list[dict]:
    """Shares, sharers (active participation) and clicks per week of the period."""
    by_week: dict[date, dict] = {
        week: {"week": week, "shares": 0, "clicks": 0, "conversions": 0, "sharers": set()}
        for week in weeks_in(f.start, f.end)
    }
    rows = (
        f.rows()
        .values_list("day", "employee_id")
        .annotate(s=Sum("shares"), c=Sum("clicks"), v=Sum("conversions"))
        .order_by()
    )
    registered_ids = set(registered_people(f).values_list("pk", flat=True))
    for day, employee_id, shares, clicks, conversions in rows:
        week = by_week[monday(day)]
        week["shares"] += shares
        week["clicks"] += clicks
        week["conversions"] += conversions
        if shares and employee_id in registered_ids:
            week["sharers"].add(employee_id)
    registered = len(registered_ids)
    result = []
    for week in by_week.values():
        week["sharers"] = len(week["sharers"])
        week["participation"] = ratio(week["sharers"], registered)
        result.append(week)
    return result


def steadiness(weeks: list[dict]) -> dict:
    """Consistency vs spikes for the programme: how even the weekly shares are."""
    counts = [w["shares"] for w in weeks]
    if not counts:
        return {"weeks": 0}
    mean = statistics.fmean(counts)
    median = statistics.median(counts)
    return {
        "weeks": len(counts),
        "weeks_with_shares": sum(1 for c in counts if c),
        "mean": mean,
        "variation": statistics.pstdev(counts) / mean if mean else None,
        "peak_to_median": max(counts) / median if median else None,
    }


# --- People ----------------------------------------------------------------------------------


def per_employee(f: Filters) -> dict[int, dict]:
    rows = (
        f.rows()
        .values_list("employee_id")
        .annotate(**{name: Sum(name) for name in SUMS})
        .order_by()
    )
    return {row[0]: dict(zip(SUMS, row[1:], strict=True)) for row in rows}


def consistency(f: Filters, employee_ids: list[int] | None = None) -> dict[int, float]:
    """Weeks with a share ÷ weeks in the period, per employee."""
    weeks = len(weeks_in(f.start, f.end))
    rows = f.rows().filter(shares__gt=0)
    if employee_ids is not None:
        rows = rows.filter(employee_id__in=employee_ids)
    seen: dict[int, set] = {}
    for employee_id, day in rows.values_list("employee_id", "day"):
        seen.setdefault(employee_id, set()).add(monday(day))
    return {pk: len(w) / weeks for pk, w in seen.items()} if weeks else {}


def contributors(f: Filters, viewer: Employee, *, limit: int = 10, order: str = "clicks") -> dict:
    """Top contributors, named only where privacy allows; the rest are counted, not shown."""
    totals_by = per_employee(f)
    taking_part = Employee.objects.filter(ranked(viewer), pk__in=list(totals_by))
    in_ranking = set(taking_part.values_list("pk", flat=True))
    allowed = set(taking_part.filter(nameable(viewer)).values_list("pk", flat=True))
    # Ties: the same figure shares a place; listed by shares, then by who joined first.
    ranked_ids = sorted(
        in_ranking, key=lambda pk: (-totals_by[pk][order], -totals_by[pk]["shares"], pk)
    )
    steady = consistency(f, ranked_ids)
    names = dict(Employee.objects.filter(pk__in=allowed).values_list("pk", "name"))
    rows: list[dict[str, Any]] = []
    hidden, rank, last = 0, 0, None
    for place, pk in enumerate(ranked_ids, start=1):
        # Equal figures share a place ("1, 2, 2, 4"); the list shows them in order of shares.
        if totals_by[pk][order] != last:
            rank, last = place, totals_by[pk][order]
        if pk not in allowed:
            hidden += 1
            continue
        if len(rows) < limit or pk == viewer.pk:
            rows.append({"rank": rank, "employee_id": pk, "name": names[pk],
                         "consistency": steady.get(pk, 0.0), **totals_by[pk]})  # fmt: skip
    return {"rows": rows, "hidden": hidden, "total": len(ranked_ids)}


def teams(f: Filters, *, by: str = "department") -> list[dict]:
    """Departments (or teams) side by side: people, participation, results per person."""
    column = "department_id" if by == "department" else "team_id"
    model = Department if by == "department" else Team
    names = {pk: str(obj) for pk, obj in model.objects.in_bulk().items()}
    people = registered_people(f)
    registered = dict(people.values_list(column).annotate(n=Count("pk", distinct=True)).order_by())
    rows = (
        f.rows()
        .values_list(column)
        .annotate(
            sharers=Count(
                "employee",
                distinct=True,
                filter=Q(shares__gt=0, employee_id__in=people.values("pk")),
            ),
            **{name: Sum(name) for name in ("shares", "reach", "clicks", "conversions")},
        )
        .order_by()
    )
    found = {row[0]: row[1:] for row in rows}
    result = []
    for pk in sorted(set(registered) | set(found), key=lambda k: names.get(k, "")):
        sharers, shares, reach, clicks, conversions = found.get(pk, (0, 0, 0, 0, 0))
        people_n = registered.get(pk, 0)
        result.append({
            "id": pk, "name": names.get(pk, str(_("No department"))), "registered": people_n,
            "sharers": sharers, "participation": ratio(sharers, people_n), "shares": shares,
            "reach": reach, "clicks": clicks, "conversions": conversions,
            "clicks_per_person": ratio(clicks, people_n),
        })  # fmt: skip
    return result


def scorecard(employee: Employee, f: Filters) -> dict:
    """One person's results for a performance talk: their own figures, their trend and how
    their own voice does against the suggested texts."""
    mine = replace(f, employee=employee.pk, department=None, team=None, group=None)
    now, before = totals(mine.rows()), totals(mine.previous().rows())
    weeks = weekly(mine)
    steady = consistency(mine).get(employee.pk, 0.0)
    return {
        "employee": employee,
        "totals": now,
        "previous": before,
        "kinds": conversions_by_kind(mine.rows()),
        "consistency": steady,
        "weeks": weeks,
        "voice": voice(mine),
        "engagement_rate": ratio(now["rated_engagement"], now["engaged_reach"]),
        "emv": emv(now["clicks"], now["reach"]),
    }


# --- Content ---------------------------------------------------------------------------------


def content(f: Filters, *, limit: int = 200) -> list[dict]:
    """Per item, over the shares posted in the period: shares, reach, clicks, CTR,
    conversions. Best first by clicks per share."""
    rows = (
        f.rows(posted=True)
        .values_list("item_id")
        .annotate(**{n: Sum(n) for n in ("shares", "reach", "clicks", "conversions")})
        .order_by()
    )
    found = {row[0]: row[1:] for row in rows if row[1]}
    titles = dict(ContentItem.objects.filter(pk__in=list(found)).values_list("pk", "title"))
    result = [
        {"item_id": pk, "title": titles.get(pk, ""), "shares": s, "reach": r, "clicks": c,
         "ctr": ratio(c, r), "clicks_per_share": ratio(c, s), "conversions": v}
        for pk, (s, r, c, v) in found.items()
    ]  # fmt: skip
    result.sort(key=lambda r: (-(r["clicks_per_share"] or 0), -r["shares"], r["item_id"]))
    return result[:limit]


def breakdown(f: Filters, by: str) -> list[dict]:
    """Shares posted in the period, by network, language, goal or topic."""
    if by == "topic":
        column = "item__topics"
    elif by in {"network", "language", "goal"}:
        column = by
    else:
        raise ValueError(by)
    rows = (
        f.rows(posted=True)
        .values_list(column)
        .annotate(**{n: Sum(n) for n in ("shares", "reach", "clicks", "conversions",
                                          "rated_engagement", "engaged_reach")})
        .order_by()
    )  # fmt: skip
    labels: dict = {}
    if by == "topic":
        labels = {t.pk: t.local_name for t in Topic.objects.all()}
    result = []
    for key, shares, reach, clicks, conversions, rated, engaged_reach in rows:
        if not shares:
            continue
        result.append({
            "key": key, "label": labels.get(key, key) if by == "topic" else key,
            "shares": shares, "reach": reach, "clicks": clicks, "conversions": conversions,
            "ctr": ratio(clicks, reach), "clicks_per_share": ratio(clicks, shares),
            "engagement_rate": ratio(rated, engaged_reach),
        })  # fmt: skip
    result.sort(key=lambda r: -r["clicks"])
    return [r for r in result if r["key"] is not None]


# --- Best time and personal voice -------------------------------------------------------------

MIN_SHARES_PER_SLOT = 3  # shares posted in a slot before it can be the best
MIN_SHARES_TO_SAY = 20  # shares posted in the period before the data names a best slot


def heatmap(f: Filters, network: str = "") -> dict:
    """Best time to post — the one definition the page, the composer and the report use.

    For the shares posted in each weekday × hour of the company's time zone (for one network
    or all): how many, the people who clicked them (unique per link per day, humans only) per
    share, and — the second view, where potential reach is known — clicks per 1,000 potential
    reach of the shares that have one. The best slot has the most people clicking per share
    among slots with at least `MIN_SHARES_PER_SLOT` shares, once the period holds at least
    `MIN_SHARES_TO_SAY` shares; ties go to the slot with more shares, then the earlier one."""
    rows = f.rows(posted=True)
    if network:
        rows = rows.filter(network=network)
    reached = Q(share__audience__gt=0)
    found = (
        rows.values_list("posted_weekday", "posted_hour")
        .annotate(
            s=Sum("shares"),
            u=Sum("unique_clicks"),
            c=Sum("clicks"),
            r=Sum("reach"),
            rc=Sum("clicks", filter=reached),
        )
        .order_by()
    )
    empty = {"shares": 0, "unique_clicks": 0, "clicks": 0, "reach": 0, "per_share": None,
             "per_thousand": None}  # fmt: skip
    cells: list[list[dict[str, Any]]] = [[dict(empty) for _h in range(24)] for _d in range(7)]
    for weekday, hour, shares, unique, clicks, reach, reached_clicks in found:
        cells[weekday][hour].update(
            shares=shares,
            unique_clicks=unique,
            clicks=clicks,
            reach=reach,
            per_share=ratio(unique, shares),
            per_thousand=ratio((reached_clicks or 0) * 1000, reach),
        )
    total = sum(cell["shares"] for row in cells for cell in row)
    slots = [
        (cell["per_share"], cell["shares"], -weekday, -hour)
        for weekday, row in enumerate(cells)
        for hour, cell in enumerate(row)
        if cell["shares"] >= MIN_SHARES_PER_SLOT
    ]
    best = None
    if total >= MIN_SHARES_TO_SAY and slots:
        per_share, shares, weekday, hour = max(slots)
        best = (-weekday, -hour, per_share, shares)
    return {"cells": cells, "best": best, "min_shares": MIN_SHARES_PER_SLOT,
            "min_total": MIN_SHARES_TO_SAY, "total_shares": total}  # fmt: skip


def voice(f: Filters) -> dict:
    """Edited versus as-suggested texts, over the shares posted in the period."""
    found = (
        f.rows(posted=True)
        .values_list("edited")
        .annotate(s=Sum("shares"), c=Sum("clicks"), e=Sum("engagement"),
                  es=Sum("engaged_shares"))
        .order_by()
    )  # fmt: skip
    sides = {True: (0, 0, 0, 0), False: (0, 0, 0, 0)}
    for edited, shares, clicks, engagement, engaged in found:
        sides[bool(edited)] = (shares, clicks, engagement, engaged)
    result: dict[str, Any] = {}
    for name, key in (("edited", True), ("suggested", False)):
        shares, clicks, engagement, engaged = sides[key]
        result[name] = {"shares": shares, "clicks": clicks,
                        "clicks_per_share": ratio(clicks, shares), "engaged_shares": engaged,
                        "engagement_per_share": ratio(engagement, engaged)}  # fmt: skip
    a, b = result["edited"]["clicks_per_share"], result["suggested"]["clicks_per_share"]
    result["uplift"] = a / b - 1 if a is not None and b else None
    a, b = result["edited"]["engagement_per_share"], result["suggested"]["engagement_per_share"]
    result["engagement_uplift"] = a / b - 1 if a is not None and b else None
    return result
