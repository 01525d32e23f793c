from datetime import date, datetime

from django import template
from django.utils.translation import gettext as _

from advocato.lib import charts, formatting
from advocato.people.models import Role

register = template.Library()


@register.simple_tag
def funnel_chart(funnel):
    return charts.funnel_svg(funnel.steps(), title=_("Adoption funnel"))


@register.filter
def percent(value):
    """0.5 → "50%"; None (nothing to divide by) → "–"."""
    if value is None:
        return "–"
    return formatting.format_percent(value, 0)


@register.filter
def role_label(role):
    return Role(role).label if role in Role.values else role


@register.filter
def status_label(status):
    labels = {
        "registered": _("Registered"),
        "pending": _("Invited"),
        "expired": _("Invitation expired"),
        "revoked": _("Invitation withdrawn"),
        "accepted": _("Registered"),
        "inactive": _("Inactive"),
        "not_invited": _("Not invited"),
    }
    return labels.get(status, status)


@register.filter
def shown(value):
    """A stored value as a person reads it: yes/no, dates in their format and time zone, – for
    nothing."""
    if value is None or value == "":
        return "–"
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(value, datetime):
        return formatting.format_moment(value)
    if isinstance(value, date):
        return formatting.format_day(value, short=True)
    return value
