"""Badges: milestones read from the daily scores (never raw events), each awarded once
(a unique constraint), announced in the feed and shown on the profile."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from advocato.core.models import Organisation
from advocato.lib.periods import add_months, local_day, month_start

from .models import BadgeAward, DailyScore, FoldState, PointEntry

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


@dataclass(frozen=True)
class Badge:
    code: str
    name: StrOrPromise
    description: StrOrPromise
    icon: str


BADGES = [
    Badge("first_share", _("First share"), _("Shared for the first time."), "🌱"),
    Badge("shares_10", _("10 shares"), _("Ten shares that counted."), "🔟"),
    Badge("shares_50", _("50 shares"), _("Fifty shares that counted."), "🚀"),
    Badge("shares_100", _("100 shares"), _("A hundred shares that counted."), "💯"),
    Badge("first_conversion", _("First conversion"), _("A lead, signup or application."), "🎯"),
    Badge("streak_4", _("4-week streak"), _("Shared four weeks in a row."), "🔥"),
    Badge("suggestion", _("Content scout"), _("A suggestion of yours was published."), "🔎"),
    Badge("top10_month", _("Top 10 of a month"), _("Among the ten with most points."), "🏆"),
    Badge("employee_of_month", _("Employee of the month"), _("Chosen by the company."), "⭐"),
]
BY_CODE = {b.code: b for b in BADGES}
SHARE_MILESTONES = [(1, "first_share"), (10, "shares_10"), (50, "shares_50"), (100, "shares_100")]


def give(employee_id: int, code: str, at: datetime, detail: str = "") -> None:
    BadgeAward.objects.get_or_create(
        employee_id=employee_id, badge=code, defaults={"awarded_at": at, "detail": detail}
    )


def award(employee_ids, now: datetime | None = None) -> None:
    """Give the milestones these employees have reached (and the monthly top 10, once a month
    has ended)."""
    from .ledger import shares_by_week, streak_length

    now = now or timezone.now()
    employee_ids = set(employee_ids)
    if employee_ids:
        have = set(
            BadgeAward.objects.filter(employee_id__in=employee_ids).values_list(
                "employee_id", "badge"
            )
        )
        totals = (
            DailyScore.objects.filter(employee_id__in=employee_ids)
            .values("employee_id")
            .annotate(shares=Sum("shares"), conversions=Sum("conversions"))
            .order_by()
        )
        for row in totals:
            employee_id = row["employee_id"]
            for threshold, code in SHARE_MILESTONES:
                if row["shares"] >= threshold and (employee_id, code) not in have:
                    give(employee_id, code, now)
            if row["conversions"] >= 1 and (employee_id, "first_conversion") not in have:
                give(employee_id, "first_conversion", now)
        scouts = PointEntry.objects.filter(
            employee_id__in=employee_ids, kind=PointEntry.Kind.SUGGESTION
        ).values_list("employee_id", flat=True)
        for employee_id in set(scouts):
            if (employee_id, "suggestion") not in have:
                give(employee_id, "suggestion", now)
        streakers = set(
            PointEntry.objects.filter(
                employee_id__in=employee_ids, kind=PointEntry.Kind.STREAK
            ).values_list("employee_id", flat=True)
        )
        streakers -= {e for e, code in have if code == "streak_4"}
        if streakers:
            today = local_day(now, Organisation.get().zone)
            weeks = shares_by_week(streakers, today - timedelta(days=3650), today)
            for employee_id in streakers:
                if any(streak_length(weeks[employee_id], w) >= 4 for w in weeks[employee_id]):
                    give(employee_id, "streak_4", now)
    award_monthly_top(now)


def award_monthly_top(now: datetime) -> None:
    """Once per ended month: the top 10 by points (among those who take part in rankings)."""
    from . import leaderboards

    tz = Organisation.get().zone
    last_month = add_months(month_start(local_day(now, tz)), -1)
    state, _created = FoldState.objects.get_or_create(name="top10")
    if state.marks and state.marks[-1] >= last_month.isoformat():
        return
    if not DailyScore.objects.exists():
        return
    board = leaderboards.standings(last_month, "month", "points")
    for row in board[:10]:
        if row.rank <= 10 and row.value > 0:
            give(row.employee_id, "top10_month", now, f"{last_month:%Y-%m}")
    state.marks = [last_month.isoformat()]
    state.save(update_fields=["marks"])
