"""Background work for content: the publishing schedule and polling feeds."""

import logging

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from . import services
from .models import FeedSource

logger = logging.getLogger(__name__)


@db_periodic_task(crontab(minute="*"))
def run_schedule() -> None:
    published, expired = services.run_schedule()
    if published or expired:
        logger.info("Schedule: %d published, %d expired", published, expired)


@db_periodic_task(crontab(minute="*/5"))
def poll_due_sources() -> None:
    for source in services.claim_due_sources():
        poll_source(source.pk)


@db_task()
def poll_source(source_id: int) -> int:
    source = FeedSource.objects.filter(pk=source_id).first()
    return services.poll_source(source) if source else 0
