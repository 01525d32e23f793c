"""Choosing a person: one field and one search for every place a person is chosen (kudos, a
person's manager, …).

Without JavaScript the field is a plain <select>, people grouped by department (<optgroup>)
and namesakes told apart by their e-mail address. With JavaScript (people/picker.js) a search
box takes its place and asks `search` (GET /people/search.json?scope=…&q=…) for matches by
name, e-mail address or department; choosing one sets the select, so the form posts the same
value either way.

Who can be found is the scope's rule, the same for the select and the search, so the search
cannot find anyone the page could not list:
- `colleagues`: everyone active and registered except people who left rankings
  (`privacy.listed`) and the viewer — for kudos;
- `everyone`: every active person — admins only (a person's manager).
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from django import forms
from django.db.models import Q, QuerySet
from django.urls import reverse_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from . import privacy
from .models import Employee

SCOPES = ("colleagues", "everyone")
SEARCH_LIMIT = 20


class ScopeRefused(Exception):
    """The viewer may not search this scope."""


def people_in(scope: str, viewer: Employee | None) -> QuerySet[Employee]:
    """Who `viewer` may find in `scope` (ScopeRefused for an unknown or forbidden scope)."""
    if viewer is None or scope not in SCOPES:
        raise ScopeRefused(scope)
    if scope == "everyone":
        if viewer.role != "admin":
            raise ScopeRefused(scope)
        return Employee.objects.filter(is_active=True)
    return Employee.objects.filter(
        privacy.listed(viewer), is_active=True, user__isnull=False
    ).exclude(pk=viewer.pk)


def search(scope: str, viewer: Employee | None, query: str) -> list[dict[str, Any]]:
    """Up to SEARCH_LIMIT people in `scope` whose name, e-mail address or department contains
    every word of `query`, by name; each with what tells namesakes apart."""
    people = people_in(scope, viewer).select_related("department")
    for word in query.split()[:5]:
        people = people.filter(
            Q(name__icontains=word) | Q(email__icontains=word) | Q(department__name__icontains=word)
        )
    found = list(people.order_by("name", "pk")[:SEARCH_LIMIT])
    return [
        {
            "id": p.pk,
            "name": p.name,
            "department": p.department.name if p.department else "",
            "email": p.email,
        }
        for p in found
    ]


def label(person: Employee, namesakes: Counter | None = None) -> str:
    """The option's text: the name, and the e-mail address when someone else has it too."""
    if namesakes is not None and namesakes[person.name.casefold()] > 1:
        return f"{person.name} ({person.email})"
    return person.name


class _GroupedIterator(forms.models.ModelChoiceIterator):
    """The people as <optgroup>s by department (no department last), namesakes labelled."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        people = list(self.queryset.select_related("department").order_by("name", "pk"))
        namesakes = Counter(p.name.casefold() for p in people)
        groups: dict[str, list] = {}
        for person in people:
            department = person.department.name if person.department else ""
            groups.setdefault(department, []).append(
                (forms.models.ModelChoiceIteratorValue(person.pk, person), label(person, namesakes))
            )
        for department in sorted(groups, key=lambda d: (d == "", d.casefold())):
            yield (department or _("No department"), groups[department])

    def __len__(self):
        return self.queryset.count() + (1 if self.field.empty_label is not None else 0)


class PersonChoiceField(forms.ModelChoiceField):
    """A person from `scope`, for `viewer`: call `for_viewer` in the form's __init__."""

    iterator = _GroupedIterator

    def __init__(self, *, scope: str, **kwargs):
        self.scope = scope
        kwargs.setdefault("queryset", Employee.objects.none())
        super().__init__(**kwargs)
        self.widget.attrs.update(
            {
                "data-person-picker": scope,
                "data-search-url": reverse_lazy("people:search"),
                "data-placeholder": gettext_lazy("Search by name, e-mail or department"),
                "data-none": gettext_lazy("Nobody found."),
            }
        )

    def for_viewer(self, viewer: Employee | None, queryset: QuerySet[Employee] | None = None):
        """Limit the choices to who `viewer` may find (further limited by `queryset`)."""
        people = people_in(self.scope, viewer)
        self.queryset = people if queryset is None else people.filter(pk__in=queryset)
