"""The worker's part of the chat channels: each post delivered as soon as it is announced
(and again at its retry time), a minutely safety net for whatever no task picked up (a worker
that died mid-attempt, a retry whose scheduled task was lost), and the periodic announcements
(challenges starting, the weekly top). Imported by EnablementConfig.ready, so the consumer
knows these tasks."""

import logging

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from . import events, services

logger = logging.getLogger(__name__)


@db_task()
def deliver_post(post_id: int) -> str:
    outcome, next_at = services.deliver(post_id)
    if outcome == "retry" and next_at is not None:
        deliver_post.schedule((post_id,), eta=next_at)
    return outcome


@db_periodic_task(crontab(minute="*"))
def deliver_due_posts() -> None:
    for post_id in services.due():
        deliver_post(post_id)


@db_periodic_task(crontab(minute="*/15"))
def announce_scheduled() -> None:
    count = events.announce_scheduled()
    if count:
        logger.info("Chat: %d posts announced", count)
