"""Connecting an advocate's accounts: the OAuth dance (with PKCE for X), Mastodon's per-server
app registration, Bluesky's app-password session; keeping tokens fresh; the "reconnect"
state; audience (followers) per account; and the reminder before a LinkedIn token runs out.

Tokens are encrypted at rest (`crypto.py`) and deleted when the advocate disconnects."""

from __future__ import annotations

import ipaddress
import logging
import re
import secrets
from datetime import timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from advocato.lib import fetch
from advocato.people import mail
from advocato.people.models import EmailKind

from .models import (
    DIRECT_NETWORKS,
    MastodonApp,
    NetworkAccount,
    NetworkApp,
    PostState,
    Share,
    Source,
)
from .networks.base import (
    Adapter,
    AppConfig,
    AppProblem,
    NetworkError,
    OAuthAdapter,
    Permanent,
    Profile,
    TokenInvalid,
    Tokens,
    Transient,
    adapter_class,
    adapter_for,
    app_config,
    pkce_pair,
)
from .networks.bluesky.adapter import BlueskyAdapter
from .networks.mastodon.adapter import MastodonAdapter

logger = logging.getLogger(__name__)
SESSION_KEY = "advocato_network_oauth"
REFRESH_MARGIN = timedelta(minutes=10)
REMIND_BEFORE = timedelta(days=7)
APP_PASSWORD = re.compile(r"^[a-zA-Z0-9]{4}(-[a-zA-Z0-9]{4}){3}$")


class ConnectError(Exception):
    """A connection could not be made; the message is for the advocate."""


def offered_networks() -> list[tuple[str, str]]:
    """The networks an advocate may connect: those the company has an app for."""
    return [(code, label) for code, label in DIRECT_NETWORKS if app_config(code) is not None]


def account_for(employee, network: str) -> NetworkAccount | None:
    return NetworkAccount.objects.filter(employee=employee, network=network).first()


def site_base(request_base: str = "") -> str:
    return (settings.SITE_URL or request_base or "http://localhost:8000").rstrip("/")


def callback_url(network: str, base: str) -> str:
    return site_base(base) + reverse("sharing:network_callback", args=[network])


def demo_instance() -> str:
    """The Mastodon server suggested on the connect form (the demo's local fake)."""
    config = app_config("mastodon")
    return config.base_url.rstrip("/") if config else ""


# --- Mastodon servers ----------------------------------------------------------------------


def normalise_instance(value: str) -> str:
    """The server's base URL from what people type ("mastodon.social", "@me@server", a profile
    address). HTTPS only, and never a private address — unless the operator allowed that
    network (ADVOCATO_FETCH_ALLOWED_NETWORKS), as the demo does for its local fake."""
    value = value.strip()
    if "://" not in value:
        value = value.rsplit("@", 1)[-1] if value.count("@") else value
        value = "https://" + value.split("/")[0]
    parts = urlsplit(value)
    host = (parts.hostname or "").lower()
    invalid = ConnectError(_("Give your Mastodon server's address, e.g. mastodon.social."))
    if parts.scheme not in {"http", "https"} or not host or parts.username or parts.password:
        raise invalid
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:
        raise invalid from None
    # The same vetting as every address the server fetches or calls (lib.fetch.vet_url):
    # odd encodings, then every address the name resolves to, with the reason in words.
    try:
        fetch.vet_url(f"{parts.scheme}://{parts.netloc}/")
    except fetch.FetchError as error:
        raise ConnectError(error.message) from None
    try:
        addresses = fetch.resolve(host, port)
    except (OSError, UnicodeError, ValueError):
        addresses = []
    internal = bool(addresses) and all(
        ipaddress.ip_address(a.split("%")[0]).is_private for a in addresses
    )
    if parts.scheme == "http" and not internal:
        raise ConnectError(_("Your Mastodon server must use https://."))
    netloc = host + (f":{parts.port}" if parts.port else "")
    return f"{parts.scheme}://{netloc}"


def mastodon_app(adapter: MastodonAdapter, instance: str, redirect_uri: str) -> MastodonApp:
    """Advocato's app on this server, registered on first use (and again if our address
    changed)."""
    app = MastodonApp.objects.filter(instance=instance).first()
    if app is not None and app.redirect_uri == redirect_uri:
        return app
    client_id, client_secret = adapter.register_app(instance, redirect_uri)
    app = app or MastodonApp(instance=instance)
    app.redirect_uri, app.client_id, app.client_secret = redirect_uri, client_id, client_secret
    app.save()
    return app


# --- Connecting ----------------------------------------------------------------------------


def begin(session, employee, network: str, base: str, instance: str = "") -> str:
    """Start connecting: remember a state (and PKCE verifier) in the session and return the
    network's authorisation page."""
    if network not in dict(offered_networks()):
        raise ConnectError(_("This network is not offered for connecting."))
    adapter = adapter_for(network)
    if adapter.kind == "password":
        raise ConnectError(_("Connect Bluesky with your handle and an app password."))
    if adapter.cannot_connect():
        raise ConnectError(adapter.cannot_connect())
    assert isinstance(adapter, OAuthAdapter)  # every other network connects by OAuth
    redirect_uri = callback_url(network, base)
    state = secrets.token_urlsafe(24)
    verifier, challenge = pkce_pair() if adapter.uses_pkce else ("", "")
    client_id = ""
    if adapter.kind == "instance":
        assert isinstance(adapter, MastodonAdapter)  # the one network with instances
        instance = normalise_instance(instance)
        try:
            client_id = mastodon_app(adapter, instance, redirect_uri).client_id
        except NetworkError as error:
            raise ConnectError(error.message) from None
        except (KeyError, TypeError, ValueError, AttributeError):
            raise ConnectError(
                _("%(host)s does not answer like a Mastodon server.") % {"host": instance}
            ) from None
    session[SESSION_KEY] = {
        "network": network,
        "state": state,
        "verifier": verifier,
        "instance": instance,
        "employee": employee.pk,
        "redirect_uri": redirect_uri,
    }
    return adapter.authorize_url(
        state=state,
        redirect_uri=redirect_uri,
        challenge=challenge,
        instance=instance,
        client_id=client_id,
    )


def finish(session, employee, network: str, params) -> NetworkAccount:
    """The network sent the advocate back: check the state, trade the code for tokens, read
    the profile and save the connection."""
    pending = session.pop(SESSION_KEY, None)
    if (
        not pending
        or pending.get("network") != network
        or pending.get("employee") != employee.pk
        or not secrets.compare_digest(str(params.get("state", "")), pending["state"])
    ):
        raise ConnectError(_("This connection attempt expired or did not start here. Try again."))
    if params.get("error") in {"unauthorized_scope_error", "invalid_scope"}:
        # The company's app lacks a product for a scope we asked for: not the advocate's doing.
        raise ConnectError(
            adapter_for(network).refused_scope(str(params.get("error_description", "")))
        )
    if params.get("error"):
        raise ConnectError(_("You did not allow Advocato to post; nothing was connected."))
    code = params.get("code", "")
    if not code:
        raise ConnectError(_("The network sent no authorisation code. Try again."))
    adapter = adapter_for(network)
    assert isinstance(adapter, OAuthAdapter)  # begin() stored `pending` for OAuth networks only
    instance = pending.get("instance", "")
    extra = {}
    if adapter.kind == "instance":
        app = MastodonApp.objects.filter(instance=instance).first()
        if app is None:
            raise ConnectError(_("This connection attempt expired. Try again."))
        extra = {
            "instance": instance,
            "client_id": app.client_id,
            "client_secret": app.client_secret,
        }
    try:
        tokens = adapter.exchange_code(
            code=code, redirect_uri=pending["redirect_uri"], verifier=pending["verifier"], **extra
        )
        account = NetworkAccount(employee=employee, network=network, instance=instance)
        _apply_tokens(account, tokens)
        profile = adapter.profile(account)
    except NetworkError as error:
        raise ConnectError(error.message) from None
    except (KeyError, TypeError, ValueError, AttributeError, IndexError):
        logger.warning("Unexpected answer from %s while connecting", network, exc_info=True)
        raise ConnectError(_("The network gave an answer we did not understand.")) from None
    if adapter.kind == "instance":
        read_server_limits(adapter, instance)
    return save_account(employee, network, account, profile)


def read_server_limits(adapter: Adapter, instance: str) -> None:
    """Remember the Mastodon server's own length rules for the composer. A server that does
    not say keeps the defaults; connecting never fails over it."""
    assert isinstance(adapter, MastodonAdapter)  # only Mastodon servers say their limits
    try:
        maximum, per_url = adapter.instance_limits(instance)
    except NetworkError as error:
        logger.info("Limits of %s not read: %s", instance, error.message)
        return
    except (KeyError, TypeError, ValueError, AttributeError, IndexError):
        logger.info("Limits of %s not understood", instance, exc_info=True)
        return
    if maximum or per_url:
        MastodonApp.objects.filter(instance=instance).update(
            max_characters=maximum, characters_reserved_per_url=per_url, limits_at=timezone.now()
        )


def text_limits(employee, network: str) -> tuple[int | None, int | None]:
    """(the post's length limit, what a link counts) on the advocate's own account where it
    sets its own (Mastodon servers do); (None, None) = the network's usual rules."""
    if network != "mastodon":
        return None, None
    account = account_for(employee, network)
    server = MastodonApp.objects.filter(instance=account.instance).first() if account else None
    if server is None:
        return None, None
    return server.max_characters, server.characters_reserved_per_url


def connect_bluesky(employee, handle: str, app_password: str) -> NetworkAccount:
    handle = handle.strip().lstrip("@").lower()
    if not handle or " " in handle:
        raise ConnectError(_("Give your Bluesky handle, e.g. anna.bsky.social."))
    if not APP_PASSWORD.match(app_password.strip()):
        raise ConnectError(
            _(
                "Use an app password (Settings → Privacy and security → App passwords), which "
                "looks like xxxx-xxxx-xxxx-xxxx — never your main password."
            )
        )
    if "bluesky" not in dict(offered_networks()):
        raise ConnectError(_("This network is not offered for connecting."))
    adapter = adapter_for("bluesky")
    assert isinstance(adapter, BlueskyAdapter)
    try:
        # The account's own PDS, from its identity (unless the company set one for all).
        found = adapter.locate(handle)
        pds = found.pds if found is not None else adapter.base
        tokens, session = adapter.create_session(handle, app_password.strip(), base=pds)
        if found is not None and session["did"] != found.did:
            raise ConnectError(
                _("The server %(server)s answered for another account than %(handle)s.")
                % {"server": pds, "handle": handle}
            )
        account = NetworkAccount(employee=employee, network="bluesky", instance=pds)
        account.external_id = session["did"]
        account.handle = "@" + session.get("handle", handle)
        account.app_password = app_password.strip()
        _apply_tokens(account, tokens)
        profile = adapter.profile(account)
    except NetworkError as error:
        raise ConnectError(error.message) from None
    except (KeyError, TypeError, ValueError, AttributeError, IndexError):
        logger.warning("Unexpected answer from Bluesky while connecting", exc_info=True)
        raise ConnectError(_("The network gave an answer we did not understand.")) from None
    return save_account(employee, "bluesky", account, profile)


def _apply_tokens(account: NetworkAccount, tokens: Tokens) -> None:
    account.access_token = tokens.access_token
    if tokens.refresh_token:
        account.refresh_token = tokens.refresh_token
    account.expires_at = (
        timezone.now() + timedelta(seconds=int(tokens.expires_in)) if tokens.expires_in else None
    )


@transaction.atomic
def save_account(employee, network: str, fresh: NetworkAccount, profile: Profile):
    account = account_for(employee, network) or NetworkAccount(employee=employee, network=network)
    for name in (
        "instance",
        "access_token_enc",
        "refresh_token_enc",
        "app_password_enc",
        "expires_at",
    ):
        setattr(account, name, getattr(fresh, name))
    account.external_id = profile.external_id
    account.handle = profile.handle
    account.profile_url = profile.profile_url
    account.status = NetworkAccount.Status.ACTIVE
    account.problem = ""
    account.reminded_for = None
    account.connected_at = timezone.now()
    if profile.audience is not None:
        account.audience, account.audience_source = profile.audience, Source.API
        account.audience_at = timezone.now()
    account.save()
    from . import posting

    posting.release_held(account)
    return account


def disconnect(employee, network: str) -> bool:
    """Forget the connection and its tokens — first asking the network to revoke the token
    where it can (Mastodon). A network that is down or refuses does not keep the connection:
    it is logged and forgotten here anyway. Shares waiting to be posted stay, waiting for a
    new connection."""
    account = account_for(employee, network)
    if account is not None:
        revoke_token(account)
    with transaction.atomic():
        account = account_for(employee, network)
        if account is None:
            return False
        now = timezone.now()
        Share.objects.filter(account=account, post_state=PostState.SCHEDULED).update(
            post_state=PostState.HELD,
            error=_("Your account was disconnected. Connect it again to post this."),
            changed_at=now,
        )
        account.delete()
    return True


def revoke_token(account: NetworkAccount) -> None:
    from .crypto import SecretUnreadable

    credentials = {}
    if account.network == "mastodon":
        server = MastodonApp.objects.filter(instance=account.instance).first()
        if server is None:
            return
        credentials = {"client_id": server.client_id, "client_secret": server.client_secret}
    try:
        adapter_class(account.network)(app_config(account.network)).revoke(account, **credentials)
    except (NetworkError, SecretUnreadable) as error:
        logger.warning(
            "Could not revoke the %s token of account %s (forgotten here anyway): %s",
            account.network,
            account.pk,
            getattr(error, "message", error),
        )


# --- Problems with the company's app ------------------------------------------------------


def note_app_problem(network: str, error: AppProblem) -> None:
    """Remember what the network said is wrong with the company's app, for the Social
    networks page; logged once, when it first appears."""
    app = app_config(network) or AppConfig(network, "", "", "")
    now = timezone.now()
    values = {"problem": error.message[:500], "problem_kind": error.kind, "problem_at": now}
    changed = (
        NetworkApp.objects.filter(network=app.network)
        .exclude(problem_kind=error.kind, problem=error.message[:500])
        .update(**values)
    )
    if not changed and not NetworkApp.objects.filter(network=app.network).exists():
        # The app came from the environment: keep its settings in the row we now make.
        row = NetworkApp(network=app.network, client_id=app.client_id, base_url=app.base_url)
        row.client_secret = app.client_secret
        for name, value in values.items():
            setattr(row, name, value)
        row.save()
        changed = 1
    if changed:
        logger.warning("%s app problem (%s): %s", app.network, error.kind, error.message)


def clear_app_problem(network: str, kind: str) -> None:
    NetworkApp.objects.filter(network=network, problem_kind=kind).update(
        problem="", problem_kind="", problem_at=None
    )


def app_problem(network: str, kind: str) -> bool:
    return NetworkApp.objects.filter(network=network, problem_kind=kind).exists()


# --- Keeping tokens working ----------------------------------------------------------------


def mark_reconnect(account: NetworkAccount, message: str) -> None:
    NetworkAccount.objects.filter(pk=account.pk).update(
        status=NetworkAccount.Status.RECONNECT, problem=message[:500]
    )
    account.status, account.problem = NetworkAccount.Status.RECONNECT, message[:500]


def refresh(account: NetworkAccount, adapter: Adapter) -> None:
    """Renew the tokens; TokenInvalid (after marking the account) when that is impossible.

    Refresh tokens are single-use on X and Bluesky: the account row is locked and read again
    first, so two workers (or a worker and a page) never spend the same one — the second
    finds the tokens already renewed and takes them."""
    with transaction.atomic():
        current = NetworkAccount.objects.select_for_update().get(pk=account.pk)
        if (current.refresh_token_enc, current.access_token_enc) != (
            account.refresh_token_enc,
            account.access_token_enc,
        ):
            _adopt(account, current)
            return
        try:
            tokens = _guarded(lambda a, acc: a.refresh(acc), adapter, current)
        except TokenInvalid as error:
            failure = error.message
        except Permanent:
            # The token endpoint refused the refresh token (revoked, or rotated away).
            failure = _(
                "%(network)s no longer accepts your connection. Reconnect your account."
            ) % {"network": account.get_network_display()}
        else:
            _apply_tokens(current, tokens)
            current.save(update_fields=["access_token_enc", "refresh_token_enc", "expires_at"])
            _adopt(account, current)
            return
    # Outside the block: marking the account must not roll back with the failure.
    mark_reconnect(account, failure)
    raise TokenInvalid(failure)


def _adopt(account: NetworkAccount, current: NetworkAccount) -> None:
    account.access_token_enc = current.access_token_enc
    account.refresh_token_enc = current.refresh_token_enc
    account.expires_at = current.expires_at


def ensure_fresh(account: NetworkAccount, adapter: Adapter) -> None:
    """Refresh a token that runs out within minutes, where the network can."""
    if (
        account.expires_at is not None
        and account.expires_at < timezone.now() + REFRESH_MARGIN
        and (account.refresh_token_enc or account.app_password_enc)
    ):
        refresh(account, adapter)


def call(account: NetworkAccount, fn):
    """Run `fn(adapter, account)`; on a token error renew the token once and try again, and
    when that is not possible mark the account for reconnecting."""
    from .crypto import SecretUnreadable

    adapter = adapter_class(account.network)(app_config(account.network))
    try:
        ensure_fresh(account, adapter)
        try:
            return _guarded(fn, adapter, account)
        except TokenInvalid as error:
            if not (account.refresh_token_enc or account.app_password_enc):
                mark_reconnect(account, error.message)
                raise
            refresh(account, adapter)
            try:
                return _guarded(fn, adapter, account)
            except TokenInvalid as again:
                mark_reconnect(account, again.message)
                raise
    except SecretUnreadable:
        message = _("Your connection can no longer be read. Reconnect your account.")
        mark_reconnect(account, message)
        raise TokenInvalid(message) from None


def _guarded(fn, adapter, account):
    """An answer that is not what the network documents is treated as transient: the next
    attempt looks for the post before trying again."""
    try:
        return fn(adapter, account)
    except (KeyError, TypeError, ValueError, AttributeError, IndexError):
        logger.warning("Unexpected answer from %s", account.network, exc_info=True)
        raise Transient(
            _("%(network)s gave an answer we did not understand.")
            % {"network": account.get_network_display()}
        ) from None


def refresh_expiring_tokens(now=None) -> int:
    """The worker renews tokens that run out within the margin (X: every two hours)."""
    now = now or timezone.now()
    count = 0
    for account in NetworkAccount.objects.filter(
        status=NetworkAccount.Status.ACTIVE, expires_at__lt=now + REFRESH_MARGIN * 2
    ).exclude(refresh_token_enc="", app_password_enc=""):
        try:
            refresh(account, adapter_class(account.network)(app_config(account.network)))
            count += 1
        except NetworkError as error:
            logger.info("Token refresh for account %s failed: %s", account.pk, error.message)
        except Exception:  # one account's surprise must not stop the others' renewal
            logger.exception("Token refresh for account %s failed", account.pk)
    return count


# --- Audience ------------------------------------------------------------------------------


def refresh_audience(account: NetworkAccount) -> int | None:
    profile = call(account, lambda adapter, acc: adapter.profile(acc))
    if profile.audience is not None:
        NetworkAccount.objects.filter(pk=account.pk).update(
            audience=profile.audience, audience_source=Source.API, audience_at=timezone.now()
        )
        account.audience = profile.audience
    return profile.audience


def refresh_audiences() -> int:
    count = 0
    stale = timezone.now() - timedelta(hours=20)
    for account in NetworkAccount.objects.filter(status=NetworkAccount.Status.ACTIVE).exclude(
        audience_source=Source.ADVOCATE, audience_at__gt=stale
    ):
        try:
            if refresh_audience(account) is not None:
                count += 1
        except NetworkError as error:
            logger.info("Audience for account %s: %s", account.pk, error.message)
    return count


def state_audience(account: NetworkAccount, audience: int) -> None:
    """The advocate says how many followers/connections they have (where the API gives none)."""
    NetworkAccount.objects.filter(pk=account.pk).update(
        audience=audience, audience_source=Source.ADVOCATE, audience_at=timezone.now()
    )


# --- Reminders -----------------------------------------------------------------------------


def expiring_soon(now=None):
    """Connections that will stop working within a week and cannot renew themselves."""
    now = now or timezone.now()
    return NetworkAccount.objects.filter(
        status=NetworkAccount.Status.ACTIVE,
        expires_at__gt=now,
        expires_at__lt=now + REMIND_BEFORE,
        refresh_token_enc="",
        app_password_enc="",
    ).select_related("employee")


def remind_expiring(now=None) -> int:
    """E-mail each advocate once per expiry, a week ahead, with a one-click reconnect link."""
    sent = 0
    for account in expiring_soon(now):
        if account.reminded_for == account.expires_at:
            continue
        went = mail.send(
            account.employee,
            kind=EmailKind.ACCOUNTS,
            subject=lambda values: _("Your %(network)s connection runs out soon") % values,
            text_template="sharing/email/reconnect.txt",
            context=lambda account=account: {
                "account": account,
                "link": site_base() + reverse("sharing:network_reconnect", args=[account.network]),
                "network": account.get_network_display(),
            },
        )
        # Turned off or sent: either way this expiry is dealt with.
        NetworkAccount.objects.filter(pk=account.pk).update(reminded_for=account.expires_at)
        sent += went
    return sent
