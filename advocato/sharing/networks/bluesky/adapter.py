"""Bluesky: handle + app password (never the main password) open a session through the AT
Protocol (`com.atproto.server.createSession`); the post is an `app.bsky.feed.post` record with
a link facet and an `app.bsky.embed.external` card, written with `createRecord`, and removed
with `deleteRecord`.

Where: the account's own PDS, found from the handle (`identity.discover`) and kept on the
account (`NetworkAccount.instance`). The company's base URL (NetworkApp) is only an override:
when set, every account is looked for there (a company PDS, the demo's fake).

Sessions: the access token lives minutes to hours, the refresh token weeks
(https://docs.bsky.app/docs/api/com-atproto-server-refresh-session). We renew with
`refreshSession` — a little before the access token's `exp`, or when the PDS says
`ExpiredToken` — and open a new session with the app password only when the refresh token is
gone too. `createSession` is rate-limited per account (30 per 5 minutes, 300 a day:
https://docs.bsky.app/docs/advanced-guides/rate-limits); a 429 is Transient with the wait
from its `ratelimit-reset` header, and until then we do not ask again for that account.

Exactly once: the record key (rkey) is chosen by us when the share is made, so a repeated
attempt can look the very record up (`getRecord`) instead of guessing."""

from __future__ import annotations

import base64
import json
import secrets
import time
from datetime import UTC, datetime
from urllib.parse import quote

from django.core.cache import caches
from django.utils.translation import gettext as _

from ..base import (
    Adapter,
    Engagement,
    NetworkError,
    Posted,
    Profile,
    TokenInvalid,
    Tokens,
    Transient,
)
from . import identity

TID_ALPHABET = "234567abcdefghijklmnopqrstuvwxyz"


def new_tid() -> str:
    """A record key in the AT Protocol's TID form: microseconds since 1970 and a clock id."""
    value = (int(time.time() * 1_000_000) << 10) | secrets.randbelow(1024)
    chars = []
    for _i in range(13):
        chars.append(TID_ALPHABET[value & 31])
        value >>= 5
    return "".join(reversed(chars))


def seconds_left(jwt: str) -> int | None:
    """Seconds until a session token's `exp` claim (read, not verified: the PDS verifies it;
    we only want to renew in time). None when the token says nothing."""
    try:
        payload = jwt.split(".")[1]
        claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
        return max(0, int(claims["exp"] - time.time()))
    except (IndexError, KeyError, TypeError, ValueError):
        return None


def _session_tokens(data: dict) -> Tokens:
    return Tokens(data["accessJwt"], data["refreshJwt"], seconds_left(data["accessJwt"]))


def _wait_key(identifier: str) -> str:
    return "bluesky:create-session-wait:" + identifier.lower()


class BlueskyAdapter(Adapter):
    network = "bluesky"
    label = "Bluesky"
    default_base = "https://bsky.social"
    kind = "password"
    refreshable = True
    idempotent = True

    def new_key(self) -> str:
        return new_tid()

    def is_token_error(self, response) -> bool:
        if response.status_code == 401:
            return True
        error = (self.body(response) or {}).get("error") if response.status_code == 400 else ""
        return error in {"ExpiredToken", "InvalidToken"}

    @property
    def override(self) -> str:
        """The company's PDS (NetworkApp base URL), when every account is to be found there."""
        return (self.app.base_url or "").rstrip("/")

    def locate(self, handle: str) -> identity.Identity | None:
        """Where `handle` lives: None with an override (ask the company's PDS), else the
        account's DID and PDS from its identity."""
        if self.override:
            return None
        return identity.discover(handle)

    def _base_for(self, account) -> str:
        if account is None or not account.instance:
            return self.base
        if account.instance.rstrip("/") == self.override:
            return self.override
        # The PDS came from the account's identity: vetted again at each use, as every
        # outbound address is (its name may point elsewhere by now).
        return identity.vet_service(account.instance)

    def xrpc(self, method: str, name: str, account=None, *, token: str = "", base: str = "",
             **kwargs):  # fmt: skip
        base = base or self._base_for(account)
        return self.body(
            self.call(
                method,
                f"{base}/xrpc/{name}",
                token=token or (account.access_token if account is not None else ""),
                **kwargs,
            )
        )

    def create_session(
        self, identifier: str, app_password: str, base: str = ""
    ) -> tuple[Tokens, dict]:
        """A new session on the PDS at `base` (else the company's). Not asked again for the
        same account while an earlier 429 told us to wait."""
        waited = caches["process"].get(_wait_key(identifier))
        if waited is not None and waited > time.time():
            raise Transient(
                _("%(network)s asked us to slow down.") % {"network": self.label},
                429,
                retry_after=waited - time.time(),
            )
        try:
            data = self.xrpc(
                "POST",
                "com.atproto.server.createSession",
                base=base,
                json={"identifier": identifier, "password": app_password},
            )
        except TokenInvalid:
            raise TokenInvalid(_("Bluesky did not accept this handle and app password.")) from None
        except Transient as error:
            if error.status == 429:
                wait = error.retry_after if error.retry_after is not None else 300.0
                caches["process"].set(
                    _wait_key(identifier), time.time() + wait, timeout=int(wait) + 1
                )
            raise
        return _session_tokens(data), data

    def refresh(self, account) -> Tokens:
        try:
            data = self.xrpc(
                "POST", "com.atproto.server.refreshSession", account, token=account.refresh_token
            )
            return _session_tokens(data)
        except TokenInvalid:
            # The session is gone (expired or revoked): open a new one with the app password.
            tokens, _data = self.create_session(
                account.external_id, account.app_password, base=self._base_for(account)
            )
            return tokens

    def profile(self, account) -> Profile:
        data = self.xrpc(
            "GET", f"app.bsky.actor.getProfile?actor={quote(account.external_id)}", account
        )
        return Profile(
            external_id=data["did"],
            handle="@" + data["handle"],
            profile_url=f"https://bsky.app/profile/{data['handle']}",
            audience=data.get("followersCount"),
        )

    def _permalink(self, account, rkey: str) -> str:
        return f"https://bsky.app/profile/{account.handle.lstrip('@')}/post/{rkey}"

    def post(self, account, *, text, link, title, description, key) -> Posted:
        record = {
            "$type": "app.bsky.feed.post",
            "text": text,
            "createdAt": datetime.now(UTC).isoformat().replace("+00:00", "Z"),
            "embed": {
                "$type": "app.bsky.embed.external",
                "external": {"uri": link, "title": title[:300], "description": description[:1000]},
            },
        }
        position = text.encode().find(link.encode())
        if position >= 0:
            record["facets"] = [
                {
                    "index": {"byteStart": position, "byteEnd": position + len(link.encode())},
                    "features": [{"$type": "app.bsky.richtext.facet#link", "uri": link}],
                }
            ]
        data = self.xrpc(
            "POST",
            "com.atproto.repo.createRecord",
            account,
            json={
                "repo": account.external_id,
                "collection": "app.bsky.feed.post",
                "rkey": key,
                "record": record,
            },
        )
        return Posted(data["uri"], self._permalink(account, key))

    def find_post(self, account, *, link, key) -> Posted | None:
        try:
            data = self.xrpc(
                "GET",
                "com.atproto.repo.getRecord?repo="
                f"{quote(account.external_id)}&collection=app.bsky.feed.post&rkey={key}",
                account,
            )
        except TokenInvalid:
            raise
        except NetworkError as error:
            if error.status in (400, 404):  # RecordNotFound
                return None
            raise
        return Posted(data["uri"], self._permalink(account, key))

    deletes = True

    def delete_post(self, account, share) -> None:
        self.delete(account, share)

    def delete(self, account, share) -> None:
        """Remove our post (`com.atproto.repo.deleteRecord`,
        https://docs.bsky.app/docs/api/com-atproto-repo-delete-record). A record that is
        already gone is not an error: deleting is what was asked."""
        repo, collection, rkey = share.external_id.removeprefix("at://").split("/")[:3]
        self.xrpc(
            "POST",
            "com.atproto.repo.deleteRecord",
            account,
            json={"repo": repo, "collection": collection, "rkey": rkey},
        )

    def engagement(self, account, share) -> Engagement:
        data = self.xrpc(
            "GET", f"app.bsky.feed.getPosts?uris={quote(share.external_id, safe='')}", account
        )
        posts = data.get("posts") or []
        if not posts:
            return Engagement()
        post = posts[0]
        return Engagement(
            reactions=post.get("likeCount"),
            comments=post.get("replyCount"),
            reshares=(post.get("repostCount") or 0) + (post.get("quoteCount") or 0),
        )
