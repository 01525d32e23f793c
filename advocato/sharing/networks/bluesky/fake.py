"""A local Bluesky PDS: sessions from a handle + app password (`createSession`,
`refreshSession`), `createRecord` for `app.bsky.feed.post` (facets and external embed checked),
`getRecord`, `getProfile` (followersCount) and `getPosts` (likeCount, repostCount,
replyCount); errors and 429s as the XRPC API answers them (`ratelimit-*` headers)."""

from __future__ import annotations

import re
import time

from ..fake import FakeNetwork, Reply, Request

APP_PASSWORD = re.compile(r"^[a-z0-9]{4}-[a-z0-9]{4}-[a-z0-9]{4}-[a-z0-9]{4}$")


class FakeBluesky(FakeNetwork):
    name = "Bluesky"
    token_lifetime = 2 * 3600
    routes = [
        ("POST", r"/xrpc/com\.atproto\.server\.createSession", "create_session", True),
        ("POST", r"/xrpc/com\.atproto\.server\.refreshSession", "refresh_session", True),
        ("POST", r"/xrpc/com\.atproto\.repo\.createRecord", "create_record", True),
        ("GET", r"/xrpc/com\.atproto\.repo\.getRecord", "get_record", True),
        ("GET", r"/xrpc/app\.bsky\.actor\.getProfile", "get_profile", True),
        ("GET", r"/xrpc/app\.bsky\.feed\.getPosts", "get_posts", True),
    ]

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.sessions_created = 0
        self.app_passwords: set[str] = set()  # used so far
        self.revoked_passwords: set[str] = set()

    def revoke(self):
        """The member deleted the app password: sessions and the password stop working."""
        super().revoke()
        with self.lock:
            self.revoked_passwords |= self.app_passwords

    def token_error(self, problem):
        if problem == "expired":
            return 400, {"error": "ExpiredToken", "message": "Token has expired"}
        if problem == "missing":
            return 401, {"error": "AuthMissing", "message": "Authentication Required"}
        return 400, {"error": "InvalidToken", "message": "Token could not be verified"}

    def rate_limited(self):
        reset = int(time.time()) + self.switches.retry_after
        return Reply(
            429,
            {"error": "RateLimitExceeded", "message": "Rate Limit Exceeded"},
            {
                "ratelimit-limit": "5000",
                "ratelimit-remaining": "0",
                "ratelimit-reset": str(reset),
                "ratelimit-policy": "5000;w=3600",
            },
        )

    def server_error(self):
        return Reply(502, {"error": "UpstreamFailure", "message": "Upstream Failure"})

    def _did(self, user):
        return f"did:plc:{user.id}fake"

    def _user_by_did(self, did):
        for user in self.users.values():
            if self._did(user) == did or user.name == did:
                return user
        return None

    def _session(self, user):
        access, refresh = self.issue(user)
        return {
            "did": self._did(user),
            "handle": user.name,
            "accessJwt": access,
            "refreshJwt": refresh,
            "active": True,
        }

    def create_session(self, request: Request):
        data = request.json or {}
        identifier, password = str(data.get("identifier", "")), str(data.get("password", ""))
        if password in self.revoked_passwords or not APP_PASSWORD.match(password) or not identifier:
            raise Reply(
                401,
                {"error": "AuthenticationRequired", "message": "Invalid identifier or password"},
            )
        user = self._user_by_did(identifier) or self.user_named(identifier.lstrip("@"))
        with self.lock:
            self.sessions_created += 1
            self.app_passwords.add(password)
        return self._session(user)

    def refresh_session(self, request: Request):
        with self.lock:
            user_id = self.refresh_tokens.pop(request.bearer(), None)
        if user_id is None:
            raise Reply(400, {"error": "ExpiredToken", "message": "Token has been revoked"})
        return self._session(self.users[user_id])

    def create_record(self, request: Request):
        user = self.current_user(request)
        data = request.json or {}
        with self.lock:
            self.post_requests += 1
        if data.get("repo") != self._did(user):
            raise Reply(400, {"error": "InvalidRequest", "message": "Invalid repo"})
        record = data.get("record") or {}
        text = record.get("text", "")
        if data.get("collection") != "app.bsky.feed.post" or record.get("$type") != data.get(
            "collection"
        ):
            raise Reply(400, {"error": "InvalidRequest", "message": "Invalid collection"})
        if self.switches.reject or len(text) > 300:
            raise Reply(
                400,
                {
                    "error": "InvalidRequest",
                    "message": "Invalid app.bsky.feed.post "
                    "record: Record/text must not be longer than 300 graphemes",
                },
            )
        for facet in record.get("facets", []):
            start, end = facet["index"]["byteStart"], facet["index"]["byteEnd"]
            uri = facet["features"][0]["uri"]
            if text.encode()[start:end].decode(errors="replace") != uri:
                raise Reply(
                    400,
                    {
                        "error": "InvalidRequest",
                        "message": "Invalid facet: byte range does not match",
                    },
                )
        rkey = data.get("rkey") or self.new_id()
        uri = f"at://{self._did(user)}/app.bsky.feed.post/{rkey}"
        if uri in self.posts:
            raise Reply(400, {"error": "InvalidRequest", "message": "Record already exists"})
        self.new_post(user, id=uri, text=text, record=record)
        return {"uri": uri, "cid": f"bafyrei{rkey}", "validationStatus": "valid"}

    def get_record(self, request: Request):
        self.current_user(request)
        uri = (
            f"at://{request.query.get('repo')}/{request.query.get('collection')}/"
            f"{request.query.get('rkey')}"
        )
        post = self.posts.get(uri)
        if post is None:
            raise Reply(
                400, {"error": "RecordNotFound", "message": f"Could not locate record: {uri}"}
            )
        return {"uri": uri, "cid": "bafyrei", "value": post["record"]}

    def get_profile(self, request: Request):
        self.current_user(request)
        user = self._user_by_did(request.query.get("actor", ""))
        if user is None:
            raise Reply(400, {"error": "InvalidRequest", "message": "Profile not found"})
        return {
            "did": self._did(user),
            "handle": user.name,
            "displayName": user.name,
            "followersCount": user.followers,
            "followsCount": 50,
            "postsCount": 7,
        }

    def get_posts(self, request: Request):
        self.current_user(request)
        post = self.posts.get(request.query.get("uris", ""))
        if post is None:
            return {"posts": []}
        m = self.metrics(post)
        user = self.users[post["user"]]
        return {
            "posts": [
                {
                    "uri": post["id"],
                    "cid": "bafyrei",
                    "record": post["record"],
                    "author": {"did": self._did(user), "handle": user.name},
                    "likeCount": m["likes"],
                    "repostCount": m["reposts"],
                    "replyCount": m["replies"],
                    "quoteCount": 0,
                }
            ]
        }
