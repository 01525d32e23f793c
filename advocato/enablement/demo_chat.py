"""The demo company's chat channels and re-activation: a Slack channel (#advocacy) and a
Teams channel with a history of delivered posts (featured content, the running challenge, last
week's top — names only where people allow it), the default rule (30 days, one nudge a month),
some lapsed advocates, and one of them nudged three days ago (the e-mail is in the outbox).
`advocato demo` points both channels at local fakes of Slack and Teams (`chat/demo_fakes.py`)."""

from __future__ import annotations

import random
from datetime import datetime, time, timedelta

from django.utils import timezone

from advocato.content.models import ContentItem, Status
from advocato.core.audit import acting_as
from advocato.lib import hooks
from advocato.people.models import Employee

from . import nudges
from .chat import events
from .models import ChatChannel, ChatPost, NudgeSettings

STEPS = 1
# Until `advocato demo` points them at its fakes, the channels name a webhook that answers
# nothing (no real Slack or Teams is ever called by the demo).
SLACK_PLACEHOLDER = "https://hooks.slack.com/services/T0NORDLYS/B0ADVOCACY/demo-not-connected"
TEAMS_PLACEHOLDER = (
    "https://nordlys.webhook.office.example/workflows/demo/triggers/manual/paths/invoke"
    "?api-version=1&sig=demo-not-connected"
)


def _delivered(posts, at) -> None:
    """Posts announced the usual way, marked as the worker would have delivered them then."""
    for kind, status in (("slack", 200), ("teams", 202)):
        ChatPost.objects.filter(pk__in=[p.pk for p in posts], channel__kind=kind).update(
            status=ChatPost.Status.DELIVERED, attempts=1, http_status=status, created_at=at,
            next_attempt_at=at, delivered_at=at + timedelta(seconds=2),
        )  # fmt: skip


def build(rng: random.Random, progress) -> dict:
    now = timezone.now().replace(second=0, microsecond=0)
    admin = Employee.objects.get(email="admin@nordlys.example")
    with acting_as(None):
        rules = NudgeSettings.get()
        slack = ChatChannel(
            name="#advocacy", kind=ChatChannel.Kind.SLACK, created_by=admin,
            created_at=now - timedelta(days=40), post_weekly_top=True,
        )  # fmt: skip
        slack.webhook_url = SLACK_PLACEHOLDER
        slack.save()
        teams = ChatChannel(
            name="Nordlys – Ambassadors", kind=ChatChannel.Kind.TEAMS, created_by=admin,
            created_at=now - timedelta(days=40), post_weekly_top=False,
        )  # fmt: skip
        teams.webhook_url = TEAMS_PLACEHOLDER
        teams.save()
        featured = ContentItem.objects.filter(
            featured=True, status=Status.PUBLISHED, target_everyone=True
        ).order_by("-published_at")[:4]
        for item in reversed(list(featured)):
            _delivered(events.featured_item(item), item.published_at or now - timedelta(days=3))
        started = hooks.challenges_starting(now.date() - timedelta(days=60), now.date())
        if started:  # the newest, announced on its first morning
            first_day = started[-1]["starts_on"]
            at = datetime.combine(first_day, time(8, 15), tzinfo=now.tzinfo)
            _delivered(events.challenges(first_day), at)
        # Last week's top, as the worker posts it on Mondays (names only where allowed).
        monday = (now - timedelta(days=now.weekday())).replace(hour=9, minute=0)
        _delivered(events.weekly_top(monday), monday)
        # Re-activation: who lapsed, and one of them nudged three days ago.
        lapsed = list(nudges.lapsed(now, rules))
        nudged = 0
        if lapsed:
            nudged = int(nudges.nudge(lapsed[0], now - timedelta(days=3), rules))
    progress.update(1)
    return {
        "chat_channels": 2,
        "chat_posts_delivered": ChatPost.objects.filter(status=ChatPost.Status.DELIVERED).count(),
        "lapsed": len(lapsed),
        "nudged": nudged,
    }
