"""Mastodon against its local fake: the shared contract, plus app registration and the
Idempotency-Key."""

from datetime import timedelta

import pytest

from ...contract import NetworkContract

pytestmark = pytest.mark.django_db


class TestMastodon(NetworkContract):
    network = "mastodon"

    def test_registers_once_per_server(self, fake, account, login, advocate_engineering):
        from ....models import MastodonApp

        assert len(fake.apps) == 1
        self.connect(login(advocate_engineering), fake, username="lars")
        assert len(fake.apps) == 1
        assert MastodonApp.objects.get().instance == fake.url

    def test_the_idempotency_key_makes_a_repeat_harmless(self, fake, account, advocate, item):
        from ....networks.mastodon.adapter import MastodonAdapter
        from ...contract import post_text

        share = self.schedule(advocate, item)
        share.refresh_from_db()
        again = MastodonAdapter().post(
            account, text=post_text(item), link="", title="", description="",
            key=share.idempotency_key,
        )  # fmt: skip
        assert again.external_id == share.external_id
        assert len(fake.posts) == 1 and fake.post_requests == 2

    def test_a_private_server_address_is_refused(self, start_fake, login, advocate, settings):
        from ....models import NetworkAccount

        start_fake("mastodon")
        settings.FETCH_ALLOWED_NETWORKS = []
        response = login(advocate).post(
            "/profile/networks/mastodon/connect/", {"instance": "http://127.0.0.1:9/"}
        )
        assert response.status_code == 400
        assert "private or internal" in response.content.decode()
        assert not NetworkAccount.objects.exists()

    def test_denying_connects_nothing(self, start_fake, login, advocate):
        from urllib.parse import urlsplit

        import httpx

        from ....models import NetworkAccount

        fake = start_fake("mastodon")
        client = login(advocate)
        authorize = client.post("/profile/networks/mastodon/connect/",
                                {"instance": fake.url})["Location"]  # fmt: skip
        params = dict(httpx.URL(authorize).params)
        back = urlsplit(httpx.post(authorize.split("?")[0],
                                   data={**params, "decision": "deny"}).headers["location"])  # fmt: skip
        response = client.get(f"{back.path}?{back.query}", follow=True)
        assert "You did not allow" in response.content.decode()
        assert not NetworkAccount.objects.exists()

    def test_an_answer_we_do_not_understand_is_retried_not_a_crash(
        self, fake, account, advocate, item, monkeypatch
    ):
        import time_machine

        from .... import posting

        monkeypatch.setattr(fake, "create_status", lambda request: {"unexpected": True})
        share = self.schedule(advocate, item)
        share.refresh_from_db()
        assert share.post_state == "scheduled"
        assert "did not understand" in share.error
        monkeypatch.undo()
        with time_machine.travel(share.scheduled_for + timedelta(seconds=1)):
            assert posting.post_due() == {"posted": 1}
        assert len(fake.posts) == 1

    def test_a_server_that_is_not_mastodon_is_refused(self, start_fake, login, advocate, site):
        from ....models import NetworkAccount

        start_fake("mastodon")
        site.add("/api/v1/apps", "<html>not mastodon</html>")
        response = login(advocate).post(
            "/profile/networks/mastodon/connect/", {"instance": site.url}
        )
        assert response.status_code == 400
        assert not NetworkAccount.objects.exists()
