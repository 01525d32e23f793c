"""`{% connected_accounts employee %}`: the connected-accounts section, for the profile page."""

from django import template

register = template.Library()


@register.inclusion_tag("sharing/includes/networks_section.html", takes_context=True)
def connected_accounts(context, employee):
    from ..views import _networks_context

    return {"csrf_token": context.get("csrf_token"), **_networks_context(employee)}
