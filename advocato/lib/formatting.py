"""One formatting rule for what people read: dates, times, periods, numbers and money in the
active language's format (advocato/lib/formats/<language>/formats.py, FORMAT_MODULE_PATH),
times in the active time zone.

Pages use the template filters at the bottom (a builtin library: no `{% load %}` needed);
Python code that builds text for people (charts, e-mails, PDFs) calls the functions. Nobody
writes a date pattern or a number format of their own, so a page, its chart and its e-mail
show the same figure the same way: one rounding rule (half up) for every figure.
"""

from __future__ import annotations

import math
from datetime import date, datetime, time
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django import template
from django.utils import formats, timezone, translation

register = template.Library()

# Languages that put a (non-breaking) space before the per cent sign.
PERCENT_SPACE = {"da", "nb", "nn", "no", "sv", "fi", "de", "fr", "es", "nl", "pl", "cs"}
NOTHING = "–"


def _own_format(name: str, fallback: str) -> str:
    """A pattern of our own naming (DAY_MONTH_FORMAT, WEEKDAY_TIME_FORMAT) from the active
    language's format module; Django's get_format() knows only its own names."""
    for module in formats.iter_format_modules(translation.get_language() or "en"):
        if hasattr(module, name):
            return str(getattr(module, name))
    return fallback


def _local(value: datetime) -> datetime:
    return timezone.localtime(value) if timezone.is_aware(value) else value


# --- Dates and times -------------------------------------------------------------------------


def format_day(value: date | datetime | None, *, short: bool = False) -> str:
    """A day: "2 December 2026" (or "02/12/2026" when short); Danish "2. december 2026"."""
    if value is None or value == "":
        return NOTHING
    if isinstance(value, datetime):
        value = _local(value).date()
    return formats.date_format(value, "SHORT_DATE_FORMAT" if short else "DATE_FORMAT")


def format_moment(value: datetime | None, *, short: bool = True) -> str:
    """A moment in the active time zone, to the minute: "02/12/2026 08:43" (short) or
    "2 December 2026, 08:43"."""
    if value is None or value == "":
        return NOTHING
    if not isinstance(value, datetime):
        return format_day(value, short=short)
    return formats.date_format(
        _local(value), "SHORT_DATETIME_FORMAT" if short else "DATETIME_FORMAT"
    )


def format_time(value: datetime | time | None) -> str:
    """A time of day: "08:41" (never "8:41 a.m.", whose full stop doubles before a sentence's)."""
    if value is None or value == "":
        return NOTHING
    if isinstance(value, datetime):
        value = _local(value)
    return formats.time_format(value, "TIME_FORMAT")


def format_day_month(value: date | datetime) -> str:
    """A chart axis's day: "02/12" (English), "02.12" (Danish)."""
    if isinstance(value, datetime):
        value = _local(value).date()
    return formats.date_format(value, _own_format("DAY_MONTH_FORMAT", "d/m"))


def format_month_day(value: date | datetime | None) -> str:
    """A day without its year: "2 December"."""
    if value is None or value == "":
        return NOTHING
    if isinstance(value, datetime):
        value = _local(value).date()
    return formats.date_format(value, "MONTH_DAY_FORMAT")


def format_weekday_time(value: datetime) -> str:
    """A weekday and a time: "Tuesday 09:00"."""
    return formats.date_format(_local(value), _own_format("WEEKDAY_TIME_FORMAT", "l H:i"))


def format_month(value: date) -> str:
    """A month: "December 2026"."""
    return formats.date_format(value, "YEAR_MONTH_FORMAT")


def format_period(start: date | None, end: date | None, *, short: bool = False) -> str:
    """A span of days: "1 July 2026 – 30 September 2026"; one day is written once."""
    if start is None and end is None:
        return NOTHING
    if start is None or end is None or start == end:
        return format_day(start or end, short=short)
    return f"{format_day(start, short=short)} – {format_day(end, short=short)}"


# --- Numbers ---------------------------------------------------------------------------------


def rounded(value: float | int | Decimal, decimals: int = 0) -> Decimal:
    """The one rounding rule: half up, from the decimal value (9,875.5 → 9,876 in a table, a
    bar and a PDF alike; Python's round() would go to even, Django's number_format cuts)."""
    try:
        exact = value if isinstance(value, Decimal) else Decimal(str(value))
        return exact.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    except InvalidOperation:
        return Decimal(0)


def format_number(value: float | int | Decimal | None, decimals: int | None = None) -> str:
    """A number, thousands grouped: "1,234" / "1.234" (Danish) / "1 234" (Norwegian). Without
    `decimals`: whole numbers and numbers from 100 up without decimals, others with one."""
    if value is None or value == "":
        return NOTHING
    if isinstance(value, float) and not math.isfinite(value):
        return NOTHING
    if decimals is None:
        decimals = 0 if float(value).is_integer() or abs(float(value)) >= 100 else 1
    return formats.number_format(rounded(value, decimals), decimals, force_grouping=True)


def format_money(value: float | int | Decimal | None, currency: str = "", decimals: int = 0) -> str:
    """An amount: "9,876" or, with a currency, "9,876 DKK"."""
    shown = format_number(value, decimals)
    if currency and shown != NOTHING:
        return f"{shown} {currency}"
    return shown


def format_percent(value: float | None, decimals: int = 1) -> str:
    """A fraction as a percentage: 0.125 → "12.5%" (English), "12,5 %" (Danish)."""
    if value is None or not math.isfinite(value):
        return NOTHING
    scaled = rounded(float(value) * 100, decimals)
    shown = format_number(scaled, 0 if scaled == scaled.to_integral_value() else decimals)
    language = (translation.get_language() or "en").split("-")[0]
    return f"{shown}\u00a0%" if language in PERCENT_SPACE else f"{shown}%"


# --- Template filters (builtins: TEMPLATES["OPTIONS"]["builtins"]) -------------------------


@register.filter
def day(value, style: str = "") -> str:
    """{{ d|day }} → 2 December 2026; {{ d|day:"short" }} → 02/12/2026."""
    return format_day(value, short=style == "short")


@register.filter
def moment(value, style: str = "short") -> str:
    """{{ t|moment }} → 02/12/2026 08:43; {{ t|moment:"long" }} → 2 December 2026, 08:43."""
    return format_moment(value, short=style != "long")


@register.filter
def clock(value) -> str:
    """{{ t|clock }} → 08:41."""
    return format_time(value)


@register.filter
def monthday(value) -> str:
    """{{ d|monthday }} → 2 December."""
    return format_month_day(value)


@register.filter
def weekday_time(value) -> str:
    """{{ t|weekday_time }} → Tuesday 09:00."""
    return format_weekday_time(value) if value else NOTHING


@register.filter
def number(value, decimals=None) -> str:
    """{{ n|number }} → 1,234; {{ n|number:1 }} → 1,234.5."""
    return format_number(value, None if decimals in (None, "") else int(decimals))


@register.filter
def money(value, currency: str = "") -> str:
    """{{ amount|money:"DKK" }} → 9,876 DKK."""
    return format_money(value, currency)


@register.filter
def month(value) -> str:
    """{{ d|month }} → December 2026."""
    return format_month(value) if value else NOTHING
