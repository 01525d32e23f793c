"""Mastodon: the advocate names their server; Advocato registers itself there on first use
(`POST /api/v1/apps`), then OAuth, then `POST /api/v1/statuses` with an `Idempotency-Key`
(the server answers a repeated key with the status it already made). Followers from
`verify_credentials`, engagement from the status itself."""

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
