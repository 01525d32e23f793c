"""Training pages (an advocate's modules, a lesson with its quiz, the review of an attempt;
curators' modules and questions; a manager's team progress) and the programme plan."""

from __future__ import annotations

from django.contrib import messages
from django.db import transaction
from django.db.models import Count
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from advocato.lib.permissions import employee_required, has_role, role_required

from . import plan as programme_plan
from . import training
from .forms_training import (
    ModuleForm,
    ObjectiveForm,
    OptionFormSet,
    PlanForm,
    QuestionForm,
    QuizForm,
)
from .models import ProgrammePlan, QuizAttempt, QuizQuestion, TrainingModule

LANGUAGES = (("en", "English"), ("da", "Dansk"), ("nb", "Norsk"))


def _language() -> str:
    return get_language() or "en"


# --- Advocates ---------------------------------------------------------------------------------


@employee_required
def modules(request):
    found = training.my_modules(request.employee, _language())
    return render(
        request,
        "enablement/training/modules.html",
        {"modules": found, "passed": sum(1 for m in found if m.passed)},
    )


@employee_required
def module(request, pk: int):
    found = get_object_or_404(TrainingModule, pk=pk)
    editor = has_role(request.employee, "curator")
    if not found.is_published and not editor:
        raise Http404
    language = _language()
    form = QuizForm(found, language, request.POST or None, initial={"token": training.new_token()})
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                attempt = training.hand_in(
                    request.employee, found, form.answers(), form.cleaned_data["token"]
                )
            except training.TrainingError as exc:
                messages.error(request, str(exc))
                return redirect("enablement:training_module", pk=pk)
            return redirect("enablement:training_attempt", pk=attempt.pk)
        status = 400
    body_language, body = training.pick(found, "body", language)
    return render(
        request,
        "enablement/training/module.html",
        {
            "module": found,
            "title": training.tr(found, "title", language),
            "html": training.render_lesson(body),
            "body_language": body_language,
            "video": training.video_embed(found.video_url),
            "form": form,
            "passed": training.completion_of(request.employee, found),
            "why_not": training.why_not(request.employee, found) if found.is_published else None,
            "editor": editor,
        },
        status=status,
    )


@employee_required
def attempt(request, pk: int):
    found = get_object_or_404(
        QuizAttempt.objects.select_related("module"), pk=pk, employee=request.employee
    )
    language = _language()
    return render(
        request,
        "enablement/training/attempt.html",
        {
            "attempt": found,
            "title": training.tr(found.module, "title", language),
            "questions": training.review(found, language),
            "passed": training.completion_of(request.employee, found.module),
            "why_not": training.why_not(request.employee, found.module),
        },
    )


# --- Curators ----------------------------------------------------------------------------------


@role_required("curator")
def manage(request):
    figures = training.module_figures()
    modules = TrainingModule.objects.annotate(n_questions=Count("questions"))
    rows = [(m, figures.get(m.pk, {})) for m in modules]
    return render(request, "enablement/training/manage.html", {"rows": rows})


def _side_by_side(form, *names: str) -> list[tuple[str, list]]:
    """[(language label, [bound fields])] for the fields edited per language."""
    return [(label, [form[f"{n}_{code}"] for n in names]) for code, label in LANGUAGES]


@role_required("curator")
def module_new(request):
    form = ModuleForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        created = form.save(commit=False)
        created.created_by = request.employee
        created.save()
        messages.success(request, _("Module saved. Now add the quiz's questions."))
        return redirect("enablement:training_edit", pk=created.pk)
    return render(
        request,
        "enablement/training/edit.html",
        {"form": form, "columns": _side_by_side(form, "title", "body"), "module": None},
        status=400 if form.errors else 200,
    )


@role_required("curator")
def module_edit(request, pk: int):
    found = get_object_or_404(TrainingModule, pk=pk)
    form = ModuleForm(request.POST or None, instance=found)
    if request.method == "POST":
        if "unpublish" in request.POST:
            training.unpublish(found)
            messages.success(request, _("Back to a draft: advocates no longer see it."))
            return redirect("enablement:training_edit", pk=pk)
        if form.is_valid():
            form.save()
            if "publish" in request.POST:
                try:
                    training.publish(found)
                except training.TrainingError as exc:
                    messages.error(request, str(exc))
                    return redirect("enablement:training_edit", pk=pk)
                messages.success(request, _("Published: advocates see it under Training."))
            else:
                messages.success(request, _("Module saved."))
            return redirect("enablement:training_edit", pk=pk)
    questions = [
        (
            q,
            training.tr(q, "text", _language()),
            q.options.count(),
            q.options.filter(correct=True).count(),
        )
        for q in found.questions.all()
    ]
    return render(
        request,
        "enablement/training/edit.html",
        {
            "form": form,
            "columns": _side_by_side(form, "title", "body"),
            "module": found,
            "questions": questions,
            "previews": [
                (code, label, training.render_lesson(found.text("body", code)))
                for code, label in LANGUAGES
            ],
        },
        status=400 if form.errors else 200,
    )


def _question_page(request, found: TrainingModule, question: QuizQuestion | None):
    instance = question or QuizQuestion(module=found, position=found.questions.count() + 1)
    form = QuestionForm(request.POST or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        # The options' rule (one right answer or several) depends on the kind just chosen.
        instance.kind = form.cleaned_data["kind"]
    options = OptionFormSet(request.POST or None, instance=instance, prefix="options")
    if request.method == "POST" and form.is_valid() and options.is_valid():
        with transaction.atomic():
            saved = form.save()
            options.instance = saved
            for n, option_form in enumerate(options.forms):
                data = getattr(option_form, "cleaned_data", None) or {}
                if data.get("DELETE") or option_form.is_blank():
                    if option_form.instance.pk:
                        option_form.instance.delete()
                    continue
                option = option_form.save(commit=False)
                option.question = saved
                option.position = n
                option.save()
        messages.success(request, _("Question saved."))
        return redirect("enablement:training_edit", pk=found.pk)
    return render(
        request,
        "enablement/training/question.html",
        {
            "module": found,
            "question": question,
            "form": form,
            "columns": _side_by_side(form, "text", "explanation"),
            "options": options,
        },
        status=400 if request.method == "POST" else 200,
    )


@role_required("curator")
def question_new(request, pk: int):
    return _question_page(request, get_object_or_404(TrainingModule, pk=pk), None)


@role_required("curator")
def question_edit(request, pk: int):
    question = get_object_or_404(QuizQuestion.objects.select_related("module"), pk=pk)
    return _question_page(request, question.module, question)


@role_required("curator")
@require_POST
def question_delete(request, pk: int):
    question = get_object_or_404(QuizQuestion, pk=pk)
    module_pk = question.module_id
    question.delete()
    messages.success(request, _("Question deleted."))
    return redirect("enablement:training_edit", pk=module_pk)


# --- Managers and the programme team -----------------------------------------------------------


@role_required("manager", "analyst")
def progress(request):
    everyone = has_role(request.employee, "analyst") and request.GET.get("scope") != "team"
    found = training.team_progress(request.employee, _language(), everyone=everyone)
    return render(
        request,
        "enablement/training/progress.html",
        {
            "progress": found,
            "everyone": everyone,
            "can_choose": has_role(request.employee, "analyst"),
        },
    )


# --- The programme plan ------------------------------------------------------------------------


@employee_required
def plan(request):
    context = programme_plan.page(_language(), request.employee)
    context["rhythm_text"] = programme_plan.rhythm_text(context["plan"])
    return render(request, "enablement/plan.html", context)


@role_required("admin")
def plan_edit(request):
    kpis = programme_plan.kpi_choices()
    data = request.POST or None
    form = PlanForm(data, instance=ProgrammePlan.get())
    objectives = [
        ObjectiveForm(data, instance=o, prefix=f"goal-{o.goal}", kpis=kpis)
        for o in programme_plan.objectives()
    ]
    if request.method == "POST" and form.is_valid() and all(o.is_valid() for o in objectives):
        programme_plan.save(form, objectives, request.employee)
        messages.success(request, _("Programme plan saved."))
        return redirect("enablement:plan")
    return render(
        request,
        "enablement/plan_edit.html",
        {
            "form": form,
            "purpose": _side_by_side(form, "purpose"),
            "objectives": [
                (o, o.instance.get_goal_display(), _side_by_side(o, "objective"))
                for o in objectives
            ],
        },
        status=400 if request.method == "POST" else 200,
    )
