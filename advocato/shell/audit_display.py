"""The audit log as people read it: types and fields by the names the interface uses (the
models' verbose names, translated), values as the pages show them (choices by their label,
yes/no, times in the viewer's time zone and language) — never `content.ContentItem`,
`send_count` or a raw ISO time."""

from __future__ import annotations

from dataclasses import dataclass

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from advocato.lib import formatting


def model_for(object_type: str):
    try:
        return apps.get_model(object_type)
    except (LookupError, ValueError):
        return None


def type_label(object_type: str) -> str:
    model = model_for(object_type)
    return capfirst(str(model._meta.verbose_name)) if model else object_type


def type_choices(object_types) -> list[tuple[str, str]]:
    """(stored type, its name) for a filter, by name; one entry per name and type."""
    seen: dict[str, str] = {}
    for object_type in object_types:
        seen.setdefault(object_type.lower(), object_type)
    return sorted(((t, type_label(t)) for t in seen.values()), key=lambda pair: str(pair[1]))


def _field(model, name: str):
    if model is None:
        return None
    try:
        return model._meta.get_field(name)
    except FieldDoesNotExist:
        return None


def field_label(model, name: str) -> str:
    field = _field(model, name)
    label = getattr(field, "verbose_name", None) if field is not None else None
    return capfirst(str(label)) if label else capfirst(name.replace("_", " "))


def value_text(model, name: str, value) -> str:
    """A stored value (JSON) as the interface would show it."""
    if value is None or value == "" or value == []:
        return "–"
    field = _field(model, name)
    choices = dict(getattr(field, "flatchoices", None) or []) if field is not None else {}
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, list):
        return ", ".join(value_text(None, name, v) for v in value)
    if isinstance(value, str | int) and value in choices:
        return str(choices[value])
    if isinstance(value, str):
        try:
            moment = parse_datetime(value) if len(value) > 10 else None
            day = parse_date(value) if len(value) == 10 else None
        except ValueError:
            moment = day = None
        if moment is not None:
            if timezone.is_naive(moment):
                moment = timezone.make_aware(moment, timezone.get_default_timezone())
            return formatting.format_moment(moment)
        if day is not None:
            return formatting.format_day(day, short=True)
    if isinstance(value, dict):
        return ", ".join(f"{k}: {value_text(None, k, v)}" for k, v in value.items())
    return str(value)


@dataclass
class Row:
    entry: object
    type_label: str
    changes: list[tuple[str, str, str]]


def rows(entries) -> list[Row]:
    result = []
    for entry in entries:
        model = model_for(entry.object_type)
        changes = [
            (field_label(model, name), value_text(model, name, before),
             value_text(model, name, after))
            for name, before, after in entry.changes()
        ]  # fmt: skip
        result.append(Row(entry, type_label(entry.object_type), changes))
    return result
