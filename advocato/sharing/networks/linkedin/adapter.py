"""LinkedIn: OpenID Connect sign-in plus `w_member_social`; posts through the versioned Posts
API (`POST /rest/posts`) as the member, with the text and an article (link card); engagement
from the member post analytics (`memberCreatorPostAnalytics`) and followers from
`memberFollowersCount` when the app has the member analytics product.

The scopes asked for follow from the products the admin says the app has: LinkedIn refuses
the whole authorisation (`unauthorized_scope_error`) when one scope is not the app's.

LinkedIn gives most apps no refresh token: access tokens last about 60 days, so the advocate
is reminded a week before (see `connections.remind_expiring`)."""

from __future__ import annotations

import html
import re
from urllib.parse import quote, urlencode

import regex
from django.conf import settings
from django.utils.translation import gettext as _

from advocato.lib.networks import URL_RE

from ..base import AppProblem, Engagement, OAuthAdapter, Permanent, Posted, Profile, Tokens

# LinkedIn's products (developer portal → Products) and the member scopes each gives.
PRODUCT_SCOPES = {
    "openid": ("openid", "profile"),
    "share": ("w_member_social",),
    "analytics": ("r_member_postAnalytics", "r_member_profileAnalytics"),
}
PRODUCT_NAMES = {  # LinkedIn's own names, as in its developer portal
    "openid": "Sign In with LinkedIn using OpenID Connect",
    "share": "Share on LinkedIn",
    "analytics": "Member analytics (r_member_postAnalytics, r_member_profileAnalytics)",
}
METRICS = {
    "IMPRESSION": "impressions",
    "MEMBERS_REACHED": "members_reached",
    "REACTION": "reactions",
    "COMMENT": "comments",
    "RESHARE": "reshares",
}


def api_version() -> str:
    """The LinkedIn-Version we send (settings.LINKEDIN_VERSION, env ADVOCATO_LINKEDIN_VERSION)."""
    return settings.LINKEDIN_VERSION


def restli(**extra: str) -> dict[str, str]:
    """The headers every versioned call (/rest/...) needs."""
    return {"LinkedIn-Version": api_version(), "X-Restli-Protocol-Version": "2.0.0", **extra}


class LinkedInAdapter(OAuthAdapter):
    network = "linkedin"
    label = "LinkedIn"
    default_base = "https://api.linkedin.com"

    @property
    def auth_base(self) -> str:
        return self.app.base_url.rstrip("/") if self.app.base_url else "https://www.linkedin.com"

    @property
    def products(self) -> tuple[str, ...]:
        return self.app.products

    def scopes(self) -> list[str]:
        return [scope for product in self.products for scope in PRODUCT_SCOPES.get(product, ())]

    def cannot_connect(self) -> str:
        missing = [PRODUCT_NAMES[p] for p in ("openid", "share") if p not in self.products]
        if not missing:
            return ""
        return _(
            "The company's LinkedIn app is set up without %(products)s, which posting needs. "
            "An administrator can add it on the Social networks page."
        ) % {"products": " + ".join(missing)}

    def refused_scope(self, description: str) -> str:
        # LinkedIn: 'Scope &quot;r_member_postAnalytics&quot; is not authorized for your
        # application' (the quotes HTML-escaped).
        match = re.search(r'(?:"|&quot;)([\w.]+)(?:"|&quot;)', html.unescape(description))
        scope = match.group(1) if match else ""
        product = next((p for p, scopes in PRODUCT_SCOPES.items() if scope in scopes), "")
        if not product:
            return super().refused_scope(description)
        return _(
            "LinkedIn refused the permission %(scope)s: the company's LinkedIn app does not have "
            "the product “%(product)s”. Nothing was connected. An administrator can add the "
            "product to the app at LinkedIn, or untick it on the Social networks page."
        ) % {"scope": scope, "product": PRODUCT_NAMES[product]}

    def reads_engagement(self) -> bool:
        return "analytics" in self.products

    def authorize_url(self, *, state, redirect_uri, challenge="", instance="", client_id=""):
        query = urlencode(
            {
                "response_type": "code",
                "client_id": self.app.client_id,
                "redirect_uri": redirect_uri,
                "state": state,
                "scope": " ".join(self.scopes()),
            }
        )
        return f"{self.auth_base}/oauth/v2/authorization?{query}"

    def exchange_code(
        self, *, code, redirect_uri, verifier="", instance="", client_id="", client_secret=""
    ) -> Tokens:
        data = self.body(
            self.call(
                "POST",
                f"{self.auth_base}/oauth/v2/accessToken",
                data={
                    "grant_type": "authorization_code",
                    "code": code,
                    "redirect_uri": redirect_uri,
                    "client_id": self.app.client_id,
                    "client_secret": self.app.client_secret,
                },
            )
        )
        return Tokens(
            data["access_token"],
            data.get("refresh_token", ""),
            data.get("expires_in"),
            data.get("scope", ""),
        )

    def refresh(self, account) -> Tokens:
        if not account.refresh_token:
            return super().refresh(account)
        data = self.body(
            self.call(
                "POST",
                f"{self.auth_base}/oauth/v2/accessToken",
                data={
                    "grant_type": "refresh_token",
                    "refresh_token": account.refresh_token,
                    "client_id": self.app.client_id,
                    "client_secret": self.app.client_secret,
                },
            )
        )
        return Tokens(data["access_token"], data.get("refresh_token", ""), data.get("expires_in"))

    def raise_for(self, response) -> None:
        # LinkedIn answers a retired LinkedIn-Version with 426 NONEXISTENT_VERSION: nothing
        # the advocate can do, every post fails until an admin sets a current version.
        if response.status_code == 426:
            raise AppProblem(
                _(
                    "LinkedIn refused API version %(version)s: it is no longer active. An "
                    "administrator must set ADVOCATO_LINKEDIN_VERSION to a current version "
                    "(YYYYMM, see LinkedIn's versioning page) and restart Advocato."
                )
                % {"version": response.request.headers.get("LinkedIn-Version", api_version())},
                426,
                kind="version",
            )
        super().raise_for(response)

    def profile(self, account) -> Profile:
        me = self.body(self.call("GET", f"{self.base}/v2/userinfo", token=account.access_token))
        audience = None
        if "analytics" not in self.products:
            # memberFollowersCount needs r_member_profileAnalytics: the advocate states it.
            return Profile(external_id=me["sub"], handle=me.get("name") or me["sub"])
        try:
            counts = self.body(
                self.call(
                    "GET",
                    f"{self.base}/rest/memberFollowersCount?q=me",
                    token=account.access_token,
                    headers=restli(),
                )
            )
            elements = counts.get("elements") or [{}]
            audience = elements[0].get("memberFollowersCount")
        except Permanent:
            pass  # the app lacks the analytics permission: the advocate states it
        return Profile(
            external_id=me["sub"],
            handle=me.get("name") or me.get("email") or me["sub"],
            profile_url="",
            audience=audience,
        )

    def post(self, account, *, text, link, title, description, key) -> Posted:
        response = self.call(
            "POST",
            f"{self.base}/rest/posts",
            token=account.access_token,
            headers=restli(),
            json={
                "author": f"urn:li:person:{account.external_id}",
                "commentary": escape_little_text(text),
                "visibility": "PUBLIC",
                "distribution": {
                    "feedDistribution": "MAIN_FEED",
                    "targetEntities": [],
                    "thirdPartyDistributionChannels": [],
                },
                "content": {
                    "article": {
                        "source": link,
                        "title": title[:400],
                        "description": description[:4000],
                    }
                },
                "lifecycleState": "PUBLISHED",
                "isReshareDisabledByAuthor": False,
            },
        )
        urn = response.headers.get("x-restli-id", "")
        if not urn:
            raise Permanent(_("LinkedIn accepted the post but gave no id for it."))
        return Posted(urn, f"https://www.linkedin.com/feed/update/{urn}/")

    def find_post(self, account, *, link, key) -> Posted | None:
        author = quote(f"urn:li:person:{account.external_id}", safe="")
        data = self.body(
            self.call(
                "GET",
                f"{self.base}/rest/posts?q=author&author={author}&count=20",
                token=account.access_token,
                headers=restli(**{"X-RestLi-Method": "FINDER"}),
            )
        )
        for post in data.get("elements", []):
            article = (post.get("content") or {}).get("article") or {}
            # The commentary holds the link as we sent it: "little text", with _ and the like
            # escaped by a backslash.
            commentary = (post.get("commentary") or "").replace("\\", "")
            if article.get("source") == link or link in commentary:
                urn = post["id"]
                return Posted(urn, f"https://www.linkedin.com/feed/update/{urn}/")
        return None

    deletes = True

    def delete_post(self, account, share) -> None:
        """`DELETE /rest/posts/{encoded urn}` → 204; a post already gone (404) counts."""
        try:
            self.call(
                "DELETE",
                f"{self.base}/rest/posts/{quote(share.external_id, safe='')}",
                token=account.access_token,
                headers=restli(**{"X-RestLi-Method": "DELETE"}),
            )
        except Permanent as error:
            if error.status != 404:
                raise

    def engagement(self, account, share) -> Engagement:
        result = Engagement()
        entity = quote(share.external_id, safe="")
        kind = "ugc" if ":ugcPost:" in share.external_id else "share"
        for metric, field in METRICS.items():
            data = self.body(
                self.call(
                    "GET",
                    f"{self.base}/rest/memberCreatorPostAnalytics?q=entity"
                    f"&entity=({kind}:{entity})&queryType={metric}&aggregation=TOTAL",
                    token=account.access_token,
                    headers=restli(),
                )
            )
            elements = data.get("elements") or []
            if elements:
                setattr(result, field, int(elements[0].get("count", 0)))
        return result


# "little" text: these characters are reserved (https://learn.microsoft.com/en-us/linkedin/
# marketing/community-management/shares/little-text-format); unescaped, LinkedIn silently cuts
# the post at the first one.
RESERVED = frozenset("\\|{}@[]()<>#*_~")
# A hashtag LinkedIn makes clickable: # (or the full-width ＃) directly before letters/digits.
HASHTAG_RE = regex.compile(r"(?<![\p{L}\p{N}_&])[#＃][\p{L}\p{N}]+")


def escape_little_text(text: str) -> str:
    """The advocate's text as LinkedIn's `commentary`: every reserved character escaped with a
    backslash — except inside links, which must stay as written to be links (LinkedIn reads a
    URL as a whole), and the # of a hashtag, which must stay bare to be clickable."""
    kept = [(m.start(), m.end()) for m in URL_RE.finditer(text)]
    kept += [(m.start(), m.start() + 1) for m in HASHTAG_RE.finditer(text)
             if not any(a <= m.start() < b for a, b in kept)]  # fmt: skip
    kept.sort()
    out, position = [], 0
    for start, end in kept:
        out.append(_escape(text[position:start]))
        out.append(text[start:end])
        position = end
    out.append(_escape(text[position:]))
    return "".join(out)


def _escape(plain: str) -> str:
    return "".join("\\" + char if char in RESERVED else char for char in plain)
