"""Training: a lesson per language and its quiz (one or several right answers, a pass mark,
attempts per day, explanations after handing in). Passing pays the module's points through the
ledger exactly once per person and module — retries, a second pass, a double submit and editing
the module pay nothing more. Curators edit; managers see their team's progress."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from advocato.conftest import make_employee
from advocato.core.models import AuditEntry
from advocato.enablement import services, training
from advocato.enablement.models import (
    Option,
    QuizAttempt,
    QuizQuestion,
    TrainingCompletion,
    TrainingModule,
)
from advocato.people.models import Ranking
from advocato.rewards.models import PointEntry, Wallet

pytestmark = pytest.mark.django_db


def make_module(points=20, pass_mark=100, attempts_per_day=3, published=True) -> TrainingModule:
    module = TrainingModule.objects.create(
        title_en="Your own voice", title_da="Din egen stemme",
        body_en="Posts in **your own words** get more engagement.",
        body_da="Opslag med **dine egne ord** får mere engagement.",
        points=points, pass_mark=pass_mark, attempts_per_day=attempts_per_day,
    )  # fmt: skip
    single = QuizQuestion.objects.create(
        module=module, kind=QuizQuestion.Kind.SINGLE, position=1,
        text_en="What gets more engagement?", text_da="Hvad får mest engagement?",
        explanation_en="Personal posts get *64%* more engagement.",
        explanation_da="Personlige opslag får *64 %* mere engagement.",
    )  # fmt: skip
    Option.objects.create(question=single, text_en="The suggested text as it is", position=1)
    Option.objects.create(question=single, text_en="Your own words", correct=True, position=2)
    several = QuizQuestion.objects.create(
        module=module, kind=QuizQuestion.Kind.MULTIPLE, position=2,
        text_en="What should your profile show?", explanation_en="Both: people trust who they see.",
    )  # fmt: skip
    Option.objects.create(question=several, text_en="Your job title", correct=True, position=1)
    Option.objects.create(question=several, text_en="The company", correct=True, position=2)
    Option.objects.create(question=several, text_en="Your salary", position=3)
    if published:
        training.publish(module)
    return module


def right_answers(module) -> dict[int, list[int]]:
    return {q.pk: [o.pk for o in q.options.all() if o.correct] for q in module.questions.all()}


def wrong_answers(module) -> dict[int, list[int]]:
    return {
        q.pk: [o.pk for o in q.options.all() if not o.correct][:1] for q in module.questions.all()
    }


def quiz_post(module, answers, token="t" * 32) -> dict:
    data: dict = {"token": token}
    for question, ids in answers.items():
        data[f"q{question}"] = [str(i) for i in ids]
    return data


def points(employee) -> int:
    return sum(PointEntry.objects.filter(employee=employee).values_list("points", flat=True))


# --- Services ------------------------------------------------------------------------------------


def test_passing_pays_the_modules_points_once_into_the_ledger(personas):
    anna = personas["advocate"]
    module = make_module(points=25)
    attempt = training.hand_in(anna, module, right_answers(module), training.new_token())
    assert attempt.passed and attempt.score == 100 and (attempt.right, attempt.total) == (2, 2)
    entry = PointEntry.objects.get(employee=anna)
    assert (entry.kind, entry.points) == (PointEntry.Kind.TRAINING, 25)
    assert entry.source == f"training:{module.pk}:{anna.pk}"
    assert Wallet.objects.get(employee=anna).balance == 25
    assert TrainingCompletion.objects.get(employee=anna, module=module).points == 25


def test_the_pass_mark_decides_and_a_question_with_several_answers_needs_them_all(personas):
    anna = personas["advocate"]
    module = make_module(pass_mark=50)
    answers = right_answers(module)
    several = module.questions.get(kind=QuizQuestion.Kind.MULTIPLE)
    answers[several.pk] = answers[several.pk][:1]  # one of the two right answers: not right
    attempt = training.hand_in(anna, module, answers, training.new_token())
    assert (attempt.right, attempt.score, attempt.passed) == (1, 50, True)
    module.pass_mark = 51
    module.save()
    bob = personas["advocate_engineering"]
    attempt = training.hand_in(bob, module, answers, training.new_token())
    assert (attempt.score, attempt.passed) == (50, False)
    assert points(bob) == 0 and not TrainingCompletion.objects.filter(employee=bob).exists()


def test_attempts_per_day_then_tomorrow_again(personas, fixed_clock):
    anna = personas["advocate"]
    module = make_module(attempts_per_day=2)
    for _n in range(2):
        assert not training.hand_in(
            anna, module, wrong_answers(module), training.new_token()
        ).passed
    assert "today's 2 attempts" in (training.why_not(anna, module) or "")
    with pytest.raises(training.TrainingError):
        training.hand_in(anna, module, right_answers(module), training.new_token())
    assert QuizAttempt.objects.filter(employee=anna).count() == 2
    fixed_clock.shift(timedelta(days=1))
    assert training.why_not(anna, module) is None
    assert training.hand_in(anna, module, right_answers(module), training.new_token()).passed
    assert points(anna) == 20


def test_explanations_and_the_right_answers_are_shown_after_handing_in(personas):
    anna = personas["advocate"]
    module = make_module()
    attempt = training.hand_in(anna, module, wrong_answers(module), training.new_token())
    first, second = training.review(attempt, "da")
    assert first.text == "Hvad får mest engagement?" and not first.right
    assert "<em>64 %</em>" in first.explanation
    assert [(o.ticked, o.correct) for o in first.options] == [(True, False), (False, True)]
    assert second.explanation == "<p>Both: people trust who they see.</p>"  # English fallback


def test_abuse_retries_repasses_double_submits_and_edits_pay_once(personas):
    anna = personas["advocate"]
    module = make_module(points=30)
    training.hand_in(anna, module, wrong_answers(module), training.new_token())
    token = training.new_token()
    first = training.hand_in(anna, module, right_answers(module), token)
    # The same form handed in again (a double click, a replayed POST): the first attempt.
    assert training.hand_in(anna, module, right_answers(module), token).pk == first.pk
    # Passing again, for practice, after the module was edited (more points, a new question).
    module.points = 200
    module.title_en = "Your own voice, revised"
    module.save()
    for _n in range(5):  # the daily limit does not apply once passed
        assert training.hand_in(anna, module, right_answers(module), training.new_token()).passed
    # Unpublished and published again: still passed, still paid once.
    training.unpublish(module)
    training.publish(module)
    assert training.hand_in(anna, module, right_answers(module), training.new_token()).passed
    # The signal sent again by something else pays nothing either.
    from advocato.lib import signals

    signals.training_passed.send(
        sender=TrainingModule, employee_id=anna.pk, module_id=module.pk, title="x", points=99,
        at=timezone.now(),
    )  # fmt: skip
    assert points(anna) == 30
    assert PointEntry.objects.filter(employee=anna).count() == 1
    assert TrainingCompletion.objects.filter(employee=anna).count() == 1
    assert Wallet.objects.get(employee=anna).balance == 30


def test_publishing_needs_a_quiz_that_can_be_answered(curator):
    module = TrainingModule.objects.create(title_en="Empty", body_en="Text")
    with pytest.raises(training.TrainingError, match="at least one question"):
        training.publish(module)
    question = QuizQuestion.objects.create(module=module, text_en="Which?")
    Option.objects.create(question=question, text_en="A")
    Option.objects.create(question=question, text_en="B")
    with pytest.raises(training.TrainingError, match="exactly one right answer"):
        training.publish(module)
    Option.objects.filter(question=question, text_en="B").update(correct=True)
    assert training.publish(module).is_published


def test_a_draft_cannot_be_handed_in(personas):
    module = make_module(published=False)
    with pytest.raises(training.TrainingError):
        training.hand_in(personas["advocate"], module, right_answers(module), "x" * 32)


def test_video_addresses_become_privacy_friendly_embeds():
    assert (
        training.video_embed("https://www.youtube.com/watch?v=dQw4w9WgXcQ&t=3")
        == "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ"
    )
    assert training.video_embed("https://youtu.be/dQw4w9WgXcQ") == (
        "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ"
    )
    assert training.video_embed("https://vimeo.com/76979871") == (
        "https://player.vimeo.com/video/76979871"
    )
    assert training.video_embed("https://example.com/film.mp4") is None
    assert training.video_embed("https://youtube.com/watch?v=<script>") is None


def test_a_lesson_keeps_pictures_and_drops_scripts():
    html = training.render_lesson(
        "![Profile](https://nordlys.example/p.png)\n\n<script>alert(1)</script>"
        '<img src="javascript:alert(1)" onerror="x()">'
    )
    assert '<img alt="Profile" src="https://nordlys.example/p.png">' in html
    assert "script" not in html and "onerror" not in html and "javascript" not in html


def test_the_checklist_ticks_training_when_every_module_is_passed(personas):
    anna = personas["advocate"]
    assert "training" not in [s.key for s in services.checklist(anna)]  # none published
    module = make_module()
    step = next(s for s in services.checklist(anna) if s.key == "training")
    assert not step.done
    training.hand_in(anna, module, right_answers(module), training.new_token())
    step = next(s for s in services.checklist(anna) if s.key == "training")
    assert step.done
    found = services.completion("department")
    assert "Complete the training" in [str(s) for s in found["steps"]]
    index = [str(s) for s in found["steps"]].index("Complete the training")
    assert sum(row["steps"][index][0] for row in found["rows"]) == 1


# --- Pages ---------------------------------------------------------------------------------------


def test_an_advocate_takes_a_quiz_and_sees_points_and_explanations(client, personas):
    anna = personas["advocate"]
    module = make_module()
    client.force_login(anna.user)
    page = client.get(reverse("enablement:training_module", args=[module.pk]))
    assert page.status_code == 200
    assert b"<strong>your own words</strong>" in page.content
    response = client.post(
        reverse("enablement:training_module", args=[module.pk]),
        quiz_post(module, right_answers(module)),
    )
    attempt = QuizAttempt.objects.get(employee=anna)
    assert response.url == reverse("enablement:training_attempt", args=[attempt.pk])
    html = client.get(response.url).content.decode()
    assert "20 points are added" in html and "Personal posts get <em>64%</em>" in html
    assert points(anna) == 20
    listing = client.get(reverse("enablement:training")).content.decode()
    assert "Passed" in listing and "1 of 1 passed" in listing


def test_a_missing_or_foreign_option_is_a_form_error_not_a_500(client, personas):
    anna = personas["advocate"]
    module = make_module()
    other = make_module()
    client.force_login(anna.user)
    url = reverse("enablement:training_module", args=[module.pk])
    answers = right_answers(module)
    single = module.questions.get(kind=QuizQuestion.Kind.SINGLE)
    foreign = other.questions.get(kind=QuizQuestion.Kind.SINGLE).options.first()
    assert foreign is not None
    bad = [
        {k: v for k, v in quiz_post(module, answers).items() if k != f"q{single.pk}"},  # missing
        {**quiz_post(module, answers), f"q{single.pk}": str(foreign.pk)},  # another quiz's option
        {**quiz_post(module, answers), f"q{single.pk}": "not-a-number"},
        {**quiz_post(module, answers), f"q{single.pk}": ["1", "2"]},  # two for a single choice
        {k: v for k, v in quiz_post(module, answers).items() if k != "token"},  # no token
        {**quiz_post(module, answers), "token": "x" * 500},
    ]
    for data in bad:
        response = client.post(url, data)
        assert response.status_code == 400, data
        assert b'class="errors"' in response.content
    assert not QuizAttempt.objects.exists() and points(anna) == 0


def test_drafts_are_hidden_from_advocates_and_attempts_from_others(client, personas):
    draft = make_module(published=False)
    module = make_module()
    anna, lars = personas["advocate"], personas["advocate_engineering"]
    attempt = training.hand_in(anna, module, right_answers(module), training.new_token())
    client.force_login(lars.user)
    assert client.get(reverse("enablement:training_module", args=[draft.pk])).status_code == 404
    assert client.get(reverse("enablement:training_attempt", args=[attempt.pk])).status_code == 404
    client.force_login(personas["curator"].user)
    assert client.get(reverse("enablement:training_module", args=[draft.pk])).status_code == 200


@pytest.mark.parametrize(
    ("name", "allowed"),
    [
        ("enablement:training_manage", {"admin", "curator"}),
        ("enablement:training_new", {"admin", "curator"}),
        ("enablement:training_progress", {"admin", "manager", "analyst"}),
        ("enablement:training", {"admin", "curator", "manager", "analyst", "advocate"}),
    ],
)
def test_who_may_open_the_training_pages(client, personas, name, allowed):
    make_module()
    for role in ("admin", "curator", "manager", "analyst", "advocate"):
        client.force_login(personas[role].user)
        status = client.get(reverse(name)).status_code
        assert (status == 200) == (role in allowed), (role, status)


def test_a_curator_writes_a_module_side_by_side_and_publishes_it_audited(client, personas):
    client.force_login(personas["curator"].user)
    response = client.post(
        reverse("enablement:training_new"),
        {"title_en": "Difficult comments", "title_da": "Svære kommentarer",
         "title_nb": "Vanskelige kommentarer", "body_en": "Breathe first.", "body_da": "Træk vejret.",
         "body_nb": "Pust ut.", "video_url": "", "minutes": 5, "pass_mark": 80,
         "attempts_per_day": 3, "points": 15, "position": 1},
    )  # fmt: skip
    module = TrainingModule.objects.get()
    assert response.url == reverse("enablement:training_edit", args=[module.pk])
    edit = client.get(response.url).content.decode()
    assert "Svære kommentarer" in edit and "Vanskelige kommentarer" in edit
    data = {
        "kind": "single", "text_en": "Must you answer?", "text_da": "Skal du svare?", "text_nb": "",
        "explanation_en": "No.", "explanation_da": "Nej.", "explanation_nb": "", "position": 1,
        "options-TOTAL_FORMS": 3, "options-INITIAL_FORMS": 0, "options-MIN_NUM_FORMS": 0,
        "options-MAX_NUM_FORMS": 8,
        "options-0-text_en": "Yes", "options-0-text_da": "Ja", "options-0-text_nb": "",
        "options-1-text_en": "No", "options-1-text_da": "Nej", "options-1-text_nb": "",
        "options-1-correct": "on",
        "options-2-text_en": "", "options-2-text_da": "", "options-2-text_nb": "",
    }  # fmt: skip
    url = reverse("enablement:training_question_new", args=[module.pk])
    no_right = {k: v for k, v in data.items() if k != "options-1-correct"}
    assert client.post(url, no_right).status_code == 400
    assert client.post(url, data).status_code == 302
    question = QuizQuestion.objects.get()
    assert [(o.text_da, o.correct) for o in question.options.all()] == [
        ("Ja", False),
        ("Nej", True),
    ]
    form = {
        "title_en": "Difficult comments", "title_da": "Svære kommentarer", "title_nb": "",
        "body_en": "Breathe first.", "body_da": "", "body_nb": "", "video_url": "",
        "minutes": 5, "pass_mark": 80, "attempts_per_day": 3, "points": 15, "position": 1,
    }  # fmt: skip
    client.post(reverse("enablement:training_edit", args=[module.pk]), {**form, "publish": "1"})
    module.refresh_from_db()
    assert module.is_published
    types = set(AuditEntry.objects.values_list("object_type", flat=True))
    assert {"enablement.TrainingModule", "enablement.QuizQuestion", "enablement.Option"} <= types
    bad = client.post(
        reverse("enablement:training_edit", args=[module.pk]), {**form, "points": 5000}
    )
    assert bad.status_code == 400
    module.refresh_from_db()
    assert module.points == 15


def test_an_advocate_cannot_edit_or_delete(client, personas):
    module = make_module()
    question = module.questions.first()
    assert question is not None
    client.force_login(personas["advocate"].user)
    assert client.get(reverse("enablement:training_edit", args=[module.pk])).status_code == 403
    url = reverse("enablement:training_question_delete", args=[question.pk])
    assert client.post(url).status_code == 403
    assert QuizQuestion.objects.filter(pk=question.pk).exists()


def test_a_manager_sees_their_teams_progress_and_only_whom_they_may_name(client, personas):
    manager, anna = personas["manager"], personas["advocate"]
    anna.manager = manager
    anna.save()
    hidden = make_employee("olga@example.com", name="Olga Out", manager=manager,
                           ranking=Ranking.OUT)  # fmt: skip
    outsider = make_employee("ulf@example.com", name="Ulf Outside")
    module = make_module()
    for person in (anna, hidden, outsider):
        training.hand_in(person, module, right_answers(module), training.new_token())
    client.force_login(manager.user)
    html = client.get(reverse("enablement:training_progress")).content.decode()
    assert "Anna Holm" in html and "Passed" in html
    assert "Olga Out" not in html and "1 more person who keeps their results private" in html
    assert "Ulf Outside" not in html
    found = training.team_progress(manager, "en")
    assert found.totals == [2] and found.others_passed == [1]
