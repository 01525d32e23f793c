"""API tokens: making, listing, revoking and checking them, their scopes and their rate limit.

A token acts for a person (`ApiToken.owner`): a service token for the admin who made it, a
personal token for whoever made it for themselves. Every call is judged twice — the token must
carry the scope, and its person must be allowed the same thing on the pages (role, privacy).
So a token can never do more than its person, and loses its rights with them: a deactivated
person's tokens stop working, and a service token stops when its admin is no longer an admin.

The secret is `adv_` + 43 random characters, shown once; only its SHA-256 is stored (a fast
hash is right for a long random secret: there is nothing to guess).
"""

from __future__ import annotations

import hashlib
import math
import secrets
import time
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core.cache import caches
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from advocato.core import audit
from advocato.lib.validators import no_control_characters
from advocato.people.models import Employee

from .models import ApiToken

SECRET_PREFIX = "adv_"  # noqa: S105 (a marker, not a secret)
LAST_USED_EVERY = timedelta(minutes=1)  # at most one write per token and minute

EVERYONE = ("admin", "curator", "manager", "analyst", "advocate")

# scope → (what it allows, the roles whose people may hold it). The roles are the pages' own:
# a scope never lets a token past what its person may do in the product.
SCOPES: dict[str, tuple[object, tuple[str, ...]]] = {
    "read:people": (gettext_lazy("Read people, departments, teams and groups"),
                    ("admin", "analyst", "curator")),
    "write:people": (gettext_lazy("Invite and change people, departments, teams and groups"),
                     ("admin",)),
    "read:content": (gettext_lazy("Read the content library"), ("admin", "curator")),
    "write:content": (gettext_lazy("Create, change and archive content"), ("admin", "curator")),
    "suggest:content": (gettext_lazy("Suggest content of my own"), EVERYONE),
    "read:analytics": (gettext_lazy("Read shares, links and results"), EVERYONE),
    "write:conversions": (gettext_lazy("Report conversions from the company's systems"),
                          ("admin",)),
    "read:points": (gettext_lazy("Read points"), EVERYONE),
    "read:audit": (gettext_lazy("Read the audit log"), ("admin",)),
}  # fmt: skip

EXPIRY_DAYS = (30, 90, 365)


class TokenError(Exception):
    """A rule said no; `field` names the form field at fault."""

    def __init__(self, message: str, field: str = ""):
        super().__init__(message)
        self.field = field


def scopes_for(employee: Employee) -> list[tuple[str, str]]:
    """The scopes `employee`'s tokens may carry, with what each allows."""
    return [(code, str(label)) for code, (label, roles) in SCOPES.items() if employee.role in roles]


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


@dataclass(frozen=True)
class Made:
    token: ApiToken
    secret: str  # shown once, never stored


def create_token(
    *,
    by: Employee,
    name: str,
    scopes: list[str],
    kind: str,
    expires_in_days: int | None,
    now: datetime | None = None,
) -> Made:
    """A new token acting for `by`. Service tokens are an admin's; a personal token anyone's."""
    name = name.strip()
    if not name or len(name) > 100:
        raise TokenError(_("Give the token a name of at most 100 characters."), "name")
    try:
        no_control_characters(name)
    except ValidationError as exc:
        raise TokenError(exc.messages[0], "name") from exc
    if kind not in ApiToken.Kind.values:
        raise TokenError(_("Choose a kind of token."), "kind")
    if kind == ApiToken.Kind.SERVICE and by.role != "admin":
        raise TokenError(_("Only admins make service tokens."), "kind")
    allowed = {code for code, _label in scopes_for(by)}
    chosen = sorted(set(scopes))
    if not chosen:
        raise TokenError(_("Choose at least one scope."), "scopes")
    if refused := sorted(set(chosen) - allowed):
        message = _("Your role does not allow these scopes: %(scopes)s.")
        raise TokenError(message % {"scopes": ", ".join(refused)}, "scopes")
    if expires_in_days is not None and expires_in_days not in EXPIRY_DAYS:
        raise TokenError(_("Choose when the token expires."), "expires_in_days")
    if expires_in_days is None and kind == ApiToken.Kind.PERSONAL:
        raise TokenError(_("A personal token must expire."), "expires_in_days")
    now = now or timezone.now()
    secret = SECRET_PREFIX + secrets.token_urlsafe(32)
    with transaction.atomic():
        token = ApiToken.objects.create(
            name=name,
            kind=kind,
            owner=by,
            prefix=secret[: len(SECRET_PREFIX) + 6],
            secret_hash=hash_secret(secret),
            scopes=chosen,
            created_at=now,
            expires_at=now + timedelta(days=expires_in_days) if expires_in_days else None,
        )
        if by.user is not None:
            audit.record("create", token, None, _snapshot(token), actor=by.user)
    return Made(token, secret)


def _snapshot(token: ApiToken) -> dict:
    return audit.snapshot(token, exclude={"secret_hash", "last_used_at"})


def revoke_token(token: ApiToken, *, by: Employee) -> ApiToken:
    """Stop a token at once. Its owner may revoke it; admins may revoke any service token."""
    if not may_manage(by, token):
        raise TokenError(_("You may not revoke this token."))
    if token.revoked_at is not None:
        return token
    before = _snapshot(token)
    with transaction.atomic():
        token.revoked_at = timezone.now()
        ApiToken.objects.filter(pk=token.pk).update(revoked_at=token.revoked_at)
        if by.user is not None:
            audit.record("update", token, before, _snapshot(token), actor=by.user)
    return token


def may_manage(employee: Employee, token: ApiToken) -> bool:
    if token.owner_id == employee.pk:
        return True
    return employee.role == "admin" and token.kind == ApiToken.Kind.SERVICE


def service_tokens():
    return ApiToken.objects.filter(kind=ApiToken.Kind.SERVICE).select_related("owner")


def personal_tokens(employee: Employee):
    return ApiToken.objects.filter(kind=ApiToken.Kind.PERSONAL, owner=employee)


# --- Checking a call ---------------------------------------------------------------------------


def authenticate(secret: str, now: datetime | None = None) -> ApiToken | None:
    """The token behind `secret` when it may be used now, else None (unknown, revoked,
    expired, or its person may no longer sign in)."""
    if not secret.startswith(SECRET_PREFIX) or len(secret) > 100:
        return None
    token = (
        ApiToken.objects.select_related("owner", "owner__user", "owner__department", "owner__team")
        .filter(secret_hash=hash_secret(secret))
        .first()
    )
    now = now or timezone.now()
    if token is None or not token.is_usable(now):
        return None
    owner = token.owner
    if not owner.is_active or owner.user is None or not owner.user.is_active:
        return None
    if token.kind == ApiToken.Kind.SERVICE and owner.role != "admin":
        return None
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_EVERY:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token


def rate_limited(token: ApiToken, now: float | None = None) -> int | None:
    """Count a call against the token's limit (API_RATE_LIMIT calls per API_RATE_WINDOW
    seconds, in the shared cache so every web process counts together). Returns the seconds
    to wait when over the limit, else None."""
    limit, window = settings.API_RATE_LIMIT, settings.API_RATE_WINDOW
    now = time.time() if now is None else now
    slot = int(now // window)
    key = f"api-rate:{token.pk}:{slot}"
    cache = caches["default"]
    if cache.add(key, 1, timeout=window * 2):
        count = 1
    else:
        try:
            count = cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.set(key, 1, timeout=window * 2)
            count = 1
    if count <= limit:
        return None
    return max(1, math.ceil((slot + 1) * window - now))
