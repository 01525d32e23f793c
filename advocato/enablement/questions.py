"""Ask the comms team: an advocate forwards a comment their post received, with a question;
curators answer from a queue; the advocate gets an e-mail and sees the answer on the share.

Who sees a question: the asker, curators and admins — nobody else (`visible_to`). What the
team is measured on: the median time to a first answer over the last 90 days."""

from __future__ import annotations

import statistics
from datetime import timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from advocato.lib.permissions import has_role
from advocato.people import mail
from advocato.people.models import Employee
from advocato.sharing.models import Share

from .models import Question

TEAM_ROLES = ("curator",)  # and admins (has_role)
MAX_OPEN_PER_PERSON = 10  # questions waiting for an answer, per asker
MEASURED_DAYS = 90


class QuestionError(Exception):
    """A rule said no; the message is for the person who asked."""


def is_team(employee: Employee | None) -> bool:
    return has_role(employee, *TEAM_ROLES)


def visible_to(viewer: Employee) -> QuerySet[Question]:
    questions = Question.objects.select_related("share", "share__item", "asker", "answered_by")
    if is_team(viewer):
        return questions
    return questions.filter(asker=viewer)


def check_link(value: str) -> str:
    """A comment's address: http(s), a real host name, no user name or password in it (a
    link that hides where it goes is not forwarded to the team)."""
    value = value.strip()
    if not value:
        return ""
    parts = urlsplit(value)
    if parts.scheme not in {"http", "https"} or not parts.hostname or "." not in parts.hostname:
        raise QuestionError(_("Give the comment's address, starting with https://."))
    if parts.username or parts.password or "@" in parts.netloc:
        raise QuestionError(_("The address may not carry a user name or password."))
    return value


def ask(employee: Employee, share: Share, comment: str, link: str, question: str) -> Question:
    if share.employee_id != employee.pk:
        raise QuestionError(_("You can ask about your own shares only."))
    waiting = Question.objects.filter(asker=employee, status=Question.Status.NEW).count()
    if waiting >= MAX_OPEN_PER_PERSON:
        raise QuestionError(
            _("You have %(n)d questions waiting for an answer; the team answers them first.")
            % {"n": waiting}
        )
    return Question.objects.create(
        share=share,
        asker=employee,
        comment=comment.strip(),
        comment_link=check_link(link),
        question=question.strip(),
    )


def answer(question: Question, by: Employee, text: str) -> Question:
    """Save the team's answer and tell the asker by e-mail (after the answer is saved)."""
    text = text.strip()
    if not text:
        raise QuestionError(_("Write the answer first."))
    now = timezone.now()
    with transaction.atomic():
        question.answer = text
        question.answered_by = by
        question.answered_at = now
        question.first_answered_at = question.first_answered_at or now
        question.status = Question.Status.ANSWERED
        question.save()
        transaction.on_commit(lambda: send_answer_notice(question))
    return question


def close(question: Question) -> Question:
    question.status = Question.Status.CLOSED
    question.save()
    return question


def reopen(question: Question) -> Question:
    question.status = Question.Status.ANSWERED if question.answer else Question.Status.NEW
    question.save()
    return question


def send_answer_notice(question: Question) -> None:
    asker = question.asker
    base = (settings.SITE_URL or "http://localhost:8000").rstrip("/")
    link = base + reverse("sharing:handoff", args=[question.share_id]) + "#questions"
    mail.send(
        asker,
        subject=lambda values: _("The comms team answered your question"),
        text_template="enablement/questions/email_answer.txt",
        context={"question": question, "link": link},
    )


def queue(status: str = "") -> QuerySet[Question]:
    """The team's queue, oldest first; `status` one of Question.Status, or all."""
    questions = Question.objects.select_related("asker", "share", "share__item")
    if status in Question.Status.values:
        questions = questions.filter(status=status)
    return questions.order_by("asked_at", "pk")


def time_to_first_answer(now=None) -> dict:
    """The median time from asking to the first answer, for questions asked in the last 90
    days that have one; with how many were answered and how many still wait."""
    now = now or timezone.now()
    recent = Question.objects.filter(asked_at__gte=now - timedelta(days=MEASURED_DAYS))
    waits = [
        (answered - asked).total_seconds()
        for asked, answered in recent.filter(first_answered_at__isnull=False).values_list(
            "asked_at", "first_answered_at"
        )
        if answered is not None
    ]
    return {
        "median": timedelta(seconds=statistics.median(waits)) if waits else None,
        "answered": len(waits),
        "waiting": recent.filter(first_answered_at__isnull=True)
        .exclude(status=Question.Status.CLOSED)
        .count(),
    }


def duration_text(value: timedelta | None) -> str:
    if value is None:
        return "–"
    minutes = int(value.total_seconds() // 60)
    if minutes < 60:
        return _("%(n)d min") % {"n": minutes}
    hours = minutes / 60
    if hours < 48:
        return _("%(n).1f hours") % {"n": hours}
    return _("%(n).1f days") % {"n": hours / 24}


def share_section(request, share: Share) -> SafeString:
    """The questions part of a share's page (registered as the `share_page_sections` hook):
    the questions about this share the viewer may see, their answers, and the way to ask."""
    viewer = getattr(request, "employee", None)
    if viewer is None:
        return mark_safe("")
    questions = list(visible_to(viewer).filter(share=share))
    if not questions and share.employee_id != viewer.pk:
        return mark_safe("")
    from .forms import QuestionForm

    return render_to_string(
        "enablement/questions/on_share.html",
        {
            "share": share,
            "questions": questions,
            "may_ask": share.employee_id == viewer.pk,
            "form": QuestionForm(),
        },
        request=request,
    )


# --- A person's own data ------------------------------------------------------------------------


def personal_data(employee: Employee) -> dict[str, list[dict]]:
    return {
        "questions": [
            {
                "asked": q.asked_at,
                "comment": q.comment,
                "comment_link": q.comment_link,
                "question": q.question,
                "status": q.status,
                "answer": q.answer,
            }
            for q in Question.objects.filter(asker=employee).order_by("asked_at", "pk")
        ]
    }


def forget_person(employee: Employee) -> None:
    """Remove what the person wrote (the comment, its address, the question) and the answer
    written to them; the rows stay, so the team's time to first answer does not change."""
    Question.objects.filter(asker=employee).update(
        comment="", comment_link="", question="", answer=""
    )
