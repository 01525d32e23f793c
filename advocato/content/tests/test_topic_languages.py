"""Topics in the reader's language: on the feed's cards, the item page and the feed's topic
filter; translated by a curator on the Topics page, side by side."""

import pytest
from django.urls import reverse
from django.utils import timezone

from advocato.conftest import make_employee
from advocato.content.models import ContentItem, Status, Topic
from advocato.core.models import AuditEntry

pytestmark = pytest.mark.django_db
WORDS = {"da": "Bæredygtighed", "nb": "Bærekraft"}


def published(title, *topics):
    item = ContentItem.objects.create(
        title=title, url="https://nordlys.example/" + title.replace(" ", "-"),
        status=Status.PUBLISHED, published_at=timezone.now(), language="en",
    )  # fmt: skip
    item.topics.set(topics)
    return item


def reader(language):
    person = make_employee(f"reader-{language}@example.com", name="Reader", department="Sales")
    person.ui_language = language
    person.save()
    return person


@pytest.mark.parametrize("language", ["da", "nb"])
def test_feed_and_item_show_topics_in_the_readers_language(login, language):
    green = Topic.objects.create(name="Sustainability", **{f"name_{language}": WORDS[language]})
    events = Topic.objects.create(name="Events")
    item = published("Solar park opens", green, events)
    client = login(reader(language))

    feed = client.get(reverse("content:feed")).content.decode()
    assert f'<span class="tag">{WORDS[language]}</span>' in feed
    assert ">Sustainability<" not in feed  # (it stays the filter's value, in the address)
    # The filter offers the reader's word and still filters by the topic itself.
    assert f'<option value="Sustainability">{WORDS[language]}</option>' in feed
    assert '<span class="tag">Events</span>' in feed  # no translation: the company's name
    filtered = client.get(reverse("content:feed"), {"topic": "Sustainability"})
    assert "Solar park opens" in filtered.content.decode()

    page = client.get(reverse("content:item", args=[item.pk])).content.decode()
    assert f'<span class="tag">{WORDS[language]}</span>' in page and ">Sustainability<" not in page


def test_the_curator_translates_topics_side_by_side(login, curator, advocate):
    wind = Topic.objects.create(name="Wind")
    published("Turbine 14", wind)
    assert login(advocate).get(reverse("content:topics")).status_code == 403

    client = login(curator)
    page = client.get(reverse("content:topics")).content.decode()
    assert 'name="form-0-name_da"' in page and 'name="form-0-name_nb"' in page
    assert 'name="form-0-name_en"' not in page  # the company language is the name itself
    data = {
        "form-TOTAL_FORMS": "1", "form-INITIAL_FORMS": "1",
        "form-0-id": str(wind.pk), "form-0-name": "Wind",
        "form-0-name_da": "Vindkraft", "form-0-name_nb": "=cmd|x",
    }  # fmt: skip
    response = client.post(reverse("content:topics"), data)
    assert response.status_code == 200  # a formula is refused, nothing saved
    wind.refresh_from_db()
    assert wind.name_da == ""

    data["form-0-name_nb"] = "Vindkraft"
    assert client.post(reverse("content:topics"), data).status_code == 302
    wind.refresh_from_db()
    assert (wind.name_da, wind.name_nb) == ("Vindkraft", "Vindkraft")
    entry = AuditEntry.objects.get(object_type="content.Topic", action="update")
    assert entry.after is not None
    assert entry.after["name_da"] == "Vindkraft"


def test_typing_a_translated_topic_name_files_under_the_same_topic(login, curator):
    wind = Topic.objects.create(name="Wind", name_da="Vindkraft")
    response = login(curator).post(
        reverse("content:new"),
        {"title": "Ny vindmøllepark", "url": "https://nordlys.example/v", "language": "da",
         "goal": "awareness", "target_everyone": "on", "topic_names": "vindkraft, Events"},
    )  # fmt: skip
    assert response.status_code == 302
    item = ContentItem.objects.get()
    assert sorted(t.name for t in item.topics.all()) == ["Events", "Wind"]
    assert Topic.objects.filter(pk=wind.pk).exists() and Topic.objects.count() == 2
