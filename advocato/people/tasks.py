"""Background work for people: sending invitation e-mails (retried when the SMTP server is
away for a moment)."""

from huey.contrib.djhuey import db_task

from . import services


@db_task(retries=3, retry_delay=60)
def send_invitation_email(invitation_id: int, base_url: str = "") -> bool:
    return services.deliver_invitation(invitation_id, base_url)
