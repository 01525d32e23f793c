"""Mastodon: the advocate names their server; Advocato registers itself there on first use
(`POST /api/v1/apps`), then OAuth, then `POST /api/v1/statuses` with an `Idempotency-Key`
(the server answers a repeated key, within an hour, with the status it already made).
Followers from `verify_credentials`, engagement from the status itself; the server's length
rules from `/api/v2/instance`; `POST /oauth/revoke` on disconnecting; `DELETE` a status when
the advocate withdraws it."""

from __future__ import annotations

from urllib.parse import urlencode

from django.utils.translation import gettext as _

from advocato.lib import fetch

from ..base import Engagement, OAuthAdapter, Permanent, Posted, Profile, Tokens

SCOPES = "read write:statuses"


class MastodonAdapter(OAuthAdapter):
    network = "mastodon"
    label = "Mastodon"
    kind = "instance"
    idempotent = True

    def call(self, method: str, url: str, **kwargs):
        """Every request to an advocate's server is vetted again: a name that pointed at a
        public address when they connected may point inside our network today."""
        try:
            fetch.vet_url(url)
        except fetch.FetchError:
            raise Permanent(
                _("Your Mastodon server's address now leads somewhere Advocato does not go.")
            ) from None
        return super().call(method, url, **kwargs)

    def register_app(self, instance: str, redirect_uri: str) -> tuple[str, str]:
        data = self.body(
            self.call(
                "POST",
                f"{instance}/api/v1/apps",
                data={
                    "client_name": "Advocato",
                    "redirect_uris": redirect_uri,
                    "scopes": SCOPES,
                    "website": redirect_uri.split("/profile/")[0],
                },
            )
        )
        return data["client_id"], data["client_secret"]

    def instance_limits(self, instance: str) -> tuple[int | None, int | None]:
        """(max_characters, characters_reserved_per_url) of a post on this server, from
        `GET /api/v2/instance` (Mastodon 4.0+), else the older `GET /api/v1/instance`."""
        for path in ("/api/v2/instance", "/api/v1/instance"):
            try:
                data = self.body(self.call("GET", f"{instance}{path}"))
            except Permanent:
                continue  # 404 on servers older (v2) or newer (v1 gone) than this path
            statuses = ((data or {}).get("configuration") or {}).get("statuses") or {}
            maximum = statuses.get("max_characters") or (data or {}).get("max_toot_chars")
            per_url = statuses.get("characters_reserved_per_url")
            if maximum or per_url:
                return _positive(maximum), _positive(per_url)
        return None, None

    def revoke(self, account, *, client_id: str = "", client_secret: str = "") -> None:
        """`POST /oauth/revoke`: the token stops working on the server too."""
        self.call(
            "POST",
            f"{account.instance}/oauth/revoke",
            data={"client_id": client_id, "client_secret": client_secret,
                  "token": account.access_token},
        )  # fmt: skip

    deletes = True

    def delete_post(self, account, share) -> None:
        """`DELETE /api/v1/statuses/:id` (a status already gone counts as deleted)."""
        try:
            self.call(
                "DELETE",
                f"{account.instance}/api/v1/statuses/{share.external_id}",
                token=account.access_token,
            )
        except Permanent as error:
            if error.status != 404:
                raise

    def authorize_url(self, *, state, redirect_uri, challenge="", instance="", client_id=""):
        query = urlencode(
            {
                "response_type": "code",
                "client_id": client_id,
                "redirect_uri": redirect_uri,
                "scope": SCOPES,
                "state": state,
            }
        )
        return f"{instance}/oauth/authorize?{query}"

    def exchange_code(
        self, *, code, redirect_uri, verifier="", instance="", client_id="", client_secret=""
    ) -> Tokens:
        data = self.body(
            self.call(
                "POST",
                f"{instance}/oauth/token",
                data={
                    "grant_type": "authorization_code",
                    "code": code,
                    "client_id": client_id,
                    "client_secret": client_secret,
                    "redirect_uri": redirect_uri,
                    "scope": SCOPES,
                },
            )
        )
        return Tokens(data["access_token"], scope=data.get("scope", ""))

    def profile(self, account) -> Profile:
        data = self.body(
            self.call(
                "GET",
                f"{account.instance}/api/v1/accounts/verify_credentials",
                token=account.access_token,
            )
        )
        return Profile(
            external_id=str(data["id"]),
            handle="@" + data.get("acct", data.get("username", "")),
            profile_url=data.get("url", ""),
            audience=data.get("followers_count"),
        )

    def post(self, account, *, text, link, title, description, key) -> Posted:
        data = self.body(
            self.call(
                "POST",
                f"{account.instance}/api/v1/statuses",
                token=account.access_token,
                headers={"Idempotency-Key": key},
                data={"status": text, "visibility": "public"},
            )
        )
        return Posted(str(data["id"]), data.get("url") or data.get("uri", ""))

    def find_post(self, account, *, link, key) -> Posted | None:
        statuses = self.body(
            self.call(
                "GET",
                f"{account.instance}/api/v1/accounts/{account.external_id}/statuses?limit=20",
                token=account.access_token,
            )
        )
        for status in statuses or []:
            if link in status.get("content", ""):
                return Posted(str(status["id"]), status.get("url") or status.get("uri", ""))
        return None

    def engagement(self, account, share) -> Engagement:
        data = self.body(
            self.call(
                "GET",
                f"{account.instance}/api/v1/statuses/{share.external_id}",
                token=account.access_token,
            )
        )
        return Engagement(
            reactions=data.get("favourites_count"),
            comments=data.get("replies_count"),
            reshares=data.get("reblogs_count"),
        )


def _positive(value) -> int | None:
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number if 0 < number < 1_000_000 else None
