"""The demo company's webhook: its CRM receives new shares, posted shares and conversions.
The log holds the last week's deliveries — most answered at once, two only on a retry after a
503, and one given up after a night when the CRM was down (it can be sent again). `advocato
demo` starts a small receiver on this machine that checks each signature (`start`), and points
the endpoint at it, so events the demo makes are delivered for real."""

from __future__ import annotations

import random
import threading
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from django.db import connections
from django.utils import timezone

from advocato.core.audit import acting_as
from advocato.links.models import Conversion
from advocato.people.models import Employee
from advocato.sharing.models import Share

from . import events, signing
from .models import WebhookAttempt, WebhookEndpoint, WebhookMessage
from .services import RETRY_DELAYS, secrets_for

STEPS = 1
DESCRIPTION = "CRM (demo receiver)"
RECEIVER_OFFSET = (
    17  # the receiver's port: the web server's + 17 (the chat fakes take + 15 and + 16)
)
PATH = "/hooks/advocato"


def build(rng: random.Random, progress) -> dict:
    now = timezone.now().replace(microsecond=0)
    admin = Employee.objects.get(email="admin@nordlys.example")
    with acting_as(None):
        endpoint = WebhookEndpoint(
            url=f"http://127.0.0.1:{8000 + RECEIVER_OFFSET}{PATH}",
            description=DESCRIPTION,
            events=[events.SHARE_CREATED, events.SHARE_POSTED, events.CONVERSION_CREATED],
            created_by=admin,
            created_at=now - timedelta(days=8),
        )
        endpoint.secret = signing.new_secret()
        endpoint.save()
        week = now - timedelta(days=7)
        found: list[tuple] = []
        for share in Share.objects.filter(created_at__gte=week).select_related(
            "item", "employee", "link"
        ).order_by("-created_at")[:24]:  # fmt: skip
            found.append((share.created_at, events.SHARE_CREATED, events.share_created(share)))
        for conversion in Conversion.objects.filter(at__gte=week).select_related(
            "link__share__item", "link__share__employee"
        ).order_by("-at")[:8]:  # fmt: skip
            found.append(
                (conversion.at, events.CONVERSION_CREATED, events.conversion_created(conversion))
            )
        found.sort(key=lambda row: row[0])
        troubled = set(rng.sample(range(len(found)), min(2, len(found))))
        # The night the CRM was down: the message given up on, which an admin can send again.
        lost = len(found) // 2 if found else None
        for n, (at, event_type, data) in enumerate(found):
            _logged(endpoint, at, event_type, data, rng, troubled=n in troubled, lost=n == lost)
    progress.update(1)
    return {"webhook_messages": len(found)}


def _logged(endpoint, at, event_type, data, rng, *, troubled: bool, lost: bool) -> None:
    message = WebhookMessage.objects.create(
        endpoint=endpoint,
        msg_id=signing.new_message_id(),
        event_type=event_type,
        body=events.body(event_type, data, at),
        created_at=at,
    )
    tries: list[WebhookAttempt] = []
    moment = at + timedelta(milliseconds=rng.randint(80, 400))
    if lost:
        for delay in [timedelta(0), *RETRY_DELAYS]:
            moment += delay
            tries.append(
                WebhookAttempt(
                    message=message, endpoint=endpoint, at=moment, duration_ms=rng.randint(1, 5),
                    error="Could not connect to crm.nordlys.example. The site may be down; "
                    "try again later.",
                )
            )  # fmt: skip
        status = WebhookMessage.Status.FAILED
    else:
        if troubled:
            tries.append(
                WebhookAttempt(
                    message=message, endpoint=endpoint, at=moment, status_code=503,
                    duration_ms=rng.randint(30, 90), response="Service Unavailable",
                )
            )  # fmt: skip
            moment += RETRY_DELAYS[0]
        tries.append(
            WebhookAttempt(
                message=message, endpoint=endpoint, at=moment, status_code=204, ok=True,
                duration_ms=rng.randint(40, 260),
            )
        )  # fmt: skip
        status = WebhookMessage.Status.DELIVERED
    WebhookAttempt.objects.bulk_create(tries)
    message.status = status
    message.attempts = len(tries)
    message.delivered_at = tries[-1].at if status == WebhookMessage.Status.DELIVERED else None
    message.save(update_fields=["status", "attempts", "delivered_at"])


class DemoReceiver:
    """The demo's CRM stand-in: checks each request's signature against the endpoint's secrets
    and answers 204 (401 when a signature is wrong); GET / says how many arrived."""

    def __init__(self, endpoint_id: int) -> None:
        self.endpoint_id = endpoint_id
        self.received = 0
        self.server: ThreadingHTTPServer | None = None

    def start(self, port: int) -> str:
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", "0") or 0))
                ok = receiver.valid(
                    self.headers.get("webhook-id", ""),
                    self.headers.get("webhook-timestamp", ""),
                    self.headers.get("webhook-signature", ""),
                    body,
                )
                receiver.received += ok
                self.send_response(204 if ok else 401)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def do_GET(self) -> None:
                text = f"Demo webhook receiver: {receiver.received} verified messages.\n".encode()
                self.send_response(200)
                self.send_header("Content-Type", "text/plain; charset=utf-8")
                self.send_header("Content-Length", str(len(text)))
                self.end_headers()
                self.wfile.write(text)

            def log_message(self, *args) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return f"http://127.0.0.1:{self.server.server_address[1]}{PATH}"

    def valid(self, msg_id: str, stamp: str, header: str, body: bytes) -> bool:
        if not stamp.isdigit():
            return False
        # Read each time: an admin may make a new secret while the demo runs.
        try:
            endpoint = WebhookEndpoint.objects.get(pk=self.endpoint_id)
            secrets = secrets_for(endpoint, timezone.now())
        finally:
            connections.close_all()
        given = set(header.split())
        return any(signing.signature(s, msg_id, int(stamp), body) in given for s in secrets)


def start(web_port: int) -> tuple[DemoReceiver, str] | None:
    """Start the receiver beside the demo's web server and point the demo endpoint at it.
    Returns it and its address (None without a demo endpoint)."""
    endpoint = WebhookEndpoint.objects.filter(description=DESCRIPTION).first()
    if endpoint is None:
        return None
    receiver = DemoReceiver(endpoint.pk)
    port = web_port + RECEIVER_OFFSET
    try:
        url = receiver.start(port if port < 65536 else 0)
    except OSError:
        url = receiver.start(0)
    WebhookEndpoint.objects.filter(pk=endpoint.pk).update(url=url)
    return receiver, url
