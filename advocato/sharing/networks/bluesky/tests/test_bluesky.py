"""Bluesky against its local fake: the shared contract, plus app passwords, the link facet,
the embed card and the record key that makes posting exactly-once."""

import pytest

from ...contract import NetworkContract

pytestmark = pytest.mark.django_db


class TestBluesky(NetworkContract):
    network = "bluesky"
    refreshable = True

    def test_main_password_is_refused(self, start_fake, login, advocate):
        from ....models import NetworkAccount

        start_fake("bluesky")
        response = login(advocate).post(
            "/profile/networks/bluesky/connect/",
            {"handle": "anna.bsky.test", "app_password": "my-real-password"},
        )
        assert response.status_code == 400
        assert "app password" in response.content.decode()
        assert not NetworkAccount.objects.exists()

    def test_app_password_is_stored_encrypted(self, fake, account):
        from ....conftest import APP_PASSWORD

        assert account.app_password == APP_PASSWORD
        assert APP_PASSWORD not in account.app_password_enc

    def test_post_has_link_facet_and_external_card(self, fake, account, advocate, item):
        share = self.schedule(advocate, item)
        share.refresh_from_db()
        record = fake.posts[share.external_id]["record"]
        link = record["embed"]["external"]["uri"]
        assert link.endswith(f"/l/{share.link.code}")
        assert record["embed"]["$type"] == "app.bsky.embed.external"
        facet = record["facets"][0]
        start, end = facet["index"]["byteStart"], facet["index"]["byteEnd"]
        assert record["text"].encode()[start:end].decode() == link
        assert share.external_id.endswith("/" + share.idempotency_key)
        assert share.permalink.endswith("/post/" + share.idempotency_key)

    def test_a_lost_session_is_reopened_with_the_app_password(self, fake, account, advocate,
                                                              item):  # fmt: skip
        fake.tokens.clear()
        fake.refresh_tokens.clear()
        before = fake.sessions_created
        share = self.schedule(advocate, item)
        share.refresh_from_db()
        assert share.post_state == "posted"
        assert fake.sessions_created == before + 1


# --- Discovery: the account's own PDS, from its handle --------------------------------------

HANDLE = "anna.holm.bsky.test"


def connect_form(login, advocate, handle=HANDLE):
    from ....conftest import APP_PASSWORD

    return login(advocate).post(
        "/profile/networks/bluesky/connect/", {"handle": handle, "app_password": APP_PASSWORD}
    )


def paths(fake):
    return [path for _method, path in fake.requests]


def test_the_account_is_found_from_its_handle(start_fake, login, advocate):
    from ....models import NetworkAccount

    fake = start_fake("bluesky")
    response = connect_form(login, advocate)
    assert response.status_code == 302, response.content.decode()[:2000]
    account = NetworkAccount.objects.get()
    assert account.instance == fake.url  # the PDS named in the DID document
    assert account.external_id.startswith("did:plc:")
    assert f"/_hosts/{HANDLE}/.well-known/atproto-did" in paths(fake)
    assert f"/plc/{account.external_id}" in paths(fake)
    assert account.expires_at is not None  # from the access token's exp: renewed in time


def test_a_handle_with_only_a_dns_record_goes_through_the_resolver(start_fake, login,
                                                                   advocate):  # fmt: skip
    from ....models import NetworkAccount

    fake = start_fake("bluesky")
    fake.dns_only.add(HANDLE)
    assert connect_form(login, advocate).status_code == 302
    assert any("identity.resolveHandle?handle=" in p for p in paths(fake))
    assert NetworkAccount.objects.get().instance == fake.url


def test_without_a_resolver_a_dns_only_handle_is_not_found(start_fake, login, advocate,
                                                           settings):  # fmt: skip
    fake = start_fake("bluesky")
    fake.dns_only.add(HANDLE)
    settings.BLUESKY_HANDLE_RESOLVER = ""
    response = connect_form(login, advocate)
    assert response.status_code == 400
    assert f"No Bluesky account was found for {HANDLE}" in response.content.decode()
    assert not any("resolveHandle" in p for p in paths(fake))


def test_a_did_web_account(start_fake, login, advocate):
    from ....models import NetworkAccount

    fake = start_fake("bluesky")
    fake.did_web.add(HANDLE)
    assert connect_form(login, advocate).status_code == 302
    assert NetworkAccount.objects.get().external_id == f"did:web:{HANDLE}"
    assert f"/_hosts/{HANDLE}/.well-known/did.json" in paths(fake)


def test_an_unknown_handle_says_so(start_fake, login, advocate):
    from ....models import NetworkAccount

    fake = start_fake("bluesky")
    fake.missing.add("nobody.bsky.test")
    response = connect_form(login, advocate, "nobody.bsky.test")
    assert response.status_code == 400
    assert "No Bluesky account was found for nobody.bsky.test" in response.content.decode()
    assert not NetworkAccount.objects.exists() and fake.sessions_created == 0


def test_a_handle_its_identity_does_not_confirm_is_refused(start_fake, login, advocate):
    # Anyone can point their domain at someone else's DID: the DID document must name the
    # handle back, or the handle is not theirs.
    from ....models import NetworkAccount

    fake = start_fake("bluesky")
    fake.also_known_as[HANDLE] = "someone-else.bsky.test"
    response = connect_form(login, advocate)
    assert response.status_code == 400
    assert f"does not confirm the handle {HANDLE}" in response.content.decode()
    assert not NetworkAccount.objects.exists() and fake.sessions_created == 0


def test_a_pds_on_a_private_address_is_refused(start_fake, login, advocate):
    from ....models import NetworkAccount

    fake = start_fake("bluesky")
    fake.pds_endpoint = "http://10.20.30.40:2583"
    response = connect_form(login, advocate)
    assert response.status_code == 400
    assert "is not one Advocato may connect to" in response.content.decode()
    assert not NetworkAccount.objects.exists() and fake.sessions_created == 0


def test_the_company_pds_overrides_discovery(start_fake, login, advocate):
    from ....models import NetworkAccount, NetworkApp

    fake = start_fake("bluesky")
    NetworkApp.objects.filter(network="bluesky").update(base_url=fake.url)
    assert connect_form(login, advocate).status_code == 302
    assert NetworkAccount.objects.get().instance == fake.url
    assert not any("well-known" in p or p.startswith("/plc/") for p in paths(fake))


# --- Sessions: refreshed, not reopened; createSession's rate limit --------------------------


class TestSessions:
    @pytest.fixture
    def fake(self, start_fake):
        return start_fake("bluesky")

    @pytest.fixture
    def account(self, fake, login, advocate, django_capture_on_commit_callbacks):
        from ....conftest import connect

        with django_capture_on_commit_callbacks(execute=True):
            return connect(login(advocate), "bluesky", fake)

    def post(self, advocate, item, capture):
        from .... import posting
        from ...contract import post_text

        with capture(execute=True):
            share = posting.schedule_share(advocate, item, "bluesky", post_text(item), "", "now",
                                           None)  # fmt: skip
        share.refresh_from_db()
        return share

    def test_an_expired_access_token_is_refreshed_not_reopened(
        self, fake, account, advocate, item, django_capture_on_commit_callbacks
    ):
        fake.expire_tokens()
        share = self.post(advocate, item, django_capture_on_commit_callbacks)
        assert share.post_state == "posted", share.error
        assert (fake.sessions_refreshed, fake.sessions_created) == (1, 1)

    def test_the_token_is_renewed_before_it_runs_out(
        self, fake, account, advocate, item, django_capture_on_commit_callbacks
    ):
        from datetime import timedelta

        import time_machine

        with time_machine.travel(account.expires_at - timedelta(minutes=5)):
            share = self.post(advocate, item, django_capture_on_commit_callbacks)
        assert share.post_state == "posted", share.error
        assert fake.sessions_refreshed == 1
        calls = [p.split("?")[0].rsplit("/", 1)[-1] for p in paths(fake)]
        # Renewed first, then one createRecord: no attempt with a token about to run out.
        assert calls[-2:] == ["com.atproto.server.refreshSession", "com.atproto.repo.createRecord"]

    def test_create_session_rate_limit_waits_and_is_not_hammered(
        self, fake, account, advocate, item, django_capture_on_commit_callbacks
    ):
        from django.utils import timezone

        fake.session_limit = 1  # the connection used it
        fake.tokens.clear()
        fake.refresh_tokens.clear()
        share = self.post(advocate, item, django_capture_on_commit_callbacks)
        assert share.post_state == "scheduled"
        assert "slow down" in share.error
        wait = (share.scheduled_for - timezone.now()).total_seconds()
        assert 200 < wait <= 301, wait  # until the window's ratelimit-reset
        attempts = len(fake.session_attempts[account.external_id])
        # Another renewal before the wait is over (another share, the worker's sweep) does
        # not ask Bluesky again: it waits for what is left.
        from ....connections import refresh
        from ....networks.base import Transient, adapter_for

        account.refresh_from_db()
        with pytest.raises(Transient) as waiting:
            refresh(account, adapter_for("bluesky"))
        assert waiting.value.retry_after is not None and 200 < waiting.value.retry_after <= 301
        assert len(fake.session_attempts[account.external_id]) == attempts
        assert fake.posts == {}

    def test_the_pds_is_vetted_again_at_each_use(
        self, fake, account, advocate, item, settings, django_capture_on_commit_callbacks
    ):
        settings.FETCH_ALLOWED_NETWORKS = []  # 127.0.0.1 is no longer allowed
        share = self.post(advocate, item, django_capture_on_commit_callbacks)
        assert share.post_state == "failed"
        assert "is not one Advocato may connect to" in share.error
        assert fake.post_requests == 0

    def test_delete_removes_the_record(
        self, fake, account, advocate, item, django_capture_on_commit_callbacks
    ):
        from ....networks.base import adapter_for

        share = self.post(advocate, item, django_capture_on_commit_callbacks)
        assert share.external_id in fake.posts
        account.refresh_from_db()
        adapter = adapter_for("bluesky")
        adapter.delete_post(account, share)
        assert fake.posts == {}
        adapter.delete_post(account, share)  # already gone: nothing to do, no error
