"""Re-activation: who lapsed, a friendly nudge by real SMTP in the person's language at most
once per period and never to someone who turned it off (claimed once, so two workers never
send twice), the one-click way out, and who lapsed as managers see it (privacy honoured)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from advocato.conftest import make_employee
from advocato.core.models import AuditEntry
from advocato.enablement import nudges
from advocato.enablement.models import Nudge, NudgeSettings
from advocato.people import mail
from advocato.people.models import EmailKind, Ranking

pytestmark = pytest.mark.django_db


def _share(person, days_ago: int):
    from advocato.content.models import ContentItem, Status
    from advocato.sharing import services as sharing
    from advocato.sharing.models import Share

    item = ContentItem.objects.create(
        title="Turbines", url="https://nordlys.example/t", status=Status.PUBLISHED,
        published_at=timezone.now() - timedelta(days=400),
    )  # fmt: skip
    share = sharing.start_share(person, item, "linkedin", "Proud", "Proud")
    at = timezone.now() - timedelta(days=days_ago)
    Share.objects.filter(pk=share.pk).update(
        created_at=at, confirmed_at=at, status=Share.Status.CONFIRMED, confirmed_by="advocate"
    )
    return share


@pytest.fixture
def people(manager):
    lapsed = make_employee("karen.lund@example.com", name="Karen Lund", language="da",
                           manager=manager)  # fmt: skip
    _share(lapsed, 45)
    recent = make_employee("rolf@example.com", name="Rolf Recent", manager=manager)
    _share(recent, 45)
    _share(recent, 3)
    never = make_employee("nora@example.com", name="Nora Never", manager=manager)
    return {"lapsed": lapsed, "recent": recent, "never": never}


def test_lapsed_means_shared_before_but_not_lately(people):
    assert [p.name for p in nudges.lapsed()] == ["Karen Lund"]
    (karen,) = nudges.lapsed()
    shared = karen.last_shared  # type: ignore[attr-defined]
    assert shared.date() == (timezone.now() - timedelta(days=45)).date()
    rules = NudgeSettings.get()
    rules.lapsed_after_days = 60
    rules.save()
    assert list(nudges.lapsed()) == []


def test_a_scheduled_post_counts_as_taking_part(people):
    from advocato.sharing.models import Share

    share = _share(people["lapsed"], 200)
    Share.objects.filter(pk=share.pk).update(
        created_at=timezone.now() - timedelta(days=1), confirmed_at=None, status="started"
    )
    assert list(nudges.lapsed()) == []


def test_nudge_by_real_smtp_in_their_language_once_per_period(people, smtp_settings):
    people["recent"].delete()  # a month on, he would have lapsed too
    assert nudges.send_nudges() == 1
    (message,) = smtp_settings.messages
    assert message["To"] == "karen.lund@example.com"
    assert message["Content-Language"] == "da"
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert "/nudges/off/" in message["List-Unsubscribe"]
    text = message.get_body(preferencelist=("plain",)).get_content()
    assert "Hej Karen Lund" in text
    html = message.get_body(preferencelist=("html",)).get_content()
    assert "<svg" not in html and "/feed/" in html
    # At most once per period, however often the worker runs.
    assert nudges.send_nudges() == 0
    assert nudges.send_nudges(timezone.now() + timedelta(days=29)) == 0
    assert nudges.send_nudges(timezone.now() + timedelta(days=31)) == 1
    assert len(smtp_settings.messages) == 2
    assert Nudge.objects.get(employee=people["lapsed"]).sent_count == 2


def test_never_to_someone_who_turned_nudges_off(people, smtp_settings):
    mail.set_wanted(people["lapsed"], EmailKind.NUDGE, False)
    assert nudges.send_nudges() == 0
    assert smtp_settings.messages == []
    assert not Nudge.objects.filter(last_sent_at__isnull=False).exists()


def test_turned_off_between_listing_and_sending_records_nothing(people, smtp_settings):
    rules = NudgeSettings.get()
    (karen,) = nudges.due()
    mail.set_wanted(karen, EmailKind.NUDGE, False)
    assert nudges.nudge(karen, timezone.now(), rules) is False
    assert Nudge.objects.get(employee=karen).last_sent_at is None
    assert smtp_settings.messages == []


def test_two_workers_never_nudge_twice(people, smtp_settings):
    rules = NudgeSettings.get()
    now = timezone.now()
    first = list(nudges.due(now))  # both workers list the same person …
    second = list(nudges.due(now))
    assert [nudges.nudge(p, now, rules) for p in first] == [True]
    assert [nudges.nudge(p, now, rules) for p in second] == [False]  # … one claims her
    assert len(smtp_settings.messages) == 1


def test_a_failed_send_gives_the_claim_back(people, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", 9  # nothing listens
    settings.EMAIL_TIMEOUT = 2
    assert nudges.send_nudges() == 0
    assert Nudge.objects.get(employee=people["lapsed"]).last_sent_at is None
    assert len(nudges.due()) == 1


def test_switched_off_by_the_admin(people, smtp_settings):
    rules = NudgeSettings.get()
    rules.enabled = False
    rules.save()
    assert nudges.send_nudges() == 0


def test_one_click_unsubscribe(people, client):
    karen = people["lapsed"]
    url = f"/nudges/off/{nudges.unsubscribe_token(karen)}/"
    assert client.get(url).status_code == 200
    assert mail.wants(karen, EmailKind.NUDGE)  # a GET (a mail scanner) changes nothing
    answer = client.post(url, {"List-Unsubscribe": "One-Click"})
    assert answer.status_code == 200
    assert not mail.wants(karen, EmailKind.NUDGE)
    assert client.get("/nudges/off/forged/").status_code == 404
    assert client.post(f"/nudges/off/{nudges.unsubscribe_token(karen)}x/").status_code == 404


def test_managers_see_who_lapsed_in_their_team_only_named_if_allowed(people, manager, login, admin):
    hidden = make_employee("hilde@example.com", name="Hilde Hidden", manager=manager,
                           ranking=Ranking.OUT)  # fmt: skip
    _share(hidden, 90)
    elsewhere = make_employee("erik@example.com", name="Erik Elsewhere")
    _share(elsewhere, 90)
    page = login(manager).get("/team/lapsed/").content.decode()
    assert "Karen Lund" in page
    assert "Hilde" not in page and "1 more person is not named" in page
    assert "Erik" not in page and "Rolf" not in page and "Nora" not in page
    everyone = login(admin).get("/team/lapsed/").content.decode()
    assert "Erik Elsewhere" in everyone and "Hilde" not in everyone


def test_advocates_cannot_see_who_lapsed(login, advocate):
    assert login(advocate).get("/team/lapsed/").status_code in (302, 403)


def test_settings_are_audited_and_checked(login, admin, people):
    client = login(admin)
    assert "1 advocate has not shared" in client.get("/nudges/").content.decode()
    bad = client.post("/nudges/", {"enabled": "on", "lapsed_after_days": 2, "every_days": 30})
    assert bad.status_code == 400
    ok = client.post("/nudges/", {"enabled": "on", "lapsed_after_days": 21, "every_days": 14})
    assert ok.status_code == 302
    assert NudgeSettings.get().lapsed_after_days == 21
    assert AuditEntry.objects.filter(action="update").exists()
