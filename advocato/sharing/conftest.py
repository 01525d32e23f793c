"""Fixtures for connected networks: the local fake networks on 127.0.0.1, configured as the
company's apps, and connecting an advocate through the real flow (OAuth over real HTTP)."""

from __future__ import annotations

from urllib.parse import urlsplit

import httpx
import pytest
from cryptography.fernet import Fernet

from .networks.bluesky.fake import FakeBluesky
from .networks.linkedin.fake import FakeLinkedIn
from .networks.mastodon.fake import FakeMastodon
from .networks.x.fake import FakeX

FAKES = {"linkedin": FakeLinkedIn, "x": FakeX, "mastodon": FakeMastodon, "bluesky": FakeBluesky}
APP_PASSWORD = "abcd-efgh-ijkl-mnop"  # noqa: S105 - the fake's app password format


@pytest.fixture
def network_settings(settings):
    settings.ADVOCATO_SECRETS_KEY = Fernet.generate_key().decode()
    settings.FETCH_ALLOWED_NETWORKS = ["127.0.0.1/32"]
    settings.NETWORK_TIMEOUT = 5.0
    return settings


def configure(network: str, fake, settings=None) -> None:
    """The company's app on the fake. Bluesky has no base URL (that would be an override):
    accounts are found from their handles, through the fake's identity documents."""
    from .models import NetworkApp

    app = NetworkApp(network=network, base_url=fake.url)
    app.linkedin_analytics = network == "linkedin"  # the fake's app has every product
    if network == "bluesky" and settings is not None:
        app.base_url = ""
        settings.BLUESKY_WELL_KNOWN_URL = fake.url + "/_hosts/{host}/.well-known/{name}"
        settings.BLUESKY_PLC_URL = fake.url + "/plc"
        settings.BLUESKY_HANDLE_RESOLVER = fake.url
    if hasattr(fake, "client_id"):
        app.client_id, app.client_secret = fake.client_id, fake.client_secret
    app.save()


@pytest.fixture
def start_fake(db, network_settings):
    started = []

    def _start(network: str, **kwargs):
        fake = FAKES[network](**kwargs)
        fake.start()
        started.append(fake)
        configure(network, fake, network_settings)
        return fake

    yield _start
    for fake in started:
        fake.stop()
    from django.core.cache import cache

    cache.clear()  # e.g. Bluesky's "wait before the next createSession"


def connect(client, network: str, fake, username: str = "anna.holm",
            app_password: str = APP_PASSWORD):  # fmt: skip
    """Connect the signed-in advocate through the real flow; returns their account."""
    from .models import NetworkAccount

    url = f"/profile/networks/{network}/connect/"
    if network == "bluesky":
        response = client.post(url, {"handle": f"{username}.bsky.test",
                                     "app_password": app_password})  # fmt: skip
        assert response.status_code == 302, response.content.decode()[:2000]
    else:
        data = {"instance": fake.url} if network == "mastodon" else {}
        response = client.post(url, data)
        assert response.status_code == 302, response.content.decode()[:2000]
        authorize = response["Location"]
        assert authorize.startswith(fake.url)
        page = httpx.get(authorize)
        assert page.status_code == 200 and "Allow" in page.text
        params = dict(httpx.URL(authorize).params)
        approved = httpx.post(
            authorize.split("?")[0], data={**params, "decision": "allow", "username": username}
        )
        assert approved.status_code == 302
        back = urlsplit(approved.headers["location"])
        response = client.get(f"{back.path}?{back.query}")
        assert response.status_code == 302
        assert response["Location"] == "/profile/networks/"
    return NetworkAccount.objects.filter(network=network).latest("connected_at")


@pytest.fixture
def item(db):
    from django.utils import timezone

    from advocato.content.models import ContentItem

    return ContentItem.objects.create(
        title="Wind technicians wanted", url="https://nordlys.example/jobs/42",
        commentary="Join the team that keeps the turbines turning.", status="published",
        published_at=timezone.now(), language="en",
    )  # fmt: skip
