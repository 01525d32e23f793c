"""A webhook receiver on 127.0.0.1 over real HTTP, and a signature check written here from the
Standard Webhooks specification (not the product's code), for the tests."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from advocato.conftest import free_port

TOLERANCE = 5 * 60  # the specification's suggested window against replays


class Invalid(Exception):
    pass


def verify(secret: str, headers: dict[str, str], body: bytes, now: float | None = None) -> dict:
    """Check one delivery as a receiver would: the timestamp within five minutes, one of the
    space-separated `v1,` signatures equal to base64(HMAC-SHA256(key, id.timestamp.body)) where
    the key is the base64 after `whsec_`. Returns the parsed body."""
    msg_id, stamp = headers["webhook-id"], headers["webhook-timestamp"]
    now = time.time() if now is None else now
    if abs(now - int(stamp)) > TOLERANCE:
        raise Invalid("timestamp outside the tolerance")
    key = base64.b64decode(secret.split("_", 1)[1])
    mac = hmac.new(key, msg_id.encode() + b"." + stamp.encode() + b"." + body, hashlib.sha256)
    expected = base64.b64encode(mac.digest())
    for candidate in headers["webhook-signature"].split():
        version, _, value = candidate.partition(",")
        if version == "v1" and hmac.compare_digest(value.encode(), expected):
            return json.loads(body)
    raise Invalid("no signature matches")


class Receiver:
    """Answers each POST with the next status in `replies` (then 204), keeping what came."""

    def __init__(self, port: int) -> None:
        self.requests: list[tuple[dict[str, str], bytes]] = []
        self.replies: list[int] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                receiver.requests.append(({k.lower(): v for k, v in self.headers.items()}, body))
                status = receiver.replies.pop(0) if receiver.replies else 204
                answer = b"" if status == 204 else f"answer {status}".encode()
                self.send_response(status)
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)

            def log_message(self, *args) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
        self.url = f"http://127.0.0.1:{port}/hooks/advocato"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver(settings):
    port = free_port()
    settings.FETCH_ALLOWED_HOSTS = [f"127.0.0.1:{port}"]
    found = Receiver(port)
    yield found
    found.stop()


@pytest.fixture
def endpoint(db, receiver, admin):
    from advocato.api.webhooks import events, services

    endpoint, secret = services.create_endpoint(
        url=receiver.url, events_=list(events.EVENTS), description="CRM", by=admin
    )
    endpoint.plain_secret = secret  # type: ignore[attr-defined]
    return endpoint
