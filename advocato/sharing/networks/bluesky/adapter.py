"""Bluesky: handle + app password (never the main password) open a session through the AT
Protocol (`com.atproto.server.createSession`); the post is an `app.bsky.feed.post` record with
a link facet and an `app.bsky.embed.external` card, written with `createRecord`.

Exactly once: the record key (rkey) is chosen by us when the share is made, so a repeated
attempt can look the very record up (`getRecord`) instead of guessing."""

from __future__ import annotations

import secrets
import time
from datetime import UTC, datetime
from urllib.parse import quote

from django.utils.translation import gettext as _

from ..base import Adapter, Engagement, NetworkError, Posted, Profile, TokenInvalid, Tokens

TID_ALPHABET = "234567abcdefghijklmnopqrstuvwxyz"


def new_tid() -> str:
    """A record key in the AT Protocol's TID form: microseconds since 1970 and a clock id."""
    value = (int(time.time() * 1_000_000) << 10) | secrets.randbelow(1024)
    chars = []
    for _i in range(13):
        chars.append(TID_ALPHABET[value & 31])
        value >>= 5
    return "".join(reversed(chars))


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

    def xrpc(self, method: str, name: str, account=None, *, token: str = "", **kwargs):
        base = account.instance if account is not None and account.instance else self.base
        return self.body(
            self.call(
                method,
                f"{base}/xrpc/{name}",
                token=token or (account.access_token if account is not None else ""),
                **kwargs,
            )
        )

    def create_session(self, identifier: str, app_password: str) -> tuple[Tokens, dict]:
        try:
            data = self.xrpc(
                "POST",
                "com.atproto.server.createSession",
                json={"identifier": identifier, "password": app_password},
            )
        except TokenInvalid:
            raise TokenInvalid(_("Bluesky did not accept this handle and app password.")) from None
        return Tokens(data["accessJwt"], data["refreshJwt"]), data

    def refresh(self, account) -> Tokens:
        try:
            data = self.xrpc(
                "POST", "com.atproto.server.refreshSession", account, token=account.refresh_token
            )
            return Tokens(data["accessJwt"], data["refreshJwt"])
        except TokenInvalid:
            # The session is gone (expired or revoked): open a new one with the app password.
            tokens, _data = self.create_session(account.external_id, account.app_password)
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
