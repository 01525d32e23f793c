"""The programme plan: one page the programme team keeps — who does what, the objective per
goal with the analysts' target for this quarter beside it (asked through
`hooks.quarter_figures`, as analytics sits beside enablement), the policy, the training and
how often the programme is evaluated. Everyone in the programme reads it; admins edit it."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import gettext as _

from advocato.content.models import Goal
from advocato.core.models import Organisation
from advocato.lib import hooks
from advocato.people import privacy
from advocato.people.models import Employee

from . import services, training
from .models import PlanObjective, PolicyAcceptance, ProgrammePlan, TrainingCompletion

# The goals a plan sets objectives for, in the order the programme team reads them.
GOALS = [Goal.LEADS, Goal.RECRUITMENT, Goal.EMPLOYER_BRANDING, Goal.AWARENESS,
         Goal.THOUGHT_LEADERSHIP]  # fmt: skip


def current_quarter() -> tuple[int, int]:
    today = Organisation.get().today()
    return today.year, (today.month - 1) // 3 + 1


def figures() -> dict[str, dict]:
    """This quarter's KPIs so far, by key (empty when analytics does not answer)."""
    return {row["key"]: row for row in hooks.quarter_figures(*current_quarter())}


def kpi_choices() -> list[tuple[str, str]]:
    return [(key, str(row["label"])) for key, row in figures().items()]


def objectives() -> list[PlanObjective]:
    """One row per goal, in GOALS order (made when first asked)."""
    found = {o.goal: o for o in PlanObjective.objects.all()}
    missing = [PlanObjective(goal=g) for g in GOALS if g not in found]
    if missing:
        PlanObjective.objects.bulk_create(missing, ignore_conflicts=True)
        found = {o.goal: o for o in PlanObjective.objects.all()}
    return [found[g] for g in GOALS]


@dataclass
class Objective:
    goal: str
    text: str
    kpi_label: str
    figure: dict | None


def page(language: str, viewer: Employee) -> dict:
    plan = ProgrammePlan.get()
    found = figures()
    rows = []
    for objective in objectives():
        figure = found.get(objective.kpi) if objective.kpi else None
        text = training.tr(objective, "objective", language)
        if not text and not objective.kpi:
            continue
        rows.append(
            Objective(
                goal=str(Goal(objective.goal).label),
                text=text,
                kpi_label=str(figure["label"]) if figure else "",
                figure=figure,
            )
        )
    policy = services.current_policy()
    registered = Employee.objects.filter(is_active=True, user__isnull=False).count()
    modules = list(training.published_modules())
    passed = {
        m: TrainingCompletion.objects.filter(module_id=m, employee__is_active=True).count()
        for m in (x.pk for x in modules)
    }
    year, quarter = current_quarter()
    return {
        "plan": plan,
        "purpose": training.render_lesson(training.tr(plan, "purpose", language)),
        # People who asked to be left out of rankings are not named here either.
        "ambassadors": list(
            plan.ambassadors.filter(privacy.listed(viewer), is_active=True).order_by("name")
        ),
        "departments": list(plan.departments.order_by("name")),
        "objectives": rows,
        "policy": policy,
        "policy_accepted": (
            PolicyAcceptance.objects.filter(version=policy, employee__is_active=True).count()
            if policy
            else 0
        ),
        "registered": registered,
        "modules": [(m, training.tr(m, "title", language), passed[m.pk]) for m in modules],
        "year": year,
        "quarter": quarter,
    }


def save(plan_form, objective_forms, by: Employee) -> ProgrammePlan:
    """Save the plan and its objectives together (each change audited)."""
    with transaction.atomic():
        plan = plan_form.save(commit=False)
        plan.updated_by = by
        plan.save()
        plan_form.save_m2m()
        for form in objective_forms:
            if form.has_changed():
                form.save()
    return plan


def rhythm_text(plan: ProgrammePlan) -> str:
    return {
        ProgrammePlan.Rhythm.MONTHLY: _("We look at the figures every month."),
        ProgrammePlan.Rhythm.QUARTERLY: _(
            "We evaluate every quarter: the quarterly evaluation holds the figures against the "
            "targets and our conclusions."
        ),
        ProgrammePlan.Rhythm.HALF_YEARLY: _("We evaluate every half year."),
    }[ProgrammePlan.Rhythm(plan.rhythm)]
