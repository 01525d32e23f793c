"""`advocato demo` may fetch from and call exactly its own web server and its fake networks
on 127.0.0.1 — no other local port (it no longer opens all of 127.0.0.1/32)."""

from __future__ import annotations

import os
from types import SimpleNamespace

import pytest

from advocato import cli
from advocato.lib.fetch import FetchError, vet_url


def test_the_demo_allows_exactly_its_own_host_port_pairs(monkeypatch, settings):
    from advocato.enablement.chat import demo_fakes as demo_chat
    from advocato.sharing.networks import demo as demo_networks

    monkeypatch.delenv("ADVOCATO_FETCH_ALLOWED_HOSTS", raising=False)
    monkeypatch.delenv("ADVOCATO_FETCH_ALLOWED_NETWORKS", raising=False)
    for name in ("ADVOCATO_DATA_DIR", "ADVOCATO_HTTPS", "ADVOCATO_SITE_URL",
                 "ADVOCATO_EMAIL_BACKEND"):  # fmt: skip
        monkeypatch.setenv(name, os.environ.get(name, ""))  # restored after the test
    monkeypatch.setattr(cli, "_setup", lambda: None)
    monkeypatch.setattr(cli, "_django", lambda *argv: None)
    monkeypatch.setattr(
        demo_networks,
        "start",
        lambda port: {
            "linkedin": SimpleNamespace(url=f"http://127.0.0.1:{port + 11}"),
            "mastodon": SimpleNamespace(url="http://127.0.0.1:40123"),  # its port was busy
        },
    )
    monkeypatch.setattr(
        demo_chat,
        "start",
        lambda port: {"slack": SimpleNamespace(url=f"http://127.0.0.1:{port + 15}")},
    )
    configured: list = []
    monkeypatch.setattr(demo_chat, "configure", configured.append)
    from advocato.api.webhooks import demo as demo_webhooks

    monkeypatch.setattr(
        demo_webhooks, "start", lambda port: (None, f"http://127.0.0.1:{port + 17}/hooks/")
    )
    started = []

    class Process:
        def __init__(self, command, env):
            started.append(env)

        def wait(self):
            return 0

        def poll(self):
            return 0

    monkeypatch.setattr(cli.subprocess, "Popen", Process)
    # Through the fixture, so the demo's change to the settings is undone afterwards.
    settings.FETCH_ALLOWED_HOSTS = []
    settings.FETCH_ALLOWED_NETWORKS = []

    assert cli.demo(["--port", "8100"]) == 0

    expected = "127.0.0.1:8100,127.0.0.1:8111,127.0.0.1:40123,127.0.0.1:8115,127.0.0.1:8117"
    assert len(configured) == 1  # the chat channels pointed at the fakes
    assert [env["ADVOCATO_FETCH_ALLOWED_HOSTS"] for env in started] == [expected, expected]
    assert all("ADVOCATO_FETCH_ALLOWED_NETWORKS" not in env for env in started)
    vet_url("http://127.0.0.1:8100/static/advocato/demo-feeds/nordlys-blog.xml")
    vet_url("http://127.0.0.1:40123/api/v1/apps")
    for other in ("http://127.0.0.1:6379/", "http://127.0.0.1:8101/", "http://127.0.0.1/"):
        with pytest.raises(FetchError, match="loopback"):
            vet_url(other)
