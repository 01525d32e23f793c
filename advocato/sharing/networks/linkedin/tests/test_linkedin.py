"""LinkedIn against its local fake: the shared contract, plus the Posts API's own rules."""

from datetime import timedelta

import pytest

from ...contract import NetworkContract, post_text

pytestmark = pytest.mark.django_db


class TestLinkedIn(NetworkContract):
    network = "linkedin"

    def test_post_is_versioned_and_carries_the_link_card(self, fake, account, advocate, item):
        share = self.schedule(advocate, item)
        share.refresh_from_db()
        post = fake.posts[share.external_id]
        assert share.external_id.startswith("urn:li:share:")
        assert share.permalink == f"https://www.linkedin.com/feed/update/{share.external_id}/"
        assert post["article"]["source"].endswith(f"/l/{share.link.code}")
        assert post["article"]["title"] == item.title

    def test_members_reached_and_impressions_come_from_post_analytics(
        self, fake, account, advocate, item
    ):
        from django.utils import timezone

        from .... import posting

        share = self.schedule(advocate, item)
        share.refresh_from_db()
        fake.engage(share.external_id, impressions=900, reached=610, likes=4)
        posting.refresh_due_engagement(timezone.now() + timedelta(hours=2))
        share.refresh_from_db()
        assert (share.impressions, share.members_reached, share.reactions) == (900, 610, 4)

    def test_without_the_analytics_permission_the_advocate_states_the_audience(
        self, start_fake, login, advocate
    ):

        from ....models import NetworkApp

        fake = start_fake("linkedin")
        fake.products.discard("analytics")  # the company's app has no member analytics ...
        NetworkApp.objects.filter(network="linkedin").update(linkedin_analytics=False)  # ... said
        client = login(advocate)
        account = self.connect(client, fake)
        assert account.audience is None
        assert "r_member" not in " ".join(p for _m, p in fake.requests)  # not even asked
        client.post("/profile/networks/linkedin/audience/", {"audience": "812"})
        account.refresh_from_db()
        assert (account.audience, account.audience_source) == (812, "advocate")

    def test_text_is_escaped_as_little_text(self, fake, account, advocate, item):
        from .... import posting
        from ....models import Share

        # Every reserved character, a link with _ ( ) ~ in it, a hashtag and an emoji.
        wiki = "https://en.wikipedia.org/wiki/Wind_(power)~history"
        text = (
            "Backslash \\ pipe | braces {} at @ brackets [] parens () angles <> hash # "
            f"star * underscore _ tilde ~ — read {wiki} #WindPower 🌬️ "
        ) + post_text(item)
        with self.committed():
            share = posting.schedule_share(advocate, item, "linkedin", text, "", "now")
        share = Share.objects.get(pk=share.pk)
        post = fake.posts[share.external_id]
        sent = posting.post_text(share)[0]
        assert post["shown"] == sent  # nothing cut off, every character as written
        assert f" {wiki} " in post["sent"]  # the link as written, so it stays a link
        assert " #WindPower " in post["sent"]  # a bare # keeps the hashtag clickable
        assert "hash \\# star \\* underscore \\_" in post["sent"]

    def test_partner_apps_refresh_tokens(self, start_fake, login, advocate, item):
        from ....models import PostState

        fake = start_fake("linkedin")
        fake.issue_refresh_tokens = True
        account = self.connect(login(advocate), fake)
        assert account.refresh_token
        fake.expire_tokens()
        share = self.schedule(advocate, item)
        share.refresh_from_db()
        assert share.post_state == PostState.POSTED, share.error
        account.refresh_from_db()
        assert not account.needs_reconnect

    def test_retry_without_the_author_finder_still_posts(self, fake, account, advocate, item):
        import time_machine

        from .... import posting
        from ....models import PostState

        fake.finder_permission = False  # most apps may not list a member's posts
        fake.switches.fail = 1
        share = self.schedule(advocate, item)
        share.refresh_from_db()
        assert share.post_state == PostState.SCHEDULED
        with time_machine.travel(share.scheduled_for + timedelta(seconds=1)):
            assert posting.post_due() == {"posted": 1}
        share.refresh_from_db()
        assert share.post_state == PostState.POSTED, share.error
        assert len(fake.posts) == 1

    def test_a_scope_the_app_lacks_names_the_scope_and_the_product(
        self, start_fake, login, advocate
    ):
        from urllib.parse import urlsplit

        import httpx

        from ....models import NetworkAccount

        fake = start_fake("linkedin")
        fake.products.discard("analytics")  # the admin ticked a product the app does not have
        client = login(advocate)
        authorize = client.post("/profile/networks/linkedin/connect/")["Location"]
        assert "r_member_postAnalytics" in authorize
        back = httpx.get(authorize)
        assert back.status_code == 302 and "unauthorized_scope_error" in back.headers["location"]
        callback = urlsplit(back.headers["location"])
        page = client.get(f"{callback.path}?{callback.query}", follow=True).content.decode()
        assert "r_member_postAnalytics" in page and "Member analytics" in page
        assert "You did not allow" not in page
        assert not NetworkAccount.objects.exists()

    def test_followers_need_the_profile_analytics_scope(self, fake, account):
        # Asked for with the member analytics product, memberFollowersCount answers.
        assert "r_member_profileAnalytics" in next(iter(fake.tokens.values()))["scopes"]
        assert account.audience == next(iter(fake.users.values())).followers

    def test_the_admin_says_which_products_the_app_has(self, login, admin, network_settings):
        from ....models import NetworkApp

        client = login(admin)
        page = client.get("/networks/apps/").content.decode()
        assert "Share on LinkedIn" in page and "Member analytics" in page
        client.post("/networks/apps/", {
            "network": "linkedin", "linkedin-enabled": "on", "linkedin-client_id": "abc",
            "linkedin-client_secret": "s3cret", "linkedin-linkedin_openid": "on",
            "linkedin-linkedin_share": "on",
        })  # fmt: skip
        app = NetworkApp.objects.get(network="linkedin")
        assert (app.linkedin_openid, app.linkedin_share, app.linkedin_analytics) == (
            True, True, False
        )  # fmt: skip
        from ...base import adapter_for
        from ..adapter import LinkedInAdapter

        adapter = adapter_for("linkedin")
        assert isinstance(adapter, LinkedInAdapter)
        assert adapter.scopes() == ["openid", "profile", "w_member_social"]

    def test_without_member_analytics_figures_are_not_read(self, fake, account, advocate, item):
        from datetime import timedelta

        from django.utils import timezone

        from .... import posting
        from ....models import NetworkApp

        share = self.schedule(advocate, item)
        NetworkApp.objects.filter(network="linkedin").update(linkedin_analytics=False)
        calls = len(fake.requests)
        posting.refresh_due_engagement(timezone.now() + timedelta(hours=2))
        share.refresh_from_db()
        assert share.engagement_next_at is None and share.engagement_source == ""
        assert len(fake.requests) == calls  # not asked, so no 403 every six hours
