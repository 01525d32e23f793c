"""A Mastodon server name is vetted on every request, not only when the advocate connects."""

import pytest

from advocato.lib import fetch
from advocato.sharing.networks.base import AppConfig, Permanent
from advocato.sharing.networks.mastodon.adapter import MastodonAdapter


def test_a_server_that_now_resolves_inside_our_network_is_not_called(monkeypatch):
    called = []
    monkeypatch.setattr(fetch, "resolve", lambda host, port: ["10.1.2.3"])
    monkeypatch.setattr("httpx.request", lambda *a, **k: called.append(a))
    adapter = MastodonAdapter(AppConfig("mastodon", "id", "secret", ""))
    with pytest.raises(Permanent, match="does not go"):
        adapter.call("GET", "https://social.example/api/v1/accounts/verify_credentials")
    assert called == []
