"""What sharing does when a lower app tells it something happened (connected in
`SharingConfig.ready()`)."""

from __future__ import annotations

from advocato.links import signals as links

from . import services
from .models import Share


def confirm_clicked(sender, *, link_ids: set[int], **kwargs) -> None:
    """A human click on a share's link proves the post is out there."""
    services.confirm(Share.objects.filter(link__in=link_ids), by=services.BY_CLICK)


def connect() -> None:
    links.human_clicks.connect(confirm_clicked, dispatch_uid="sharing.confirm_clicked")
