"""Background work for links: replaying spooled clicks and forgetting old salts."""

import logging

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from . import services

logger = logging.getLogger(__name__)


@db_periodic_task(crontab(minute="*"))
def replay_spooled_clicks() -> None:
    written = services.replay_spool()
    if written:
        logger.info("Replayed %d spooled clicks", written)


@db_periodic_task(crontab(minute="5", hour="0"))
def forget_old_salts() -> None:
    services.forget_old_salts()
