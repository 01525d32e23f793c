"""Safeguards around direct posting: a direct post is confirmed by the network only, a
double-clicked "Post now" is one post, and figures stay within what the database holds."""

from datetime import timedelta

import pytest
from django.utils import timezone

from advocato.sharing import posting
from advocato.sharing.forms import EngagementForm
from advocato.sharing.models import PostState, Share

from .. import services
from ..conftest import connect


@pytest.fixture
def mastodon(start_fake, login, advocate, django_capture_on_commit_callbacks):
    fake = start_fake("mastodon")
    client = login(advocate)
    with django_capture_on_commit_callbacks(execute=True):
        connect(client, "mastodon", fake)
    return client, fake


def test_a_direct_post_cannot_be_confirmed_by_hand(mastodon, advocate, item):
    client, _fake = mastodon
    later = timezone.now() + timedelta(hours=2)
    share = posting.schedule_share(advocate, item, "mastodon", "Se her", "", "at", later)
    response = client.post(f"/shares/{share.pk}/confirm/", follow=True)
    assert "counts once it is out" in response.content.decode()
    share.refresh_from_db()
    assert share.confirmed_at is None and share.status == Share.Status.STARTED


def test_a_second_post_now_of_the_same_item_is_refused(mastodon, advocate, item):
    later = timezone.now() + timedelta(hours=2)
    first = posting.schedule_share(advocate, item, "mastodon", "Se her", "", "at", later)
    with pytest.raises(posting.PostingError, match="already on its way"):
        posting.schedule_share(advocate, item, "mastodon", "Se her", "", "at", later)
    assert Share.objects.filter(item=item, method=Share.Method.API).count() == 1
    assert first.post_state == PostState.SCHEDULED


def test_the_database_refuses_two_direct_posts_on_their_way(mastodon, advocate, item):
    from django.db import IntegrityError, transaction

    for _n in range(2):
        share = services.start_share(advocate, item, "mastodon", "Se her", "",
                                     method=Share.Method.API)  # fmt: skip
        share.post_state = PostState.SCHEDULED
        if _n == 0:
            share.save()
            continue
        with pytest.raises(IntegrityError), transaction.atomic():
            share.save()


def test_figures_beyond_what_a_column_holds_are_refused():
    form = EngagementForm({"reactions": "1", "impressions": "9999999999"})
    assert not form.is_valid()
    assert "impressions" in form.errors
