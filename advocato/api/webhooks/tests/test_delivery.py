"""Delivery over real HTTP to a receiver on 127.0.0.1 that checks every signature with its own
implementation of the Standard Webhooks rules."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from django.utils import timezone

from advocato.api.webhooks import services
from advocato.api.webhooks.models import WebhookAttempt, WebhookEndpoint, WebhookMessage
from advocato.conftest import make_employee
from advocato.rewards.conftest import make_item
from advocato.sharing import services as sharing

from .conftest import Invalid, verify

pytestmark = pytest.mark.django_db


def share_something(capture):
    advocate = make_employee("ada@example.com", department="Sales")
    with capture(execute=True):
        return sharing.start_share(advocate, make_item(), "linkedin", "Proud of this", "")


def test_a_share_reaches_the_receiver_signed(
    endpoint, receiver, django_capture_on_commit_callbacks
):
    share = share_something(django_capture_on_commit_callbacks)
    assert len(receiver.requests) == 1
    headers, body = receiver.requests[0]
    payload = verify(endpoint.plain_secret, headers, body)
    assert payload["type"] == "share.created"
    assert payload["data"]["share"]["id"] == share.pk
    assert payload["data"]["share"]["network"] == "linkedin"
    assert payload["data"]["share"]["link"].endswith("/l/" + share.link.code)
    assert headers["webhook-id"].startswith("msg_")
    assert headers["content-type"] == "application/json"
    attempt = WebhookAttempt.objects.get()
    assert (attempt.status_code, attempt.ok, attempt.manual) == (204, True, False)
    assert WebhookMessage.objects.get().status == "delivered"


def test_a_500_is_retried_with_the_same_id_and_body_and_then_succeeds(
    endpoint, receiver, django_capture_on_commit_callbacks
):
    receiver.replies = [500, 503]
    share_something(django_capture_on_commit_callbacks)
    message = WebhookMessage.objects.get()
    assert message.status == "pending" and message.attempts == 1
    assert message.next_attempt_at is not None
    assert message.next_attempt_at - WebhookAttempt.objects.get().at == timedelta(seconds=5)

    # Not due yet: nothing is sent.
    assert services.deliver_due(now=message.created_at + timedelta(seconds=4)) == {}
    assert services.deliver_due(now=message.created_at + timedelta(seconds=6)) == {"retry": 1}
    message.refresh_from_db()
    assert message.next_attempt_at is not None
    assert message.next_attempt_at - (message.created_at + timedelta(seconds=6)) == timedelta(
        minutes=5
    )
    outcome = services.deliver_due(now=message.created_at + timedelta(minutes=6))
    assert outcome == {"delivered": 1}

    assert len(receiver.requests) == 3
    ids = {headers["webhook-id"] for headers, _ in receiver.requests}
    bodies = {body for _, body in receiver.requests}
    assert len(ids) == 1 and len(bodies) == 1
    for headers, body in receiver.requests:
        verify(endpoint.plain_secret, headers, body)
    log = list(WebhookAttempt.objects.order_by("at").values_list("status_code", "ok"))
    assert log == [(500, False), (503, False), (204, True)]
    assert WebhookAttempt.objects.filter(response__startswith="answer 500").exists()
    endpoint.refresh_from_db()
    assert endpoint.failing_since is None and endpoint.is_active


def test_the_receivers_check_refuses_a_tampered_body_an_old_timestamp_and_a_wrong_secret(
    endpoint, receiver, django_capture_on_commit_callbacks
):
    share_something(django_capture_on_commit_callbacks)
    headers, body = receiver.requests[0]
    verify(endpoint.plain_secret, headers, body)
    with pytest.raises(Invalid):
        verify(endpoint.plain_secret, headers, body.replace(b"linkedin", b"mastodon"))
    with pytest.raises(Invalid):
        verify(endpoint.plain_secret, headers, body, now=time.time() + 6 * 60)
    with pytest.raises(Invalid):
        verify(endpoint.plain_secret, {**headers, "webhook-id": "msg_other"}, body)
    with pytest.raises(Invalid):
        verify(services.signing.new_secret(), headers, body)


def test_after_rotation_both_secrets_sign_for_a_day(
    endpoint, receiver, django_capture_on_commit_callbacks
):
    old = endpoint.plain_secret
    new = services.rotate_secret(endpoint)
    assert new != old and new.startswith("whsec_")
    share_something(django_capture_on_commit_callbacks)
    headers, body = receiver.requests[-1]
    assert len(headers["webhook-signature"].split(" ")) == 2
    verify(old, headers, body)
    verify(new, headers, body)

    endpoint.refresh_from_db()
    later = timezone.now() + timedelta(hours=25)
    assert services.secrets_for(endpoint, later) == [new]


def test_a_network_failure_is_logged_and_retried(endpoint, receiver):
    receiver.stop()  # nobody listens any more
    message = services.send_test(endpoint)
    services.deliver(message.pk)
    attempt = WebhookAttempt.objects.get()
    assert attempt.status_code is None and attempt.error and not attempt.ok
    message.refresh_from_db()
    assert message.status == "pending" and message.next_attempt_at is not None


def test_the_retries_span_about_three_days_then_the_message_is_given_up(endpoint, receiver):
    total = sum(services.RETRY_DELAYS, timedelta())
    assert timedelta(hours=70) < total < timedelta(hours=73)
    receiver.replies = [500] * 20
    message = services.send_test(endpoint)
    now = message.created_at
    services.deliver(message.pk, now=now)
    for delay in services.RETRY_DELAYS:
        now += delay
        services.deliver(message.pk, now=now)
    message.refresh_from_db()
    assert message.status == "failed" and message.attempts == len(services.RETRY_DELAYS) + 1
    assert len(receiver.requests) == 11


def test_an_endpoint_failing_for_three_days_is_disabled_and_the_admins_told(
    endpoint, receiver, admin, smtp_settings
):
    other_admin = make_employee("ops@example.com", role="admin", language="da")
    receiver.replies = [500] * 30
    message = services.send_test(endpoint)
    now = message.created_at
    services.deliver(message.pk, now=now)
    for delay in services.RETRY_DELAYS:
        now += delay
        services.deliver(message.pk, now=now)
        endpoint.refresh_from_db()
        if not endpoint.is_active:
            break
    assert not endpoint.is_active
    assert "three days" in endpoint.disabled_reason
    # Nothing more is queued or sent to it.
    assert services.emit("share.created", lambda: {}) == 0
    sent = len(receiver.requests)
    assert services.deliver_due(now=now + timedelta(days=1)) == {}
    assert len(receiver.requests) == sent

    recipients = sorted(str(m["To"]) for m in smtp_settings.messages)
    assert recipients == sorted([admin.email, other_admin.email])
    danish = next(m for m in smtp_settings.messages if str(m["To"]) == other_admin.email)
    assert danish["Content-Language"] == "da"
    assert "Webhook" in danish["Subject"]
    assert f"/settings/webhooks/{endpoint.pk}/" in danish.get_content()


def test_five_messages_given_up_in_a_row_disable_the_endpoint(endpoint, receiver, smtp_settings):
    receiver.replies = [500] * 100
    now = timezone.now()
    for _ in range(services.DISABLE_AFTER_MESSAGES):
        message = services.send_test(endpoint)
        WebhookMessage.objects.filter(pk=message.pk).update(
            attempts=len(services.RETRY_DELAYS), next_attempt_at=now
        )
        WebhookEndpoint.objects.filter(pk=endpoint.pk).update(failing_since=now)
        services.deliver(message.pk, now=now)
    endpoint.refresh_from_db()
    assert not endpoint.is_active
    assert "5 messages" in endpoint.disabled_reason
    assert smtp_settings.messages


def test_a_success_starts_the_count_again(endpoint, receiver):
    receiver.replies = [500]
    message = services.send_test(endpoint)
    services.deliver(message.pk)
    endpoint.refresh_from_db()
    assert endpoint.failing_since is not None
    services.deliver_due(now=timezone.now() + timedelta(seconds=6))
    endpoint.refresh_from_db()
    assert endpoint.failing_since is None and endpoint.failed_messages == 0


def test_410_gone_disables_at_once(endpoint, receiver, smtp_settings):
    receiver.replies = [410]
    message = services.send_test(endpoint)
    services.deliver(message.pk)
    endpoint.refresh_from_db()
    assert not endpoint.is_active and "410" in endpoint.disabled_reason
    message.refresh_from_db()
    assert message.status == "failed"


def test_a_redirect_is_not_followed(endpoint, receiver):
    receiver.replies = [302]
    message = services.send_test(endpoint)
    services.deliver(message.pk)
    assert WebhookAttempt.objects.get().status_code == 302
    message.refresh_from_db()
    assert message.status == "pending"


def test_two_workers_never_send_the_same_attempt(endpoint, receiver):
    message = services.send_test(endpoint)
    first = services._claim(message.pk, timezone.now())
    assert first is not None
    assert services.deliver(message.pk) == "skipped"
    assert receiver.requests == []


def test_an_address_that_became_internal_is_refused_at_delivery(endpoint, receiver, settings):
    settings.FETCH_ALLOWED_HOSTS = []
    message = services.send_test(endpoint)
    services.deliver(message.pk)
    attempt = WebhookAttempt.objects.get()
    assert attempt.status_code is None and "loopback" in attempt.error.lower()
    assert receiver.requests == []


def test_redeliver_sends_the_same_message_again(endpoint, receiver):
    message = services.send_test(endpoint)
    services.deliver(message.pk)
    message.refresh_from_db()
    assert message.status == "delivered"
    services.redeliver(message)
    services.deliver(message.pk, manual=True)
    assert len(receiver.requests) == 2
    assert receiver.requests[0][0]["webhook-id"] == receiver.requests[1][0]["webhook-id"]
    assert WebhookAttempt.objects.filter(manual=True).count() == 1
