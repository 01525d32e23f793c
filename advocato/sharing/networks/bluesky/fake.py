"""A local Bluesky PDS, with the identity around it: sessions from a handle + app password
(`createSession`, rate-limited per account as Bluesky documents — 30 per 5 minutes —
and `refreshSession`), `createRecord` for `app.bsky.feed.post` (facets and external embed
checked), `getRecord`, `deleteRecord`, `getProfile` (followersCount) and `getPosts`
(likeCount, repostCount, replyCount); errors and 429s as the XRPC API answers them
(`ratelimit-*` headers). Access tokens are JWT-shaped with an `exp` claim, as the PDS's are.

Identity, for discovering the PDS from a handle: a handle's `/.well-known/atproto-did`
(reached through the tests' BLUESKY_WELL_KNOWN_URL as `/_hosts/<handle>/.well-known/...`),
`com.atproto.identity.resolveHandle` (the resolver service), a tiny PLC directory at `/plc/`
answering DID documents with the `#atproto_pds` service, and did:web documents at
`/_hosts/<host>/.well-known/did.json`.

Pages read: https://atproto.com/specs/handle, https://atproto.com/specs/did,
https://web.plc.directory/spec/v0.1/did-plc,
https://docs.bsky.app/docs/advanced-guides/rate-limits,
https://docs.bsky.app/docs/api/com-atproto-server-create-session,
https://docs.bsky.app/docs/api/com-atproto-repo-delete-record."""

from __future__ import annotations

import base64
import hashlib
import json
import re
import secrets
import time

from ..fake import FakeNetwork, Reply, Request, User

APP_PASSWORD = re.compile(r"^[a-z0-9]{4}-[a-z0-9]{4}-[a-z0-9]{4}-[a-z0-9]{4}$")


class FakeBluesky(FakeNetwork):
    name = "Bluesky"
    token_lifetime = 2 * 3600
    routes = [
        ("POST", r"/xrpc/com\.atproto\.server\.createSession", "create_session", True),
        ("POST", r"/xrpc/com\.atproto\.server\.refreshSession", "refresh_session", True),
        ("POST", r"/xrpc/com\.atproto\.repo\.createRecord", "create_record", True),
        ("POST", r"/xrpc/com\.atproto\.repo\.deleteRecord", "delete_record", True),
        ("GET", r"/xrpc/com\.atproto\.repo\.getRecord", "get_record", True),
        ("GET", r"/xrpc/app\.bsky\.actor\.getProfile", "get_profile", True),
        ("GET", r"/xrpc/app\.bsky\.feed\.getPosts", "get_posts", True),
        ("GET", r"/xrpc/com\.atproto\.identity\.resolveHandle", "resolve_handle", False),
        ("GET", r"/_hosts/(?P<host>[^/]+)/\.well-known/atproto-did", "well_known_did", False),
        ("GET", r"/_hosts/(?P<host>[^/]+)/\.well-known/did\.json", "did_web_document", False),
        ("GET", r"/plc/(?P<did>did:plc:[a-z2-7]+)", "plc_document", False),
    ]
    session_limit = 30  # createSession per account, per window (Bluesky's documented limit)
    session_window = 300

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.sessions_created = 0
        self.sessions_refreshed = 0
        self.session_attempts: dict[str, list[float]] = {}  # did -> createSession times
        self.app_passwords: set[str] = set()  # used so far
        self.revoked_passwords: set[str] = set()
        # Identity: handles served only by DNS (no well-known document), handles no one has,
        # handles whose DID is did:web, and where the DID documents say the PDS is.
        self.dns_only: set[str] = set()
        self.missing: set[str] = set()
        self.did_web: set[str] = set()
        self.pds_endpoint = ""  # "" = this fake itself
        self.also_known_as: dict[str, str] = {}  # handle -> the handle its DID document names

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
        if user.name in self.did_web:
            return f"did:web:{user.name}"
        digest = base64.b32encode(hashlib.sha256(user.name.encode()).digest()).decode().lower()
        return f"did:plc:{digest[:24]}"

    def issue(self, user: User) -> tuple[str, str]:
        """Access tokens shaped like the PDS's JWTs (header.claims.signature) with `exp`."""
        access, refresh = super().issue(user)
        claims = {
            "scope": "com.atproto.appPass",
            "sub": self._did(user),
            "iat": int(time.time()),
            "exp": int(time.time()) + (self.token_lifetime or 7200),
        }

        def part(data):
            return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()

        jwt = f"{part({'typ': 'at+jwt', 'alg': 'ES256K'})}.{part(claims)}.{access}"
        with self.lock:
            self.tokens[jwt] = self.tokens.pop(access)
        return jwt, refresh

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
        now = time.time()
        with self.lock:
            recent = [t for t in self.session_attempts.get(self._did(user), []) if
                      t > now - self.session_window] + [now]  # fmt: skip
            self.session_attempts[self._did(user)] = recent
            if len(recent) > self.session_limit:
                raise Reply(
                    429,
                    {"error": "RateLimitExceeded", "message": "Rate Limit Exceeded"},
                    {
                        "ratelimit-limit": str(self.session_limit),
                        "ratelimit-remaining": "0",
                        "ratelimit-reset": str(int(recent[0] + self.session_window)),
                        "ratelimit-policy": f"{self.session_limit};w={self.session_window}",
                    },
                )
            self.sessions_created += 1
            self.app_passwords.add(password)
        return self._session(user)

    def refresh_session(self, request: Request):
        with self.lock:
            user_id = self.refresh_tokens.pop(request.bearer(), None)
        if user_id is None:
            raise Reply(400, {"error": "ExpiredToken", "message": "Token has been revoked"})
        with self.lock:
            self.sessions_refreshed += 1
        return self._session(self.users[user_id])

    # --- identity --------------------------------------------------------------------------

    def _known(self, handle: str) -> User:
        handle = handle.lower()
        if handle in self.missing:
            raise Reply(404, "Not Found", {"Content-Type": "text/plain"})
        return self.user_named(handle)

    def well_known_did(self, request: Request):
        handle = request.route["host"]
        if handle in self.dns_only:
            raise Reply(404, "Not Found", {"Content-Type": "text/plain"})
        return Reply(200, self._did(self._known(handle)), {"Content-Type": "text/plain"})

    def resolve_handle(self, request: Request):
        handle = request.query.get("handle", "")
        if handle.lower() in self.missing:
            raise Reply(400, {"error": "InvalidRequest", "message": "Unable to resolve handle"})
        return {"did": self._did(self._known(handle))}

    def _document(self, user: User) -> dict:
        did = self._did(user)
        return {
            "@context": ["https://www.w3.org/ns/did/v1"],
            "id": did,
            "alsoKnownAs": [f"at://{self.also_known_as.get(user.name, user.name)}"],
            "verificationMethod": [
                {
                    "id": f"{did}#atproto",
                    "type": "Multikey",
                    "controller": did,
                    "publicKeyMultibase": "zQ3sh" + secrets.token_hex(20),
                }
            ],
            "service": [
                {
                    "id": "#atproto_pds",
                    "type": "AtprotoPersonalDataServer",
                    "serviceEndpoint": self.pds_endpoint or self.url,
                }
            ],
        }

    def plc_document(self, request: Request):
        user = self._user_by_did(request.route["did"])
        if user is None:
            raise Reply(404, {"message": f"DID not registered: {request.route['did']}"})
        return self._document(user)

    def did_web_document(self, request: Request):
        user = self._user_by_did("did:web:" + request.route["host"])
        if user is None:
            raise Reply(404, "Not Found", {"Content-Type": "text/plain"})
        return self._document(user)

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

    def delete_record(self, request: Request):
        user = self.current_user(request)
        data = request.json or {}
        if data.get("repo") not in {self._did(user), user.name}:
            raise Reply(400, {"error": "InvalidRequest", "message": "Invalid repo"})
        uri = f"at://{self._did(user)}/{data.get('collection')}/{data.get('rkey')}"
        with self.lock:
            post = self.posts.pop(uri, None)
        if post is None:  # nothing to delete: the PDS answers without a commit
            return {}
        return {"commit": {"cid": "bafyrei" + secrets.token_hex(8), "rev": self.new_id()}}

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
