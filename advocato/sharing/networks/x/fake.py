"""A local X (API v2): OAuth 2.0 with PKCE (S256 checked), rotating refresh tokens,
`/2/users/me`, `POST /2/tweets` (duplicate text is refused, as X does), `DELETE /2/tweets/:id`,
a user's recent posts and `public_metrics`; 429s carry `x-rate-limit-*` headers.

Written from X's documentation:
- https://docs.x.com/x-api/posts/create-post and .../delete-post: `DELETE /2/tweets/:id`
  answers `{"data": {"deleted": true}}`; text is measured as twitter-text counts it
  (https://docs.x.com/resources/fundamentals/counting-characters: 280 weighted, a link 23).
- https://developer.x.com/en/support/x-api/error-troubleshooting: an app whose access level
  does not include an endpoint gets 403 with the problem type
  `https://api.x.com/2/problems/client-forbidden`, `reason: client-not-enrolled` and
  `required_enrollment`. On the Free level the app may post but not read posts: `free_tier`.
"""

from __future__ import annotations

import base64
import hashlib
import time

from advocato.lib.networks import count

from ..fake import FakeNetwork, Reply, Request


class FakeX(FakeNetwork):
    name = "X"
    token_lifetime = 7200
    routes = [
        ("GET", r"/i/oauth2/authorize", "authorize", False),
        ("POST", r"/i/oauth2/authorize", "authorize", False),
        ("POST", r"/2/oauth2/token", "token", False),
        ("GET", r"/2/users/me", "me", True),
        ("POST", r"/2/tweets", "create_tweet", True),
        ("GET", r"/2/users/(?P<id>\w+)/tweets", "user_tweets", True),
        ("GET", r"/2/tweets/(?P<id>\w+)", "tweet", True),
        ("DELETE", r"/2/tweets/(?P<id>\w+)", "delete_tweet", True),
    ]

    def __init__(self, client_id="x-client", client_secret="x-secret", **kwargs):  # noqa: S107
        super().__init__(**kwargs)
        self.client_id, self.client_secret = client_id, client_secret
        self.free_tier = False  # the app's access level is Free: it may post, not read posts
        self.deleted: list[str] = []

    def _reads_allowed(self) -> None:
        if self.free_tier:
            raise Reply(
                403,
                {
                    "client_id": self.client_id,
                    "detail": "When authenticating requests to the Twitter API v2 endpoints, "
                    "you must use keys and tokens from a Twitter developer App that is attached "
                    "to a Project. You can create a project via the developer portal.",
                    "registration_url": "https://developer.twitter.com/en/docs/projects/overview",
                    "title": "Client Forbidden",
                    "required_enrollment": "Appropriate Level of API Access",
                    "reason": "client-not-enrolled",
                    "type": "https://api.twitter.com/2/problems/client-forbidden",
                },
            )

    def token_error(self, problem):
        return 401, {
            "title": "Unauthorized",
            "type": "about:blank",
            "status": 401,
            "detail": "Unauthorized",
        }

    def rate_limited(self):
        reset = int(time.time()) + self.switches.retry_after
        return Reply(
            429,
            {
                "title": "Too Many Requests",
                "detail": "Too Many Requests",
                "type": "about:blank",
                "status": 429,
            },
            {
                "x-rate-limit-limit": "100",
                "x-rate-limit-remaining": "0",
                "x-rate-limit-reset": str(reset),
            },
        )

    def server_error(self):
        return Reply(
            503,
            {
                "title": "Service Unavailable",
                "type": "about:blank",
                "status": 503,
                "detail": "Service Unavailable",
            },
        )

    def authorize(self, request: Request):
        params = request.query if request.method == "GET" else request.form
        if params.get("code_challenge_method") != "S256" or not params.get("code_challenge"):
            raise Reply(400, "<h1>PKCE is required</h1>", {"Content-Type": "text/html"})
        return self.consent(request, lambda cid, uri: cid == self.client_id)

    def token(self, request: Request):
        auth = request.headers.get("authorization", "")
        expected = base64.b64encode(f"{self.client_id}:{self.client_secret}".encode()).decode()
        if auth != f"Basic {expected}":
            raise Reply(
                401,
                {
                    "error": "unauthorized_client",
                    "error_description": "Missing valid authorization header",
                },
            )
        form = request.form
        if form.get("grant_type") == "authorization_code":
            grant = self.take_code(form.get("code", ""))
            verifier = form.get("code_verifier", "")
            digest = hashlib.sha256(verifier.encode()).digest()
            challenge = base64.urlsafe_b64encode(digest).rstrip(b"=").decode()
            if challenge != grant["challenge"] or grant["redirect_uri"] != form.get("redirect_uri"):
                raise Reply(
                    400,
                    {
                        "error": "invalid_request",
                        "error_description": "Value passed for the authorization code was invalid.",
                    },
                )
            user = self.users[grant["user"]]
        elif form.get("grant_type") == "refresh_token":
            with self.lock:  # X rotates refresh tokens: the old one stops working
                user_id = self.refresh_tokens.pop(form.get("refresh_token", ""), None)
            if user_id is None:
                raise Reply(
                    400,
                    {
                        "error": "invalid_request",
                        "error_description": "Value passed for the token was invalid.",
                    },
                )
            user = self.users[user_id]
        else:
            raise Reply(400, {"error": "unsupported_grant_type"})
        access, refresh = self.issue(user)
        return {
            "token_type": "bearer",
            "expires_in": self.token_lifetime,
            "access_token": access,
            "scope": "tweet.read tweet.write users.read offline.access",
            "refresh_token": refresh,
        }

    def me(self, request: Request):
        user = self.current_user(request)
        return {
            "data": {
                "id": user.id,
                "name": user.name,
                "username": user.name.replace(".", "_"),
                "public_metrics": {
                    "followers_count": user.followers,
                    "following_count": 120,
                    "tweet_count": 42,
                },
            }
        }

    def create_tweet(self, request: Request):
        user = self.current_user(request)
        text = (request.json or {}).get("text", "")
        with self.lock:
            self.post_requests += 1
            duplicate = any(p["user"] == user.id and p["text"] == text for p in self.posts.values())
        if self.switches.reject or duplicate:
            raise Reply(
                403,
                {
                    "detail": "You are not allowed to create a Tweet with duplicate content.",
                    "type": "about:blank",
                    "title": "Forbidden",
                    "status": 403,
                },
            )
        if not text or count("x", text) > 280:
            raise Reply(
                400,
                {
                    "errors": [{"message": "text is invalid"}],
                    "title": "Invalid Request",
                    "detail": "One or more parameters to your request was invalid.",
                    "type": "https://api.twitter.com/2/problems/invalid-request",
                },
            )
        post = self.new_post(user, text=text)
        return Reply(
            201, {"data": {"id": post["id"], "text": text, "edit_history_tweet_ids": [post["id"]]}}
        )

    def _entities(self, text):
        return {
            "urls": [
                {"expanded_url": w, "url": "https://t.co/x"}
                for w in text.split()
                if w.startswith("http")
            ]
        }

    def user_tweets(self, request: Request):
        user = self.current_user(request)
        self._reads_allowed()
        if request.route["id"] != user.id:
            raise Reply(
                403,
                {"title": "Forbidden", "status": 403, "detail": "Forbidden", "type": "about:blank"},
            )
        mine = [p for p in self.posts.values() if p["user"] == user.id][::-1][:20]
        return {
            "data": [
                {"id": p["id"], "text": p["text"], "entities": self._entities(p["text"])}
                for p in mine
            ],
            "meta": {"result_count": len(mine)},
        }

    def tweet(self, request: Request):
        self.current_user(request)
        self._reads_allowed()
        post = self.posts.get(request.route["id"])
        if post is None:
            return {
                "errors": [
                    {
                        "title": "Not Found Error",
                        "detail": "Could not find tweet",
                        "type": "https://api.twitter.com/2/problems/resource-not-found",
                    }
                ]
            }
        m = self.metrics(post)
        return {
            "data": {
                "id": post["id"],
                "text": post["text"],
                "public_metrics": {
                    "retweet_count": m["reposts"],
                    "reply_count": m["replies"],
                    "like_count": m["likes"],
                    "quote_count": 0,
                    "bookmark_count": 0,
                    "impression_count": m["impressions"],
                },
            }
        }

    def delete_tweet(self, request: Request):
        user = self.current_user(request)
        with self.lock:
            post = self.posts.get(request.route["id"])
            if post is not None and post["user"] != user.id:
                raise Reply(
                    403,
                    {
                        "title": "Forbidden",
                        "status": 403,
                        "detail": "You are not authorized to delete this Tweet.",
                        "type": "about:blank",
                    },
                )
            if post is not None:
                del self.posts[post["id"]]
                self.deleted.append(post["id"])
        return {"data": {"deleted": post is not None}}
