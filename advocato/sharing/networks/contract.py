"""The behaviour every connected network must show, run against its local fake over real
HTTP: each network's tests subclass `NetworkContract` with its `network` set."""

from __future__ import annotations

import threading
from collections.abc import Callable
from contextlib import AbstractContextManager
from datetime import timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.utils import timezone

from ..conftest import connect
from ..models import EngagementReading, NetworkAccount, PostState, Share, Source


def post_text(item) -> str:
    return f"We are hiring wind technicians! {item.url}"


class NetworkContract:
    network = ""
    committed: Callable[[], AbstractContextManager[Any]]  # set by the `commits` fixture
    refreshable = False  # the network renews tokens by itself (X, Bluesky)

    @pytest.fixture(autouse=True)
    def commits(self, request, django_capture_on_commit_callbacks):
        # What the code queues for after the commit (posting) runs when a step is done.
        request.instance.committed = lambda: django_capture_on_commit_callbacks(execute=True)

    @pytest.fixture
    def fake(self, start_fake):
        return start_fake(self.network)

    @pytest.fixture
    def account(self, commits, fake, login, advocate):
        return self.connect(login(advocate), fake)

    def connect(self, client, fake, **kwargs):
        with self.committed():
            return connect(client, self.network, fake, **kwargs)

    def schedule(self, advocate, item, when="now", at=None):
        from .. import posting

        with self.committed():
            return posting.schedule_share(
                advocate, item, self.network, post_text(item), "", when, at
            )

    def test_connect_reads_profile_and_audience(self, fake, account, advocate):
        user = next(iter(fake.users.values()))
        assert account.employee == advocate
        assert account.external_id and account.handle
        assert account.audience == user.followers
        assert account.audience_source == Source.API
        assert account.access_token  # readable with the key ...
        assert account.access_token not in account.access_token_enc  # ... not without it

    def test_post_now_from_the_composer(self, fake, account, login, advocate, item):
        client = login(advocate)
        with self.committed():
            response = client.post(
                f"/feed/{item.pk}/share/",
                {"network": self.network, "text": post_text(item), "when": "now"},
            )
        assert response.status_code == 302, response.content.decode()[:3000]
        share = Share.objects.get()
        assert response["Location"] == f"/shares/{share.pk}/"
        assert share.method == Share.Method.API
        assert share.post_state == PostState.POSTED, share.error
        assert share.status == Share.Status.CONFIRMED and share.confirmed_by == "api"
        assert len(fake.posts) == 1
        posted = next(iter(fake.posts.values()))
        assert share.external_id == posted["id"]
        # The tracked link, not the item's URL (LinkedIn's "little text" escapes _ and the
        # like with a backslash; the network shows them without it).
        assert f"/l/{share.link.code}" in posted["text"].replace("\\", "")
        assert item.url not in posted["text"]
        assert share.permalink.startswith("http")
        assert share.audience == account.audience and share.audience_source == Source.API
        page = client.get(f"/shares/{share.pk}/")
        assert share.permalink in page.content.decode()

    def test_scheduled_post_goes_out_on_time(self, fake, account, login, advocate, item):
        from .. import posting

        at = timezone.now() + timedelta(minutes=30)
        local = timezone.localtime(at, timezone=ZoneInfo(advocate.time_zone))
        response = login(advocate).post(
            f"/feed/{item.pk}/share/",
            {"network": self.network, "text": post_text(item), "when": "at",
             "post_at": local.strftime("%Y-%m-%dT%H:%M:%S")},
        )  # fmt: skip
        assert response.status_code == 302, response.content.decode()[:3000]
        share = Share.objects.get()
        assert share.post_state == PostState.SCHEDULED and share.scheduled_for is not None
        assert abs((share.scheduled_for - at).total_seconds()) < 1
        assert posting.post_due() == {}
        assert fake.posts == {}
        with time_machine.travel(at + timedelta(seconds=1)):
            assert posting.post_due() == {"posted": 1}
            assert posting.post_due() == {}
        share.refresh_from_db()
        assert share.post_state == PostState.POSTED
        assert len(fake.posts) == 1

    def test_expired_token(self, fake, account, advocate, item, client):
        fake.expire_tokens()
        share = self.schedule(advocate, item)
        share.refresh_from_db()
        account.refresh_from_db()
        if self.refreshable:
            assert share.post_state == PostState.POSTED, share.error
            assert account.status == NetworkAccount.Status.ACTIVE
        else:
            assert share.post_state == PostState.HELD
            assert account.needs_reconnect
            assert fake.posts == {}
            self.connect(client, fake)  # reconnecting sends what waited
            share.refresh_from_db()
            assert share.post_state == PostState.POSTED, share.error
        assert len(fake.posts) == 1

    def test_revoked_token_keeps_the_share_until_reconnected(self, fake, account, login,
                                                            advocate, item):  # fmt: skip
        client = login(advocate)
        fake.revoke()
        share = self.schedule(advocate, item)
        share.refresh_from_db()
        account.refresh_from_db()
        assert share.post_state == PostState.HELD
        assert account.needs_reconnect and account.problem
        assert "reconnect" in client.get(f"/shares/{share.pk}/").content.decode().lower()
        assert "Reconnect needed" in client.get("/profile/networks/").content.decode()
        assert fake.posts == {}
        self.connect(client, fake, app_password="wxyz-wxyz-wxyz-wxyz")  # noqa: S106 - a new one
        share.refresh_from_db()
        assert share.post_state == PostState.POSTED, share.error
        assert len(fake.posts) == 1

    def test_rate_limit_waits_for_retry_after(self, fake, account, advocate, item):
        from .. import posting

        fake.switches.rate_limit, fake.switches.retry_after = 1, 40
        share = self.schedule(advocate, item)
        share.refresh_from_db()
        assert share.post_state == PostState.SCHEDULED
        wait = (share.scheduled_for - timezone.now()).total_seconds()
        assert 30 < wait <= 41, wait
        assert "slow down" in share.error
        with time_machine.travel(share.scheduled_for + timedelta(seconds=1)):
            assert posting.post_due() == {"posted": 1}
        assert len(fake.posts) == 1

    def test_server_errors_then_success(self, fake, account, advocate, item):
        from .. import posting

        fake.switches.fail = 2
        share = self.schedule(advocate, item)
        for _attempt in range(2):
            share.refresh_from_db()
            assert share.post_state == PostState.SCHEDULED
            with time_machine.travel(share.scheduled_for + timedelta(seconds=1)):
                posting.post_due()
        share.refresh_from_db()
        assert share.post_state == PostState.POSTED, share.error
        assert share.attempts == 3
        assert len(fake.posts) == 1

    def test_timeout_while_the_network_posts_is_not_posted_twice(self, fake, account, advocate,
                                                                   item, settings):  # fmt: skip
        import time

        from .. import posting

        settings.NETWORK_TIMEOUT = 0.5
        fake.switches.slow = 1.0  # we give up waiting; the network goes on and posts
        share = self.schedule(advocate, item)
        share.refresh_from_db()
        assert share.post_state == PostState.SCHEDULED
        assert "did not answer in time" in share.error
        deadline = time.monotonic() + 10
        while not fake.posts and time.monotonic() < deadline:  # the fake's thread finishing
            time.sleep(0.05)
        assert len(fake.posts) == 1
        fake.switches.slow = 0
        with time_machine.travel(share.scheduled_for + timedelta(seconds=1)):
            assert posting.post_due() == {"posted": 1}
        share.refresh_from_db()
        assert share.external_id == next(iter(fake.posts))
        assert len(fake.posts) == 1

    def test_permanent_rejection_stops_and_says_why(self, fake, account, login, advocate, item):
        from .. import posting

        fake.switches.reject = True
        share = self.schedule(advocate, item)
        share.refresh_from_db()
        assert share.post_state == PostState.FAILED
        assert share.status == Share.Status.FAILED
        assert (share.error and "rejected" in share.error) or "refused" in share.error
        assert share.attempts == 1
        with time_machine.travel(timezone.now() + timedelta(hours=2)):
            assert posting.post_due() == {}
        assert fake.posts == {}
        page = login(advocate).get(f"/shares/{share.pk}/").content.decode()
        assert "Not posted" in page

    def test_engagement_refresh(self, fake, account, advocate, item):
        from .. import posting

        share = self.schedule(advocate, item)
        share.refresh_from_db()
        fake.engage(share.external_id, likes=7, replies=2, reposts=3, impressions=420,
                    reached=300)  # fmt: skip
        assert posting.refresh_due_engagement() == 0  # not due yet
        later = timezone.now() + timedelta(hours=1, seconds=5)
        assert posting.refresh_due_engagement(later) == 1
        share.refresh_from_db()
        assert (share.reactions, share.comments, share.reshares) == (7, 2, 3)
        assert share.engagement == 12
        assert share.engagement_source == Source.API
        assert share.engagement_next_at > later
        assert EngagementReading.objects.filter(share=share, source=Source.API).count() == 1
        fake.engage(share.external_id, likes=9)
        assert posting.refresh_due_engagement(share.engagement_next_at) == 1
        share.refresh_from_db()
        assert share.reactions == 9

    def test_crash_between_network_success_and_our_write(self, fake, account, advocate, item,
                                                         monkeypatch):  # fmt: skip
        from .. import posting

        class WorkerCrash(BaseException):
            pass

        real = posting._record_posted

        def crash(*args, **kwargs):
            raise WorkerCrash

        monkeypatch.setattr(posting, "_record_posted", crash)
        share = self.schedule(advocate, item, when="at",
                              at=timezone.now() + timedelta(minutes=1))  # fmt: skip
        later = timezone.now() + timedelta(minutes=1, seconds=1)
        with time_machine.travel(later), pytest.raises(WorkerCrash):
            posting.post_share(share.pk)
        share.refresh_from_db()
        assert share.post_state == PostState.POSTING  # the network has it; we do not know
        assert len(fake.posts) == 1
        monkeypatch.setattr(posting, "_record_posted", real)
        # Another worker, before the lease ran out: hands off.
        assert posting.post_share(share.pk) == "not-claimed"
        with time_machine.travel(timezone.now() + posting.LEASE + timedelta(minutes=2)):
            assert posting.post_due() == {"posted": 1}
        share.refresh_from_db()
        assert share.post_state == PostState.POSTED
        assert len(fake.posts) == 1
        assert share.external_id == next(iter(fake.posts))

    @pytest.mark.django_db(transaction=True)
    def test_two_workers_racing_post_once(self, fake, account, advocate, item):
        from django.db import connection

        from .. import posting

        fake.switches.slow = 0.3
        share = self.schedule(advocate, item, when="at",
                              at=timezone.now() + timedelta(seconds=1))  # fmt: skip
        barrier = threading.Barrier(2)
        outcomes = []

        def worker():
            try:
                barrier.wait()
                outcomes.append(posting.post_share(share.pk))
            finally:
                connection.close()

        with time_machine.travel(timezone.now() + timedelta(seconds=2)):
            threads = [threading.Thread(target=worker) for _ in range(2)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(20)
        assert sorted(outcomes) == ["not-claimed", "posted"]
        assert len(fake.posts) == 1
        share.refresh_from_db()
        assert share.post_state == PostState.POSTED and share.attempts == 1

    def test_removing_a_post_deletes_it_on_the_network_when_asked(self, fake, account, login,
                                                                  advocate, item):  # fmt: skip
        from ..networks.base import adapter_class

        client = login(advocate)
        share = self.schedule(advocate, item)
        share.refresh_from_db()
        page = client.get(f"/shares/{share.pk}/").content.decode()
        assert 'id="remove"' in page
        response = client.post(f"/shares/{share.pk}/remove/", {"on_network": "on"})
        assert response.status_code == 302
        share.refresh_from_db()
        if adapter_class(self.network).deletes:
            assert share.post_state == PostState.REMOVED
            assert fake.posts == {} and share.engagement_next_at is None
            assert "deleted on" in share.error
        else:  # the network offers no deleting to us: kept, and the advocate is told so
            assert share.post_state == PostState.POSTED and "cannot delete" in share.error
            assert len(fake.posts) == 1

    def test_removing_only_here_leaves_the_post(self, fake, account, login, advocate, item):
        share = self.schedule(advocate, item)
        login(advocate).post(f"/shares/{share.pk}/remove/")
        share.refresh_from_db()
        assert share.post_state == PostState.REMOVED and "still on" in share.error
        assert len(fake.posts) == 1

    def test_a_network_that_does_not_delete_keeps_the_share_and_says_why(
        self, fake, account, login, advocate, item
    ):
        from ..networks.base import adapter_class

        if not adapter_class(self.network).deletes:
            pytest.skip("this network offers no deleting")
        client = login(advocate)
        share = self.schedule(advocate, item)
        fake.switches.fail = 1
        client.post(f"/shares/{share.pk}/remove/", {"on_network": "on"})
        share.refresh_from_db()
        assert share.post_state == PostState.POSTED and "did not delete the post" in share.error
        assert len(fake.posts) == 1
        page = client.get(f"/shares/{share.pk}/").content.decode()
        assert "did not delete the post" in page
