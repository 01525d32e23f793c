"""The summary e-mail: sent once per period, in each person's language, with the dashboard's
figures; and the page where analysts choose who gets it."""

from datetime import date, datetime

import pytest
import time_machine
from django.urls import reverse
from django.utils import translation

from advocato.analytics import digest, kpis, rollups
from advocato.analytics.models import Subscription
from advocato.analytics.tests.conftest import CPH, click, convert, local, make_item, make_share
from advocato.conftest import make_employee
from advocato.lib import charts
from advocato.people.models import Employee, User

MONDAY = datetime(2026, 11, 16, 6, 30, tzinfo=CPH)  # week 47; last week is 9–15 November
JOINED = local(2026, 10, 1)


def subscribe(employee, frequency=Subscription.Frequency.WEEKLY, created_at=JOINED):
    return Subscription.objects.create(
        employee=employee, frequency=frequency, created_at=created_at
    )


@pytest.fixture
def weeks(org, advocate, advocate_engineering):
    """Last week (9–15 Nov): three shares, 100,000 reached, five clicks (one by a returning
    visitor), one lead. The week before: one share, one click."""
    org.name = "Nordlys"
    org.save()
    for person in (advocate, advocate_engineering):
        Employee.objects.filter(pk=person.pk).update(created_at=JOINED)
        User.objects.filter(pk=person.user_id).update(date_joined=JOINED)
    item = make_item()
    earlier = make_share(advocate, item, local(2026, 11, 3, 9), audience=500)
    click(earlier, local(2026, 11, 3, 10))
    shares = [
        make_share(advocate, item, local(2026, 11, 10, 9), audience=60_000),
        make_share(advocate_engineering, item, local(2026, 11, 11, 9), audience=40_000),
        make_share(advocate, item, local(2026, 11, 12, 9), network="x"),
    ]
    for n, visitor in enumerate(["a", "b", "c", "d", "a"]):
        last = click(shares[n % 2], local(2026, 11, 13, 8 + n), visitor=visitor)
    convert(last, "lead", local(2026, 11, 14, 9))
    return shares


@pytest.fixture
def monday():
    with time_machine.travel(MONDAY, tick=False):
        yield


def body(message, kind="plain"):
    return message.get_body((kind,)).get_content()


def test_weekly_summary_goes_out_once_on_monday_for_last_week(
    weeks, analyst, smtp_settings, monday
):
    subscribe(analyst)
    assert digest.send_digests() == 1
    assert len(smtp_settings.messages) == 1
    mail = smtp_settings.messages[0]
    assert mail["To"] == analyst.email
    assert "week 46, 2026" in mail["Subject"]
    assert mail["Content-Language"] == "en"
    assert Subscription.objects.get().last_period_sent == date(2026, 11, 9)

    assert digest.send_digests() == 0  # the same morning again
    with time_machine.travel(local(2026, 11, 17, 6, 30), tick=False):
        assert digest.send_digests() == 0  # and the day after
    assert len(smtp_settings.messages) == 1


def test_figures_in_the_mail_are_the_dashboards_figures(weeks, analyst, smtp_settings, monday):
    subscribe(analyst)
    digest.send_digests()
    text = body(smtp_settings.messages[0])
    html = body(smtp_settings.messages[0], "html")
    rollups.fill()
    with translation.override("en"):
        now = kpis.programme(kpis.Filters(date(2026, 11, 9), date(2026, 11, 15)))
        figures = {f.key: f for f in now["figures"]}
        assert (figures["shares"].value, figures["clicks"].value) == (3, 5)
        assert figures["unique_clicks"].value == 4
        assert figures["shares"].previous == 1
        for key, label in [("shares", "Shares"), ("clicks", "Clicks"),
                           ("unique_clicks", "Unique clicks")]:  # fmt: skip
            shown = charts.format_number(figures[key].value)
            before = charts.format_number(figures[key].previous)
            assert f"{label}: {shown} (before: {before}" in text
        participation = charts.format_percent(figures["participation"].value)
        assert f"Active participation: {participation}" in text
    assert "Earned media value: 6,040 DKK" in text  # 5 × 8.00 + 100,000 ÷ 1000 × 60.00
    assert "+200%" in text  # shares: 3 against 1
    assert "Conversions: 1 (before: 0, –)" in text
    assert "– lead: 1 (before: 0, –)" in text
    assert "/analytics/?period=custom&amp;start=2026-11-09&amp;end=2026-11-15" in html
    assert "<svg" not in html


def test_each_person_gets_it_in_their_language(weeks, analyst, smtp_settings, monday):
    dane = make_employee("dorte@example.com", role="analyst", name="Dorte", language="da")
    subscribe(analyst)
    subscribe(dane)
    assert digest.send_digests() == 2
    by_person = {m["To"]: m for m in smtp_settings.messages}
    danish = by_person["dorte@example.com"]
    assert danish["Content-Language"] == "da"
    assert "09.11.2026" in danish["Subject"]  # Danish dates, whatever the catalogue has
    assert "09/11/2026" in by_person[analyst.email]["Subject"]
    assert "6.040 DKK" in body(danish)  # Danish thousands separator
    assert "6,040 DKK" in body(by_person[analyst.email])


def test_monthly_summary_on_the_first_for_last_month(weeks, analyst, smtp_settings):
    subscribe(analyst, Subscription.Frequency.MONTHLY, created_at=local(2026, 11, 5))
    with time_machine.travel(local(2026, 11, 30, 6, 30), tick=False):
        assert digest.send_digests() == 0  # November is not over; October was before them
    with time_machine.travel(local(2026, 12, 1, 6, 30), tick=False):
        assert digest.send_digests() == 1
        assert digest.send_digests() == 0
    assert Subscription.objects.get().last_period_sent == date(2026, 11, 1)
    assert "November 2026" in smtp_settings.messages[0]["Subject"]
    assert "Shares: 4 (before: 0" in body(smtp_settings.messages[0])


def test_no_mail_for_inactive_people_or_before_the_first_whole_period(
    weeks, analyst, advocate, smtp_settings, monday
):
    subscribe(advocate)
    Employee.objects.filter(pk=advocate.pk).update(is_active=False)
    subscribe(analyst, created_at=local(2026, 11, 17, 9))  # added after Monday's run time
    assert digest.due_subscriptions(date(2026, 11, 16)) == []
    assert digest.send_digests() == 0
    assert smtp_settings.messages == []


def test_a_failed_send_is_tried_again(weeks, analyst, settings, monday):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 9, 2
    subscribe(analyst)
    with pytest.raises(OSError):
        digest.send_digests()
    assert Subscription.objects.get().last_period_sent is None


def test_periodic_task_is_declared():
    from advocato.analytics import tasks

    assert hasattr(tasks, "send_digests")


# --- The subscription page --------------------------------------------------------------------


def url():
    return reverse("analytics:subscriptions")


def test_analyst_adds_and_removes_a_subscriber(login, analyst, advocate):
    client = login(analyst)
    response = client.post(url(), {"action": "add", "employee": advocate.pk, "frequency": "weekly"})
    assert response.status_code == 302
    found = Subscription.objects.get()
    assert (found.employee, found.frequency) == (advocate, "weekly")
    assert advocate.email in client.get(url()).content.decode()
    response = client.post(url(), {"action": "remove", "id": found.pk})
    assert response.status_code == 302
    assert not Subscription.objects.exists()


def test_duplicate_is_refused_with_a_clear_error(login, analyst, advocate):
    subscribe(advocate)
    response = login(analyst).post(
        url(), {"action": "add", "employee": advocate.pk, "frequency": "weekly"}
    )
    assert response.status_code == 400
    assert "already gets this summary" in response.content.decode()
    assert Subscription.objects.count() == 1


def test_only_active_registered_people_can_be_chosen(login, analyst, advocate, admin):
    from advocato.people.services import invite_employee

    invited = invite_employee(email="new@example.com", name="New Person", invited_by=admin)
    Employee.objects.filter(pk=advocate.pk).update(is_active=False)
    client = login(analyst)
    page = client.get(url()).content.decode()
    assert "new@example.com" not in page and "anna@example.com" not in page
    for person in (invited, advocate):
        response = client.post(
            url(), {"action": "add", "employee": person.pk, "frequency": "weekly"}
        )
        assert response.status_code == 400
    assert not Subscription.objects.exists()


def test_bad_input_changes_nothing(login, analyst, advocate):
    subscribe(advocate)
    client = login(analyst)
    assert client.post(url(), {"action": "remove", "id": "nope"}).status_code == 404
    assert client.post(url(), {"action": "remove", "id": 999}).status_code == 404
    response = client.post(url(), {"action": "add", "employee": advocate.pk, "frequency": "daily"})
    assert response.status_code == 400
    assert Subscription.objects.count() == 1


def test_advocate_may_not_manage_subscriptions(login, advocate):
    client = login(advocate)
    assert client.get(url()).status_code == 403
    response = client.post(url(), {"action": "add", "employee": advocate.pk, "frequency": "weekly"})
    assert response.status_code == 403
    assert not Subscription.objects.exists()


def test_one_failing_address_does_not_stop_the_others(
    weeks, analyst, advocate, smtp_settings, monday, monkeypatch
):
    subscribe(analyst)
    subscribe(advocate)
    real = digest.message

    def refusing(subscription, *args, **kwargs):
        if subscription.employee_id == analyst.pk:
            raise OSError("mailbox unavailable")
        return real(subscription, *args, **kwargs)

    monkeypatch.setattr(digest, "message", refusing)
    assert digest.send_digests() == 1
    assert [m["To"] for m in smtp_settings.messages] == [advocate.email]
    assert Subscription.objects.get(employee=analyst).last_period_sent is None
    monkeypatch.setattr(digest, "message", real)
    assert digest.send_digests() == 1  # tried again on the next run
    assert [m["To"] for m in smtp_settings.messages] == [advocate.email, analyst.email]
