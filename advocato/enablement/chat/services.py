"""Chat channels: adding one (its webhook address vetted as every address the server calls),
what is announced to which channel, and delivering each post exactly once, with retries.

Announcing creates one `ChatPost` per channel that wants the event, with its payload already
built in the company's default language (a channel is read by everyone, in one language). The
unique (channel, key) pair means a thing is announced once per channel, however many times the
news arrives. The worker claims a post with a compare-and-set update (waiting and due, or
sending whose lease ran out), POSTs it with `lib.fetch.post` (address vetted again, connection
to the vetted IP, redirects not followed) and writes the outcome only under the same attempt
token. 2xx: delivered. 429: again after Retry-After (at most 6 h). 5xx, timeouts, connection
trouble: again after 30 s, 2 min, 10 min, 30 min, 1 h, then failed. Any other 4xx: failed at
once, with the service's words (Slack's `invalid_blocks`, `no_service` …) for the admin.
"""

from __future__ import annotations

import json
import logging
import secrets
from datetime import datetime, timedelta
from email.utils import parsedate_to_datetime
from urllib.parse import urlsplit

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from advocato.core.models import Organisation
from advocato.lib import fetch
from advocato.sharing.crypto import SecretUnreadable

from ..models import ChatChannel, ChatPost
from . import payloads
from .payloads import Message

logger = logging.getLogger(__name__)

RETRY_DELAYS = [30, 120, 600, 1800, 3600]  # seconds after the 1st … 5th failed attempt
MAX_ATTEMPTS = len(RETRY_DELAYS) + 1
MAX_RETRY_AFTER = 6 * 3600
LEASE = timedelta(minutes=2)
TIMEOUT = 10.0


class ChatError(Exception):
    """A rule said no; the message is for the person who asked."""


# --- Channels ---------------------------------------------------------------------------------


def check_webhook(url: str) -> str:
    """The address cleaned, or ChatError saying why not: it must be one the server may call
    (the feeds' vetting: no private, internal or metadata address) and, as it carries the
    secret, https — plain http only for an address the site explicitly allows (the demo)."""
    url = (url or "").strip()
    try:
        fetch.vet_url(url)
    except fetch.FetchError as exc:
        raise ChatError(exc.message) from None
    parts = urlsplit(url)
    if parts.scheme != "https":
        port = parts.port or 80
        allowed = {h.strip() for h in getattr(settings, "FETCH_ALLOWED_HOSTS", ())}
        if f"{parts.hostname}:{port}" not in allowed:
            raise ChatError(
                _("Use the https:// address the service gave you: the address is a secret.")
            )
    return url


def add_channel(*, name: str, kind: str, webhook_url: str, by=None, **choices) -> ChatChannel:
    channel = ChatChannel(name=name.strip(), kind=kind, created_by=by, **choices)
    channel.webhook_url = check_webhook(webhook_url)
    channel.save()
    return channel


def last_post(channel: ChatChannel) -> ChatPost | None:
    return channel.posts.order_by("-created_at", "-pk").first()


def channels_with_status() -> list[tuple[ChatChannel, ChatPost | None]]:
    """Every channel with its newest post (its last delivery status), for the admin's list."""
    channels = list(ChatChannel.objects.all())
    latest: dict[int, ChatPost] = {}
    newest = (
        ChatPost.objects.filter(channel__in=channels)
        .order_by("channel_id", "-created_at", "-pk")
        .distinct()
    )
    for post in newest:
        latest.setdefault(post.channel_id, post)
    return [(channel, latest.get(channel.pk)) for channel in channels]


# --- Announcing -------------------------------------------------------------------------------


def company_language() -> str:
    return Organisation.get().default_language or "en"


def absolute(path: str) -> str:
    base = (settings.SITE_URL or "http://localhost:8000").rstrip("/")
    return path if path.startswith("http") else f"{base}{path}"


def announce(event: str, key: str, build, channels=None) -> list[ChatPost]:
    """One post per channel that wants `event` and has not had `key` yet. `build()` makes the
    Message; it is called in the company's language. Delivery is queued after commit."""
    if channels is None:
        channels = ChatChannel.objects.filter(**{f"post_{event}": True})
    channels = [c for c in channels if c.wants(event)]
    if not channels:
        return []
    have = set(
        ChatPost.objects.filter(channel__in=channels, key=key).values_list("channel_id", flat=True)
    )
    channels = [c for c in channels if c.pk not in have]
    if not channels:
        return []
    with translation.override(company_language()):
        message = build()
        if message is None:
            return []
    made = []
    for channel in channels:
        try:
            with transaction.atomic():
                made.append(
                    ChatPost.objects.create(
                        channel=channel,
                        event=event,
                        key=key[:80],
                        title=message.title[:300],
                        payload=payloads.build(channel.kind, message),
                    )
                )
        except IntegrityError:  # announced meanwhile by another worker
            continue
    if made:
        ids = [p.pk for p in made]
        transaction.on_commit(lambda: _queue(ids))
    return made


def _queue(ids: list[int]) -> None:
    from . import tasks

    for post_id in ids:
        tasks.deliver_post(post_id)


def send_test(channel: ChatChannel, by=None) -> ChatPost:
    def build() -> Message:
        org = Organisation.get()
        return Message(
            title=_("Advocato is connected to %(channel)s") % {"channel": channel.name},
            text=_(
                "This is a test message from %(company)s's advocacy programme. News chosen by "
                "the programme team will appear here."
            )
            % {"company": org.name},
            url=absolute("/"),
            link_label=_("Open Advocato"),
        )

    key = f"test:{secrets.token_hex(6)}"
    return announce(ChatPost.Event.TEST, key, build, channels=[channel])[0]


# --- Delivering -------------------------------------------------------------------------------


def _claim(post_id: int, now: datetime) -> str | None:
    token = secrets.token_hex(8)
    claimed = (
        ChatPost.objects.filter(pk=post_id)
        .filter(
            Q(status=ChatPost.Status.WAITING, next_attempt_at__lte=now)
            | Q(status=ChatPost.Status.SENDING, lease_until__lt=now)
        )
        .update(
            status=ChatPost.Status.SENDING,
            attempt_token=token,
            lease_until=now + LEASE,
            attempts=F("attempts") + 1,
        )
    )
    return token if claimed == 1 else None


def retry_after(value: str, now: datetime) -> int | None:
    """Seconds from a Retry-After header: a number of seconds or an HTTP date."""
    value = (value or "").strip()
    if not value:
        return None
    if value.isdigit():
        return int(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0, int((when - now).total_seconds()))


def _words(body: bytes) -> str:
    text = body.decode("utf-8", errors="replace").strip()
    try:
        data = json.loads(text)
    except ValueError:
        return text[:200]
    if isinstance(data, dict):
        error = data.get("error")
        if isinstance(error, dict):
            return " ".join(str(error.get(k, "")) for k in ("code", "message")).strip()[:200]
        if error:
            return str(error)[:200]
    return text[:200]


def deliver(post_id: int, now: datetime | None = None) -> tuple[str, datetime | None]:
    """One attempt at a post, if it is due and no other worker holds it. Returns the outcome
    ("delivered", "retry", "failed", "skipped") and, for a retry, when."""
    now = now or timezone.now()
    token = _claim(post_id, now)
    if token is None:
        return "skipped", None
    post = ChatPost.objects.select_related("channel").get(pk=post_id)
    status: int | None = None
    wait: int | None = None
    try:
        url = post.channel.webhook_url
        answer = fetch.post(
            url,
            json.dumps(post.payload, ensure_ascii=False).encode(),
            headers={"Content-Type": "application/json; charset=utf-8"},
            timeout=TIMEOUT,
        )
    except SecretUnreadable:
        outcome, error = "failed", _("The webhook address cannot be read: add the channel again.")
    except fetch.FetchError as exc:
        transient = exc.code in {"dns", "connect", "timeout", "tls"}
        outcome, error = ("retry" if transient else "failed"), exc.message
    else:
        status = answer.status
        if 200 <= status < 300:
            outcome, error = "delivered", ""
        elif status == 429:
            outcome, error = "retry", _("The service asked us to slow down (HTTP 429).")
            wait = retry_after(answer.headers.get("retry-after", ""), now)
        elif status >= 500 or status == 408:
            outcome = "retry"
            error = _("The service had a problem (HTTP %(status)s): %(words)s") % {
                "status": status,
                "words": _words(answer.body),
            }
        else:
            outcome = "failed"
            error = _("The service refused the message (HTTP %(status)s): %(words)s") % {
                "status": status,
                "words": _words(answer.body),
            }
    next_at = None
    fields: dict = {"http_status": status, "error": error[:500], "lease_until": None}
    if outcome == "delivered":
        fields.update(status=ChatPost.Status.DELIVERED, delivered_at=now)
    elif outcome == "retry" and post.attempts < MAX_ATTEMPTS:
        delay = RETRY_DELAYS[min(post.attempts, len(RETRY_DELAYS)) - 1]
        if wait is not None:
            delay = min(max(wait, 1), MAX_RETRY_AFTER)
        next_at = now + timedelta(seconds=delay)
        fields.update(status=ChatPost.Status.WAITING, next_attempt_at=next_at)
    else:
        if outcome == "retry":
            fields["error"] = (
                _("Gave up after %(count)s attempts. %(error)s")
                % {"count": post.attempts, "error": error}
            )[:500]
        outcome = "failed"
        fields.update(status=ChatPost.Status.FAILED)
    written = ChatPost.objects.filter(pk=post.pk, attempt_token=token).update(**fields)
    if not written:  # our lease ran out and another worker took over: its outcome counts
        return "skipped", None
    if outcome == "failed":
        logger.info("Chat post %s to channel %s failed: %s", post.pk, post.channel_id, error)
    return outcome, next_at


def due(now: datetime | None = None, limit: int = 200) -> list[int]:
    """Posts a worker should try now: waiting and due, or sending with a lapsed lease."""
    now = now or timezone.now()
    return list(
        ChatPost.objects.filter(
            Q(status=ChatPost.Status.WAITING, next_attempt_at__lte=now)
            | Q(status=ChatPost.Status.SENDING, lease_until__lt=now)
        )
        .order_by("next_attempt_at", "pk")
        .values_list("pk", flat=True)[:limit]
    )
