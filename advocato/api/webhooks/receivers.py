"""The lower apps' signals, turned into webhook messages (connected in `ApiConfig.ready()`).
Each runs inside the transaction that sent the signal, so the messages commit with the event."""

from __future__ import annotations

import functools

from advocato.content import signals as content
from advocato.links import signals as links
from advocato.people import signals as people
from advocato.rewards import signals as rewards
from advocato.sharing import signals as sharing
from advocato.sharing.models import Share

from . import events
from .services import emit, subscribed


def employee_joined(sender, *, employee, **kwargs) -> None:
    emit(events.EMPLOYEE_JOINED, lambda: events.employee_joined(employee))


def content_published(sender, *, item, **kwargs) -> None:
    emit(events.CONTENT_PUBLISHED, lambda: events.content_published(item), item.published_at)


def share_created(sender, *, share, **kwargs) -> None:
    emit(events.SHARE_CREATED, lambda: events.share_created(share), share.created_at)


def share_posted(sender, *, share_ids, **kwargs) -> None:
    if not subscribed(events.SHARE_POSTED):
        return
    shares = Share.objects.filter(pk__in=share_ids).select_related("item", "employee", "link")
    for share in shares.order_by("pk"):
        emit(events.SHARE_POSTED, functools.partial(events.share_posted, share), share.confirmed_at)


def conversion_created(sender, *, conversion, **kwargs) -> None:
    emit(events.CONVERSION_CREATED, lambda: events.conversion_created(conversion), conversion.at)


def reward_requested(sender, *, redemption, **kwargs) -> None:
    emit(
        events.REWARD_REQUESTED,
        lambda: events.reward_requested(redemption),
        redemption.requested_at,
    )


def connect() -> None:
    people.employee_joined.connect(employee_joined, dispatch_uid="api.webhooks.employee_joined")
    content.content_published.connect(
        content_published, dispatch_uid="api.webhooks.content_published"
    )
    sharing.share_created.connect(share_created, dispatch_uid="api.webhooks.share_created")
    sharing.share_posted.connect(share_posted, dispatch_uid="api.webhooks.share_posted")
    links.conversion_created.connect(
        conversion_created, dispatch_uid="api.webhooks.conversion_created"
    )
    rewards.reward_requested.connect(reward_requested, dispatch_uid="api.webhooks.reward_requested")
