"""The shared machinery of the local fake networks: a real HTTP server on 127.0.0.1 with the
switches tests (and the demo) use to make a network slow, rate-limit, expire or revoke tokens,
fail with 5xx, or reject content. Each network's `fake.py` adds the requests and responses our
adapter uses, as the network documents them.

`/_fake/` shows what a fake holds and lets a person flip the switches (the demo links to it)."""

from __future__ import annotations

import hashlib
import html
import json
import re
import secrets
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit


@dataclass
class Switches:
    slow: float = 0.0  # seconds every API answer waits
    rate_limit: int = 0  # the next N API calls answer 429
    retry_after: int = 2  # seconds the 429 asks for
    fail: int = 0  # the next N API calls answer 503
    reject: bool = False  # posts are rejected as the network rejects content


@dataclass
class Request:
    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]  # lower-case names
    body: bytes
    match: re.Match | None = None

    @property
    def route(self) -> re.Match:
        """The route's match, for a handler (it is set before a handler is called)."""
        assert self.match is not None
        return self.match

    @property
    def json(self) -> Any:
        try:
            return json.loads(self.body or b"{}")
        except ValueError:
            return None

    @property
    def form(self) -> dict[str, str]:
        if "json" in self.headers.get("content-type", ""):
            data = self.json
            return {k: str(v) for k, v in data.items()} if isinstance(data, dict) else {}
        return {k: v[-1] for k, v in parse_qs(self.body.decode(errors="replace")).items()}

    def bearer(self) -> str:
        value = self.headers.get("authorization", "")
        return value[7:] if value.lower().startswith("bearer ") else ""


@dataclass
class Reply(Exception):
    status: int
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)


@dataclass
class User:
    id: str
    name: str
    followers: int


def followers_for(name: str) -> int:
    return 100 + int(hashlib.sha256(name.encode()).hexdigest(), 16) % 900


class FakeNetwork:
    name = "fake"
    token_lifetime: int | None = 3600
    routes: list[tuple[str, str, str, bool]] = []  # (method, path regex, handler, is API)

    def __init__(self, *, grow: bool = False):
        self.switches = Switches()
        self.lock = threading.RLock()
        self.users: dict[str, User] = {}
        self.tokens: dict[str, dict] = {}  # access token -> {"user", "expires"}
        self.refresh_tokens: dict[str, str] = {}  # refresh token -> user id
        self.codes: dict[str, dict] = {}
        self.posts: dict[str, dict] = {}
        self.post_requests = 0  # posting calls that reached the handler
        self.requests: list[tuple[str, str]] = []
        self.grow = grow  # the demo: engagement grows as posts age
        self.server: ThreadingHTTPServer | None = None
        self.url = ""
        self._next_id = 1000

    # --- running ---------------------------------------------------------------------------

    def start(self, port: int = 0) -> str:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def _handle(self):
                fake._dispatch(self)

            do_GET = do_POST = do_DELETE = do_PUT = _handle

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        return self.url

    def stop(self) -> None:
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()

    # --- the switches ----------------------------------------------------------------------

    def expire_tokens(self) -> None:
        """Every access token issued so far has run out (refresh tokens still work)."""
        with self.lock:
            for token in self.tokens.values():
                token["expires"] = time.time() - 1

    def revoke(self) -> None:
        """The member revoked the app: no token, refresh token or password works any more."""
        with self.lock:
            self.tokens.clear()
            self.refresh_tokens.clear()
            self.revoked = True

    revoked = False

    # --- helpers for the networks ----------------------------------------------------------

    def new_id(self) -> str:
        with self.lock:
            self._next_id += 1
            return str(self._next_id)

    def user_named(self, name: str) -> User:
        with self.lock:
            for user in self.users.values():
                if user.name == name:
                    return user
            user = User(self.new_id(), name, followers_for(name))
            self.users[user.id] = user
            return user

    def issue(self, user: User) -> tuple[str, str]:
        access, refresh = secrets.token_urlsafe(24), secrets.token_urlsafe(24)
        with self.lock:
            self.revoked = False
            expires = time.time() + self.token_lifetime if self.token_lifetime else None
            self.tokens[access] = {"user": user.id, "expires": expires}
            self.refresh_tokens[refresh] = user.id
        return access, refresh

    def token_problem(self, request: Request) -> str:
        """ "" if the bearer token is good; else "missing", "invalid" or "expired"."""
        token = request.bearer()
        if not token:
            return "missing"
        info = self.tokens.get(token)
        if info is None:
            return "invalid"
        if info["expires"] is not None and info["expires"] < time.time():
            return "expired"
        return ""

    def current_user(self, request: Request) -> User:
        problem = self.token_problem(request)
        if problem:
            raise Reply(*self.token_error(problem))
        return self.users[self.tokens[request.bearer()]["user"]]

    def metrics(self, post: dict) -> dict[str, int]:
        if self.grow:
            age = max(0, int(time.time() - post["created"]))
            return {
                "likes": age // 20,
                "replies": age // 90,
                "reposts": age // 60,
                "impressions": age * 3,
                "reached": age * 2,
            }
        return post["metrics"]

    def engage(self, post_id: str, **counts: int) -> None:
        """Set a post's engagement: likes, replies, reposts, impressions, reached."""
        with self.lock:
            self.posts[post_id]["metrics"].update(counts)

    def new_post(self, user: User, **data) -> dict:
        post = {
            "id": data.pop("id", None) or self.new_id(),
            "user": user.id,
            "created": time.time(),
            "metrics": {"likes": 0, "replies": 0, "reposts": 0, "impressions": 0, "reached": 0},
            **data,
        }
        with self.lock:
            self.posts[post["id"]] = post
        return post

    # --- what each network answers ---------------------------------------------------------

    def token_error(self, problem: str) -> tuple[int, Any]:
        return 401, {"error": "invalid token"}

    def rate_limited(self) -> Reply:
        return Reply(
            429, {"error": "Too many requests"}, {"Retry-After": str(self.switches.retry_after)}
        )

    def server_error(self) -> Reply:
        return Reply(503, {"error": "Service Unavailable"})

    # --- authorisation page (OAuth networks) ------------------------------------------------

    def consent(self, request: Request, client_ok) -> Reply:
        """The network's "allow this app?" page; approving redirects back with a code."""
        params = request.query if request.method == "GET" else request.form
        redirect_uri, state = params.get("redirect_uri", ""), params.get("state", "")
        if not client_ok(params.get("client_id", ""), redirect_uri):
            return Reply(
                400,
                f"<h1>{self.name}: unknown app or redirect address</h1>",
                {"Content-Type": "text/html"},
            )
        if request.method == "POST":
            if params.get("decision") == "deny":
                query = urlencode({"error": "access_denied", "state": state})
                return Reply(302, "", {"Location": f"{redirect_uri}?{query}"})
            user = self.user_named(params.get("username") or "demo.advocate")
            code = secrets.token_urlsafe(16)
            with self.lock:
                self.codes[code] = {
                    "user": user.id,
                    "client_id": params.get("client_id", ""),
                    "redirect_uri": redirect_uri,
                    "challenge": params.get("code_challenge", ""),
                    "scope": params.get("scope", ""),
                }
            query = urlencode({"code": code, "state": state})
            return Reply(302, "", {"Location": f"{redirect_uri}?{query}"})
        hidden = "".join(
            f'<input type="hidden" name="{html.escape(k)}" value="{html.escape(v)}">'
            for k, v in params.items()
        )
        page = f"""<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width"><title>{self.name} (fake)</title></head>
<body style="font-family:sans-serif;max-width:30rem;margin:2rem auto">
<h1>{self.name} <small>(local fake)</small></h1>
<p>Advocato wants to post on your behalf and read your posts' numbers.</p>
<form method="post">{hidden}
<label>Your name on {self.name} <input name="username" value="demo.advocate"></label>
<p><button name="decision" value="allow" id="allow">Allow</button>
<button name="decision" value="deny">Deny</button></p></form></body></html>"""
        return Reply(200, page, {"Content-Type": "text/html; charset=utf-8"})

    def take_code(self, code: str) -> dict:
        with self.lock:
            grant = self.codes.pop(code, None)
        if grant is None:
            raise Reply(
                400,
                {
                    "error": "invalid_grant",
                    "error_description": "The authorization code is invalid.",
                },
            )
        return grant

    # --- the control page ------------------------------------------------------------------

    def control(self, request: Request) -> Reply:
        if request.method == "POST":
            form = request.form
            with self.lock:
                self.switches.slow = float(form.get("slow") or 0)
                self.switches.rate_limit = int(form.get("rate_limit") or 0)
                self.switches.fail = int(form.get("fail") or 0)
                self.switches.reject = form.get("reject") == "on"
            if form.get("expire"):
                self.expire_tokens()
            if form.get("revoke"):
                self.revoke()
            return Reply(303, "", {"Location": "/_fake/"})
        s = self.switches
        rows = "".join(
            f"<tr><td>{html.escape(p['id'])}</td><td>{html.escape(p.get('text', ''))}</td>"
            f"<td>{self.metrics(p)}</td></tr>"
            for p in self.posts.values()
        )
        page = f"""<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">
<title>{self.name} (fake): control</title></head><body style="font-family:sans-serif">
<h1>{self.name} (local fake)</h1><form method="post">
<label>Slow (seconds) <input name="slow" value="{s.slow}"></label>
<label>Rate-limit next N calls <input name="rate_limit" value="{s.rate_limit}"></label>
<label>Fail next N calls (503) <input name="fail" value="{s.fail}"></label>
<label><input type="checkbox" name="reject"{" checked" if s.reject else ""}> Reject posts</label>
<label><input type="checkbox" name="expire"> Expire tokens now</label>
<label><input type="checkbox" name="revoke"> Revoke every connection</label>
<button>Apply</button></form>
<h2>Posts ({len(self.posts)})</h2><table>{rows}</table></body></html>"""
        return Reply(200, page, {"Content-Type": "text/html; charset=utf-8"})

    # --- dispatch --------------------------------------------------------------------------

    def _dispatch(self, handler: BaseHTTPRequestHandler) -> None:
        parts = urlsplit(handler.path)
        length = int(handler.headers.get("Content-Length") or 0)
        request = Request(
            method=handler.command,
            path=parts.path,
            query={k: v[-1] for k, v in parse_qs(parts.query, keep_blank_values=True).items()},
            headers={k.lower(): v for k, v in handler.headers.items()},
            body=handler.rfile.read(length) if length else b"",
        )
        with self.lock:
            self.requests.append((request.method, handler.path))
        try:
            reply = self._route(request)
        except Reply as answer:
            reply = answer
        body = reply.body
        headers = dict(reply.headers)
        if isinstance(body, dict | list):
            data = json.dumps(body).encode()
            headers.setdefault("Content-Type", "application/json; charset=utf-8")
        else:
            data = (body or "").encode() if isinstance(body, str) else (body or b"")
            headers.setdefault("Content-Type", "text/plain; charset=utf-8")
        try:
            handler.send_response(reply.status)
            for name, value in headers.items():
                handler.send_header(name, value)
            handler.send_header("Content-Length", str(len(data)))
            handler.end_headers()
            handler.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up (our timeout): that is what "slow" is for

    def _route(self, request: Request) -> Reply:
        if request.path.rstrip("/") == "/_fake":
            return self.control(request)
        for method, pattern, name, is_api in self.routes:
            match = re.fullmatch(pattern, request.path)
            if match is None or method != request.method:
                continue
            request.match = match
            if is_api:
                self._switch_effects()
            result = getattr(self, name)(request)
            return result if isinstance(result, Reply) else Reply(200, result)
        return Reply(404, {"error": "Not found"})

    def _switch_effects(self) -> None:
        s = self.switches
        if s.slow:
            time.sleep(s.slow)
        with self.lock:
            if s.rate_limit > 0:
                s.rate_limit -= 1
                raise self.rate_limited()
            if s.fail > 0:
                s.fail -= 1
                raise self.server_error()
