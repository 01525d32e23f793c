"""The demo's own Slack and Teams: local fakes started beside the demo's web server (on the
web port + 15 and + 16 when free), the demo's two channels pointed at new webhooks on them,
and a welcome message queued for each, which the demo's worker delivers."""

from __future__ import annotations

import socket

from ..models import ChatChannel
from . import services
from .fakes import FakeChat, FakeSlack, FakeTeams


def _port_free(port: int) -> bool:
    with socket.socket() as sock:
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def start(web_port: int) -> dict[str, FakeChat]:
    fakes: dict[str, FakeChat] = {}
    for offset, (kind, cls) in enumerate((("slack", FakeSlack), ("teams", FakeTeams)), start=15):
        fake = cls()
        port = web_port + offset
        fake.start(port if port < 65536 and _port_free(port) else 0)
        fakes[kind] = fake
    return fakes


def configure(fakes: dict[str, FakeChat]) -> None:
    """Point each channel at a new webhook on its fake and queue a welcome message (call once
    the fakes' addresses are allowed: `settings.FETCH_ALLOWED_HOSTS`)."""
    for channel in ChatChannel.objects.all():
        fake = fakes.get(channel.kind)
        if not isinstance(fake, FakeSlack | FakeTeams):
            continue
        channel.webhook_url = fake.new_webhook()
        channel.save(update_fields=["webhook_url_enc", "webhook_hint"])
        services.send_test(channel)  # the welcome message, in the company's language
