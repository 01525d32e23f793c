"""Training rules: modules (a lesson per language, an optional video), their quizzes (single
and multiple choice, a pass mark, attempts per day, explanations shown after handing in), who
passed what, and the team's progress for managers.

Passing pays the module's points through the rewards ledger exactly once per person and module:
`TrainingCompletion` is unique per (person, module) and only its creation sends
`lib.signals.training_passed`, inside the same transaction; the ledger's source key is unique
too. Retries, a second pass, pressing "hand in" twice (the form's token) and editing the
module therefore never pay again.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass, field
from datetime import datetime
from urllib.parse import parse_qs, urlsplit

import markdown
import nh3
from django.db import IntegrityError, transaction
from django.db.models import Count, Exists, OuterRef
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from advocato.core.models import Organisation
from advocato.core.translated import LANGUAGE_CODES
from advocato.lib import signals
from advocato.lib.periods import day_start
from advocato.people import privacy
from advocato.people.models import Employee
from advocato.people.services import in_programme

from .models import (
    QuizAttempt,
    QuizQuestion,
    TrainingCompletion,
    TrainingModule,
    Translated,
)

MAX_POINTS = 200
# A lesson may show pictures besides what a policy may hold.
LESSON_TAGS = {
    "p", "br", "strong", "em", "ul", "ol", "li", "a", "h2", "h3", "h4", "blockquote", "code",
    "pre", "hr", "img",
}  # fmt: skip


class TrainingError(Exception):
    """A rule said no; the message is for the person who asked."""


# --- Text in the reader's language ---------------------------------------------------------------


def languages_for(language: str) -> list[str]:
    """The reader's language, then the company's, the neighbouring Scandinavian one, English,
    then whatever is written (the policy's order)."""
    default = Organisation.get().default_language
    neighbour = {"da": "nb", "nb": "da"}.get(language, "")
    return [c for c in dict.fromkeys((language, default, neighbour, "en", *LANGUAGE_CODES)) if c]


def pick(obj: Translated, name: str, language: str) -> tuple[str, str]:
    """(language, text) of one translated field for a reader."""
    for code in languages_for(language):
        if code in LANGUAGE_CODES and obj.text(name, code).strip():
            return code, obj.text(name, code)
    return language, ""


def tr(obj: Translated, name: str, language: str) -> str:
    return pick(obj, name, language)[1]


def render_lesson(text: str) -> SafeString:
    """Markdown to safe HTML: formatting, links and pictures (http(s) or our own addresses);
    no script, style, frame or event handler survives nh3."""
    html = markdown.markdown(text or "", extensions=["sane_lists"], output_format="html")
    return mark_safe(  # noqa: S308 - nh3 leaves only LESSON_TAGS and safe attributes
        nh3.clean(
            html,
            tags=LESSON_TAGS,
            attributes={"a": {"href", "title"}, "img": {"src", "alt", "title"}},
            url_schemes={"http", "https", "mailto"},
        )
    )


YOUTUBE_ID = re.compile(r"^[A-Za-z0-9_-]{6,20}$")


def video_embed(url: str) -> str | None:
    """The address to show a YouTube or Vimeo video in the page (YouTube's no-cookie player),
    or None: any other address is offered as a link."""
    if not url:
        return None
    parts = urlsplit(url)
    host = (parts.hostname or "").lower().removeprefix("www.").removeprefix("m.")
    video = ""
    if host in {"youtube.com", "youtube-nocookie.com"}:
        if parts.path == "/watch":
            video = (parse_qs(parts.query).get("v") or [""])[0]
        elif parts.path.startswith(("/embed/", "/shorts/")):
            video = parts.path.split("/")[2]
        if YOUTUBE_ID.match(video or ""):
            return f"https://www.youtube-nocookie.com/embed/{video}"
    elif host == "youtu.be":
        video = parts.path.strip("/")
        if YOUTUBE_ID.match(video):
            return f"https://www.youtube-nocookie.com/embed/{video}"
    elif host in {"vimeo.com", "player.vimeo.com"}:
        number = parts.path.rstrip("/").rsplit("/", 1)[-1]
        if number.isdigit():
            return f"https://player.vimeo.com/video/{number}"
    return None


# --- Modules for the curators --------------------------------------------------------------------


def check_module(module: TrainingModule) -> None:
    """What publishing needs: a title and a lesson in some language, and a quiz whose every
    question can be answered right."""
    if not any(module.text("title", c).strip() for c in LANGUAGE_CODES):
        raise TrainingError(_("Give the module a title in at least one language."))
    if not any(module.text("body", c).strip() for c in LANGUAGE_CODES) and not module.video_url:
        raise TrainingError(_("Write the lesson (or add a video) first."))
    questions = list(module.questions.prefetch_related("options"))
    if not questions:
        raise TrainingError(_("Add at least one question to the quiz first."))
    for question in questions:
        problem = question_problem(question.kind, [o.correct for o in question.options.all()])
        if problem:
            raise TrainingError(f"{tr(question, 'text', 'en') or question.pk}: {problem}")


def question_problem(kind: str, correct: list[bool]) -> str | None:
    """Why a question with these options (their "right answer" ticks) cannot be asked."""
    if len(correct) < 2:
        return _("A question needs at least two answers to choose from.")
    right = sum(correct)
    if kind == QuizQuestion.Kind.SINGLE and right != 1:
        return _("Tick exactly one right answer (or make it a question with several).")
    if kind == QuizQuestion.Kind.MULTIPLE and right < 1:
        return _("Tick at least one right answer.")
    return None


def publish(module: TrainingModule) -> TrainingModule:
    check_module(module)
    if module.published_at is None:
        module.published_at = timezone.now()
        module.save(update_fields=["published_at", "updated_at"])
    return module


def unpublish(module: TrainingModule) -> TrainingModule:
    """Back to a draft: advocates no longer see it; who passed it keeps their points."""
    if module.published_at is not None:
        module.published_at = None
        module.save(update_fields=["published_at", "updated_at"])
    return module


def published_modules():
    return TrainingModule.objects.filter(published_at__isnull=False)


def module_figures() -> dict[int, dict]:
    """Per module: how many people passed, tried, and tried without passing yet."""
    tried = dict(
        QuizAttempt.objects.values("module").annotate(n=Count("employee", distinct=True))
        .values_list("module", "n")
    )  # fmt: skip
    passed = dict(
        TrainingCompletion.objects.values("module").annotate(n=Count("pk"))
        .values_list("module", "n")
    )  # fmt: skip
    return {
        pk: {"passed": passed.get(pk, 0), "tried": tried.get(pk, 0)}
        for pk in TrainingModule.objects.values_list("pk", flat=True)
    }


# --- Taking a quiz -------------------------------------------------------------------------------


def new_token() -> str:
    return secrets.token_hex(16)


def attempts_today(employee: Employee, module: TrainingModule) -> int:
    start = day_start(Organisation.get().today(), Organisation.get().zone)
    return QuizAttempt.objects.filter(employee=employee, module=module, at__gte=start).count()


def completion_of(employee: Employee, module: TrainingModule) -> TrainingCompletion | None:
    return TrainingCompletion.objects.filter(employee=employee, module=module).first()


def why_not(employee: Employee, module: TrainingModule) -> str | None:
    """Why `employee` may not hand in the quiz now, or None. Once passed, a person may take it
    again for practice (it pays nothing); before that, `attempts_per_day` counts."""
    if not module.is_published:
        return _("This module is not published.")
    if completion_of(employee, module) is not None:
        return None
    limit = module.attempts_per_day
    if limit and attempts_today(employee, module) >= limit:
        return _(
            "You have used today's %(n)d attempts. Read the lesson again and try tomorrow."
        ) % {"n": limit}
    return None


def grade(module: TrainingModule, answers: dict[int, list[int]]) -> tuple[int, int]:
    """(right, total): a question is right when exactly its right options are ticked."""
    questions = list(module.questions.prefetch_related("options"))
    right = 0
    for question in questions:
        wanted = {o.pk for o in question.options.all() if o.correct}
        if set(answers.get(question.pk, [])) == wanted:
            right += 1
    return right, len(questions)


def hand_in(
    employee: Employee,
    module: TrainingModule,
    answers: dict[int, list[int]],
    token: str,
    at: datetime | None = None,
) -> QuizAttempt:
    """Grade and record an attempt. The first pass completes the module and pays its points
    (once: see the module docstring). Handing in the same form twice gives the first attempt.
    `at`: when it was handed in (now; the demo gives earlier times)."""
    if not token or len(token) > 32:
        raise TrainingError(_("The quiz form is out of date: open it again."))
    with transaction.atomic():
        # One hand-in per person at a time: the attempt limit and the first pass hold.
        Employee.objects.select_for_update().filter(pk=employee.pk).first()
        earlier = QuizAttempt.objects.filter(employee=employee, token=token).first()
        if earlier is not None:
            return earlier
        reason = why_not(employee, module)
        if reason:
            raise TrainingError(reason)
        right, total = grade(module, answers)
        score = round(100 * right / total) if total else 0
        attempt = QuizAttempt.objects.create(
            employee=employee, module=module, token=token, right=right, total=total, score=score,
            passed=bool(total) and score >= module.pass_mark,
            answers={str(q): sorted(ids) for q, ids in answers.items()}, at=at or timezone.now(),
        )  # fmt: skip
        if attempt.passed:
            _complete(employee, module, attempt)
    return attempt


def _complete(employee: Employee, module: TrainingModule, attempt: QuizAttempt) -> None:
    points = min(module.points, MAX_POINTS)
    try:
        with transaction.atomic():
            TrainingCompletion.objects.create(
                employee=employee, module=module, attempt=attempt, passed_at=attempt.at,
                points=points,
            )  # fmt: skip
    except IntegrityError:  # passed before: practice, no points
        return
    signals.training_passed.send(
        sender=TrainingModule, employee_id=employee.pk, module_id=module.pk,
        title=str(module), points=points, at=attempt.at,
    )  # fmt: skip


@dataclass
class ReviewedOption:
    text: str
    ticked: bool
    correct: bool


@dataclass
class ReviewedQuestion:
    text: str
    kind: str
    right: bool
    explanation: SafeString
    options: list[ReviewedOption] = field(default_factory=list)


def review(attempt: QuizAttempt, language: str) -> list[ReviewedQuestion]:
    """The attempt question by question: what was ticked, what is right, and why."""
    found = []
    for question in attempt.module.questions.prefetch_related("options"):
        ticked = set(attempt.answers.get(str(question.pk), []))
        options = [
            ReviewedOption(tr(o, "text", language), o.pk in ticked, o.correct)
            for o in question.options.all()
        ]
        wanted = {o.pk for o in question.options.all() if o.correct}
        found.append(
            ReviewedQuestion(
                text=tr(question, "text", language),
                kind=question.kind,
                right=ticked == wanted,
                explanation=render_lesson(tr(question, "explanation", language)),
                options=options,
            )
        )
    return found


# --- Progress ------------------------------------------------------------------------------------


@dataclass
class ModuleStatus:
    module: TrainingModule
    title: str
    passed: TrainingCompletion | None
    attempts: int
    last: QuizAttempt | None


def my_modules(employee: Employee, language: str) -> list[ModuleStatus]:
    modules = list(published_modules())
    done = {c.module_id: c for c in TrainingCompletion.objects.filter(employee=employee)}
    counts = dict(
        QuizAttempt.objects.filter(employee=employee).values("module")
        .annotate(n=Count("pk")).values_list("module", "n")
    )  # fmt: skip
    last = {}
    for attempt in QuizAttempt.objects.filter(employee=employee).order_by("at", "pk"):
        last[attempt.module_id] = attempt
    return [
        ModuleStatus(m, tr(m, "title", language), done.get(m.pk), counts.get(m.pk, 0),
                     last.get(m.pk))
        for m in modules
    ]  # fmt: skip


def passed_all(employee: Employee) -> bool | None:
    """Has the person passed every published module? None while none is published."""
    total = published_modules().count()
    if not total:
        return None
    passed = TrainingCompletion.objects.filter(
        employee=employee, module__published_at__isnull=False
    ).count()
    return passed >= total


def passed_all_flag():
    """`passed_all` as an expression on Employee rows (for the onboarding's completion)."""
    total = published_modules().count()
    done = (
        TrainingCompletion.objects.filter(module__published_at__isnull=False)
        .values("employee")
        .annotate(n=Count("module", distinct=True))
        .filter(n__gte=total)
        .values("employee")
    )
    return Exists(Employee.objects.filter(pk=OuterRef("pk"), pk__in=done))


@dataclass
class PersonRow:
    employee: Employee
    cells: list[dict]
    passed: int


@dataclass
class Progress:
    modules: list[tuple[TrainingModule, str]]
    rows: list[PersonRow]
    # People in scope whose results the viewer may not see by name: counts only.
    others: int
    others_passed: list[int]
    totals: list[int]


def team_progress(viewer: Employee, language: str, everyone: bool = False) -> Progress:
    """Per person and module: passed (when), tried (how often) or not started — for a
    manager's people (everyone below them), or the whole programme for the programme team.
    People the viewer may not name (their own privacy choice) are counted, never listed."""
    modules = list(published_modules())
    scope = in_programme().filter(user__isnull=False)
    if not everyone:
        scope = scope.filter(pk__in=privacy.managed_ids(viewer))
    ids = set(scope.values_list("pk", flat=True))
    named = list(
        Employee.objects.filter(privacy.nameable(viewer), pk__in=ids)
        .select_related("department").order_by("name", "pk")
    )  # fmt: skip
    passed = {
        (c.employee_id, c.module_id): c
        for c in TrainingCompletion.objects.filter(employee_id__in=ids, module__in=modules)
    }
    tried: dict[tuple[int, int], int] = {}
    for row in (
        QuizAttempt.objects.filter(employee_id__in=ids, module__in=modules)
        .values("employee", "module").annotate(n=Count("pk"))
    ):  # fmt: skip
        tried[(row["employee"], row["module"])] = row["n"]
    rows = []
    for person in named:
        cells = []
        for m in modules:
            done = passed.get((person.pk, m.pk))
            cells.append({"passed": done, "attempts": tried.get((person.pk, m.pk), 0), "module": m})
        rows.append(PersonRow(person, cells, sum(1 for c in cells if c["passed"])))
    named_ids = {p.pk for p in named}
    others = ids - named_ids
    return Progress(
        modules=[(m, tr(m, "title", language)) for m in modules],
        rows=rows,
        others=len(others),
        others_passed=[sum(1 for e in others if (e, m.pk) in passed) for m in modules],
        totals=[sum(1 for e in ids if (e, m.pk) in passed) for m in modules],
    )
