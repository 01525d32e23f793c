"""Who may see whose results by name.

Two settings decide it: the organisation's `individual_results` (everyone / managers and the
programme team / only the person) and each employee's own `ranking` choice (named / only my
own rank / left out). Everybody always sees themselves; totals of teams and of the programme
are never hidden. Leaderboards, top contributors, team scorecards and the like all ask here,
so the rule lives in one place.

This is the one gate for names: every place that shows a person to someone else — results
pages, exports, PDFs, e-mails, kudos, the employee of the month — asks `can_name` (one
person), `nameable` (a filter) or `shown_name` (the name, or "A colleague" in its place).
People who left rankings are also kept out of pickers of colleagues (`listed`).
"""

from __future__ import annotations

from django.db.models import Q
from django.utils.translation import gettext as _

from advocato.core.models import Organisation

from .models import Employee, Ranking

PROGRAMME_TEAM = ("admin", "analyst")


def managed_ids(manager: Employee) -> set[int]:
    """Everyone below `manager` in the reporting line, however deep."""
    found: set[int] = set()
    frontier = {manager.pk}
    while frontier:
        below = set(Employee.objects.filter(manager_id__in=frontier).values_list("pk", flat=True))
        frontier = below - found - {manager.pk}
        found |= frontier
    return found


def can_name(viewer: Employee | None, subject: Employee) -> bool:
    """May `viewer` see `subject`'s individual results next to their name?"""
    if viewer is None:
        return False
    if viewer.pk == subject.pk:
        return True
    if subject.ranking != Ranking.NAMED:
        return False
    policy = Organisation.get().individual_results
    if policy == Organisation.Visibility.EVERYONE:
        return True
    if policy == Organisation.Visibility.MANAGERS:
        return viewer.role in PROGRAMME_TEAM or subject.pk in managed_ids(viewer)
    return False


def named_to_everyone(subject: Employee) -> bool:
    """May `subject` be named where anyone in the company reads it (a Slack or Teams channel)?
    Only when the company shows individual results to everyone and the person chose to be
    named: the answer `can_name` gives any colleague."""
    return (
        subject.ranking == Ranking.NAMED
        and Organisation.get().individual_results == Organisation.Visibility.EVERYONE
    )


def nameable(viewer: Employee | None) -> Q:
    """A filter on Employee for the people `viewer` may see by name (always including
    themselves) — the set form of `can_name`, for lists and leaderboards."""
    if viewer is None:
        return Q(pk__in=[])
    own = Q(pk=viewer.pk)
    policy = Organisation.get().individual_results
    named = Q(ranking=Ranking.NAMED)
    if policy == Organisation.Visibility.EVERYONE:
        return own | named
    if policy == Organisation.Visibility.MANAGERS:
        if viewer.role in PROGRAMME_TEAM:
            return own | named
        return own | (named & Q(pk__in=managed_ids(viewer)))
    return own


def ranked(viewer: Employee | None) -> Q:
    """Who takes part in rankings at all: people who left rankings are out for everyone,
    themselves included — they asked not to be ranked, so no page tells them "=2 of 27" either
    (their own figures stay on their scorecard and points pages). `viewer` is kept for the
    callers' symmetry with the other gates."""
    return ~Q(ranking=Ranking.OUT)


def shown_name(viewer: Employee | None, subject: Employee) -> str:
    """`subject`'s name where `viewer` may see it, else a neutral stand-in."""
    return subject.name if can_name(viewer, subject) else _("A colleague")


def listed(viewer: Employee | None) -> Q:
    """Who may be offered in a list of colleagues to choose from (kudos, say): everyone
    except people who asked to be left out — they still find themselves."""
    own = Q(pk=viewer.pk) if viewer is not None else Q(pk__in=[])
    return own | ~Q(ranking=Ranking.OUT)


def named_candidates(viewer: Employee | None) -> Q:
    """Who may be put forward by name to `viewer` for a public honour (employee of the
    month): people who chose to be named and whom `viewer` may name."""
    return nameable(viewer) & Q(ranking=Ranking.NAMED)


def named_to_programme_team(subject: Employee) -> bool:
    """May the programme team (admins, analysts) — and the company's own systems they connect,
    such as a webhook to the CRM — see `subject`'s individual results by name? The same answer
    `can_name` gives an admin."""
    if subject.ranking != Ranking.NAMED:
        return False
    return Organisation.get().individual_results != Organisation.Visibility.SELF


def managers_above(subject: Employee) -> set[int]:
    """Everyone above `subject` in the reporting line, however high (one query a level)."""
    found: set[int] = set()
    current = subject.manager_id
    while current is not None and current not in found and current != subject.pk:
        found.add(current)
        current = Employee.objects.filter(pk=current).values_list("manager_id", flat=True).first()
    return found


def may_name_among(viewers, subject: Employee) -> set[int]:
    """The ids of those `viewers` who may see `subject` by name: `can_name` for a whole
    mailing list at once, in a fixed number of queries however long the list."""
    viewers = list(viewers)
    themselves = {v.pk for v in viewers if v.pk == subject.pk}
    if subject.ranking != Ranking.NAMED:
        return themselves
    policy = Organisation.get().individual_results
    if policy == Organisation.Visibility.EVERYONE:
        return {v.pk for v in viewers}
    if policy == Organisation.Visibility.MANAGERS:
        above = managers_above(subject)
        return themselves | {v.pk for v in viewers if v.role in PROGRAMME_TEAM or v.pk in above}
    return themselves
