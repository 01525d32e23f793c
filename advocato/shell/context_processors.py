"""What the base layout needs on every page: the organisation and the navigation for the
signed-in employee's role."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from advocato.core.models import Organisation
from advocato.lib.permissions import has_role

# (url name, label, roles that see it; empty = every employee)
NAVIGATION = [
    ("home", _("Home"), ()),
    ("content:feed", _("Feed"), ()),
    ("sharing:mine", _("My shares"), ()),
    ("analytics:scorecard", _("My scorecard"), ()),
    ("rewards:points", _("My points"), ()),
    ("rewards:leaderboard", _("Leaderboard"), ()),
    ("rewards:challenges", _("Challenges"), ()),
    ("rewards:catalogue", _("Rewards"), ()),
    ("rewards:kudos", _("Kudos"), ()),
    ("enablement:policy", _("Policy"), ()),
    ("content:library", _("Library"), ("curator",)),
    ("content:review", _("Review"), ("curator",)),
    ("analytics:team", _("My team"), ("manager",)),
    ("analytics:dashboard", _("Analytics"), ("analyst",)),
    ("analytics:content", _("Content results"), ("curator",)),
    ("analytics:adoption", _("Adoption"), ("analyst",)),
    ("sharing:engagement_import", _("Import engagement"), ("analyst",)),
    ("people:list", _("People"), ("admin",)),
    ("people:groups", _("Groups"), ("admin",)),
    ("shell:audit", _("Audit log"), ("admin",)),
    ("shell:settings", _("Settings"), ("admin",)),
    ("sharing:network_apps", _("Social networks"), ("admin",)),
    ("rewards:manage", _("Rewards catalogue"), ("admin",)),
    ("rewards:review", _("Points to review"), ("admin",)),
    ("rewards:employee_of_month", _("Employee of the month"), ("admin",)),
    ("enablement:manage", _("Policy versions"), ("admin",)),
    ("enablement:onboarding", _("Onboarding"), ("analyst",)),
]


def shell(request):
    employee = getattr(request, "employee", None)
    nav = []
    if employee is not None and employee.is_active:
        path = request.path
        for name, label, roles in NAVIGATION:
            if roles and not has_role(employee, *roles):
                continue
            url = reverse(name)
            active = path == url if url == "/" else path.startswith(url)
            nav.append({"url": url, "label": label, "active": active})
    return {"organisation": Organisation.get(), "navigation": nav, "employee": employee}
