"""Conversions reported by the company's website: attributed to the last human click on a
tracked link within the attribution window, counted once however often they are reported.

Two ways in: the JavaScript snippet (the browser carries the click's attribution token from
the landing page) and a server-to-server endpoint signed with HMAC-SHA256.

Only the types the admin keeps (`ConversionKind`; lead, signup and application until they
choose) are accepted; anything else is refused with 400 and the field named. A browser report
is stored once per click and type — anyone holding a token could send it, so the points ledger
pays it only when a signed server report confirms the same click and type, or an admin approves
it (see `rewards.ledger`)."""

from __future__ import annotations

import hashlib
import hmac
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from . import signals
from .models import Click, Conversion, ConversionKind

CLOCK_SKEW = timedelta(minutes=5)  # a company server's clock may run a little ahead
KIND_MAX = 40
DEFAULT_KINDS = ("application", "lead", "signup")
SIGNATURE_MAX_AGE = 300  # seconds a signed request stays valid (replays are refused after)


class ConversionError(Exception):
    """Bad input; the message says what is wrong. `status` is the HTTP status to answer."""

    def __init__(self, message: str, status: int = 400, field: str = ""):
        super().__init__(message)
        self.status = status
        self.field = field  # the payload field at fault, when one is


@dataclass(frozen=True)
class Recorded:
    conversion: Conversion
    created: bool


def allowed_kinds() -> list[str]:
    """The conversion types the company accepts (the defaults until an admin sets a list)."""
    kinds = list(ConversionKind.objects.values_list("code", flat=True))
    return kinds or list(DEFAULT_KINDS)


def set_kinds(codes: list[str]) -> list[str]:
    """Replace the accepted types. Conversions already stored keep their type."""
    codes = sorted({c.strip().lower() for c in codes if c.strip()})
    if not codes:
        raise ConversionError(_("Keep at least one conversion type."), field="kinds")
    with transaction.atomic():
        ConversionKind.objects.exclude(code__in=codes).delete()
        for code in codes:
            ConversionKind.objects.get_or_create(code=code)
    return codes


def check_payload(data) -> dict:
    if not isinstance(data, dict):
        raise ConversionError(_("Send a JSON object."))
    token = data.get("token")
    if not isinstance(token, str) or not 8 <= len(token) <= 24:
        raise ConversionError(
            _("“token” must be the attribution token from the landing page."), field="token"
        )
    kind = data.get("type")
    if not isinstance(kind, str) or not kind.strip() or len(kind) > KIND_MAX:
        raise ConversionError(
            _(
                "“type” must be a name such as lead, signup or application "
                "(at most %(n)d characters)."
            )
            % {"n": KIND_MAX},
            field="type",
        )
    allowed = allowed_kinds()
    if kind.strip().lower() not in allowed:
        raise ConversionError(
            _("“type” must be one of the company's conversion types: %(kinds)s.")
            % {"kinds": ", ".join(allowed)},
            field="type",
        )
    value = data.get("value")
    if value is not None:
        try:
            value = Decimal(str(value))
        except (InvalidOperation, ValueError) as exc:
            raise ConversionError(_("“value” must be a number."), field="value") from exc
        if not value.is_finite() or value < 0 or value > Decimal("1e12"):
            raise ConversionError(
                _("“value” must be a number from 0 up to a trillion."), field="value"
            )
    currency = data.get("currency") or ""
    if not isinstance(currency, str) or (
        currency and (len(currency) != 3 or not currency.isalpha())
    ):
        raise ConversionError(
            _("“currency” must be a three-letter code such as DKK."), field="currency"
        )
    external_id = data.get("id") or ""
    if not isinstance(external_id, str | int) or len(str(external_id)) > 200:
        raise ConversionError(
            _("“id” must be your own reference for the conversion (at most 200 characters)."),
            field="id",
        )
    occurred_at = data.get("occurred_at")
    if occurred_at is not None:
        occurred_at = _moment(occurred_at)
    return {
        "occurred_at": occurred_at,
        "token": token,
        "kind": kind.strip().lower(),
        "value": value,
        "currency": currency.upper(),
        "external_id": str(external_id),
    }


def _moment(value) -> datetime:
    """`occurred_at`: ISO 8601 with its offset (2026-11-30T14:05:00+01:00 or …Z)."""
    problem = _(
        "“occurred_at” must be a time in ISO 8601 with its offset, such as "
        "2026-11-30T14:05:00+01:00."
    )
    if not isinstance(value, str) or len(value) > 40:
        raise ConversionError(problem, field="occurred_at")
    try:
        moment = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        raise ConversionError(problem, field="occurred_at") from None
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ConversionError(problem, field="occurred_at")
    return moment


def record_conversion(data: dict, source: str, now=None) -> Recorded:
    """Attribute and store a conversion. The click must be a human click within the window;
    the same conversion (same click, type and id) is stored once.

    A signed report may say when the conversion happened (`occurred_at`), so one reported late
    lands on its own day and is judged against the window from then; a browser's report is
    always now. Not in the future, not older than the window, not before its click."""
    payload = check_payload(data)
    now = now or timezone.now()
    window = timedelta(days=settings.ATTRIBUTION_WINDOW_DAYS)
    at = now
    if source == "server" and payload["occurred_at"] is not None:
        at = payload["occurred_at"]
        if at > now + CLOCK_SKEW:
            raise ConversionError(_("“occurred_at” is in the future."), field="occurred_at")
        if now - at > window:
            raise ConversionError(
                _("“occurred_at” is older than the attribution window of %(days)d days.")
                % {"days": settings.ATTRIBUTION_WINDOW_DAYS},
                field="occurred_at",
            )
    click = Click.objects.filter(token=payload["token"]).select_related("link").first()
    if click is None:
        from .services import find_spooled_click

        click = find_spooled_click(payload["token"])
    if click is None or click.kind != Click.Kind.HUMAN:
        raise ConversionError(_("No tracked click has this token."), status=404)
    if at < click.at:
        raise ConversionError(
            _("“occurred_at” is before the click this token belongs to."), field="occurred_at"
        )
    if at - click.at > window:
        raise ConversionError(
            _("The click is older than the attribution window of %(days)d days.")
            % {"days": settings.ATTRIBUTION_WINDOW_DAYS},
            status=422,
        )
    if source == "snippet":
        # From a browser anyone holding a token could post anything: one per click and type.
        dedupe = f"{payload['kind']}:{click.token}"
        existing = Conversion.objects.filter(click=click, kind=payload["kind"], external_id=dedupe)
    elif not payload["external_id"]:
        # A signed report without an id: one per click and type too, but never mistaken for
        # the browser's report of it (which the server's report confirms). Reports stored
        # before the prefix existed carry the browser's key.
        dedupe = f"server:{payload['kind']}:{click.token}"
        existing = Conversion.objects.filter(
            click=click,
            kind=payload["kind"],
            source="server",
            external_id__in=[dedupe, f"{payload['kind']}:{click.token}"],
        )
    else:
        # A signed report's own id is the same conversion whichever click it arrives with.
        dedupe = payload["external_id"]
        existing = Conversion.objects.filter(kind=payload["kind"], external_id=dedupe)
    if (found := existing.first()) is not None:
        return Recorded(found, False)
    try:
        with transaction.atomic():
            conversion = Conversion.objects.create(
                click=click,
                link=click.link,
                kind=payload["kind"],
                value=payload["value"],
                currency=payload["currency"],
                external_id=dedupe,
                source=source,
                at=at,
            )
            signals.conversion_created.send(sender=Conversion, conversion=conversion)
    except IntegrityError:  # the same report twice at the same moment
        return Recorded(
            Conversion.objects.get(click=click, kind=payload["kind"], external_id=dedupe), False
        )
    return Recorded(conversion, True)


def sign(body: bytes, timestamp: int, secret: str) -> str:
    message = str(timestamp).encode() + b"." + body
    return "sha256=" + hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def check_signature(body: bytes, timestamp: str, signature: str, now: float | None = None) -> None:
    secret = settings.CONVERSION_SECRET
    if not secret:
        raise ConversionError(_("Server-to-server conversions are not switched on."), status=403)
    try:
        stamp = int(timestamp)
    except (TypeError, ValueError) as exc:
        raise ConversionError(
            _("The X-Advocato-Timestamp header is missing or not a number."), 401
        ) from exc
    now = now if now is not None else time.time()
    if abs(now - stamp) > SIGNATURE_MAX_AGE:
        raise ConversionError(_("The request is too old or from the future; sign it anew."), 401)
    expected = sign(body, stamp, secret)
    if not signature.isascii() or not hmac.compare_digest(expected, signature):
        raise ConversionError(_("The signature does not match."), 401)
