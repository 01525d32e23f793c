"""The weekly personal digest, sent through a real SMTP server: what it says, in whose
language, its links (followed with the test client: the item, the one-click unsubscribe),
once per week, and a query count that does not grow with the number of people."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from django.core import mail as django_mail
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from advocato.conftest import make_employee
from advocato.content.models import ContentItem, ContentVariant, Status
from advocato.core.models import Organisation
from advocato.enablement import digest, stories
from advocato.enablement.models import DigestState, SuccessStory
from advocato.people import mail
from advocato.people.models import EmailKind, Ranking

# The fixed clock is Wednesday 17 June 2026: "last week" is 8–14 June.
TODAY = date(2026, 6, 17)


@pytest.fixture
def week_content(curator):
    org = Organisation.get()
    org.time_zone = "Europe/Copenhagen"
    org.save()
    item = ContentItem.objects.create(
        title="Offshore wind, explained", url="https://nordlys.example/wind",
        status=Status.PUBLISHED, published_at=timezone.now() - timedelta(days=5),
        created_by=curator, language="en",
    )  # fmt: skip
    ContentVariant.objects.create(item=item, language="da", title="Havvind forklaret")
    old = ContentItem.objects.create(
        title="Old news", url="https://nordlys.example/old", status=Status.PUBLISHED,
        published_at=timezone.now() - timedelta(days=40),
    )  # fmt: skip
    story = SuccessStory.objects.create(
        title_en="A share that hired an engineer", body_en="It **worked**: three applications.",
        title_da="En deling, der gav en ingeniør", body_da="Det **virkede**: tre ansøgninger.",
    )  # fmt: skip
    stories.publish(story)
    _joined_earlier()
    return item, old, story


def _joined_earlier() -> None:
    """People joined before last week ended (the digest skips a week they were not in)."""
    from advocato.people.models import User

    User.objects.update(date_joined=timezone.now() - timedelta(days=60))


def _links(html: str) -> dict[str, str]:
    found = re.findall(r'href="([^"]+)" data-link="([a-z]+)"', html)
    return {kind: url.replace("&amp;", "&") for url, kind in found}


def test_digest_goes_out_by_smtp_with_links_that_work(
    smtp_settings, settings, advocate, week_content
):
    settings.SITE_URL = "http://testserver"
    advocate.language = "da"
    advocate.save()
    _item, _old, _story = week_content
    assert digest.send_digests(TODAY) >= 1
    [message] = [m for m in smtp_settings.messages if m["To"] == advocate.email]
    assert message["Content-Language"] == "da"
    assert "uge 24" in message["Subject"].lower() or "24" in message["Subject"]
    # RFC 8058 one-click: an https/http link and a mailto, and the POST marker.
    unsubscribe = message["List-Unsubscribe"]
    found = re.search(r"<(http[^>]+)>", unsubscribe)
    assert found is not None
    link = found.group(1)
    assert "<mailto:" in unsubscribe
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    html = message.get_body(("html",)).get_content()
    text = message.get_body(("plain",)).get_content()
    assert "<svg" not in html.lower() and "<table" in html and 'style="' in html
    assert "Havvind forklaret" in html and "Havvind forklaret" in text  # her language
    assert "Old news" not in html  # not new last week
    assert "En deling, der gav en ingeniør" in html  # the newest story
    links = _links(html)
    # The item link opens the item for her.
    reader = Client()
    reader.force_login(advocate.user)
    assert reader.get(links["item"].removeprefix("http://testserver")).status_code == 200
    assert reader.get(links["story"].removeprefix("http://testserver")).status_code == 200
    assert reader.get(links["preferences"].removeprefix("http://testserver")).status_code == 200
    # One click, no session, no CSRF token: a POST to the header's link turns it off.
    assert links["unsubscribe"] == link
    anonymous = Client(enforce_csrf_checks=True)
    path = link.removeprefix("http://testserver")
    page = anonymous.get(path)
    assert page.status_code == 200 and b"<form" in page.content
    assert mail.wants(advocate, EmailKind.DIGEST)  # a GET (a link checker) changes nothing
    response = anonymous.post(path, {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    assert not mail.wants(advocate, EmailKind.DIGEST)


def test_a_forged_or_altered_token_changes_nothing(client, advocate):
    token = digest.unsubscribe_token(advocate)
    for bad in (token[:-2] + "xx", "nonsense", token.replace(":", "-", 1)):
        response = client.post(f"/e/unsubscribe/{bad}/")
        assert response.status_code == 400
    assert mail.wants(advocate, EmailKind.DIGEST)


def test_never_twice_for_a_week_and_not_to_who_turned_it_off(
    advocate, advocate_engineering, week_content
):
    mailoutbox = django_mail.outbox
    mail.set_wanted(advocate_engineering, EmailKind.DIGEST, False)
    first = digest.send_digests(TODAY)
    assert advocate.email in {m.to[0] for m in mailoutbox}
    assert advocate_engineering.email not in {m.to[0] for m in mailoutbox}
    assert digest.send_digests(TODAY) == 0  # the same week again: nothing
    assert digest.send_digests(TODAY + timedelta(days=1)) == 0
    assert len(mailoutbox) == first
    # Another worker claimed her week first: this run does not send it.
    week = digest.last_week(TODAY + timedelta(days=7))
    DigestState.objects.filter(employee=advocate).update(last_period_sent=week.start)
    digest.send_digests(TODAY + timedelta(days=7))
    assert [m for m in mailoutbox[first:] if m.to == [advocate.email]] == []


def test_a_failed_send_gives_the_week_back(settings, advocate, week_content):
    from advocato.conftest import free_port as port

    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port()  # nobody listens
    with pytest.raises(OSError):
        digest.send_digests(TODAY)
    assert not DigestState.objects.filter(
        employee=advocate, last_period_sent__isnull=False
    ).exists()


def test_an_opted_out_person_is_not_named_in_the_digest(advocate, manager, week_content):
    from advocato.sharing.models import Share

    Organisation.objects.filter(pk=1).update(individual_results="everyone")
    zelda = make_employee("zelda@example.com", name="Zelda Quist", ranking=Ranking.OUT)
    _joined_earlier()
    item, _old, story = week_content
    share = Share.objects.create(
        employee=zelda, item=item, network="linkedin", text="Proud", status="confirmed",
        confirmed_at=timezone.now() - timedelta(days=4),
    )  # fmt: skip
    # Written while she was named; she left rankings since.
    SuccessStory.objects.filter(pk=story.pk).update(
        share=share, body_en="Zelda Quist's post brought three applications.",
        body_da="Zelda Quists opslag gav tre ansøgninger.",
    )  # fmt: skip
    digest.send_digests(TODAY)
    assert len(django_mail.outbox) >= 3
    for message in django_mail.outbox:
        parts = [message.body] + [str(c) for c, _t in getattr(message, "alternatives", [])]
        if message.to == [zelda.email]:
            assert "Zelda Quist" in parts[1]  # she sees herself
        else:
            assert all("Zelda Quist" not in p for p in parts), message.to
            assert "A colleague" in parts[1]  # the evidence's sharer
            assert "a colleague's post" in parts[0]  # her name taken out of the words


def test_queries_do_not_grow_with_the_number_of_people(advocate, week_content):
    def queries_for(n: int) -> int:
        DigestState.objects.all().delete()
        for i in range(n):
            make_employee(f"p{n}-{i}@example.com", department="Sales")
        _joined_earlier()
        with CaptureQueriesContext(connection) as captured:
            sent = digest.send_digests(TODAY)
        assert sent >= n
        return len(captured)

    few, many = queries_for(3), queries_for(40)
    assert few == many, (few, many)


def test_preferences_choose_the_digest_and_each_email(client, advocate):
    client.force_login(advocate.user)
    page = client.get("/me/e-mails/")
    assert page.status_code == 200
    response = client.post("/me/e-mails/", {"digest": "never", "nudge": "on", "accounts": "on"})
    assert response.status_code == 302
    assert not mail.wants(advocate, EmailKind.DIGEST)
    assert mail.wants(advocate, EmailKind.NUDGE) and not mail.wants(advocate, EmailKind.ANSWERS)
    client.post(
        "/me/e-mails/", {"digest": "weekly", "nudge": "on", "accounts": "on", "answers": "on"}
    )
    assert all(mail.wants(advocate, kind) for kind in EmailKind.values)
    assert client.post("/me/e-mails/", {"digest": "daily"}).status_code == 400


def test_preferences_page_speaks_their_language_and_is_in_my_data(client, advocate):
    from advocato.shell import personal_data

    advocate.ui_language = "nb"
    advocate.save()
    client.force_login(advocate.user)
    html = client.get("/me/e-mails/", HTTP_ACCEPT_LANGUAGE="nb").content.decode()
    assert 'lang="nb"' in html
    mail.set_wanted(advocate, EmailKind.NUDGE, False)
    data = personal_data.collect(advocate)
    wanted = {row["kind_of_email"]: row["wanted"] for row in data["email_preferences"]}
    assert wanted[str(EmailKind.NUDGE.label)] is False
    assert wanted[str(EmailKind.DIGEST.label)] is True


def test_the_digest_is_sent_on_monday_morning_company_time(db):
    from datetime import datetime
    from zoneinfo import ZoneInfo

    Organisation.objects.update_or_create(pk=1, defaults={"time_zone": "Europe/Oslo"})
    oslo = ZoneInfo("Europe/Oslo")
    assert not digest.sending_time(datetime(2026, 6, 15, 6, 59, tzinfo=oslo))
    assert digest.sending_time(datetime(2026, 6, 15, 7, 0, tzinfo=oslo))
    assert digest.sending_time(datetime(2026, 6, 16, 12, 0, tzinfo=oslo))  # catching up
    assert not digest.sending_time(datetime(2026, 6, 17, 7, 0, tzinfo=oslo))
    assert digest.last_week(date(2026, 6, 15)) == digest.Week(date(2026, 6, 8), date(2026, 6, 14))
