"""A local Mastodon server: app registration (`POST /api/v1/apps`), OAuth and revoking a
token, statuses with `Idempotency-Key`, deleting a status, `verify_credentials`
(followers_count), a status and an account's statuses, and the server's description with its
length rules; 429s carry `X-RateLimit-*` headers.

Written from Mastodon's documentation:
- https://docs.joinmastodon.org/methods/statuses/ — `POST /api/v1/statuses`: a repeated
  `Idempotency-Key` returns the status already made; keys are kept for one hour.
  `DELETE /api/v1/statuses/:id` returns the deleted status with its `text` (for redrafting);
  another account's status or one already gone: 404 `{"error": "Record not found"}`.
- https://docs.joinmastodon.org/methods/instance/ — `GET /api/v2/instance` (and the
  deprecated v1): `configuration.statuses.max_characters` and `characters_reserved_per_url`.
- https://docs.joinmastodon.org/methods/oauth/ — `POST /oauth/revoke` with client_id,
  client_secret and token: 200 `{}`; a client that may not revoke it: 403
  `unauthorized_client`.
"""

from __future__ import annotations

import html
import re
import secrets
import time
from datetime import UTC, datetime, timedelta
from typing import Any

from ..fake import FakeNetwork, Reply, Request


class FakeMastodon(FakeNetwork):
    name = "Mastodon"
    token_lifetime = None  # Mastodon tokens do not expire; they are revoked
    routes = [
        ("POST", r"/api/v1/apps", "register", False),
        ("GET", r"/oauth/authorize", "authorize", False),
        ("POST", r"/oauth/authorize", "authorize", False),
        ("POST", r"/oauth/token", "token", False),
        ("GET", r"/api/v1/accounts/verify_credentials", "verify", True),
        ("POST", r"/api/v1/statuses", "create_status", True),
        ("GET", r"/api/v1/statuses/(?P<id>\d+)", "status", True),
        ("GET", r"/api/v1/accounts/(?P<id>\d+)/statuses", "account_statuses", True),
        ("DELETE", r"/api/v1/statuses/(?P<id>\d+)", "delete_status", True),
        ("GET", r"/api/v1/instance", "instance_v1", True),
        ("GET", r"/api/v2/instance", "instance_v2", True),
        ("POST", r"/oauth/revoke", "revoke_token", False),
    ]
    IDEMPOTENCY_SECONDS = 3600  # Mastodon keeps an Idempotency-Key for one hour

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.apps: dict[str, dict] = {}
        self.idempotency: dict[tuple[str, str], tuple[str, float]] = {}  # -> (status, when)
        self.max_characters = 500  # this server's limit (mastodon.social's)
        self.characters_reserved_per_url = 23
        self.revoked_tokens: list[str] = []
        self.deleted: list[str] = []

    def token_error(self, problem):
        if problem == "expired":
            return 401, {"error": "The access token expired"}
        if problem == "missing":
            return 401, {"error": "The access token is invalid"}
        return 401, {"error": "The access token was revoked"}

    def rate_limited(self):
        reset = datetime.now(UTC) + timedelta(seconds=self.switches.retry_after)
        return Reply(
            429,
            {"error": "Too many requests"},
            {
                "X-RateLimit-Limit": "300",
                "X-RateLimit-Remaining": "0",
                "X-RateLimit-Reset": reset.isoformat().replace("+00:00", "Z"),
            },
        )

    def register(self, request: Request):
        form = request.form
        if not form.get("client_name") or not form.get("redirect_uris"):
            raise Reply(
                422,
                {
                    "error": "Validation failed: Application name can't be blank, "
                    "Redirect URI must be an absolute URI."
                },
            )
        app: dict[str, Any] = {
            "id": self.new_id(),
            "name": form["client_name"],
            "website": form.get("website"),
            "redirect_uri": form["redirect_uris"],
            "client_id": secrets.token_urlsafe(16),
            "client_secret": secrets.token_urlsafe(24),
            "vapid_key": "BCk-QqERU0q-CfYZjcuB6lnyyOYfJ2AifKqfeGIm7Z-HiTU5T9eTG5GxVA0_OH5mMlI4Uk=",
        }
        with self.lock:
            self.apps[app["client_id"]] = app
        return app

    def _app_ok(self, client_id, redirect_uri):
        app = self.apps.get(client_id)
        return app is not None and redirect_uri in app["redirect_uri"].split()

    def authorize(self, request: Request):
        return self.consent(request, self._app_ok)

    def token(self, request: Request):
        form = request.form
        app = self.apps.get(form.get("client_id", ""))
        if app is None or app["client_secret"] != form.get("client_secret"):
            raise Reply(
                401,
                {
                    "error": "invalid_client",
                    "error_description": "Client "
                    "authentication failed due to unknown client, no client "
                    "authentication included, or unsupported authentication method.",
                },
            )
        grant = self.take_code(form.get("code", ""))
        if grant["redirect_uri"] != form.get("redirect_uri"):
            raise Reply(
                400,
                {
                    "error": "invalid_grant",
                    "error_description": "The provided "
                    "authorization grant is invalid, expired, revoked, does not match "
                    "the redirection URI used in the authorization request, or was "
                    "issued to another client.",
                },
            )
        access, _refresh = self.issue(self.users[grant["user"]])
        return {
            "access_token": access,
            "token_type": "Bearer",
            "scope": "read write:statuses",
            "created_at": int(time.time()),
        }

    def _account(self, user):
        return {
            "id": user.id,
            "username": user.name,
            "acct": user.name,
            "display_name": user.name.replace(".", " ").title(),
            "url": f"{self.url}/@{user.name}",
            "followers_count": user.followers,
            "following_count": 80,
            "statuses_count": 12,
        }

    def _status(self, post):
        user = self.users[post["user"]]
        m = self.metrics(post)
        return {
            "id": post["id"],
            "created_at": datetime.fromtimestamp(post["created"], UTC)
            .isoformat()
            .replace("+00:00", "Z"),
            "visibility": post["visibility"],
            "uri": f"{self.url}/users/{user.name}/statuses/{post['id']}",
            "url": f"{self.url}/@{user.name}/{post['id']}",
            "content": f"<p>{html.escape(post['text'])}</p>",
            "replies_count": m["replies"],
            "reblogs_count": m["reposts"],
            "favourites_count": m["likes"],
            "account": self._account(user),
        }

    def verify(self, request: Request):
        return self._account(self.current_user(request))

    def create_status(self, request: Request):
        user = self.current_user(request)
        key = request.headers.get("idempotency-key", "")
        with self.lock:
            self.post_requests += 1
            known = self.idempotency.get((user.id, key)) if key else None
            if known and time.time() - known[1] < self.IDEMPOTENCY_SECONDS:
                if known[0] in self.posts:
                    return self._status(self.posts[known[0]])
            elif known:
                del self.idempotency[(user.id, key)]  # forgotten after an hour
        form = request.form
        text = form.get("status", "")
        if self.switches.reject:
            raise Reply(
                422,
                {
                    "error": "Validation failed: Text contains content that is not "
                    "allowed on this server"
                },
            )
        if not text:
            raise Reply(422, {"error": "Validation failed: Text can't be blank"})
        if self.length(text) > self.max_characters:
            raise Reply(
                422,
                {
                    "error": "Validation failed: Text character limit of "
                    f"{self.max_characters} exceeded"
                },
            )
        post = self.new_post(user, text=text, visibility=form.get("visibility", "public"))
        with self.lock:
            if key:
                self.idempotency[(user.id, key)] = (post["id"], time.time())
        return self._status(post)

    def status(self, request: Request):
        self.current_user(request)
        post = self.posts.get(request.route["id"])
        if post is None:
            raise Reply(404, {"error": "Record not found"})
        return self._status(post)

    def account_statuses(self, request: Request):
        self.current_user(request)
        mine = [p for p in self.posts.values() if p["user"] == request.route["id"]]
        return [self._status(p) for p in mine[::-1][: int(request.query.get("limit", 20))]]

    def length(self, text: str) -> int:
        """As Mastodon's StatusLengthValidator counts: every http(s) link as the server's
        characters_reserved_per_url."""
        return len(re.sub(r"https?://\S+", "x" * self.characters_reserved_per_url, text))

    def delete_status(self, request: Request):
        user = self.current_user(request)
        with self.lock:
            post = self.posts.get(request.route["id"])
            if post is None or post["user"] != user.id:
                raise Reply(404, {"error": "Record not found"})
            status = self._status(post)
            del self.posts[post["id"]]
            self.deleted.append(post["id"])
        return {**status, "text": post["text"]}

    def _configuration(self) -> dict:
        return {
            "statuses": {
                "max_characters": self.max_characters,
                "max_media_attachments": 4,
                "characters_reserved_per_url": self.characters_reserved_per_url,
            }
        }

    def instance_v2(self, request: Request):
        host = self.url.split("://", 1)[-1]
        return {
            "domain": host,
            "title": "Mastodon (local fake)",
            "version": "4.3.0",
            "source_url": "https://github.com/mastodon/mastodon",
            "configuration": self._configuration(),
            "registrations": {"enabled": False, "approval_required": False},
        }

    def instance_v1(self, request: Request):
        host = self.url.split("://", 1)[-1]
        return {
            "uri": host,
            "title": "Mastodon (local fake)",
            "version": "4.3.0",
            "configuration": self._configuration(),
        }

    def revoke_token(self, request: Request):
        form = request.form
        app = self.apps.get(form.get("client_id", ""))
        if app is None or app["client_secret"] != form.get("client_secret"):
            raise Reply(
                403,
                {
                    "error": "unauthorized_client",
                    "error_description": "You are not authorized to revoke this token",
                },
            )
        with self.lock:
            if self.tokens.pop(form.get("token", ""), None) is not None:
                self.revoked_tokens.append(form["token"])
        return {}
