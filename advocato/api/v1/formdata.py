"""The API's writes go through the pages' own forms, so every rule a form keeps (names, lengths,
formulas and control characters refused, circles of managers, the last admin kept, …) holds
for the API too and its errors name the same fields."""

from __future__ import annotations

from django import forms
from django.db import transaction
from django.utils.datastructures import MultiValueDict

from .problems import invalid


def as_data(values: dict) -> MultiValueDict:
    """JSON values as a form's POST data: lists stay lists, True is a ticked box, False and
    None leave the field out."""
    data: MultiValueDict = MultiValueDict()
    for name, value in values.items():
        if value is None or value is False:
            continue
        if value is True:
            data[name] = "on"
        elif isinstance(value, list | tuple):
            data.setlist(name, [str(v) for v in value])
        else:
            data[name] = value if isinstance(value, str) else str(value)
    return data


def current(form: forms.BaseForm) -> dict:
    """What an unbound form would show: the record's present values, as data."""
    values = {}
    for name, field in form.fields.items():
        value = form[name].value()
        if isinstance(field, forms.ModelMultipleChoiceField | forms.MultipleChoiceField):
            value = [str(v.pk if hasattr(v, "pk") else v) for v in (value or [])]
        elif isinstance(field, forms.BooleanField):
            value = bool(value)
        elif hasattr(value, "isoformat"):
            value = value.isoformat()
        values[name] = value
    return values


def check(form: forms.BaseForm) -> None:
    if not form.is_valid():
        raise invalid(form.errors)


def atomic():
    return transaction.atomic()
