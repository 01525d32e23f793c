"""A local LinkedIn: OAuth (authorization code), `/v2/userinfo`, the versioned Posts API
(`POST /rest/posts` → 201 + `x-restli-id`; the finder by author), `memberFollowersCount` and
`memberCreatorPostAnalytics`, with LinkedIn's error bodies.

Written from LinkedIn's documentation as it stands:
- Versioning: https://learn.microsoft.com/en-us/linkedin/marketing/versioning and the sunset
  table on https://learn.microsoft.com/en-us/linkedin/marketing/integrations/migrations — each
  monthly version is served for about a year; a retired (or not yet released) one is answered
  `426 {"status": 426, "code": "NONEXISTENT_VERSION", "message": "Requested version 202505 is
  not active"}` (the body as reported in e.g. github.com/n8n-io/n8n/issues/28967).
- "little" text (https://learn.microsoft.com/en-us/linkedin/marketing/community-management/
  shares/little-text-format): `\\ | { } @ [ ] ( ) < > # * _ ~` are reserved and must be
  escaped with a backslash; mentions `@[Name](urn:li:person:…)`, hashtags `#tag` and the
  `{hashtag|#|tag}` template are elements. An unescaped reserved character outside them cuts the
  post there — LinkedIn answers 201 and publishes the beginning only. A link is read whole.
- Scopes come from the app's products; asking for a scope the app lacks sends the member back
  with `error=unauthorized_scope_error&error_description=Scope &quot;r_member_postAnalytics&quot;
  is not authorized for your application` (quotes HTML-escaped, as LinkedIn sends them; see
  https://learn.microsoft.com/en-us/linkedin/shared/authentication/authorization-code-flow).
  `memberFollowersCount` needs r_member_profileAnalytics
  (https://learn.microsoft.com/en-us/linkedin/marketing/community-management/members/follower-statistics),
  `memberCreatorPostAnalytics` r_member_postAnalytics; without them: 403 ACCESS_DENIED.
- Deleting (https://learn.microsoft.com/en-us/linkedin/marketing/community-management/shares/
  posts-api, "Delete Posts"): `DELETE /rest/posts/{encoded share or ugcPost URN}` with
  `X-RestLi-Method: DELETE` → 204 (idempotent: a post already deleted answers 204 too);
  another member's post → 403.
"""

from __future__ import annotations

import re
import time
from datetime import UTC, datetime
from urllib.parse import unquote, urlencode

from ..fake import FakeNetwork, Reply, Request

PRODUCT_SCOPES = {
    "openid": {"openid", "profile", "email"},
    "share": {"w_member_social"},
    "analytics": {"r_member_postAnalytics", "r_member_profileAnalytics"},
}

RESERVED = frozenset("\\|{}@[]()<>#*_~")
LINK = re.compile(r"https?://[^\s\\]+")
HASHTAG = re.compile(r"[#＃][^\W_]+")
MENTION = re.compile(r"@\[[^\]\\]*\]\(urn:li:(?:person|organization):[^)\s]+\)")
TEMPLATE = re.compile(r"\{hashtag\|[#＃]\|[^}|\\\s]+\}")


def little_text(commentary: str) -> tuple[str, str]:
    """(what LinkedIn keeps of `commentary`, what readers see): cut at the first reserved
    character that is neither escaped nor part of a link, hashtag, mention or template."""
    shown: list[str] = []
    i = 0
    while i < len(commentary):
        char = commentary[i]
        after_word = i > 0 and commentary[i - 1].isalnum()
        if char == "\\" and i + 1 < len(commentary) and commentary[i + 1] in RESERVED:
            shown.append(commentary[i + 1])
            i += 2
            continue
        for pattern in (LINK, HASHTAG, MENTION, TEMPLATE):
            element = None if after_word else pattern.match(commentary, i)
            if element is not None:
                shown.append(element.group())
                i = element.end()
                break
        else:
            if char in RESERVED:
                break  # LinkedIn publishes the post up to here
            shown.append(char)
            i += 1
    return commentary[:i], "".join(shown)


METRIC_TYPE = "com.linkedin.adsexternalapi.memberanalytics.v1.CreatorPostAnalyticsMetricTypeV1"


class FakeLinkedIn(FakeNetwork):
    name = "LinkedIn"
    token_lifetime = 60 * 24 * 3600  # about 60 days
    routes = [
        ("GET", r"/oauth/v2/authorization", "authorize", False),
        ("POST", r"/oauth/v2/authorization", "authorize", False),
        ("POST", r"/oauth/v2/accessToken", "access_token", False),
        ("GET", r"/v2/userinfo", "userinfo", True),
        ("GET", r"/rest/memberFollowersCount", "followers", True),
        ("POST", r"/rest/posts", "create_post", True),
        ("GET", r"/rest/posts", "find_posts", True),
        ("GET", r"/rest/memberCreatorPostAnalytics", "analytics", True),
        ("DELETE", r"/rest/posts/(?P<urn>[^/]+)", "delete_post", True),
    ]

    def __init__(self, client_id="li-client", client_secret="li-secret", **kwargs):  # noqa: S107
        super().__init__(**kwargs)
        self.client_id, self.client_secret = client_id, client_secret
        self.issue_refresh_tokens = False  # only LinkedIn's partner apps get them
        self.products = {"openid", "share", "analytics"}  # the app's products at LinkedIn
        self.scopes_of: dict[str, set[str]] = {}  # refresh token -> its scopes
        self.deleted: list[str] = []
        self.finder_permission = True  # GET /rest/posts?q=author needs r_member_social
        self.version_lifetime_months = 12  # LinkedIn serves a version about a year

    def version_active(self, version: str) -> bool:
        match = re.fullmatch(r"(\d{4})(\d{2})(?:\.\d{2})?", version)
        if match is None:
            return False
        now = datetime.fromtimestamp(time.time(), UTC)
        age = (now.year - int(match.group(1))) * 12 + now.month - int(match.group(2))
        return 0 <= age < self.version_lifetime_months and 1 <= int(match.group(2)) <= 12

    def token_error(self, problem):
        if problem == "expired":
            return 401, {
                "status": 401,
                "serviceErrorCode": 65600,
                "code": "EXPIRED_ACCESS_TOKEN",
                "message": "The token used in the request has expired",
            }
        return 401, {
            "status": 401,
            "serviceErrorCode": 65601,
            "code": "REVOKED_ACCESS_TOKEN",
            "message": "The token used in the request has been revoked by the user",
        }

    def rate_limited(self):
        return Reply(
            429,
            {
                "status": 429,
                "message": "Resource level throttle APPLICATION DAY "
                "limit for calls to this resource is reached.",
            },
            {"Retry-After": str(self.switches.retry_after)},
        )

    def server_error(self):
        return Reply(503, {"status": 503, "message": "Service Unavailable"})

    def _versioned(self, request: Request) -> None:
        if not request.headers.get("linkedin-version"):
            raise Reply(
                400,
                {
                    "status": 400,
                    "code": "VERSION_MISSING",
                    "message": "A version must be present. Please specify a version "
                    "by adding the LinkedIn-Version header.",
                },
            )
        version = request.headers["linkedin-version"]
        if not self.version_active(version):
            raise Reply(
                426,
                {
                    "status": 426,
                    "code": "NONEXISTENT_VERSION",
                    "message": f"Requested version {version} is not active",
                },
            )
        if request.headers.get("x-restli-protocol-version") != "2.0.0":
            raise Reply(400, {"status": 400, "message": "Rest.li protocol 2.0.0 is required."})

    @property
    def analytics_permission(self) -> bool:
        return "analytics" in self.products

    @analytics_permission.setter
    def analytics_permission(self, granted: bool) -> None:
        (self.products.add if granted else self.products.discard)("analytics")

    def authorize(self, request: Request):
        params = request.query if request.method == "GET" else request.form
        allowed = set().union(*(PRODUCT_SCOPES[p] for p in self.products))
        for scope in params.get("scope", "").split():
            if scope not in allowed and params.get("client_id") == self.client_id:
                query = urlencode({
                    "error": "unauthorized_scope_error",
                    "error_description": f"Scope &quot;{scope}&quot; is not authorized for "
                    "your application",
                    "state": params.get("state", ""),
                })  # fmt: skip
                return Reply(302, "", {"Location": f"{params.get('redirect_uri', '')}?{query}"})
        return self.consent(
            request, lambda cid, uri: cid == self.client_id and uri.startswith("http")
        )

    def access_token(self, request: Request):
        form = request.form
        if (
            form.get("client_id") != self.client_id
            or form.get("client_secret") != self.client_secret
        ):
            raise Reply(
                401,
                {"error": "invalid_client", "error_description": "Client authentication failed"},
            )
        if form.get("grant_type") == "authorization_code":
            grant = self.take_code(form.get("code", ""))
            if grant["redirect_uri"] != form.get("redirect_uri"):
                raise Reply(
                    400,
                    {
                        "error": "invalid_request",
                        "error_description": "Unable to retrieve access token: "
                        "appid/redirect uri/code verifier does not match",
                    },
                )
            user = self.users[grant["user"]]
        elif form.get("grant_type") == "refresh_token" and self.issue_refresh_tokens:
            user_id = self.refresh_tokens.pop(form.get("refresh_token", ""), None)
            if user_id is None:
                raise Reply(
                    400,
                    {
                        "error": "invalid_request",
                        "error_description": "The provided refresh token is invalid",
                    },
                )
            user = self.users[user_id]
        else:
            raise Reply(400, {"error": "unsupported_grant_type"})
        scopes = grant["scope"].split() if form.get("grant_type") == "authorization_code" else []
        access, refresh = self.issue(user)
        if scopes:
            with self.lock:
                self.tokens[access]["scopes"] = set(scopes)
                self.scopes_of[refresh] = set(scopes)
        else:  # a refreshed token keeps the scopes of the one before
            scopes = sorted(self.scopes_of.get(form.get("refresh_token", ""), set()))
            with self.lock:
                self.tokens[access]["scopes"] = set(scopes)
                self.scopes_of[refresh] = set(scopes)
        body = {
            "access_token": access,
            "expires_in": self.token_lifetime,
            "scope": ",".join(scopes),
        }
        if self.issue_refresh_tokens:
            body.update(refresh_token=refresh, refresh_token_expires_in=365 * 24 * 3600)
        return body

    def userinfo(self, request: Request):
        user = self.current_user(request)
        return {
            "sub": user.id,
            "name": user.name.replace(".", " ").title(),
            "email_verified": True,
            "locale": {"country": "DK", "language": "da"},
        }

    def granted(self, request: Request, scope: str) -> bool:
        return scope in self.tokens.get(request.bearer(), {}).get("scopes", set())

    def followers(self, request: Request):
        user = self.current_user(request)
        self._versioned(request)
        if not self.granted(request, "r_member_profileAnalytics"):
            raise Reply(
                403,
                {
                    "status": 403,
                    "serviceErrorCode": 100,
                    "code": "ACCESS_DENIED",
                    "message": "Not enough permissions to access: memberFollowersCount.FINDER-me",
                },
            )
        return {"elements": [{"memberFollowersCount": user.followers}], "paging": {}}

    def create_post(self, request: Request):
        user = self.current_user(request)
        self._versioned(request)
        data = request.json or {}
        with self.lock:
            self.post_requests += 1
        if data.get("author") != f"urn:li:person:{user.id}" or not self.granted(
            request, "w_member_social"
        ):
            raise Reply(
                403,
                {
                    "status": 403,
                    "serviceErrorCode": 100,
                    "code": "ACCESS_DENIED",
                    "message": "Not enough permissions to post as this author",
                },
            )
        text = data.get("commentary", "")
        if self.switches.reject or not text or len(text) > 3000:
            raise Reply(
                422,
                {
                    "status": 422,
                    "code": "UNPROCESSABLE_ENTITY",
                    "message": "Content is not allowed: commentary was rejected",
                },
            )
        kept, shown = little_text(text)
        urn = f"urn:li:share:{self.new_id()}"
        self.new_post(user, id=urn, text=kept, shown=shown, sent=text,
                      article=(data.get("content") or {}).get("article"))  # fmt: skip
        return Reply(201, "", {"x-restli-id": urn, "x-linkedin-id": urn})

    def find_posts(self, request: Request):
        user = self.current_user(request)
        self._versioned(request)
        if not self.finder_permission:
            raise Reply(
                403,
                {
                    "status": 403,
                    "serviceErrorCode": 100,
                    "code": "ACCESS_DENIED",
                    "message": "Not enough permissions to access: posts.FINDER-author",
                },
            )
        author = request.query.get("author", "")
        if request.query.get("q") != "author" or author != f"urn:li:person:{user.id}":
            raise Reply(400, {"status": 400, "message": "Invalid finder"})
        mine = [p for p in self.posts.values() if p["user"] == user.id][::-1][:20]
        return {
            "elements": [
                {
                    "id": p["id"],
                    "author": author,
                    "commentary": p["text"],
                    "content": {"article": p["article"]},
                    "createdAt": int(p["created"] * 1000),
                }
                for p in mine
            ],
            "paging": {"start": 0, "count": 20},
        }

    def analytics(self, request: Request):
        user = self.current_user(request)
        self._versioned(request)
        if not self.granted(request, "r_member_postAnalytics"):
            raise Reply(
                403,
                {
                    "status": 403,
                    "code": "ACCESS_DENIED",
                    "message": "Not enough permissions to access: memberCreatorPostAnalytics",
                },
            )
        entity = request.query.get("entity", "")
        urn = entity.strip("()").split(":", 1)[-1]
        post = self.posts.get(urn)
        if post is None or post["user"] != user.id:
            raise Reply(404, {"status": 404, "message": "Post not found"})
        metrics = self.metrics(post)
        count = {
            "IMPRESSION": metrics["impressions"],
            "MEMBERS_REACHED": metrics["reached"],
            "REACTION": metrics["likes"],
            "COMMENT": metrics["replies"],
            "RESHARE": metrics["reposts"],
        }.get(request.query.get("queryType", ""))
        if count is None:
            raise Reply(400, {"status": 400, "message": "Invalid queryType"})
        return {
            "elements": [
                {
                    "count": count,
                    "metricType": {METRIC_TYPE: request.query["queryType"]},
                    "targetEntity": {"share": urn},
                }
            ],
            "paging": {"start": 0, "count": 10, "links": []},
            "_at": int(time.time()),
        }

    def delete_post(self, request: Request):
        user = self.current_user(request)
        self._versioned(request)
        urn = unquote(request.route["urn"])
        with self.lock:
            post = self.posts.get(urn)
            if post is not None and (
                post["user"] != user.id or not self.granted(request, "w_member_social")
            ):
                raise Reply(
                    403,
                    {
                        "status": 403,
                        "serviceErrorCode": 100,
                        "code": "ACCESS_DENIED",
                        "message": "Not enough permissions to delete this post",
                    },
                )
            if post is not None:
                del self.posts[urn]
                self.deleted.append(urn)
        return Reply(204, "")
