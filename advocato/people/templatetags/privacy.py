"""`{{ person|shown_name:viewer }}`: a person's name through the privacy gate."""

from django import template

from advocato.people import privacy

register = template.Library()


@register.filter
def shown_name(subject, viewer):
    return privacy.shown_name(viewer, subject)
