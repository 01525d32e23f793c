"""Ask the comms team: the form on an advocate's share, the team's queue, one question with
its answer, and closing it. A question is shown only to its asker, curators and admins
(anyone else gets 404, as if it did not exist)."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from advocato.lib.permissions import employee_required, role_required
from advocato.sharing.models import Share

from . import questions
from .forms import AnswerForm, QuestionForm
from .models import Question


def _visible(request, pk: int) -> Question:
    question = questions.visible_to(request.employee).filter(pk=pk).first()
    if question is None:
        raise Http404(_("No such question."))
    return question


@employee_required
def ask(request, pk: int):
    share = get_object_or_404(
        Share.objects.select_related("item"), pk=pk, employee=request.employee
    )
    form = QuestionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            questions.ask(request.employee, share, data["comment"], data["comment_link"],
                          data["question"])  # fmt: skip
        except questions.QuestionError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Sent — the comms team answers here and by e-mail."))
            return redirect(reverse("sharing:handoff", args=[share.pk]) + "#questions")
    return render(
        request,
        "enablement/questions/ask.html",
        {"share": share, "form": form},
        status=400 if form.errors else 200,
    )


@role_required("curator")
def queue(request):
    status = request.GET.get("status", Question.Status.NEW)
    if status not in Question.Status.values:
        status = ""
    return render(
        request,
        "enablement/questions/queue.html",
        {
            "questions": questions.queue(status)[:200],
            "status": status,
            "statuses": Question.Status.choices,
            "measured": questions.time_to_first_answer(),
            "duration": questions.duration_text(questions.time_to_first_answer()["median"]),
            "days": questions.MEASURED_DAYS,
        },
    )


@employee_required
def detail(request, pk: int):
    question = _visible(request, pk)
    team = questions.is_team(request.employee)
    form = AnswerForm(request.POST or None, initial={"answer": question.answer})
    if request.method == "POST":
        if not team:
            raise Http404(_("No such question."))
        if form.is_valid():
            questions.answer(question, request.employee, form.cleaned_data["answer"])
            messages.success(request, _("Answered; the advocate gets an e-mail."))
            return redirect("enablement:questions")
    return render(
        request,
        "enablement/questions/detail.html",
        {"question": question, "form": form if team else None, "team": team},
        status=400 if form.errors else 200,
    )


@role_required("curator")
@require_POST
def set_status(request, pk: int):
    question = _visible(request, pk)
    if request.POST.get("status") == Question.Status.CLOSED:
        questions.close(question)
        messages.success(request, _("Closed."))
    else:
        questions.reopen(question)
        messages.success(request, _("Opened again."))
    return redirect("enablement:question", pk=question.pk)
