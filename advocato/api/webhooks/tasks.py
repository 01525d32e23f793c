"""The worker's side of webhooks: one attempt per task, and the minutely sweep."""

import logging

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from . import services

logger = logging.getLogger(__name__)


@db_task()
def deliver_message(message_id: int, manual: bool = False) -> str:
    return services.deliver(message_id, manual=manual)


@db_periodic_task(crontab(minute="*"))
def deliver_due_webhooks() -> None:
    """Retries that are due, and anything a lost task missed."""
    outcomes = services.deliver_due()
    if outcomes:
        logger.info("Webhooks: %s", outcomes)
