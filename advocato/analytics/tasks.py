"""Background work for analytics: keeping the rollups filled, and rebuilding them when what
they depend on (the time zone, the company's own domains) changes."""

import logging

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task, lock_task

from . import rollups

logger = logging.getLogger(__name__)


@db_periodic_task(crontab(minute="*"))
@lock_task("analytics-rollups")
def fill_rollups() -> None:
    result = rollups.fill()
    if result.events:
        logger.info(
            "Rollups: %d clicks, %d conversions, %d shares counted into %d rows",
            result.clicks,
            result.conversions,
            result.shares,
            result.rows,
        )


@db_task()
@lock_task("analytics-rollups")
def rebuild_rollups() -> None:
    result = rollups.rebuild()
    logger.info("Rollups rebuilt: %d rows", result.rows)


@db_periodic_task(crontab(hour="6", minute="30"))
@lock_task("analytics-digests")
def send_digests() -> None:
    """The summary e-mails: weekly ones on Mondays, monthly ones on the 1st (and the day
    after, should a run be missed: each period is sent once)."""
    from . import digest

    sent = digest.send_digests()
    if sent:
        logger.info("Summary e-mails sent: %d", sent)
