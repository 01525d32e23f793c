"""Guards on curating: lengths with counters, topics in advocates' filters only once an item
using them is published, suggestions approved only with ready-made texts, and a review queue
that puts what waits for the curator first, with bulk approval checked item by item."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from advocato.conftest import make_employee
from advocato.content import services
from advocato.content.models import ContentItem, Status, StatusChange, SuggestedText
from advocato.core.models import AuditEntry

pytestmark = pytest.mark.django_db


def item_form(**extra):
    return {
        "title": "Wind", "url": "https://nordlys.example/w", "language": "en",
        "goal": "awareness", "target_everyone": "on", **extra,
    }  # fmt: skip


def test_lengths_are_limited_and_counted(login, curator, advocate):
    client = login(curator)
    page = client.get(reverse("content:new")).content.decode()
    assert 'maxlength="300"' in page and 'maxlength="3000"' in page and "data-count" in page
    for field in ("title", "commentary"):
        response = client.post(reverse("content:new"), item_form(**{field: "x" * 5000}))
        assert response.status_code == 200 and "at most" in response.content.decode()
    assert not ContentItem.objects.exists()
    client = login(advocate)
    data = {"title": "Our day", "story": "y" * 5000}
    assert client.post(reverse("content:suggest"), data).status_code == 200
    assert not ContentItem.objects.exists()


def test_topics_reach_advocates_filters_only_once_published(login, curator, advocate):
    client = login(curator)
    client.post(reverse("content:new"), item_form(topic_names="Secret merger"))
    draft = ContentItem.objects.get()
    assert draft.status == Status.DRAFT and draft.topics.get().name == "Secret merger"
    feed = login(advocate).get(reverse("content:feed")).content.decode()
    assert "Secret merger" not in feed
    ContentItem.objects.filter(pk=draft.pk).update(
        status=Status.PUBLISHED, published_at=timezone.now()
    )
    assert "Secret merger" in client.get(reverse("content:feed")).content.decode()


def test_a_suggestion_is_approved_only_with_ready_made_texts(advocate, curator):
    item = services.suggest(advocate, title="Our team won", url="https://nordlys.example/won")
    assert item.status == Status.IN_REVIEW
    with pytest.raises(services.ContentError):
        services.approve(item, curator)
    SuggestedText.objects.create(item=item, network="linkedin", language="en", text="We won!")
    assert services.approve(item, curator).status == Status.PUBLISHED


@pytest.fixture
def queue(curator, advocate):
    """Two curators' items in review, submitted at different times."""
    other = make_employee("kim@example.com", role="curator", name="Kim")
    now = timezone.now()
    items = {}
    for name, by, hours in (("own-old", curator, 5), ("theirs-new", other, 1),
                            ("theirs-old", other, 3)):  # fmt: skip
        item = ContentItem.objects.create(
            title=name, url=f"https://nordlys.example/{name}", created_by=by,
            status=Status.IN_REVIEW,
        )  # fmt: skip
        StatusChange.objects.create(
            item=item, from_status=Status.DRAFT, to_status=Status.IN_REVIEW, by=by
        )
        StatusChange.objects.filter(item=item).update(at=now - timedelta(hours=hours))
        items[name] = item
    return items


def test_review_queue_puts_what_waits_for_me_first(login, curator, queue):
    client = login(curator)
    shown = [i.title for i in client.get(reverse("content:review")).context["items"]]
    assert shown == ["theirs-old", "theirs-new", "own-old"]
    mine = client.get(reverse("content:review"), {"show": "mine"}).context["items"]
    assert [i.title for i in mine] == ["theirs-old", "theirs-new"]


def test_bulk_approve_checks_each_item_and_is_audited(login, curator, queue):
    client = login(curator)
    pks = [queue["theirs-old"].pk, queue["theirs-new"].pk, queue["own-old"].pk]
    response = client.post(reverse("content:review_approve"), {"items": pks})
    assert response.status_code == 302
    status = dict(ContentItem.objects.values_list("title", "status"))
    # Her own item is not hers to approve: it stays in review.
    assert status == {"theirs-old": "published", "theirs-new": "published",
                      "own-old": "in_review"}  # fmt: skip
    audited = AuditEntry.objects.filter(object_type="content.ContentItem", action="update")
    assert {e.object_id for e in audited} == {str(pks[0]), str(pks[1])}
    assert client.get(reverse("content:review_approve")).status_code == 405
