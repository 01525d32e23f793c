"""Background work for enablement: the weekly personal digest."""

import logging

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, lock_task

from . import digest

logger = logging.getLogger(__name__)


# Hourly, and only at the company's Monday morning (its own time zone, which the worker's
# clock does not know): from 07:00, catching up on Tuesday if the worker was down. The claim
# makes every further run that week a no-op.
@db_periodic_task(crontab(minute="5"))
@lock_task("enablement-digests")
def send_weekly_digests() -> None:
    if not digest.sending_time():
        return
    sent = digest.send_digests()
    if sent:
        logger.info("Weekly digests sent: %d", sent)
