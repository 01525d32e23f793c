"""Safeguards in the content library: the schedule never jams, approved words are not changed
behind the reviewer's back, one odd feed entry cannot block a feed, and targeting fails closed."""

from datetime import timedelta

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from advocato.content import forms, services
from advocato.content.feeds import FeedEntry, ParsedFeed
from advocato.content.models import ContentItem, ContentVariant, FeedSource, Status
from advocato.content.tests.test_pages import item_data, png
from advocato.core.models import AuditEntry

pytestmark = pytest.mark.django_db


def test_a_scheduled_item_whose_window_passed_expires_and_does_not_jam_the_rest(admin):
    now = timezone.now()
    stuck = ContentItem.objects.create(
        title="Missed", status=Status.SCHEDULED, publish_at=now - timedelta(days=3),
        expire_at=now - timedelta(days=1),
    )  # fmt: skip
    due = ContentItem.objects.create(
        title="Due", status=Status.SCHEDULED, publish_at=now - timedelta(minutes=1)
    )
    assert services.run_schedule() == (1, 1)
    stuck.refresh_from_db()
    due.refresh_from_db()
    assert (stuck.status, due.status) == (Status.EXPIRED, Status.PUBLISHED)


def test_a_curator_changing_an_approved_item_sends_it_back_to_review(login, curator, admin):
    item = ContentItem.objects.create(
        title="Approved words", url="https://nordlys.example/a", status=Status.PUBLISHED,
        published_at=timezone.now(), language="da",
    )  # fmt: skip
    login(curator).post(reverse("content:edit", args=[item.pk]), item_data(title="New words"))
    item.refresh_from_db()
    assert item.status == Status.IN_REVIEW and item.title == "New words"
    change = item.history.first()
    assert change is not None and change.comment.startswith("Changed after approval")
    # An admin's correction stays live.
    item.status = Status.PUBLISHED
    item.save()
    login(admin).post(reverse("content:edit", args=[item.pk]), item_data(title="Typo fixed"))
    item.refresh_from_db()
    assert item.status == Status.PUBLISHED


def test_saving_the_form_keeps_a_status_set_meanwhile(curator):
    item = ContentItem.objects.create(title="Draft", url="https://nordlys.example/a")
    form = forms.ContentItemForm(item_data(title="Edited"), instance=item)
    ContentItem.objects.filter(pk=item.pk).update(status=Status.PUBLISHED)  # a reviewer, meanwhile
    assert form.is_valid(), form.errors
    form.save()
    item.refresh_from_db()
    assert (item.title, item.status) == ("Edited", Status.PUBLISHED)


def test_editing_the_link_updates_the_canonical_address(login, curator):
    item = ContentItem.objects.create(title="x", url="https://nordlys.example/a")
    login(curator).post(
        reverse("content:edit", args=[item.pk]),
        item_data(url="https://nordlys.example/b?utm_source=x#top"),
    )
    item.refresh_from_db()
    assert item.canonical_url == "https://nordlys.example/b"


def entry(guid, url):
    return FeedEntry(guid=guid, url=url, title="T", summary="", image="", published=None,
                     language="en", canonical_url=url)  # fmt: skip


def test_a_very_long_guid_is_recognised_on_the_next_poll():
    source = FeedSource.objects.create(name="x", url="https://blog.example/feed")
    guid = "g" * 800
    feed = ParsedFeed(
        title="x", link="", language="en", entries=[entry(guid, "https://b.example/1")]
    )
    assert services.import_entries(source, feed) == 1
    moved = ParsedFeed(
        title="x", link="", language="en",
        entries=[entry(guid, "https://b.example/moved"), entry("new", "https://b.example/2")],
    )  # fmt: skip
    assert services.import_entries(source, moved) == 1  # only the genuinely new one


def test_nothing_chosen_means_nobody(advocate):
    ContentItem.objects.create(
        title="Nobody", status=Status.PUBLISHED, published_at=timezone.now(), target_everyone=False
    )
    assert services.feed_for(advocate).count() == 0


def test_changing_the_language_removes_the_variant_it_replaces(login, curator):
    item = ContentItem.objects.create(title="Hello", language="en", url="https://nordlys.example/a")
    ContentVariant.objects.create(item=item, language="da", title="Hej")
    login(curator).post(reverse("content:edit", args=[item.pk]), item_data(language="da"))
    assert not ContentVariant.objects.filter(item=item, language="da").exists()


def test_one_bad_filter_keeps_the_others(login, advocate):
    for title in ("Alpha", "Beta"):
        ContentItem.objects.create(
            title=title, status=Status.PUBLISHED, published_at=timezone.now()
        )
    html = (
        login(advocate)
        .get(reverse("content:feed"), {"topic": "nope", "q": "alpha"})
        .content.decode()
    )
    assert "Alpha" in html and "Beta" not in html


@pytest.mark.parametrize("value", ["0001-01-01T00:00", "9999-12-31T23:59"])
def test_impossible_dates_are_form_errors(login, curator, value):
    response = login(curator).post(reverse("content:new"), item_data(publish_at=value))
    assert response.status_code == 200
    assert "between 2000 and 2100" in response.content.decode()


def test_pictures_are_size_limited_and_renamed(login, advocate, monkeypatch):
    monkeypatch.setattr(forms, "MAX_IMAGE_BYTES", 10)
    response = login(advocate).post(
        reverse("content:suggest"),
        {
            "title": "t",
            "story": "s",
            "image": SimpleUploadedFile("IMG_0001.png", png(), "image/png"),
        },
    )
    assert "the limit is 10 MB" in response.content.decode()
    monkeypatch.setattr(forms, "MAX_IMAGE_BYTES", 10_000_000)
    login(advocate).post(
        reverse("content:suggest"),
        {
            "title": "t",
            "story": "s",
            "image": SimpleUploadedFile("IMG_0001.png", png(), "image/png"),
        },
    )
    name = ContentItem.objects.get().image.name
    assert name.endswith(".png") and "IMG_0001" not in name


def test_targeting_changes_are_audited(login, curator, advocate):
    item = ContentItem.objects.create(title="x", url="https://nordlys.example/a")
    login(curator).post(
        reverse("content:edit", args=[item.pk]),
        item_data(target_everyone=None, departments=[advocate.department.pk]),
    )
    entry = AuditEntry.objects.get(after__departments__isnull=False)
    assert entry.after == {"departments": [advocate.department.name]}


def test_due_feeds_are_claimed_once():
    FeedSource.objects.create(name="a", url="https://a.example/feed")
    start = timezone.now()
    with time_machine.travel(start):
        assert len(services.claim_due_sources()) == 1
        assert services.claim_due_sources() == []  # a second run at once finds nothing due
