"""Enablement rules: the policy (which version is current, its text in a reader's language,
publishing, accepting, whether sharing waits for it) and the onboarding checklist (each
step ticked by the product where it can tell, and its completion for the programme team)."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

import markdown
import nh3
from django.db import IntegrityError, transaction
from django.db.models import Count, Exists, Max, OuterRef, Q
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from advocato.core.models import Organisation
from advocato.lib.validators import spreadsheet_safe
from advocato.people.models import Employee
from advocato.people.services import in_programme
from advocato.sharing.models import NetworkAccount, Share

from . import training
from .models import ChecklistTick, EnablementSettings, PolicyAcceptance, PolicyVersion

# Markdown may produce these; anything else (scripts, styles, raw HTML) is dropped.
ALLOWED_TAGS = {
    "p",
    "br",
    "strong",
    "em",
    "ul",
    "ol",
    "li",
    "a",
    "h2",
    "h3",
    "h4",
    "blockquote",
    "code",
    "pre",
    "hr",
}
LANGUAGES = ("en", "da", "nb")


class EnablementError(Exception):
    """A rule said no; the message is for the person who asked."""


# --- The policy ---------------------------------------------------------------------------------


def current_policy() -> PolicyVersion | None:
    """The newest published version: the one people accept."""
    return PolicyVersion.objects.filter(published_at__isnull=False).order_by("-number").first()


def render(text: str) -> SafeString:
    """Markdown to safe HTML: whatever Markdown (or raw HTML in the source) produces is cleaned
    down to `ALLOWED_TAGS`, so a policy can never carry a script, a style or an event handler."""
    html = markdown.markdown(text or "", extensions=["sane_lists"], output_format="html")
    return mark_safe(  # noqa: S308 - nh3 leaves only ALLOWED_TAGS and safe attributes
        nh3.clean(
            html,
            tags=ALLOWED_TAGS,
            attributes={"a": {"href", "title"}},
            url_schemes={"http", "https", "mailto"},
        )
    )


def policy_text(version: PolicyVersion, language: str) -> tuple[str, str]:
    """(language, HTML) of the version for a reader: their language, then the company's,
    then the neighbouring Scandinavian one, then English, then whatever is written."""
    default = Organisation.get().default_language
    neighbour = {"da": "nb", "nb": "da"}.get(language, "")
    for code in dict.fromkeys((language, default, neighbour, "en", *LANGUAGES)):
        if code and version.body(code).strip():
            return code, render(version.body(code))
    return language, mark_safe("")


def next_number() -> int:
    return (PolicyVersion.objects.aggregate(n=Max("number"))["n"] or 0) + 1


def new_draft(by: Employee) -> PolicyVersion:
    """A new draft, starting from the current text (so a change is an edit, not a rewrite)."""
    base = current_policy()
    for _attempt in range(3):
        try:
            with transaction.atomic():
                return PolicyVersion.objects.create(
                    number=next_number(),
                    title=base.title if base else _("Social media policy"),
                    body_en=base.body_en if base else "",
                    body_da=base.body_da if base else "",
                    body_nb=base.body_nb if base else "",
                    created_by=by,
                )
        except IntegrityError:  # two admins at the same moment: take the next number
            continue
    raise EnablementError(_("Could not start a new version; try again."))


def publish(version: PolicyVersion) -> PolicyVersion:
    """Publish a draft: from now on it is the version people accept."""
    if version.is_published:
        raise EnablementError(_("This version is already published."))
    if not any(version.body(code).strip() for code in LANGUAGES):
        raise EnablementError(_("Write the policy in at least one language first."))
    newer = PolicyVersion.objects.filter(number__gt=version.number, published_at__isnull=False)
    if newer.exists():
        raise EnablementError(_("A newer version is already published."))
    version.published_at = timezone.now()
    version.save(update_fields=["published_at"])
    return version


def accepted(employee: Employee, version: PolicyVersion | None = None) -> PolicyAcceptance | None:
    version = version or current_policy()
    if version is None:
        return None
    return PolicyAcceptance.objects.filter(employee=employee, version=version).first()


def accept(employee: Employee, version: PolicyVersion) -> PolicyAcceptance:
    """Record that `employee` accepted `version` (once; accepting again changes nothing)."""
    if not version.is_published:
        raise EnablementError(_("Only a published version can be accepted."))
    current = current_policy()
    if current is None or current.pk != version.pk:
        raise EnablementError(_("A newer version of the policy is out: read that one."))
    found, _created = PolicyAcceptance.objects.get_or_create(employee=employee, version=version)
    return found


def may_share(employee) -> str | None:
    """Why this person may not share yet, or None. (The answer to `hooks.may_share`.)"""
    if not EnablementSettings.get().sharing_waits_for_policy:
        return None
    current = current_policy()
    if current is None or accepted(employee, current) is not None:
        return None
    return _("Read and accept the social media policy first (version %(number)d).") % {
        "number": current.number
    }


def acceptances(version: PolicyVersion) -> list[dict]:
    """Everyone in the programme and when they accepted this version (None: not yet)."""
    when = dict(
        PolicyAcceptance.objects.filter(version=version).values_list("employee_id", "accepted_at")
    )
    people = in_programme().filter(user__isnull=False).select_related("department")
    return [
        {
            "employee": p,
            "department": p.department.name if p.department else "",
            "accepted_at": when.get(p.pk),
        }
        for p in people.order_by("name", "pk")
    ]


def acceptances_csv(version: PolicyVersion) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([_("Name"), _("E-mail address"), _("Department"), _("Version"), _("Accepted")])
    for row in acceptances(version):
        person = row["employee"]
        at = row["accepted_at"]
        writer.writerow(
            [
                spreadsheet_safe(person.name),
                spreadsheet_safe(person.email),
                spreadsheet_safe(row["department"]),
                version.number,
                at.isoformat() if at else "",
            ]
        )
    return out.getvalue()


# --- The onboarding checklist -------------------------------------------------------------------

PROFILE_CHECK = "profile_check"


@dataclass(frozen=True)
class Step:
    key: str
    label: str
    help: str
    url_name: str
    done: bool
    self_ticked: bool = False


STEP_LABELS = {
    "policy": gettext_lazy("Read and accept the social media policy"),
    "network": gettext_lazy("Connect a network"),
    "training": gettext_lazy("Complete the training"),
    "profile_check": gettext_lazy("Check your own profile"),
    "first_share": gettext_lazy("Share for the first time"),
}


def checklist(employee: Employee) -> list[Step]:
    """The advocate's onboarding steps, each ticked by the product where it can tell."""
    current = current_policy()
    steps = []
    if current is not None:
        steps.append(
            Step(
                "policy",
                str(STEP_LABELS["policy"]),
                _("What you may share and how — in a few minutes."),
                "enablement:policy",
                accepted(employee, current) is not None,
            )
        )
    trained = training.passed_all(employee)
    if trained is not None:
        steps.append(
            Step(
                "training",
                str(STEP_LABELS["training"]),
                _("Short lessons with a quiz: how to share well. Passing earns points."),
                "enablement:training",
                trained,
            )
        )
    steps.append(
        Step(
            "network",
            str(STEP_LABELS["network"]),
            _("Post directly from Advocato, at the best time, and see your reach."),
            "shell:profile",
            NetworkAccount.objects.filter(employee=employee).exists(),
        )
    )
    steps.append(
        Step(
            PROFILE_CHECK,
            str(STEP_LABELS[PROFILE_CHECK]),
            _(
                "Does your network profile show your job title and the company? People "
                "trust a post more when they see who you are."
            ),
            "enablement:onboarding_tick",
            ChecklistTick.objects.filter(employee=employee, step=PROFILE_CHECK).exists(),
            self_ticked=True,
        )
    )
    steps.append(
        Step(
            "first_share",
            str(STEP_LABELS["first_share"]),
            _("Pick something from your feed and say it in your own words."),
            "content:feed",
            Share.objects.filter(employee=employee, confirmed_at__isnull=False).exists(),
        )
    )
    return steps


def tick(employee: Employee, step: str) -> None:
    if step != PROFILE_CHECK:
        raise EnablementError(_("Advocato ticks this step itself when it is done."))
    ChecklistTick.objects.get_or_create(employee=employee, step=step)


def completion(by: str = "department") -> dict:
    """For the programme team: registered people per department (or group) and how many have
    done each step — the onboarding's part of the adoption funnel."""
    current = current_policy()
    people = in_programme().filter(user__isnull=False)
    flags = {
        "network": Exists(NetworkAccount.objects.filter(employee=OuterRef("pk"))),
        "profile_check": Exists(
            ChecklistTick.objects.filter(employee=OuterRef("pk"), step=PROFILE_CHECK)
        ),
        "first_share": Exists(
            Share.objects.filter(employee=OuterRef("pk"), confirmed_at__isnull=False)
        ),
    }
    if current is not None:
        flags["policy"] = Exists(
            PolicyAcceptance.objects.filter(employee=OuterRef("pk"), version=current)
        )
    if training.published_modules().exists():
        flags["training"] = training.passed_all_flag()
    order = ("policy", "training", "network", "profile_check", "first_share")
    keys = [k for k in order if k in flags]
    field = "department__name" if by == "department" else "groups__name"
    rows = (
        people.annotate(**{f"has_{k}": flags[k] for k in keys})
        .values(field)
        .annotate(
            registered=Count("pk", distinct=True),
            **{k: Count("pk", filter=Q(**{f"has_{k}": True}), distinct=True) for k in keys},
        )
        .order_by(field)
    )
    table = [
        {
            "name": row[field] or _("None"),
            "registered": row["registered"],
            "steps": [
                (row[k], row[k] / row["registered"] if row["registered"] else None) for k in keys
            ],
        }
        for row in rows
    ]
    return {"steps": [STEP_LABELS[k] for k in keys], "rows": table}
