"""Background work for people: sending invitation e-mails (retried when the SMTP server is
away for a moment)."""

import logging

from django.core.mail import get_connection
from huey.contrib.djhuey import db_task

from . import services

logger = logging.getLogger(__name__)


@db_task(retries=3, retry_delay=60)
def send_invitation_email(invitation_id: int, base_url: str = "") -> bool:
    return services.deliver_invitation(invitation_id, base_url)


@db_task()
def send_invitation_emails(invitation_ids: list[int], base_url: str = "") -> int:
    """A whole import's e-mails as one queued task over one SMTP session. An e-mail that fails
    is queued again on its own (with retries), so one bad address or SMTP hiccup neither stops
    the others nor sends anybody two."""
    sent = 0
    connection = get_connection()
    try:
        for invitation_id in invitation_ids:
            try:
                sent += services.deliver_invitation(invitation_id, base_url, connection)
            except Exception:
                logger.warning(
                    "Invitation %s not sent; retrying alone.", invitation_id, exc_info=True
                )
                connection.close()  # a broken session is not reused
                send_invitation_email(invitation_id, base_url)
    finally:
        connection.close()
    return sent
