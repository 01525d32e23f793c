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
