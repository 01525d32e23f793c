"""Background work for rewards: the fold every minute (points from new events, badges) and
settling challenges whose last day is over."""

import logging

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, lock_task

from . import services

logger = logging.getLogger(__name__)


@db_periodic_task(crontab(minute="*"))
@lock_task("rewards-fold")
def fold_points() -> None:
    written = services.fold()
    if written:
        logger.info("Points: %d ledger entries", written)


@db_periodic_task(crontab(minute="*/5"))
def settle_challenges() -> None:
    settled = services.settle_challenges()
    if settled:
        logger.info("Challenges: %d settled", settled)
