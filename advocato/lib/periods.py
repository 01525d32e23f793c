"""Days, weeks, months, quarters and years on the company's clock (its time zone, with
daylight saving handled by zoneinfo): caps, leaderboards, streaks and challenges all count
in these."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.utils.translation import gettext_lazy as _

from advocato.lib.formatting import format_month

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


# The days a date or month typed into a parameter or form may name: wide enough for any real
# programme, narrow enough that a period's neighbours (a day, a quarter, three years either
# side) stay inside what `date` can hold.
EARLIEST_DAY = date(2000, 1, 1)
LATEST_DAY = date(2100, 12, 31)


def in_range(day: date) -> bool:
    return EARLIEST_DAY <= day <= LATEST_DAY


def parse_month(value: str) -> date | None:
    """The first day of the "YYYY-MM" month in `value`, or None if it is not one or lies
    outside EARLIEST_DAY … LATEST_DAY."""
    year, sep, month = value.strip().partition("-")
    if not sep or not (year.isascii() and year.isdigit() and month.isascii() and month.isdigit()):
        return None
    if len(year) != 4 or len(month) > 2:
        return None
    try:
        first = date(int(year), int(month), 1)
    except (ValueError, OverflowError):
        return None
    return first if in_range(first) else None


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
            return format_month(self.first)
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
