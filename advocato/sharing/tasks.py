"""Background work for connected networks: posting scheduled shares on time, renewing tokens,
reading audience and engagement, and reminding advocates before a connection runs out."""

import logging

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from . import connections, posting

logger = logging.getLogger(__name__)


@db_task()
def post_share(share_id: int) -> str:
    return posting.post_share(share_id)


@db_periodic_task(crontab(minute="*"))
def post_due_shares() -> None:
    """The safety net: anything due that no scheduled task posted (or whose worker died)."""
    outcomes = posting.post_due()
    if outcomes:
        logger.info("Scheduled shares: %s", outcomes)


@db_periodic_task(crontab(minute="*/10"))
def refresh_tokens() -> None:
    connections.refresh_expiring_tokens()


@db_periodic_task(crontab(minute="*/15"))
def refresh_engagement() -> None:
    count = posting.refresh_due_engagement()
    if count:
        logger.info("Engagement read for %d shares", count)


@db_periodic_task(crontab(minute="20", hour="3"))
def refresh_audiences() -> None:
    connections.refresh_audiences()


@db_periodic_task(crontab(minute="0", hour="9"))
def remind_expiring_connections() -> None:
    connections.remind_expiring()
