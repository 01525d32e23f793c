"""Small factories for the analytics tests: items, shares with their tracked link, clicks and
conversions placed at exact moments, and local times in the company's time zone."""

from __future__ import annotations

import itertools
import tempfile
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from hypothesis import configuration

from advocato.content.models import ContentItem, Status, Topic
from advocato.core.models import Organisation
from advocato.links.models import Click, Conversion, TrackedLink
from advocato.sharing.models import Share

CPH = ZoneInfo("Europe/Copenhagen")
UTC = ZoneInfo("UTC")

_serial = itertools.count(1)

# Hypothesis keeps caches in .hypothesis/ of the working directory: keep the shared tree clean.
configuration.set_hypothesis_home_dir(Path(tempfile.gettempdir()) / "advocato-hypothesis")


def local(year, month, day, hour=12, minute=0, *, fold=0, tz=CPH) -> datetime:
    """A moment given as the company's wall-clock time (fold=1: the second 02:30 in autumn)."""
    return datetime(year, month, day, hour, minute, tzinfo=tz, fold=fold)


def utc(year, month, day, hour=12, minute=0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


def make_item(
    title="Vindmøllepark åbner",
    url="https://nordlys.example/nyheder/vind",
    *,
    goal="awareness",
    language="en",
    topics=(),
) -> ContentItem:
    item = ContentItem.objects.create(
        title=title, url=url, status=Status.PUBLISHED, goal=goal, language=language
    )
    for name in topics:
        item.topics.add(Topic.objects.get_or_create(name=name)[0])
    return item


def make_share(
    employee,
    item,
    at: datetime,
    *,
    network="linkedin",
    edited=False,
    audience=None,
    reactions=None,
    comments=None,
    reshares=None,
    status=Share.Status.CONFIRMED,
    method=Share.Method.DIALOG,
    confirmed_at: datetime | None = None,
) -> Share:
    """A share posted at `at` (its created_at), with its tracked link."""
    confirmed = status == Share.Status.CONFIRMED
    share = Share.objects.create(
        employee=employee,
        item=item,
        network=network,
        text="Mine egne ord" if edited else "Foreslået tekst",
        suggested_text="Foreslået tekst",
        edited=edited,
        method=method,
        status=status,
        created_at=at,
        confirmed_at=(confirmed_at or at) if confirmed else None,
        audience=audience,
        reactions=reactions,
        comments=comments,
        reshares=reshares,
    )
    TrackedLink.objects.create(share=share, code=f"c{next(_serial)}")
    return share


def click(share, at: datetime, *, kind=Click.Kind.HUMAN, visitor="v1", **extra) -> Click:
    return Click.objects.create(
        link=share.link, at=at, kind=kind, visitor=visitor, token=f"t{next(_serial)}", **extra
    )


def convert(the_click: Click, kind: str, at: datetime) -> Conversion:
    return Conversion.objects.create(
        click=the_click,
        link=the_click.link,
        kind=kind,
        external_id=f"x{next(_serial)}",
        source="server",
        at=at,
    )


@pytest.fixture
def org(db):
    """The company in Europe/Copenhagen, showing individual results to everyone."""
    organisation = Organisation.get()
    organisation.time_zone = "Europe/Copenhagen"
    organisation.individual_results = Organisation.Visibility.EVERYONE
    organisation.save()
    return organisation


@pytest.fixture
def item(org):
    return make_item()
