"""Address vetting when saved, for the addresses the server calls on the networks' side: a
network app's base URL (admin) and a Mastodon server name (advocate)."""

import socket

import pytest

from advocato.lib import fetch
from advocato.sharing.models import MastodonApp, NetworkAccount, NetworkApp


@pytest.fixture
def dns(monkeypatch, settings):
    settings.FETCH_ALLOWED_NETWORKS = []
    settings.FETCH_ALLOWED_HOSTS = []
    records = {"social.example": ["93.184.215.14"], "inside.example": ["192.168.0.7"]}

    def fake_resolve(host, port):
        if host not in records:
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        return records[host]

    monkeypatch.setattr(fetch, "resolve", fake_resolve)


@pytest.mark.parametrize(
    ("url", "reason"),
    [("http://127.0.0.1:11211/", "loopback"), ("https://inside.example/", "private"),
     ("http://169.254.169.254/", "metadata"), ("http://0x7f.1/", "unusual form"),
     ("http://[::ffff:10.0.0.1]/", "private")],
)  # fmt: skip
def test_a_network_app_base_url_inside_is_refused(login, admin, dns, url, reason):
    response = login(admin).post("/networks/apps/", {
        "network": "x", "x-enabled": "on", "x-client_id": "id", "x-base_url": url,
    })  # fmt: skip
    assert response.status_code == 400
    assert reason in response.content.decode()
    assert not NetworkApp.objects.exists()


def test_a_public_network_app_base_url_is_kept(login, admin, dns):
    response = login(admin).post("/networks/apps/", {
        "network": "x", "x-enabled": "on", "x-client_id": "id",
        "x-base_url": "https://social.example/",
    })  # fmt: skip
    assert response.status_code == 302
    assert NetworkApp.objects.get().base_url == "https://social.example/"


@pytest.mark.parametrize(
    ("instance", "reason"),
    [("inside.example", "private"), ("@me@127.0.0.1", "loopback"),
     ("https://2130706433/@me", "unusual form"), ("169.254.169.254", "metadata")],
)  # fmt: skip
def test_a_mastodon_server_inside_is_refused(login, advocate, dns, instance, reason):
    NetworkApp.objects.create(network="mastodon", enabled=True)
    response = login(advocate).post("/profile/networks/mastodon/connect/", {"instance": instance})
    assert reason in response.content.decode()
    assert not MastodonApp.objects.exists() and not NetworkAccount.objects.exists()
