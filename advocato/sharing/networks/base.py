"""What every network adapter shares: plain-words errors (transient, permanent, token), the
HTTP call that maps a network's answer onto them, and the registry of adapters."""

from __future__ import annotations

import email.utils
import hashlib
import os
import secrets
from abc import ABC, abstractmethod
from base64 import urlsafe_b64encode
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import httpx
from django.conf import settings
from django.utils.translation import gettext as _


class NetworkError(Exception):
    """Something the network said; `message` is for the advocate, in plain words."""

    def __init__(self, message: str, status: int | None = None):
        super().__init__(message)
        self.message = message
        self.status = status


class Transient(NetworkError):
    """Try again later (timeout, 5xx, 429): `retry_after` seconds when the network said so."""

    def __init__(self, message: str, status: int | None = None, retry_after: float | None = None):
        super().__init__(message, status)
        self.retry_after = retry_after


class Permanent(NetworkError):
    """Trying again will not help (content rejected, forbidden)."""


class AppProblem(Permanent):
    """The company's app or our configuration is at fault, not the post (a retired API version,
    an access level that does not allow reading): an admin must act. `kind` names the problem
    so it is shown once on the Social networks page and cleared when it goes away."""

    def __init__(self, message: str, status: int | None = None, kind: str = ""):
        super().__init__(message, status)
        self.kind = kind


class TokenInvalid(NetworkError):
    """The token expired or was revoked: refresh it, or the advocate reconnects."""


@dataclass
class Tokens:
    access_token: str
    refresh_token: str = ""
    expires_in: int | None = None
    scope: str = ""


@dataclass
class Profile:
    external_id: str
    handle: str
    profile_url: str = ""
    audience: int | None = None


@dataclass
class Posted:
    external_id: str
    permalink: str


@dataclass
class Engagement:
    reactions: int | None = None
    comments: int | None = None
    reshares: int | None = None
    impressions: int | None = None
    members_reached: int | None = None


@dataclass
class AppConfig:
    network: str
    client_id: str
    client_secret: str
    base_url: str  # "" = the real network
    products: tuple[str, ...] = ()  # LinkedIn: the app's products ("openid", "share", ...)


def timeout() -> float:
    return float(getattr(settings, "NETWORK_TIMEOUT", 10.0))


def retry_after_seconds(headers: httpx.Headers) -> float | None:
    """Seconds to wait, from Retry-After (seconds or a date) or a rate-limit reset header
    (X/Bluesky: epoch seconds; Mastodon: an ISO date)."""
    value = headers.get("retry-after")
    if value:
        try:
            return max(0.0, float(value))
        except ValueError:
            parsed = email.utils.parsedate_to_datetime(value)
            if parsed is not None:
                return max(0.0, (parsed - datetime.now(UTC)).total_seconds())
    for name in ("x-rate-limit-reset", "ratelimit-reset", "x-ratelimit-reset"):
        value = headers.get(name)
        if not value:
            continue
        try:
            return max(0.0, float(value) - datetime.now(UTC).timestamp())
        except ValueError:
            try:
                reset = datetime.fromisoformat(value.replace("Z", "+00:00"))
                return max(0.0, (reset - datetime.now(UTC)).total_seconds())
            except ValueError:
                continue
    return None


def pkce_pair() -> tuple[str, str]:
    verifier = secrets.token_urlsafe(48)
    challenge = urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=")
    return verifier, challenge.decode()


class Adapter(ABC):
    """One network's API. Subclasses set the class attributes and implement the calls."""

    network = ""
    label = ""
    default_base = ""
    kind = "oauth"  # "oauth", "instance" (Mastodon: per server) or "password" (Bluesky)
    uses_pkce = False
    refreshable = False  # the network hands out refresh tokens
    idempotent = False  # the network honours our idempotency key

    def __init__(self, app: AppConfig | None = None):
        self.app = app or AppConfig(self.network, "", "", "")

    def new_key(self) -> str:
        """A fresh idempotency key for one share."""
        return secrets.token_hex(16)

    @property
    def base(self) -> str:
        return (self.app.base_url or self.default_base).rstrip("/")

    # --- HTTP ------------------------------------------------------------------------------

    def call(self, method: str, url: str, *, token: str = "", **kwargs) -> httpx.Response:
        headers = dict(kwargs.pop("headers", {}) or {})
        headers.setdefault("User-Agent", "Advocato/0.1 (+employee advocacy)")
        if token:
            headers["Authorization"] = f"Bearer {token}"
        try:
            response = httpx.request(method, url, headers=headers, timeout=timeout(), **kwargs)
        except httpx.TimeoutException:
            raise Transient(
                _("%(network)s did not answer in time.") % {"network": self.label}
            ) from None
        except httpx.HTTPError:
            raise Transient(
                _("%(network)s could not be reached.") % {"network": self.label}
            ) from None
        if response.status_code >= 400:
            self.raise_for(response)
        return response

    def body(self, response: httpx.Response) -> Any:
        try:
            return response.json()
        except ValueError:
            return {}

    def error_detail(self, response: httpx.Response) -> str:
        data = self.body(response)
        if isinstance(data, dict):
            for key in ("detail", "message", "error_description", "error"):
                if isinstance(data.get(key), str) and data[key]:
                    return data[key][:300]
        return ""

    def is_token_error(self, response: httpx.Response) -> bool:
        return response.status_code == 401

    def raise_for(self, response: httpx.Response) -> None:
        status = response.status_code
        detail = self.error_detail(response)
        values = {"network": self.label, "detail": detail, "status": status}
        if self.is_token_error(response):
            raise TokenInvalid(
                _("%(network)s no longer accepts your connection. Reconnect your account.")
                % values,
                status,
            )
        if status == 429:
            raise Transient(
                _("%(network)s asked us to slow down.") % values,
                status,
                retry_after_seconds(response.headers),
            )
        if status >= 500:
            raise Transient(
                _("%(network)s had a problem on its side (%(status)s).") % values, status
            )
        if status == 403:
            raise Permanent(
                _("%(network)s refused the post: %(detail)s") % values
                if detail
                else _("%(network)s refused the post (not allowed).") % values,
                status,
            )
        raise Permanent(
            _("%(network)s rejected the post: %(detail)s") % values
            if detail
            else _("%(network)s rejected the post (%(status)s).") % values,
            status,
        )

    # --- The calls each network implements -------------------------------------------------

    def cannot_connect(self) -> str:
        """Why advocates cannot connect with the company's app as configured ("" = they can)."""
        return ""

    def refused_scope(self, description: str) -> str:
        """The advocate's message when the network refused a scope we asked for."""
        return _("%(network)s refused a permission Advocato asked for: %(detail)s") % {
            "network": self.label,
            "detail": description[:200],
        }

    def reads_engagement(self) -> bool:
        """Whether the company's app may read a post's figures at all."""
        return True

    def refresh(self, account) -> Tokens:
        raise TokenInvalid(
            _("%(network)s connections cannot be renewed automatically. Reconnect your account.")
            % {"network": self.label}
        )

    @abstractmethod
    def profile(self, account) -> Profile:
        """The connected person: id, name and audience (followers/connections) if given."""

    @abstractmethod
    def post(
        self, account, *, text: str, link: str, title: str, description: str, key: str
    ) -> Posted:
        """Publish the post with its link card; the network's id and permalink."""

    def find_post(self, account, *, link: str, key: str) -> Posted | None:
        """Our post, if it is already on the network (found by its tracked link)."""
        return None

    deletes = False  # the adapter can delete our post on the network (delete_post)

    def delete_post(self, account, share) -> None:
        """Delete the share's post on the network (the advocate withdrew it); a post already
        gone counts as deleted."""
        raise Permanent(
            _("Advocato cannot delete posts on %(network)s; delete it there yourself.")
            % {"network": self.label}
        )

    def revoke(self, account, *, client_id: str = "", client_secret: str = "") -> None:
        """Tell the network to forget the account's token (on disconnecting), where it can."""
        return None

    @abstractmethod
    def engagement(self, account, share) -> Engagement:
        """The post's reactions, comments, reshares (and impressions where given)."""


class OAuthAdapter(Adapter):
    """A network the advocate connects by OAuth (LinkedIn, X, Mastodon); Bluesky connects
    with an app password instead and has no such calls."""

    @abstractmethod
    def authorize_url(
        self,
        *,
        state: str,
        redirect_uri: str,
        challenge: str = "",
        instance: str = "",
        client_id: str = "",
    ) -> str:
        """Where to send the advocate to allow posting."""

    @abstractmethod
    def exchange_code(
        self,
        *,
        code: str,
        redirect_uri: str,
        verifier: str = "",
        instance: str = "",
        client_id: str = "",
        client_secret: str = "",
    ) -> Tokens:
        """The tokens for the code the network sent back."""


def adapter_class(network: str) -> type[Adapter]:
    from .bluesky.adapter import BlueskyAdapter
    from .linkedin.adapter import LinkedInAdapter
    from .mastodon.adapter import MastodonAdapter
    from .x.adapter import XAdapter

    classes = {a.network: a for a in (LinkedInAdapter, XAdapter, MastodonAdapter, BlueskyAdapter)}
    return classes[network]


def app_config(network: str) -> AppConfig | None:
    """The company's app on `network`: from the admin's settings, else the environment
    (ADVOCATO_<NETWORK>_CLIENT_ID / _CLIENT_SECRET / _BASE_URL). None: not offered."""
    from ..models import NetworkApp

    row = NetworkApp.objects.filter(network=network).first()
    prefix = f"ADVOCATO_{network.upper()}_"
    if row is not None:
        if not row.enabled:
            return None
        products = tuple(
            name
            for name in ("openid", "share", "analytics")
            if getattr(row, f"linkedin_{name}", False)
        )
        config = AppConfig(network, row.client_id, row.client_secret, row.base_url, products)
    else:
        config = AppConfig(
            network,
            os.environ.get(prefix + "CLIENT_ID", ""),
            os.environ.get(prefix + "CLIENT_SECRET", ""),
            os.environ.get(prefix + "BASE_URL", ""),
            # ADVOCATO_LINKEDIN_PRODUCTS, e.g. "openid,share,analytics"
            tuple(
                p.strip()
                for p in os.environ.get(prefix + "PRODUCTS", "openid,share").split(",")
                if p.strip()
            ),
        )
    cls = adapter_class(network)
    # Mastodon registers itself per server and Bluesky uses app passwords: no app needed.
    if cls.kind == "oauth" and not (config.client_id and config.client_secret):
        return None
    return config


def adapter_for(network: str) -> Adapter:
    return adapter_class(network)(app_config(network))
