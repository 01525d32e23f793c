"""Formatting figures the same way on every analytics page."""

from decimal import Decimal

from django import template

from advocato.lib.formatting import format_day, format_money, format_number, format_percent

register = template.Library()


@register.filter
def figure(value, kind: str = "int"):
    """A figure for people: "1.234" / "12 %" / "12,5 %" / "1.234,50" in Danish; "–" for
    nothing (a rate with nothing to divide by)."""
    if value is None or value == "":
        return "–"
    if kind == "percent":
        return format_percent(float(value), 0)
    if kind == "percent1":
        return format_percent(float(value), 1)
    if kind == "money":
        return format_money(value)
    if kind == "number":
        return format_number(value, 1)
    if kind == "date":
        return format_day(value, short=True)
    if kind == "text":
        return value
    if isinstance(value, int | float | Decimal):
        return format_number(value, 0)
    return value


@register.filter
def cell(row: dict, column):
    """The formatted value of a table cell (`auto` columns take the row's own kind)."""
    kind = row.get("kind", "int") if column.kind == "auto" else column.kind
    return figure(row.get(column.key), kind)


@register.filter
def change(fig):
    """The change from the period before, as "+12 %" / "−3 %"."""
    value = fig.change
    if value is None:
        return ""
    sign = "+" if value >= 0 else "−"
    return f"{sign}{format_percent(abs(value), 0)}"
