"""Tokens and app passwords are unreadable in the database without the key."""

import pytest
from cryptography.fernet import Fernet
from django.db import connection

from ..conftest import APP_PASSWORD, connect
from ..crypto import SecretUnreadable
from ..models import NetworkAccount, PostState

pytestmark = pytest.mark.django_db


def test_database_holds_no_plaintext_token(start_fake, login, advocate, settings):
    fake = start_fake("x")
    account = connect(login(advocate), "x", fake)
    tokens = [account.access_token, account.refresh_token]
    assert all(t in fake.tokens or t in fake.refresh_tokens for t in tokens)
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM sharing_networkaccount")
        row = " ".join(str(value) for value in cursor.fetchone())
    for token in tokens:
        assert token not in row
    # Another key (say, a copied database without the key) reads nothing.
    settings.ADVOCATO_SECRETS_KEY = Fernet.generate_key().decode()
    stored = NetworkAccount.objects.get()
    with pytest.raises(SecretUnreadable):
        stored.access_token  # noqa: B018


def test_app_password_is_unreadable_with_another_key(start_fake, login, advocate, settings):
    fake = start_fake("bluesky")
    connect(login(advocate), "bluesky", fake)
    with connection.cursor() as cursor:
        cursor.execute("SELECT app_password_enc FROM sharing_networkaccount")
        assert APP_PASSWORD not in cursor.fetchone()[0]
    settings.ADVOCATO_SECRETS_KEY = Fernet.generate_key().decode()
    with pytest.raises(SecretUnreadable):
        NetworkAccount.objects.get().app_password  # noqa: B018


def test_rotated_key_still_reads_old_tokens(start_fake, login, advocate, settings):
    fake = start_fake("mastodon")
    account = connect(login(advocate), "mastodon", fake)
    old = settings.ADVOCATO_SECRETS_KEY
    settings.ADVOCATO_SECRETS_KEY = Fernet.generate_key().decode() + "," + old
    assert NetworkAccount.objects.get().access_token == account.access_token


def test_a_share_with_an_unreadable_token_waits_for_reconnecting(
    start_fake, login, advocate, settings, item, django_capture_on_commit_callbacks
):
    from .. import posting

    fake = start_fake("mastodon")
    connect(login(advocate), "mastodon", fake)
    settings.ADVOCATO_SECRETS_KEY = Fernet.generate_key().decode()
    with django_capture_on_commit_callbacks(execute=True):
        share = posting.schedule_share(advocate, item, "mastodon", f"Read {item.url}", "", "now")
    share.refresh_from_db()
    assert share.post_state == PostState.HELD
    assert "Reconnect" in share.error
    assert NetworkAccount.objects.get().needs_reconnect
    assert fake.posts == {}


def test_disconnecting_deletes_the_tokens(start_fake, login, advocate):
    fake = start_fake("mastodon")
    client = login(advocate)
    connect(client, "mastodon", fake)
    response = client.post("/profile/networks/mastodon/disconnect/")
    assert response.status_code == 302
    assert not NetworkAccount.objects.exists()
