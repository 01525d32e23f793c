"""The demo's chat channels and re-activation: both channels with delivered posts whose
payloads the services accept, lapsed people and one nudged, and — as `advocato demo` does —
the channels pointed at the local fakes, where a welcome message arrives."""

from urllib.parse import urlsplit

import pytest
from django.core import mail as outbox

from advocato.enablement import nudges
from advocato.enablement.chat import demo_fakes, services
from advocato.enablement.chat.fakes import slack_blocks_valid, teams_problem
from advocato.enablement.models import ChatChannel, ChatPost, Nudge
from advocato.shell.demo import build_demo


@pytest.mark.django_db
def test_demo_has_channels_posts_lapsed_people_and_a_nudge(settings):
    summary = build_demo(quiet=True)
    assert summary["chat_channels"] == 2
    delivered = ChatPost.objects.filter(status="delivered")
    assert {p.channel.kind for p in delivered} == {"slack", "teams"}
    assert {p.event for p in delivered} >= {"featured", "challenges"}
    for post in delivered:
        if post.channel.kind == "slack":
            assert slack_blocks_valid(post.payload["blocks"]), post.payload
        else:
            assert teams_problem(post.payload) == "", post.payload
    assert summary["lapsed"] >= 3 and nudges.lapsed().count() == summary["lapsed"]
    assert summary["nudged"] == 1 and Nudge.objects.filter(sent_count=1).count() == 1
    (nudge,) = [m for m in outbox.outbox if "/nudges/off/" in m.body]
    assert nudge.to == [Nudge.objects.get(sent_count=1).employee.email]

    fakes = demo_fakes.start(0)
    try:
        settings.FETCH_ALLOWED_HOSTS = [urlsplit(f.url).netloc for f in fakes.values()]
        demo_fakes.configure(fakes)
        for post_id in services.due():
            services.deliver(post_id)
        assert len(fakes["slack"].accepted) == len(fakes["teams"].accepted) == 1
        assert all("127.0.0.1" in c.webhook_hint for c in ChatChannel.objects.all())
    finally:
        for fake in fakes.values():
            fake.stop()
