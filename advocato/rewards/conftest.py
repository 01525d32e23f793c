"""Small factories for rewards tests: items, shares, clicks and conversions made through the
sharing and links code paths (or directly, at a chosen time, where time is the point)."""

from __future__ import annotations

import itertools
import secrets
from datetime import datetime

import pytest
from django.utils import timezone

_visitors = itertools.count(1)


def make_item(title="Turbines", *, featured=False, goal="awareness", points_override=None):
    from advocato.content.models import ContentItem, Status

    return ContentItem.objects.create(
        title=title,
        url="https://nordlys.example/" + secrets.token_hex(4),
        status=Status.PUBLISHED,
        published_at=timezone.now(),
        featured=featured,
        goal=goal,
        points_override=points_override,
    )


def make_share(employee, item, network="linkedin", at: datetime | None = None):
    from advocato.sharing import services as sharing
    from advocato.sharing.models import Share

    share = sharing.start_share(employee, item, network, "Proud of this", "Proud of this")
    at = at or timezone.now()
    Share.objects.filter(pk=share.pk).update(
        confirmed_at=at,
        confirmed_by="advocate",
        status=Share.Status.CONFIRMED,
        changed_at=timezone.now(),
    )
    share.refresh_from_db()
    return share


def make_click(share, at: datetime | None = None, kind="human", visitor: str | None = None):
    from advocato.links.models import Click

    return Click.objects.create(
        link=share.link,
        at=at or timezone.now(),
        kind=kind,
        visitor=visitor or f"v{next(_visitors)}",
        token=secrets.token_urlsafe(12),
    )


def make_conversion(click, kind="lead", at: datetime | None = None):
    from advocato.links.models import Conversion

    return Conversion.objects.create(
        click=click,
        link=click.link,
        kind=kind,
        external_id=secrets.token_hex(6),
        source="server",
        at=at or timezone.now(),
    )


@pytest.fixture
def org(db):
    from advocato.core.models import Organisation

    org = Organisation.get()
    org.time_zone = "Europe/Copenhagen"
    org.save()
    return org


def grant(employee, points: int, at: datetime | None = None):
    """Points from outside the fold (e.g. to test spending), written like the fold writes."""
    from advocato.rewards import ledger
    from advocato.rewards.models import PointEntry

    entry = PointEntry(
        employee=employee,
        kind=PointEntry.Kind.STREAK,
        points=points,
        at=at or timezone.now(),
        source=f"test:{secrets.token_hex(6)}",
    )
    ledger.post([entry])
    return entry
