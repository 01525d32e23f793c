"""Healthy limits: shares per person per day per network, and the hours Advocato posts for
people — refused in the composer with the limit named, moved by the worker with the reason on
the share. Days and hours are the person's own (their time zone)."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from advocato.core.models import AuditEntry
from advocato.sharing import limits, posting, services
from advocato.sharing.models import PostState, Share, SharingLimits

from ..conftest import connect

pytestmark = pytest.mark.django_db
CPH = ZoneInfo("Europe/Copenhagen")


def set_limits(**values) -> SharingLimits:
    rules = SharingLimits.get()
    for key, value in values.items():
        setattr(rules, key, value)
    rules.save()
    return rules


def compose(client, item, network="linkedin", text=None, **extra):
    text = text if text is not None else f"Proud of this {item.url}"
    return client.post(
        reverse("sharing:compose", args=[item.pk]), {"network": network, "text": text, **extra}
    )


# --- The daily limit in the composer ----------------------------------------------------------


def test_a_burst_of_composer_posts_stops_at_the_daily_limit(login, advocate, item):
    set_limits(per_day=2)
    client = login(advocate)
    statuses = [compose(client, item).status_code for _n in range(6)]
    assert statuses[:2] == [302, 302]
    assert Share.objects.filter(employee=advocate, network="linkedin").count() == 2
    refused = compose(client, item)
    html = refused.content.decode()
    assert refused.status_code == 200 and "2 shares a day on LinkedIn" in html
    # Another network has its own count; another person too.
    assert compose(client, item, network="x").status_code == 302


def test_the_live_check_warns_but_the_copy_button_is_refused(login, advocate, item):
    set_limits(per_day=1)
    client = login(advocate)
    assert compose(client, item).status_code == 302
    checked = client.post(
        reverse("sharing:check", args=[item.pk]),
        {"network": "linkedin", "text": f"Again {item.url}"},
        content_type="application/json",
    ).json()["checks"]
    assert [c["level"] for c in checked if c["code"] == "limit"] == ["warning"]
    copied = client.post(
        reverse("sharing:copy", args=[item.pk]),
        {"network": "linkedin"},
        headers={"accept": "application/json"},
    )
    assert copied.status_code == 409 and "1 share a day" in copied.json()["error"]


def test_failed_shares_do_not_count_and_the_limit_resets_at_the_persons_midnight(
    login, advocate, item
):
    set_limits(per_day=1)
    advocate.time_zone = "America/New_York"
    advocate.save()
    client = login(advocate)
    first = services.start_share(advocate, item, "linkedin", "a", "")
    Share.objects.filter(pk=first.pk).update(status=Share.Status.FAILED)
    assert compose(client, item).status_code == 302
    assert compose(client, item).status_code == 200
    # 23:59 in New York is still the same day; one minute after midnight there is a new one.
    ny = ZoneInfo("America/New_York")
    today = timezone.now().astimezone(ny).date()
    with time_machine.travel(datetime.combine(today, datetime.min.time(), ny).replace(
            hour=23, minute=59), tick=False):  # fmt: skip
        assert compose(client, item).status_code == 200
    with time_machine.travel(
        datetime.combine(today + timedelta(days=1), datetime.min.time(), ny).replace(minute=1),
        tick=False,
    ):
        assert compose(client, item).status_code == 302


def test_a_day_with_a_clock_change_is_one_day(advocate, item):
    """29 March 2026 in Copenhagen has 23 hours; the limit counts it as one day."""
    set_limits(per_day=1)
    with time_machine.travel(datetime(2026, 3, 29, 0, 30, tzinfo=CPH), tick=False):
        services.start_share(advocate, item, "linkedin", "a", "")
    late = datetime(2026, 3, 29, 23, 30, tzinfo=CPH)
    with time_machine.travel(late, tick=False), pytest.raises(limits.LimitReached):
        services.start_share(advocate, item, "linkedin", "b", "")
    with time_machine.travel(datetime(2026, 3, 30, 0, 0, 30, tzinfo=CPH), tick=False):
        services.start_share(advocate, item, "linkedin", "c", "")
    start, end = limits.day_bounds(datetime(2026, 3, 29, 12, tzinfo=CPH), CPH)
    assert end - start == timedelta(hours=23)
    start, end = limits.day_bounds(datetime(2026, 10, 25, 12, tzinfo=CPH), CPH)
    assert end - start == timedelta(hours=25)


# --- Sharing hours -------------------------------------------------------------------------------


def test_next_allowed_time_across_night_weekend_and_clock_change():
    rules = SharingLimits(keep_hours=True, earliest_hour=8, latest_hour=20, weekends=False)
    friday_night = datetime(2026, 6, 19, 21, 0, tzinfo=CPH)
    assert limits.next_allowed(friday_night, CPH, rules) == datetime(2026, 6, 22, 8, tzinfo=CPH)
    assert not limits.within_hours(datetime(2026, 6, 20, 12, tzinfo=CPH), CPH, rules)
    assert limits.within_hours(datetime(2026, 6, 22, 19, 59, tzinfo=CPH), CPH, rules)
    assert not limits.within_hours(datetime(2026, 6, 22, 20, 0, tzinfo=CPH), CPH, rules)
    midnight = datetime(2026, 6, 23, 0, 0, tzinfo=CPH)
    assert limits.next_allowed(midnight, CPH, rules) == datetime(2026, 6, 23, 8, tzinfo=CPH)
    # From 02:00 on the spring-forward Monday (2:00 does not exist): the first moment after.
    early = SharingLimits(keep_hours=True, earliest_hour=2, latest_hour=20, weekends=True)
    found = limits.next_allowed(datetime(2026, 3, 29, 1, 0, tzinfo=CPH), CPH, early)
    assert found.astimezone(CPH).hour == 3 and found == datetime(
        2026, 3, 29, 1, tzinfo=ZoneInfo("UTC")
    )
    # Switched off: any time will do.
    assert limits.next_allowed(friday_night, CPH, SharingLimits()) == friday_night


def test_the_composer_refuses_a_post_at_night_naming_the_hours(start_fake, login, advocate, item,
                                                              django_capture_on_commit_callbacks):  # fmt: skip
    fake = start_fake("mastodon")
    client = login(advocate)
    with django_capture_on_commit_callbacks(execute=True):
        connect(client, "mastodon", fake)
    set_limits(keep_hours=True, earliest_hour=8, latest_hour=20)
    saturday = "2026-06-20T11:00"
    response = compose(client, item, network="mastodon", when="at", post_at=saturday)
    html = response.content.decode()
    assert response.status_code == 200
    assert "between 08:00 and 20:00 on weekdays" in html and "Monday 22 June 08:00" in html
    assert not Share.objects.filter(method=Share.Method.API).exists()
    # The best time is moved into the hours rather than refused.
    share = posting.schedule_share(advocate, item, "mastodon", f"Hi {item.url}", "", "best")
    assert share.scheduled_for is not None
    local = share.scheduled_for.astimezone(CPH)
    assert local.weekday() < 5 and 8 <= local.hour < 20


def test_the_worker_moves_a_share_that_comes_due_outside_the_hours(
    start_fake, login, advocate, item, django_capture_on_commit_callbacks
):
    fake = start_fake("mastodon")
    client = login(advocate)
    with django_capture_on_commit_callbacks(execute=True):
        connect(client, "mastodon", fake)
    later = timezone.now() + timedelta(hours=1)
    share = posting.schedule_share(advocate, item, "mastodon", f"Hi {item.url}", "", "at", later)
    # The admin keeps sharing hours from now on; the share comes due on Friday at 21:00.
    set_limits(keep_hours=True, earliest_hour=8, latest_hour=20)
    friday_night = datetime(2026, 6, 19, 21, 0, tzinfo=CPH)
    with time_machine.travel(friday_night, tick=False):
        assert posting.post_share(share.pk) == "moved"
    share.refresh_from_db()
    assert share.post_state == PostState.SCHEDULED and share.attempts == 0
    assert share.scheduled_for == datetime(2026, 6, 22, 8, tzinfo=CPH)
    assert "sharing hours" in share.error and "Monday" in share.error
    page = client.get(reverse("sharing:handoff", args=[share.pk])).content.decode()
    assert "Moved to Monday 22 June 08:00" in page
    with time_machine.travel(datetime(2026, 6, 22, 8, 0, 5, tzinfo=CPH), tick=False):
        assert posting.post_share(share.pk) == "posted"


def test_the_worker_moves_a_share_over_the_days_limit_to_the_next_day(
    start_fake, login, advocate, item, django_capture_on_commit_callbacks
):
    from advocato.content.models import ContentItem

    fake = start_fake("mastodon")
    client = login(advocate)
    with django_capture_on_commit_callbacks(execute=True):
        connect(client, "mastodon", fake)
    other = ContentItem.objects.create(title="Second", url="https://nordlys.example/2",
                                       status="published", published_at=timezone.now())  # fmt: skip
    at = timezone.now() + timedelta(hours=1)
    first = posting.schedule_share(advocate, item, "mastodon", f"A {item.url}", "", "at", at)
    second = posting.schedule_share(advocate, other, "mastodon", f"B {other.url}", "", "at", at)
    set_limits(per_day=1)  # lowered after both were scheduled
    with time_machine.travel(at + timedelta(seconds=5), tick=False):
        assert posting.post_share(first.pk) == "posted"
        assert posting.post_share(second.pk) == "moved"
    second.refresh_from_db()
    assert "healthy limit of 1 share a day" in second.error
    assert second.scheduled_for is not None
    assert (
        second.scheduled_for.astimezone(CPH).date()
        == (at + timedelta(days=1)).astimezone(CPH).date()
    )


# --- The settings page ---------------------------------------------------------------------------


def test_an_admin_sets_the_limits_audited_and_others_cannot(login, admin, advocate, curator):
    client = login(admin)
    data = {"per_day": "3", "keep_hours": "on", "earliest_hour": "8", "latest_hour": "20",
            "company_share": "25"}  # fmt: skip
    assert client.post(reverse("sharing:limits"), data).status_code == 302
    rules = SharingLimits.get()
    assert (rules.per_day, rules.keep_hours, rules.weekends, rules.company_share) == (3, True,
                                                                                     False, 25)  # fmt: skip
    assert AuditEntry.objects.filter(object_type="sharing.SharingLimits").exists()
    bad = client.post(reverse("sharing:limits"), {**data, "earliest_hour": "20"})
    assert bad.status_code == 400 and "must end after they start" in bad.content.decode()
    bad = client.post(reverse("sharing:limits"), {**data, "latest_hour": "25", "per_day": "-1"})
    assert bad.status_code == 400
    assert SharingLimits.get().per_day == 3
    for person in (advocate, curator):
        assert login(person).get(reverse("sharing:limits")).status_code == 403


# --- Own versus company content ---------------------------------------------------------------


def test_the_balance_says_honestly_when_we_know_no_own_posts(login, advocate, item):
    set_limits(company_share=25)
    share = services.start_share(advocate, item, "linkedin", "a", "")
    services.confirm(Share.objects.filter(pk=share.pk), by=services.BY_ADVOCATE)
    client = login(advocate)
    html = client.get(reverse("sharing:mine")).content.decode()
    assert "We know of none of your own posts" in html
    assert 'id="balance-percent"' not in html
    assert client.post(reverse("sharing:own_posts"), {"count": "1"}).status_code == 302
    html = client.get(reverse("sharing:mine")).content.decode()
    assert "50% of your posts were the company" in html
    assert "More company content than the guideline suggests" in html
    balance = services.content_balance(advocate)
    assert (balance.company, balance.own, balance.company_percent, balance.over) == (1, 1, 50,
                                                                                      True)  # fmt: skip
    client.post(reverse("sharing:own_posts"), {"count": "-3"})
    assert services.content_balance(advocate).own == 1
