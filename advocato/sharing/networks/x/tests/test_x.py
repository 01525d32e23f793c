"""X against its local fake: the shared contract, plus PKCE and token rotation."""

from datetime import timedelta

import pytest

from ...contract import NetworkContract

pytestmark = pytest.mark.django_db


class TestX(NetworkContract):
    network = "x"
    refreshable = True

    def test_token_is_refreshed_before_it_runs_out(self, fake, account, advocate, item):
        from django.utils import timezone

        from .... import connections

        old_access, old_refresh = account.access_token, account.refresh_token
        account.expires_at = timezone.now() + timedelta(minutes=3)
        account.save()
        assert connections.refresh_expiring_tokens() == 1
        account.refresh_from_db()
        assert account.access_token != old_access
        assert account.refresh_token != old_refresh  # X rotates refresh tokens
        assert old_refresh not in fake.refresh_tokens
        assert account.expires_at > timezone.now() + timedelta(hours=1)

    def test_permalink_names_the_account(self, fake, account, advocate, item):
        share = self.schedule(advocate, item)
        share.refresh_from_db()
        assert share.permalink == f"https://x.com/{account.handle[1:]}/status/{share.external_id}"

    def test_a_wrong_pkce_verifier_connects_nothing(self, start_fake, login, advocate):
        from urllib.parse import urlsplit

        import httpx

        from ....models import NetworkAccount

        start_fake("x")
        client = login(advocate)
        authorize = client.post("/profile/networks/x/connect/")["Location"]
        assert "code_challenge_method=S256" in authorize
        session = client.session
        pending = session["advocato_network_oauth"]
        pending["verifier"] = "not-the-verifier"
        session["advocato_network_oauth"] = pending
        session.save()
        params = dict(httpx.URL(authorize).params)
        back = urlsplit(httpx.post(authorize.split("?")[0],
                                   data={**params, "decision": "allow"}).headers["location"])  # fmt: skip
        response = client.get(f"{back.path}?{back.query}", follow=True)
        assert not NetworkAccount.objects.exists()
        assert "invalid" in response.content.decode()
