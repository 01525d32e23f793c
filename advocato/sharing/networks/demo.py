"""The demo's own social networks: local fakes of LinkedIn, X, Mastodon and Bluesky, started
beside the demo's web server and worker, and configured as the company's apps so a newcomer
can click "Connect" and "Post now" and watch it work. Their engagement grows as posts age."""

from __future__ import annotations

import socket

from .bluesky.fake import FakeBluesky
from .linkedin.fake import FakeLinkedIn
from .mastodon.fake import FakeMastodon
from .x.fake import FakeX

FAKES = {"linkedin": FakeLinkedIn, "x": FakeX, "mastodon": FakeMastodon, "bluesky": FakeBluesky}


def _port_free(port: int) -> bool:
    with socket.socket() as sock:
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def start(web_port: int) -> dict:
    """Start the fakes, on fixed ports next to the web server's when free (so connections
    made in an earlier run can reconnect to the same address), and point the apps at them."""
    fakes = {}
    for offset, (network, cls) in enumerate(FAKES.items(), start=11):
        fake = cls(grow=True)
        port = web_port + offset
        fake.start(port if port < 65536 and _port_free(port) else 0)
        fakes[network] = fake
    configure(fakes)
    return fakes


def configure(fakes: dict) -> None:
    from django.utils.translation import gettext as _

    from ..models import NetworkAccount, NetworkApp

    for network, fake in fakes.items():
        app = NetworkApp.objects.filter(network=network).first() or NetworkApp(network=network)
        app.enabled, app.base_url = True, fake.url
        if network == "linkedin":  # the fake's app has every LinkedIn product
            app.linkedin_openid = app.linkedin_share = app.linkedin_analytics = True
        if hasattr(fake, "client_id"):
            app.client_id, app.client_secret = fake.client_id, fake.client_secret
        app.save()
    # The fakes keep nothing between runs: earlier connections must be made again.
    NetworkAccount.objects.filter(status=NetworkAccount.Status.ACTIVE).update(
        status=NetworkAccount.Status.RECONNECT,
        problem=_("The demo's networks were restarted. Reconnect to go on."),
    )
