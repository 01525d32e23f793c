"""Days, weeks, months, quarters and years on the company's clock (its time zone, with
daylight saving handled by zoneinfo): caps, leaderboards, streaks and challenges all count
in these."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.utils.translation import gettext_lazy as _

PERIODS = [
    ("week", _("Week")),
    ("month", _("Month")),
    ("quarter", _("Quarter")),
    ("all", _("All time")),
]


def local_day(moment: datetime, tz: ZoneInfo) -> date:
    return moment.astimezone(tz).date()


def day_start(day: date, tz: ZoneInfo) -> datetime:
    """Midnight of `day` in `tz`, as an aware datetime (23 or 25 hours apart around DST)."""
    return datetime.combine(day, time(0), tzinfo=tz)


def week_start(day: date) -> date:
    return day - timedelta(days=day.weekday())


def month_start(day: date) -> date:
    return day.replace(day=1)


def add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


@dataclass(frozen=True)
class Period:
    kind: str
    first: date | None  # None: all time
    last: date | None

    def previous(self) -> Period | None:
        return None if self.first is None else period(self.kind, self.first - timedelta(days=1))

    def next(self) -> Period | None:
        return None if self.last is None else period(self.kind, self.last + timedelta(days=1))

    def contains(self, day: date) -> bool:
        if self.first is None:
            return True
        assert self.last is not None  # first and last are both set, or both None (all time)
        return self.first <= day <= self.last

    @property
    def label(self) -> str:
        if self.first is None:
            return str(_("All time"))
        if self.kind == "week":
            iso = self.first.isocalendar()
            return str(_("Week %(week)d, %(year)d") % {"week": iso.week, "year": iso.year})
        if self.kind == "month":
            from django.utils.formats import date_format

            return date_format(self.first, "YEAR_MONTH_FORMAT")
        return f"Q{(self.first.month - 1) // 3 + 1} {self.first.year}"


def period(kind: str, anchor: date) -> Period:
    if kind == "week":
        first = week_start(anchor)
        return Period(kind, first, first + timedelta(days=6))
    if kind == "month":
        first = month_start(anchor)
        return Period(kind, first, add_months(first, 1) - timedelta(days=1))
    if kind == "quarter":
        first = date(anchor.year, (anchor.month - 1) // 3 * 3 + 1, 1)
        return Period(kind, first, add_months(first, 3) - timedelta(days=1))
    return Period("all", None, None)
