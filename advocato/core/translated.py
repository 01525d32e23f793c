"""Company-written text in the reader's language: topics, rewards, challenges, the employee
of the month's citation.

A translatable field keeps its own column as **the text in the company's default language**
(required where it was required before, the column that is unique, ordered by and looked up),
and beside it one blank-able column per language, `<field>_en`, `<field>_da`, `<field>_nb`.
The column of the default language itself stays empty: its text is the base column. Reading
picks the reader's language and falls back to the base column, so showing a translated text
never costs a query (no lookup of the company's default language, no join).

Changing the company's default language moves the texts (`change_default_language`): the old
base text becomes the old language's translation, and the new language's translation, where
there is one, becomes the base text.

Why not django-modeltranslation or django-parler: both fix the fallback language in settings,
while ours is the company's choice, stored in the database. modeltranslation also rewrites
`filter(name=…)` to the active language's column (feeds and forms look topics up by name, and
would find different rows per request language); parler moves the fields into a separate
table (the topic's unique name, ordering by name and every list page would need a join).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from django import forms
from django.apps import apps
from django.conf import settings
from django.db import IntegrityError, models, transaction
from django.utils.text import format_lazy
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

LANGUAGE_CODES: tuple[str, ...] = tuple(code for code, _name in settings.LANGUAGES)
LANGUAGE_NAMES = {"en": _("English"), "da": _("Danish"), "nb": _("Norwegian Bokmål")}


def column(field: str, language: str) -> str:
    return f"{field}_{language}"


def reader_language(language: str | None = None) -> str:
    code = (language or get_language() or "").lower()
    if code in LANGUAGE_CODES:
        return code
    code = code.split("-")[0]
    return "nb" if code in {"no", "nn"} else code


def translated(obj: models.Model, field: str, language: str | None = None) -> str:
    """`obj.<field>` in `language` (default: the active one), else in the company's language."""
    code = reader_language(language)
    if code in LANGUAGE_CODES:
        value = getattr(obj, column(field, code), "")
        if value:
            return value
    return getattr(obj, field)


class Translated:
    """`local_name = Translated("name")`: the field in the active language, with fallback."""

    def __init__(self, field: str):
        self.field = field

    def __get__(self, obj, owner=None):
        if obj is None:
            return self
        return translated(obj, self.field)


def columns_for(field: str, texts: dict[str, str], default_language: str) -> dict[str, str]:
    """Model keyword arguments for a text given in several languages: the default language's
    in the base column, the others in theirs (e.g. for the demo and imports)."""
    values = {field: texts[default_language]}
    for code, text in texts.items():
        if code != default_language and code in LANGUAGE_CODES:
            values[column(field, code)] = text
    return values


def text_in(language: str, base: models.Field) -> models.Field:
    """The column for `base`'s text in `language`: the same kind and length, may be empty."""
    _name, _path, args, kwargs = base.deconstruct()
    for key in ("unique", "db_index", "help_text", "default", "null"):
        kwargs.pop(key, None)
    kwargs["blank"] = True
    kwargs["default"] = ""
    kwargs["verbose_name"] = format_lazy("{} ({})", base.verbose_name, LANGUAGE_NAMES[language])
    return type(base)(*args, **kwargs)


def with_languages(fields: Iterable[str], translated_fields: Sequence[str]) -> list[str]:
    """A ModelForm's field list with every language column after its base field."""
    out: list[str] = []
    for name in fields:
        out.append(name)
        if name in translated_fields:
            out.extend(column(name, code) for code in LANGUAGE_CODES)
    return out


def translatable_models() -> list[type[models.Model]]:
    return [m for m in apps.get_models() if getattr(m, "TRANSLATED", ())]


class LanguageGroup:
    """One translatable field in a form: its columns side by side, the company's language
    first (the required one)."""

    is_group = True

    def __init__(self, label, fields):
        self.label = label
        self.fields = fields

    @property
    def errors(self) -> bool:
        return any(f.errors for f in self.fields)


class SideBySideLanguages:
    """Form mixin: for each name in `translated_fields` the base field is labelled with the
    company's language and the other languages' fields are added (or kept, on a ModelForm)
    and shown beside it; the default language's own column is left out, since its text is the
    base field. Call `setup_languages()` at the end of `__init__`."""

    translated_fields: Sequence[str] = ()

    def setup_languages(self, default_language: str | None = None) -> None:
        from .models import Organisation

        default = default_language or Organisation.get().default_language
        self.default_language = default
        self._groups: dict[str, list[str]] = {}
        fields = self.fields  # type: ignore[attr-defined]
        for name in self.translated_fields:
            base = fields[name]
            group_label = base.label
            fields.pop(column(name, default), None)
            names = [name]
            base.label = format_lazy(
                "{} ({})", LANGUAGE_NAMES.get(default, default), _("company language")
            )
            base.widget.attrs["lang"] = default
            for code in LANGUAGE_CODES:
                if code == default:
                    continue
                key = column(name, code)
                if key not in fields:
                    copy = base.__class__(
                        required=False,
                        max_length=getattr(base, "max_length", None),
                        widget=base.widget.__class__(attrs=dict(base.widget.attrs)),
                    )
                    fields[key] = copy
                field = fields[key]
                field.required = False
                field.label = LANGUAGE_NAMES[code]
                field.help_text = ""
                field.widget.attrs["lang"] = code
                if isinstance(field.widget, forms.Textarea):
                    field.widget.attrs["rows"] = base.widget.attrs.get("rows", 4)
                names.append(key)
            self._groups[name] = names
            self._group_labels = getattr(self, "_group_labels", {})
            self._group_labels[name] = group_label

    def visible_fields(self):
        """Fields in order, with each translatable field's columns as one `LanguageGroup`."""
        shown = super().visible_fields()  # type: ignore[misc]
        groups = getattr(self, "_groups", {})
        members = {key: base for base, keys in groups.items() for key in keys}
        by_name = {bf.name: bf for bf in shown}
        out: list = []
        for bound in shown:
            base = members.get(bound.name)
            if base is None:
                out.append(bound)
            elif bound.name == base:
                out.append(
                    LanguageGroup(
                        self._group_labels[base],
                        [by_name[key] for key in groups[base] if key in by_name],
                    )
                )
        return out

    def translations(self, name: str) -> dict[str, str]:
        """{language: text} typed for the other languages (cleaned; for plain forms)."""
        data = self.cleaned_data  # type: ignore[attr-defined]
        return {
            code: (data.get(column(name, code)) or "").strip()
            for code in LANGUAGE_CODES
            if code != self.default_language
        }


def change_default_language(old: str, new: str) -> int:
    """Move every translatable text to the company's new default language: the base text
    (written in `old`) becomes `old`'s translation, and `new`'s translation, where one
    exists, becomes the base text. Returns how many rows changed. Rows are taken oldest first;
    one whose new base text would collide with a unique one already taken (two topics
    translated alike) keeps its old base text."""
    if old == new or new not in LANGUAGE_CODES:
        return 0
    changed = 0
    for model in translatable_models():
        for row in model._default_manager.order_by("pk").iterator():
            values = {}
            for field in model.TRANSLATED:  # type: ignore[attr-defined]
                base = getattr(row, field)
                wanted = getattr(row, column(field, new), "")
                if old in LANGUAGE_CODES:
                    values[column(field, old)] = base
                values[column(field, new)] = ""
                if wanted:
                    values[field] = wanted
            try:
                with transaction.atomic():
                    model._default_manager.filter(pk=row.pk).update(**values)
            except IntegrityError:
                continue
            changed += 1
    return changed
