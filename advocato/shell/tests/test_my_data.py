"""My data: a person sees and downloads everything kept about them, and can delete their
account — their identity goes, the programme's figures stay exactly as they were."""

import io
import json
import zipfile
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from advocato.analytics import kpis, rollups
from advocato.core.models import AuditEntry, Organisation
from advocato.people.models import Employee, User
from advocato.rewards import services as rewards
from advocato.rewards.conftest import make_click, make_conversion, make_item, make_share
from advocato.rewards.models import Kudos, Redemption, Reward
from advocato.sharing.models import NetworkAccount, Share

pytestmark = pytest.mark.django_db

TOKEN = "gAAAAA-the-encrypted-token-never-shown"


@pytest.fixture
def history(personas):
    """Anna shared twice (clicked, one conversion), connected Mastodon, earned points, got
    kudos and asked for a reward that waits for the admin."""
    anna = personas["advocate"]
    item = make_item("Vindmøller i Nordsøen")
    share = make_share(anna, item, at=timezone.now() - timedelta(days=3))
    Share.objects.filter(pk=share.pk).update(text="Mine egne ord om vindmøller")
    click = make_click(share, at=timezone.now() - timedelta(days=2))
    make_click(share, at=timezone.now() - timedelta(days=2))
    make_conversion(click, at=timezone.now() - timedelta(days=2))
    make_share(anna, make_item("Ledige stillinger"), at=timezone.now() - timedelta(days=1))
    NetworkAccount.objects.create(
        employee=anna, network="mastodon", instance="social.example", handle="@anna",
        access_token_enc=TOKEN,
    )  # fmt: skip
    rewards.fold()
    rewards.give_kudos(personas["manager"], anna, "Tak for delingen, Anna!")
    reward = Reward.objects.create(name="Tote bag", kind="other", price=1)
    rewards.redeem(anna, reward)
    rollups.fill()
    return anna


def totals() -> dict:
    rollups.fill()
    today = Organisation.get().today()
    figures = kpis.programme(kpis.Filters(today - timedelta(days=30), today))["figures"]
    keep = ("shares", "clicks", "unique_clicks", "conversions", "reach", "emv")
    return {f.key: f.value for f in figures if f.key in keep}


def test_my_data_shows_what_is_kept_about_me_and_never_a_token(client, history):
    client.force_login(history.user)
    html = client.get(reverse("shell:my_data")).content.decode()
    for expected in ("Anna Holm", "anna@example.com", "Vindmøller i Nordsøen",
                     "Mine egne ord om vindmøller", "@anna", "Tak for delingen, Anna!",
                     "Tote bag"):  # fmt: skip
        assert expected in html
    assert TOKEN not in html


def test_the_download_has_everything_as_json_and_csv(client, history):
    client.force_login(history.user)
    response = client.get(reverse("shell:my_data_download"))
    assert response["Content-Type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    data = json.loads(archive.read("my-data.json"))
    assert data["profile"][0]["email"] == "anna@example.com"
    assert {s["item"] for s in data["shares"]} == {"Vindmøller i Nordsøen", "Ledige stillinger"}
    clicked = next(s for s in data["shares"] if s["item"] == "Vindmøller i Nordsøen")
    assert (clicked["clicks_by_people"], clicked["conversions"]) == (2, 1)
    assert data["balance"][0]["points"] == rewards.wallet_balance(history)
    assert "shares.csv" in archive.namelist() and "points.csv" in archive.namelist()
    assert "Mine egne ord om vindmøller" in archive.read("shares.csv").decode("utf-8-sig")
    assert TOKEN not in response.content.decode("latin-1")


def test_a_wrong_confirmation_deletes_nothing(client, history):
    client.force_login(history.user)
    response = client.post(reverse("shell:delete_me"), {"confirm": "someone@else.example"})
    assert response.status_code == 400
    assert "not the e-mail address" in response.content.decode()
    assert Employee.objects.get(pk=history.pk).name == "Anna Holm"
    assert User.objects.filter(email="anna@example.com").exists()


def test_deleting_my_account_keeps_the_programmes_figures_and_removes_me(client, history, personas):
    before = totals()
    assert before["shares"] == 2 and before["clicks"] == 2 and before["conversions"] == 1
    points_before = sum(history.points.values_list("points", flat=True))
    client.force_login(history.user)
    response = client.post(reverse("shell:delete_me"), {"confirm": "ANNA@example.com"})
    assert response.status_code == 302

    assert totals() == before  # the programme's figures did not change
    anna = Employee.objects.get(pk=history.pk)
    assert anna.user is None and not anna.is_active
    assert "Anna" not in anna.name and anna.email.endswith(".invalid")
    assert not User.objects.filter(email="anna@example.com").exists()
    assert not NetworkAccount.objects.filter(employee=anna).exists()
    assert not Share.objects.filter(employee=anna).exclude(text="").exists()
    assert not Kudos.objects.filter(receiver=anna).exists()
    assert Redemption.objects.get(employee=anna).status == Redemption.Status.DECLINED
    assert rewards.verify() == []
    # The points she earned stay in the ledger; the waiting request's price is paid back.
    assert sum(anna.points.values_list("points", flat=True)) == points_before + 1
    # Signed out; she cannot sign in again.
    assert client.get(reverse("home")).status_code == 302
    assert not client.login(email="anna@example.com", password="Persona-Passw0rd-2026")
    # Nobody reads her name or address anywhere, the audit log included.
    logged = json.dumps(list(AuditEntry.objects.values()), default=str)
    assert "Anna Holm" not in logged and "anna@example.com" not in logged
    assert AuditEntry.objects.filter(object_id=str(anna.pk), action="delete").exists()
    client.force_login(personas["admin"].user)
    assert "Anna Holm" not in client.get(reverse("people:list")).content.decode()


def test_an_admin_deletes_on_request_and_nobody_else_can(client, history, personas):
    client.force_login(personas["curator"].user)
    url = reverse("shell:forget_person", args=[history.pk])
    assert client.post(url, {"confirm": "anna@example.com"}).status_code == 403
    client.force_login(personas["admin"].user)
    client.post(url, {"confirm": "wrong@example.com"})
    assert Employee.objects.get(pk=history.pk).name == "Anna Holm"
    response = client.post(url, {"confirm": "anna@example.com"})
    assert response.status_code == 302
    assert Employee.objects.get(pk=history.pk).user is None
    entry = AuditEntry.objects.get(object_id=str(history.pk), action="delete")
    assert entry.actor_label == "admin@example.com"
    assert client.post(url, {"confirm": "anna@example.com"}).status_code == 302  # told, no 500


def test_questions_and_own_posts_are_in_my_data_and_forgotten(personas):
    from advocato.enablement import questions
    from advocato.enablement.models import Question
    from advocato.sharing import services as sharing
    from advocato.shell import personal_data

    anna = personas["advocate"]
    share = make_share(anna, make_item())
    questions.ask(anna, share, "A rude comment", "https://x.example/1", "What now?")
    sharing.state_own_posts(anna, 3)
    data = personal_data.collect(anna)
    assert data["questions"][0]["question"] == "What now?"
    assert data["own_posts"][0]["own_posts"] == 3
    personal_data.forget(anna, by=anna)
    question = Question.objects.get()  # kept for the team's time to first answer
    assert (question.comment, question.comment_link, question.question) == ("", "", "")
    assert personal_data.collect(Employee.objects.get(pk=anna.pk))["own_posts"] == []
