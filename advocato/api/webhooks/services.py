"""Webhooks: registering endpoints, queuing events, delivering and retrying, disabling.

Queuing is part of the event's own transaction: a lower app sends its signal inside the
transaction that made the change, `emit` writes one `WebhookMessage` per subscribed endpoint
there, and the worker is asked to deliver only once it commits — so a rolled-back change sends
nothing and a committed one is never lost (the minutely `deliver_due` sweep finds whatever a
lost task missed).

Delivery: one POST per attempt, to the vetted address (`lib.fetch.post`: no private address
unless allowed, no redirects followed), signed as `signing` says. 2xx is success; anything
else — another status, no answer within 15 s, a refused address — is a failure, retried after
`RETRY_DELAYS` (about three days in all) and then given up. A worker claims a message with a
compare-and-swap on its lease, so two workers never send it at once.

An endpoint is disabled by itself, with an e-mail to every admin, when every attempt to it has
failed for `DISABLE_AFTER` (the whole retry schedule, about three days: so at the latest when
one message has used up its retries with nothing getting through meanwhile), when
`DISABLE_AFTER_MESSAGES` messages in a row used up all their retries, or at once when it
answers 410 Gone (the receiver's way of saying "stop").
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable
from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from advocato.lib import fetch
from advocato.people import mail
from advocato.people.models import Employee
from advocato.sharing.connections import site_base

from . import events, signing
from .models import WebhookAttempt, WebhookEndpoint, WebhookMessage

logger = logging.getLogger(__name__)

# After the first attempt (at once): 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h, 14 h, 14 h,
# 16 h — 11 attempts over 71.6 hours. The start follows the Standard Webhooks suggestion; the
# tail stretches it to about three days, so a receiver down over a weekend still gets its mail.
RETRY_DELAYS = [
    timedelta(seconds=5),
    timedelta(minutes=5),
    timedelta(minutes=30),
    timedelta(hours=2),
    timedelta(hours=5),
    timedelta(hours=10),
    timedelta(hours=10),
    timedelta(hours=14),
    timedelta(hours=14),
    timedelta(hours=16),
]
# The whole retry schedule: one message's last try fails after nothing got through for this long.
DISABLE_AFTER = sum(RETRY_DELAYS, timedelta())
DISABLE_AFTER_MESSAGES = 5
# A rotated-out secret keeps signing (a second signature) this long.
OLD_SECRET_KEPT = timedelta(hours=24)
TIMEOUT_SECONDS = 15.0
LEASE = timedelta(minutes=2)
EXCERPT_CHARS = 500
USER_AGENT = "Advocato-Webhooks/1"


class WebhookError(Exception):
    """Bad input from an admin: the message says what to change; `field` names the field."""

    def __init__(self, message: str, field: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.field = field


# --- Endpoints ------------------------------------------------------------------------------


def check_url(url: str) -> str:
    """The address, if the server may call it: http(s), and no private, loopback or internal
    address (unless `ADVOCATO_FETCH_ALLOWED_HOSTS`/`_NETWORKS` allow it), as for feeds."""
    url = url.strip()
    try:
        fetch.vet_url(url)
    except fetch.FetchError as exc:
        raise WebhookError(exc.message, field="url") from None
    return url


def check_events(chosen: Iterable[str]) -> list[str]:
    picked = [e for e in events.EVENTS if e in set(chosen)]
    unknown = set(chosen) - set(events.EVENTS)
    if unknown or not picked:
        raise WebhookError(_("Choose at least one of the events listed."), field="events")
    return picked


def create_endpoint(
    *, url: str, events_: Iterable[str], description: str = "", by: Employee | None = None
) -> tuple[WebhookEndpoint, str]:
    """A new endpoint and its signing secret (returned once: only its encrypted form is kept)."""
    endpoint = WebhookEndpoint(
        url=check_url(url),
        events=check_events(events_),
        description=description.strip()[:200],
        created_by=by,
    )
    secret = signing.new_secret()
    endpoint.secret = secret
    endpoint.save()
    return endpoint, secret


def update_endpoint(
    endpoint: WebhookEndpoint, *, url: str, events_: Iterable[str], description: str = ""
) -> WebhookEndpoint:
    endpoint.url = check_url(url)
    endpoint.events = check_events(events_)
    endpoint.description = description.strip()[:200]
    endpoint.save(update_fields=["url", "events", "description", "updated_at"])
    return endpoint


def rotate_secret(endpoint: WebhookEndpoint, now: datetime | None = None) -> str:
    """A new secret, returned once. The old one keeps signing beside it for `OLD_SECRET_KEPT`,
    so the receiver can take the new one in its own time without rejecting a message."""
    now = now or timezone.now()
    secret = signing.new_secret()
    endpoint.previous_secret = endpoint.secret
    endpoint.previous_secret_until = now + OLD_SECRET_KEPT
    endpoint.secret = secret
    endpoint.save(
        update_fields=[
            "secret_enc", "previous_secret_enc", "previous_secret_until", "updated_at",
        ]
    )  # fmt: skip
    return secret


def secrets_for(endpoint: WebhookEndpoint, now: datetime) -> list[str]:
    found = [endpoint.secret]
    until = endpoint.previous_secret_until
    if endpoint.previous_secret_enc and until is not None and until > now:
        found.append(endpoint.previous_secret)
    return found


def enable(endpoint: WebhookEndpoint) -> None:
    """Switch an endpoint on again, with a clean slate (messages given up on stay so: send
    them again from the log)."""
    endpoint.is_active = True
    endpoint.disabled_reason = ""
    endpoint.failing_since = None
    endpoint.failed_messages = 0
    endpoint.save(
        update_fields=[
            "is_active", "disabled_reason", "failing_since", "failed_messages", "updated_at",
        ]
    )  # fmt: skip


def disable(endpoint: WebhookEndpoint, reason: str = "") -> None:
    """Stop sending to it. Messages still waiting are marked failed (they can be sent again
    from the log once it is enabled)."""
    endpoint.is_active = False
    endpoint.disabled_reason = reason[:300]
    endpoint.save(update_fields=["is_active", "disabled_reason", "updated_at"])
    endpoint.messages.filter(status=WebhookMessage.Status.PENDING).update(
        status=WebhookMessage.Status.FAILED, next_attempt_at=None
    )


# --- Events ---------------------------------------------------------------------------------


def subscribed(event_type: str) -> list[WebhookEndpoint]:
    """The enabled endpoints that want this event (a JSON list: filtered here, as SQLite and
    PostgreSQL query JSON differently; the table holds a handful of rows)."""
    return [e for e in WebhookEndpoint.objects.filter(is_active=True) if event_type in e.events]


def emit(event_type: str, data: Callable[[], dict[str, Any]], at: datetime | None = None) -> int:
    """Queue an event for every enabled endpoint that wants it (inside the caller's
    transaction; delivery is asked for when it commits). `data` is called only when some
    endpoint wants the event. Returns how many messages were queued."""
    endpoints = subscribed(event_type)
    if not endpoints:
        return 0
    now = timezone.now()
    payload = events.body(event_type, data(), at or now)
    msg_id = signing.new_message_id()
    created = WebhookMessage.objects.bulk_create(
        WebhookMessage(
            endpoint=endpoint,
            msg_id=msg_id,
            event_type=event_type,
            body=payload,
            created_at=now,
            next_attempt_at=now,
        )
        for endpoint in endpoints
    )
    ids = [m.pk for m in created]
    transaction.on_commit(lambda: queue(ids))
    return len(ids)


def queue(message_ids: list[int], manual: bool = False) -> None:
    from . import tasks

    for pk in message_ids:
        tasks.deliver_message(pk, manual)


# --- Delivery -------------------------------------------------------------------------------


def _claim(message_id: int, now: datetime) -> WebhookMessage | None:
    """Take the message for one attempt (compare-and-swap on the lease), or None when it is not
    due, not waiting, its endpoint is off, or another worker has it."""
    claimed = (
        WebhookMessage.objects.filter(
            pk=message_id,
            status=WebhookMessage.Status.PENDING,
            next_attempt_at__lte=now + timedelta(seconds=1),
            endpoint__is_active=True,
        )
        .filter(Q(lease_until=None) | Q(lease_until__lt=now))
        .update(lease_until=now + LEASE)
    )
    if claimed != 1:
        return None
    return WebhookMessage.objects.select_related("endpoint").get(pk=message_id)


def deliver(message_id: int, *, manual: bool = False, now: datetime | None = None) -> str:
    """One attempt at a message, if it is due. Returns what happened: "delivered", "retry",
    "failed" or "skipped"."""
    now = now or timezone.now()
    message = _claim(message_id, now)
    if message is None:
        return "skipped"
    endpoint = message.endpoint
    attempt = send(message, endpoint, now)
    attempt.manual = manual
    attempt.save()
    message.attempts += 1
    message.lease_until = None
    if attempt.ok:
        message.status = WebhookMessage.Status.DELIVERED
        message.delivered_at = attempt.at
        message.next_attempt_at = None
        message.save(update_fields=_MESSAGE_FIELDS)
        WebhookEndpoint.objects.filter(pk=endpoint.pk).update(failing_since=None, failed_messages=0)
        return "delivered"
    if message.attempts <= len(RETRY_DELAYS):
        message.next_attempt_at = now + RETRY_DELAYS[message.attempts - 1]
        outcome = "retry"
    else:
        message.status = WebhookMessage.Status.FAILED
        message.next_attempt_at = None
        outcome = "failed"
    message.save(update_fields=_MESSAGE_FIELDS)
    _after_failure(endpoint, attempt, given_up=outcome == "failed", now=now)
    if outcome == "retry" and message.next_attempt_at is not None:
        from . import tasks

        tasks.deliver_message.schedule((message.pk, False), eta=message.next_attempt_at)
    return outcome


_MESSAGE_FIELDS = ["attempts", "lease_until", "status", "delivered_at", "next_attempt_at"]


def send(message: WebhookMessage, endpoint: WebhookEndpoint, now: datetime) -> WebhookAttempt:
    """POST the message once and describe the outcome (not saved)."""
    stamp = int(time.time())
    body = message.body.encode()
    headers = signing.headers(message.msg_id, stamp, body, secrets_for(endpoint, now))
    headers["User-Agent"] = USER_AGENT
    attempt = WebhookAttempt(message=message, endpoint=endpoint, at=now)
    started = time.monotonic()
    try:
        answer = fetch.post(
            endpoint.url,
            body,
            headers=headers,
            timeout=TIMEOUT_SECONDS,
            max_bytes=EXCERPT_CHARS * 4,
        )
    except fetch.FetchError as exc:
        attempt.error = exc.message[:300]
    else:
        attempt.status_code = answer.status
        attempt.response = answer.body.decode("utf-8", "replace")[:EXCERPT_CHARS]
        attempt.ok = 200 <= answer.status <= 299
    attempt.duration_ms = round((time.monotonic() - started) * 1000)
    return attempt


def _after_failure(
    endpoint: WebhookEndpoint, attempt: WebhookAttempt, *, given_up: bool, now: datetime
) -> None:
    WebhookEndpoint.objects.filter(pk=endpoint.pk, failing_since=None).update(failing_since=now)
    if given_up:
        WebhookEndpoint.objects.filter(pk=endpoint.pk).update(
            failed_messages=endpoint.failed_messages + 1
        )
    endpoint.refresh_from_db()
    reason = ""
    if attempt.status_code == 410:
        reason = _("The receiver answered 410 Gone: it asked not to be sent anything more.")
    elif endpoint.failing_since is not None and now - endpoint.failing_since >= DISABLE_AFTER:
        reason = _("Every delivery has failed for about three days.")
    elif endpoint.failed_messages >= DISABLE_AFTER_MESSAGES:
        reason = _("%(count)d messages in a row failed after all their retries.") % {
            "count": endpoint.failed_messages
        }
    if reason and endpoint.is_active:
        disable(endpoint, reason)
        tell_admins(endpoint)


def tell_admins(endpoint: WebhookEndpoint) -> int:
    """E-mail every active admin (each in their language) that the endpoint was disabled."""
    link = site_base() + reverse("api:webhook", args=[endpoint.pk])
    sent = 0
    for admin in Employee.objects.filter(role="admin", is_active=True).order_by("pk"):
        try:
            mail.send(
                admin,
                subject=lambda values: _("Webhook disabled: %(endpoint)s") % values,
                text_template="api/webhooks/email/disabled.txt",
                context={"endpoint": endpoint, "link": link, "reason": endpoint.disabled_reason},
            )
        except Exception:  # one unreachable mail server must not stop the worker
            logger.exception(
                "Could not tell %s that webhook %s was disabled", admin.pk, endpoint.pk
            )
            continue
        sent += 1
    return sent


def deliver_due(now: datetime | None = None, limit: int = 500) -> dict[str, int]:
    """The safety net and crash recovery: every message due now (run every minute)."""
    now = now or timezone.now()
    due = WebhookMessage.objects.filter(
        status=WebhookMessage.Status.PENDING,
        next_attempt_at__lte=now,
        endpoint__is_active=True,
    ).filter(Q(lease_until=None) | Q(lease_until__lt=now))
    outcomes: dict[str, int] = {}
    for pk in list(due.order_by("next_attempt_at").values_list("pk", flat=True)[:limit]):
        outcome = deliver(pk, now=now)
        outcomes[outcome] = outcomes.get(outcome, 0) + 1
    return outcomes


def redeliver(message: WebhookMessage) -> None:
    """An admin's "Send again": the message starts a fresh round of retries now (same id and
    body: a receiver that already has it can tell by the `webhook-id`)."""
    if not message.endpoint.is_active:
        raise WebhookError(_("Enable the endpoint before sending anything to it."))
    message.status = WebhookMessage.Status.PENDING
    message.attempts = 0
    message.next_attempt_at = timezone.now()
    message.lease_until = None
    message.save(update_fields=_MESSAGE_FIELDS)
    transaction.on_commit(lambda: queue([message.pk], manual=True))


def send_test(endpoint: WebhookEndpoint) -> WebhookMessage:
    """A `webhook.test` message to this endpoint alone, delivered like any other."""
    now = timezone.now()
    message = WebhookMessage.objects.create(
        endpoint=endpoint,
        msg_id=signing.new_message_id(),
        event_type=events.TEST,
        body=events.body(events.TEST, {"endpoint": {"id": endpoint.pk}}, now),
        created_at=now,
        next_attempt_at=now,
    )
    transaction.on_commit(lambda: queue([message.pk], manual=True))
    return message
