"""What the base layout needs on every page: the organisation and the navigation for the
signed-in employee's role, grouped by purpose (one's own pages, the programme everyone takes
part in, content work, results, administration) so the top bar holds a few menus rather than
two dozen links."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from advocato.core.models import Organisation
from advocato.lib.permissions import has_role

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

# (group label, [(url name, label, roles that see it; empty = every employee)]). A group with
# no link left for a role is not shown. Labels say what the page is for, so no two read alike.
NAVIGATION: list[tuple[StrOrPromise, list[tuple[str, StrOrPromise, tuple[str, ...]]]]] = [
    (
        _("Me"),
        [
            ("content:feed", _("Content to share"), ()),
            ("sharing:mine", _("My shares"), ()),
            ("analytics:scorecard", _("My scorecard"), ()),
            ("rewards:points", _("My points"), ()),
            ("shell:profile", _("Profile and accounts"), ()),
            ("shell:my_data", _("My data"), ()),
            ("enablement:email_preferences", _("E-mail preferences"), ()),
            ("enablement:policy", _("Social media policy"), ()),
            ("enablement:training", _("Training"), ()),
        ],
    ),
    (
        _("Programme"),
        [
            ("rewards:leaderboard", _("Leaderboard"), ()),
            ("rewards:challenges", _("Challenges"), ()),
            ("rewards:catalogue", _("Rewards to redeem"), ()),
            ("rewards:kudos", _("Kudos"), ()),
            ("enablement:plan", _("Programme plan"), ()),
            ("enablement:stories", _("Success stories"), ()),
        ],
    ),
    (
        _("Content"),
        [
            ("content:library", _("Content library"), ("curator",)),
            ("content:review", _("Review queue"), ("curator",)),
            ("enablement:questions", _("Questions from advocates"), ("curator",)),
            ("enablement:training_manage", _("Training modules"), ("curator",)),
            ("enablement:stories_manage", _("Manage success stories"), ("curator",)),
        ],
    ),
    (
        _("Results"),
        [
            ("analytics:team", _("My team"), ("manager",)),
            ("enablement:training_progress", _("Training progress"), ("manager", "analyst")),
            ("analytics:dashboard", _("Programme dashboard"), ("analyst",)),
            ("analytics:content", _("Results per item"), ("curator",)),
            ("analytics:adoption", _("Adoption funnel"), ("analyst",)),
            ("sharing:engagement_import", _("Import engagement figures"), ("analyst",)),
            ("enablement:onboarding", _("Onboarding"), ("analyst",)),
            ("enablement:lapsed", _("Who lapsed"), ("manager", "analyst")),
        ],
    ),
    (
        pgettext_lazy("navigation", "Admin"),
        [
            ("people:list", _("People"), ("admin",)),
            ("people:groups", _("Groups"), ("admin",)),
            ("rewards:manage", _("Manage rewards"), ("admin",)),
            ("rewards:review", _("Points to review"), ("admin",)),
            ("rewards:employee_of_month", _("Employee of the month"), ("admin",)),
            ("sharing:network_apps", _("Social networks"), ("admin",)),
            ("api:webhooks", _("Webhooks"), ("admin",)),
            ("shell:settings", _("Organisation settings"), ("admin",)),
            ("sharing:limits", _("Healthy limits"), ("admin",)),
            ("enablement:manage", _("Policy versions"), ("admin",)),
            ("enablement:chat_channels", _("Chat channels"), ("admin",)),
            ("enablement:nudge_settings", _("Re-activation"), ("admin",)),
            ("shell:audit", _("Audit log"), ("admin",)),
            ("api:service_tokens", _("API tokens"), ("admin",)),
        ],
    ),
]


def _is_current(path: str, url: str) -> bool:
    return path == url if url == "/" else path.startswith(url)


def navigation_for(employee, path: str = "") -> list[dict]:
    """The menus `employee` sees: [{label, current, links: [{url, label, current}]}]. The
    link whose address is the longest prefix of `path` is the current one (so "My data" at
    /me/data/ is current, not "Profile" at /me/)."""
    groups: list[dict[str, Any]] = []
    for group_label, entries in NAVIGATION:
        links: list[dict[str, Any]] = [
            {"url": reverse(name), "label": label, "current": False}
            for name, label, roles in entries
            if not roles or has_role(employee, *roles)
        ]
        if links:
            groups.append({"label": group_label, "links": links, "current": False})
    matches = [link for g in groups for link in g["links"] if _is_current(path, link["url"])]
    if matches:
        best = max(matches, key=lambda link: len(link["url"]))
        best["current"] = True
        for group in groups:
            group["current"] = any(link is best for link in group["links"])
    return groups


def shell(request):
    employee = getattr(request, "employee", None)
    nav = []
    if employee is not None and employee.is_active:
        nav = navigation_for(employee, request.path)
    return {"organisation": Organisation.get(), "navigation": nav, "employee": employee}
