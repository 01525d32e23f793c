"""Ask the comms team: an advocate forwards a comment with a question from their share; the
team answers from a queue (oldest first); the advocate gets an e-mail in their language and
sees the answer on the share. Nobody else sees a question."""

from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from advocato.content.models import ContentItem
from advocato.core.models import AuditEntry
from advocato.enablement import questions
from advocato.enablement.models import Question
from advocato.sharing import services as sharing

pytestmark = pytest.mark.django_db

COMMENT = "Isn't this just greenwashing? Your turbines kill birds."
LINK = "https://www.linkedin.com/feed/update/urn:li:activity:7001?commentUrn=urn%3Ali%3Acomment"


@pytest.fixture
def share(advocate):
    item = ContentItem.objects.create(
        title="Wind farm opens", url="https://nordlys.example/wind", status="published",
        published_at=timezone.now(), language="en",
    )  # fmt: skip
    return sharing.start_share(advocate, item, "linkedin", f"Proud {item.url}", "")


def ask(client, share, **data):
    values = {"comment": COMMENT, "comment_link": LINK,
              "question": "How should I answer this?", **data}  # fmt: skip
    return client.post(reverse("enablement:ask", args=[share.pk]), values)


def test_an_advocate_asks_and_a_curator_answers_by_real_email_in_their_language(
    login, advocate, curator, share, smtp_settings, django_capture_on_commit_callbacks
):
    advocate.ui_language = "da"
    advocate.save()
    client = login(advocate)
    assert ask(client, share).status_code == 302
    question = Question.objects.get()
    assert (question.asker, question.status, question.comment_link) == (advocate, "new", LINK)
    page = client.get(reverse("sharing:handoff", args=[share.pk])).content.decode()
    assert "greenwashing" in page and 'id="questions"' in page

    team = login(curator)
    queue = team.get(reverse("enablement:questions")).content.decode()
    assert "How should I answer this?" in queue and "Anna Holm" in queue
    with django_capture_on_commit_callbacks(execute=True):
        response = team.post(
            reverse("enablement:question", args=[question.pk]),
            {"answer": "Thank them, and link to our bird-safety study."},
        )
    assert response.status_code == 302
    question.refresh_from_db()
    assert question.status == "answered" and question.answered_by == curator
    assert AuditEntry.objects.filter(object_type="enablement.Question", action="update").exists()

    [message] = smtp_settings.messages
    assert message["To"] == advocate.email and message["Content-Language"] == "da"
    body = message.get_body(("plain",)).get_content()
    assert "bird-safety study" in body
    assert f"/shares/{share.pk}/#questions" in body

    page = login(advocate).get(reverse("sharing:handoff", args=[share.pk])).content.decode()
    assert "bird-safety study" in page and "data-answer" in page


def test_only_the_asker_curators_and_admins_see_a_question(login, personas, share):
    advocate, other = personas["advocate"], personas["advocate_engineering"]
    ask(login(advocate), share)
    question = Question.objects.get()
    url = reverse("enablement:question", args=[question.pk])
    assert login(advocate).get(url).status_code == 200
    for role in ("curator", "admin"):
        assert login(personas[role]).get(url).status_code == 200
    for role in ("advocate_engineering", "manager", "analyst"):
        assert login(personas[role]).get(url).status_code == 404
    # Another advocate cannot ask about, nor read the questions on, someone else's share.
    client = login(other)
    assert ask(client, share).status_code == 404
    assert client.get(reverse("sharing:handoff", args=[share.pk])).status_code == 404
    assert client.get(reverse("enablement:questions")).status_code == 403
    # The asker cannot answer their own question.
    response = login(advocate).post(url, {"answer": "Self-answered"})
    assert response.status_code == 404
    question.refresh_from_db()
    assert question.answer == ""


@pytest.mark.parametrize(
    ("link", "error"),
    [
        ("javascript:alert(1)", "starting with https://"),
        ("https://user:secret@evil.example/x", "user name or password"),
        ("https://localhost/x", "starting with https://"),
        ("https://example.com/" + "a" * 600, "at most 500"),
    ],
)
def test_a_bad_link_or_an_overlong_text_is_a_form_error(login, advocate, share, link, error):
    response = ask(login(advocate), share, comment_link=link)
    assert response.status_code == 400 and error in response.content.decode()
    response = ask(login(advocate), share, comment="x" * 2001)
    assert response.status_code == 400
    assert not Question.objects.exists()


def test_the_queue_is_oldest_first_filtered_and_measures_time_to_first_answer(
    login, advocate, curator, share
):
    start = timezone.now()
    made = []
    for hours in (0, 1, 2):
        with time_machine.travel(start + timedelta(hours=hours), tick=False):
            made.append(questions.ask(advocate, share, f"comment {hours}", "", f"Q{hours}"))
    with time_machine.travel(start + timedelta(hours=3), tick=False):
        questions.answer(made[0], curator, "A0")  # 3 hours
        questions.answer(made[1], curator, "A1")  # 2 hours
    with time_machine.travel(start + timedelta(hours=5), tick=False):
        questions.answer(made[1], curator, "A1, better")  # an edit: the first answer counts
    questions.close(made[0])
    measured = questions.time_to_first_answer(start + timedelta(hours=6))
    assert measured["median"] == timedelta(hours=2, minutes=30)
    assert (measured["answered"], measured["waiting"]) == (2, 1)

    client = login(curator)
    html = client.get(reverse("enablement:questions") + "?status=all").content.decode()
    assert html.index("Q0") < html.index("Q1") < html.index("Q2")
    assert "2.5 hours" in html
    new = client.get(reverse("enablement:questions")).content.decode()
    assert "Q2" in new and "Q0" not in new and "Q1" not in new
    closed = client.get(reverse("enablement:questions") + "?status=closed").content.decode()
    assert "Q0" in closed and "Q2" not in closed


def test_a_flood_of_questions_is_held_back(advocate, share):
    for n in range(questions.MAX_OPEN_PER_PERSON):
        questions.ask(advocate, share, "c", "", f"q{n}")
    with pytest.raises(questions.QuestionError):
        questions.ask(advocate, share, "c", "", "one more")
