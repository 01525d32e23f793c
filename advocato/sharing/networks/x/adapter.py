"""X: OAuth 2.0 with PKCE (`tweet.read tweet.write users.read offline.access`), posting through
API v2 `POST /2/tweets`. Access tokens last two hours; the refresh token (offline.access)
renews them before they run out. Engagement from the post's `public_metrics` — where the
company's access level allows reading posts: on X's Free level it does not (403
client-forbidden), which stops reading figures for the app while posting goes on."""

from __future__ import annotations

from urllib.parse import urlencode

from django.utils.translation import gettext as _

from ..base import AppProblem, Engagement, OAuthAdapter, Posted, Profile, Tokens

SCOPES = "tweet.read tweet.write users.read offline.access"


class XAdapter(OAuthAdapter):
    network = "x"
    label = "X"
    default_base = "https://api.x.com"
    uses_pkce = True
    refreshable = True

    @property
    def auth_base(self) -> str:
        return self.app.base_url.rstrip("/") if self.app.base_url else "https://x.com"

    def authorize_url(self, *, state, redirect_uri, challenge="", instance="", client_id=""):
        query = urlencode(
            {
                "response_type": "code",
                "client_id": self.app.client_id,
                "redirect_uri": redirect_uri,
                "scope": SCOPES,
                "state": state,
                "code_challenge": challenge,
                "code_challenge_method": "S256",
            }
        )
        return f"{self.auth_base}/i/oauth2/authorize?{query}"

    def raise_for(self, response) -> None:
        data = self.body(response)
        data = data if isinstance(data, dict) else {}
        if (
            response.status_code == 403
            and response.request.method == "GET"
            and (
                str(data.get("type", "")).endswith("/problems/client-forbidden")
                or data.get("reason") == "client-not-enrolled"
            )
        ):
            raise AppProblem(
                _(
                    "X does not let the company's app read posts at its current access level "
                    "(Free): posting works, but figures are not read from X — advocates can "
                    "enter them. After changing the app's access level at X, save X on the "
                    "Social networks page to read them again."
                ),
                403,
                kind="reads",
            )
        super().raise_for(response)

    deletes = True

    def delete_post(self, account, share) -> None:
        """`DELETE /2/tweets/:id`."""
        self.call("DELETE", f"{self.base}/2/tweets/{share.external_id}",
                  token=account.access_token)  # fmt: skip

    def _token(self, data: dict) -> Tokens:
        # A confidential client authenticates with HTTP Basic.
        body = self.body(
            self.call(
                "POST",
                f"{self.base}/2/oauth2/token",
                data={**data, "client_id": self.app.client_id},
                auth=(self.app.client_id, self.app.client_secret),
            )
        )
        return Tokens(
            body["access_token"],
            body.get("refresh_token", ""),
            body.get("expires_in"),
            body.get("scope", ""),
        )

    def exchange_code(
        self, *, code, redirect_uri, verifier="", instance="", client_id="", client_secret=""
    ) -> Tokens:
        return self._token(
            {
                "grant_type": "authorization_code",
                "code": code,
                "redirect_uri": redirect_uri,
                "code_verifier": verifier,
            }
        )

    def refresh(self, account) -> Tokens:
        if not account.refresh_token:
            return super().refresh(account)
        return self._token({"grant_type": "refresh_token", "refresh_token": account.refresh_token})

    def profile(self, account) -> Profile:
        data = self.body(
            self.call(
                "GET",
                f"{self.base}/2/users/me?user.fields=public_metrics",
                token=account.access_token,
            )
        )["data"]
        return Profile(
            external_id=data["id"],
            handle="@" + data["username"],
            profile_url=f"https://x.com/{data['username']}",
            audience=(data.get("public_metrics") or {}).get("followers_count"),
        )

    def _permalink(self, account, post_id: str) -> str:
        return f"https://x.com/{account.handle.lstrip('@') or 'i'}/status/{post_id}"

    def post(self, account, *, text, link, title, description, key) -> Posted:
        data = self.body(
            self.call(
                "POST", f"{self.base}/2/tweets", token=account.access_token, json={"text": text}
            )
        )["data"]
        return Posted(data["id"], self._permalink(account, data["id"]))

    def find_post(self, account, *, link, key) -> Posted | None:
        data = self.body(
            self.call(
                "GET",
                f"{self.base}/2/users/{account.external_id}/tweets?max_results=20"
                "&tweet.fields=entities",
                token=account.access_token,
            )
        )
        for tweet in data.get("data") or []:
            urls = [u.get("expanded_url") for u in (tweet.get("entities") or {}).get("urls", [])]
            if link in urls or link in tweet.get("text", ""):
                return Posted(tweet["id"], self._permalink(account, tweet["id"]))
        return None

    def engagement(self, account, share) -> Engagement:
        data = self.body(
            self.call(
                "GET",
                f"{self.base}/2/tweets/{share.external_id}?tweet.fields=public_metrics",
                token=account.access_token,
            )
        ).get("data")
        if not data:  # X answers 200 with "errors" for a deleted post
            return Engagement()
        metrics = data.get("public_metrics") or {}
        return Engagement(
            reactions=metrics.get("like_count"),
            comments=metrics.get("reply_count"),
            reshares=(metrics.get("retweet_count") or 0) + (metrics.get("quote_count") or 0),
            impressions=metrics.get("impression_count"),
        )
