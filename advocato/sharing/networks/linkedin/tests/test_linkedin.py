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

        fake = start_fake("linkedin")
        fake.analytics_permission = False
        client = login(advocate)
        account = self.connect(client, fake)
        assert account.audience is None
        client.post("/profile/networks/linkedin/audience/", {"audience": "812"})
        account.refresh_from_db()
        assert (account.audience, account.audience_source) == (812, "advocate")

    def test_text_is_escaped_as_little_text(self, fake, account, advocate, item):
        from .... import posting
        from ....models import Share

        with self.committed():
            share = posting.schedule_share(
                advocate, item, "linkedin", post_text(item) + " (apply #today)", "", "now"
            )
        share = Share.objects.get(pk=share.pk)
        assert r"\(apply \#today\)" in fake.posts[share.external_id]["text"]

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
