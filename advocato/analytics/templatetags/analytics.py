"""Formatting figures the same way on every analytics page."""

from decimal import Decimal

from django import template
from django.utils.formats import date_format, number_format

from advocato.lib.charts import format_percent

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
        return number_format(Decimal(value), 0, force_grouping=True)
    if kind == "number":
        return number_format(float(value), 1, force_grouping=True)
    if kind == "date":
        return date_format(value, "SHORT_DATE_FORMAT")
    if kind == "text":
        return value
    if isinstance(value, int | float | Decimal):
        return number_format(value, 0, force_grouping=True)
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
