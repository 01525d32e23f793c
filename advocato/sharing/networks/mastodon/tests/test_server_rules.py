"""Mastodon as its documentation describes it: each server's own length rules
(`/api/v2/instance`), revoking the token on disconnecting (`POST /oauth/revoke`), and an
Idempotency-Key that the server keeps for one hour only."""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from advocato.sharing.conftest import connect

pytestmark = pytest.mark.django_db


@pytest.fixture
def server(start_fake):
    fake = start_fake("mastodon")
    fake.max_characters, fake.characters_reserved_per_url = 1000, 30  # a generous server
    return fake


def test_the_composer_counts_as_the_advocates_server_does(server, login, advocate, item):
    from advocato.sharing.models import MastodonApp

    client = login(advocate)
    connect(client, "mastodon", server)
    app = MastodonApp.objects.get()
    assert (app.max_characters, app.characters_reserved_per_url) == (1000, 30)
    page = client.get(f"/feed/{item.pk}/share/?network=mastodon").content.decode()
    assert 'data-limit="1000"' in page and 'data-url-length="30"' in page
    long_text = "a" * 900 + f" {item.url}"  # 930 here; over the usual 500
    checks = client.post(f"/feed/{item.pk}/share/check/", {"network": "mastodon",
                         "text": long_text}, content_type="application/json").json()  # fmt: skip
    assert "length" not in [c["code"] for c in checks["checks"]]
    too_long = "a" * 980 + f" {item.url}"  # 1011 with the link as 30
    checks = client.post(f"/feed/{item.pk}/share/check/", {"network": "mastodon",
                         "text": too_long}, content_type="application/json").json()  # fmt: skip
    [length] = [c for c in checks["checks"] if c["code"] == "length"]
    assert "1011 of 1000" in length["message"]


def test_a_server_that_does_not_describe_itself_keeps_the_usual_rules(
    server, login, advocate, monkeypatch
):
    from advocato.sharing import connections
    from advocato.sharing.models import MastodonApp

    server.routes = [r for r in server.routes if "instance" not in r[1]]  # 404 for both
    client = login(advocate)
    connect(client, "mastodon", server)
    assert MastodonApp.objects.get().max_characters is None
    assert connections.text_limits(advocate, "mastodon") == (None, None)


def test_disconnecting_revokes_the_token_on_the_server(server, login, advocate):
    from advocato.sharing.models import NetworkAccount

    client = login(advocate)
    account = connect(client, "mastodon", server)
    token = account.access_token
    client.post("/profile/networks/mastodon/disconnect/")
    assert server.revoked_tokens == [token] and token not in server.tokens
    assert not NetworkAccount.objects.exists()


def test_disconnecting_while_the_server_is_down_still_forgets_locally(
    server, login, advocate, caplog
):
    from advocato.sharing.models import NetworkAccount

    client = login(advocate)
    connect(client, "mastodon", server)
    server.stop()
    client.post("/profile/networks/mastodon/disconnect/")
    assert not NetworkAccount.objects.exists()
    assert "Could not revoke the mastodon token" in caplog.text


def test_the_server_forgets_an_idempotency_key_after_an_hour(server, login, advocate):
    from advocato.sharing.networks.mastodon.adapter import MastodonAdapter

    account = connect(login(advocate), "mastodon", server)
    adapter = MastodonAdapter()
    kwargs = {"text": "Hello", "link": "", "title": "", "description": "", "key": "k-1"}
    first = adapter.post(account, **kwargs)
    assert adapter.post(account, **kwargs).external_id == first.external_id
    with time_machine.travel(timezone.now() + timedelta(minutes=61)):
        later = adapter.post(account, **kwargs)
    assert later.external_id != first.external_id and len(server.posts) == 2
