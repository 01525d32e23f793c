"""X's access levels and its way of counting, as X documents them: on the Free level an app
may post but not read posts (403 client-forbidden); text is counted by twitter-text."""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from advocato.sharing.conftest import connect

from ...contract import post_text

pytestmark = pytest.mark.django_db


def test_on_the_free_level_posting_works_and_figures_stop_once(
    start_fake, login, advocate, admin, item, django_capture_on_commit_callbacks
):
    from advocato.sharing import posting
    from advocato.sharing.models import NetworkApp, PostState, Share

    fake = start_fake("x")
    fake.free_tier = True
    with django_capture_on_commit_callbacks(execute=True):
        connect(login(advocate), "x", fake)  # users/me is on every level
        share = posting.schedule_share(advocate, item, "x", post_text(item), "", "now")
    share = Share.objects.get(pk=share.pk)
    assert share.post_state == PostState.POSTED, share.error

    later = timezone.now() + timedelta(hours=1, minutes=1)
    assert posting.refresh_due_engagement(later) == 0
    share.refresh_from_db()
    assert share.engagement_next_at is None  # not again every six hours
    app = NetworkApp.objects.get(network="x")
    assert app.problem_kind == "reads" and "access level" in app.problem
    page = login(admin).get("/networks/apps/").content.decode()
    assert page.count("access level (Free)") == 1

    # A second post still goes out, and nothing asks X for figures any more.
    fake.free_tier = False
    with time_machine.travel(timezone.now() + timedelta(minutes=11)):
        with django_capture_on_commit_callbacks(execute=True):
            other = posting.schedule_share(advocate, item, "x", "Again " + item.url, "", "now")
        assert Share.objects.get(pk=other.pk).post_state == PostState.POSTED
        reads = [p for m, p in fake.requests if m == "GET" and p.startswith("/2/tweets/")]
        posting.refresh_due_engagement(timezone.now() + timedelta(hours=2))
        assert [p for m, p in fake.requests if m == "GET" and p.startswith("/2/tweets/")] == reads

    # The admin changed the level at X and saves X: figures are read again.
    login(admin).post("/networks/apps/", {"network": "x", "x-enabled": "on",
                                          "x-client_id": fake.client_id,
                                          "x-base_url": fake.url})  # fmt: skip
    assert NetworkApp.objects.get(network="x").problem == ""


def test_the_composer_counts_as_x_does(start_fake, login, advocate, item):
    client = login(advocate)
    long_link = "https://nordlys.example/" + "a" * 150  # counts 23, like every link
    text = "日本語" * 20 + " " + long_link + " 👩‍👩‍👧 " + item.url  # 120 + 1 + 23 + 1 + 2 + 1 + 23
    from advocato.lib.networks import count

    assert count("x", text) == 171
    answer = client.post(f"/feed/{item.pk}/share/check/", {"network": "x", "text": text},
                         content_type="application/json").json()  # fmt: skip
    assert "length" not in [c["code"] for c in answer["checks"]]
    answer = client.post(f"/feed/{item.pk}/share/check/",
                         {"network": "x", "text": "日本語" * 50 + " " + item.url},
                         content_type="application/json").json()  # fmt: skip
    [length] = [c for c in answer["checks"] if c["code"] == "length"]
    assert "324 of 280" in length["message"]
