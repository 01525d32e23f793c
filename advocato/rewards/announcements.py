"""What rewards tells the chat channels (enablement asks through `lib.hooks`, as the two apps
sit side by side): the challenges starting, and the week's top by points."""

from __future__ import annotations

from datetime import date

from django.urls import reverse
from django.utils.translation import gettext as _

from advocato.people.models import Employee

from . import leaderboards
from .models import Challenge, Metric


def challenges_starting(first: date, last: date) -> list[dict]:
    found = []
    challenges = Challenge.objects.filter(
        starts_on__gte=first, starts_on__lte=last, status=Challenge.Status.OPEN
    ).prefetch_related("departments", "teams", "groups")
    for challenge in challenges.order_by("starts_on", "pk"):
        names = [
            str(x)
            for x in [*challenge.departments.all(), *challenge.teams.all(), *challenge.groups.all()]
        ]
        found.append(
            {
                "id": challenge.pk,
                "title": str(challenge.title),
                "description": str(challenge.description or ""),
                "prize": str(challenge.prize),
                "starts_on": challenge.starts_on,
                "ends_on": challenge.ends_on,
                "audience": ", ".join(names) if names else _("Everyone"),
                "path": reverse("rewards:challenge", args=[challenge.pk]),
            }
        )
    return found


def weekly_top(first: date, last: date, limit: int) -> list[tuple[Employee, int]]:
    """The week's ranking by points, people who left rankings not in it (as on the board)."""
    rows = leaderboards.standings(first, "week", Metric.POINTS, viewer=None)[:limit]
    people = Employee.objects.in_bulk([r.employee_id for r in rows])
    return [(people[r.employee_id], r.value) for r in rows if r.employee_id in people]
