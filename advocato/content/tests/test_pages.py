"""The content pages, end to end through the test client."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from advocato.content.models import ContentItem, FeedSource, Status, SuggestedText

pytestmark = pytest.mark.django_db

JOB_PAGE = """<!DOCTYPE html><html lang="da"><head><meta charset="utf-8">
<title>Servicetekniker – Nordlys Karriere</title>
<meta property="og:title" content="Vi søger serviceteknikere i Esbjerg">
<meta property="og:description" content="Bliv en del af holdet bag havvindmøllerne.">
<meta property="og:image" content="/media/esbjerg.jpg">
<meta property="og:site_name" content="Nordlys Karriere">
<link rel="canonical" href="https://karriere.nordlys.example/job/311">
</head><body><h1>Servicetekniker</h1></body></html>"""


def png() -> bytes:
    from io import BytesIO

    from PIL import Image

    buffer = BytesIO()
    Image.new("RGB", (4, 4), "#1f5f8b").save(buffer, "PNG")
    return buffer.getvalue()


def test_new_item_is_filled_in_from_a_url(site, login, curator):
    site.add("/job", JOB_PAGE)
    response = login(curator).get(reverse("content:new"), {"url": site.url + "/job"})
    html = response.content.decode()
    assert 'value="Vi søger serviceteknikere i Esbjerg"' in html
    assert "https://karriere.nordlys.example/job/311" in html
    assert f"{site.url}/media/esbjerg.jpg" in html


def test_a_url_that_cannot_be_fetched_gets_a_clear_message(login, curator, settings):
    settings.FETCH_ALLOWED_NETWORKS = []
    response = login(curator).get(reverse("content:new"), {"url": "http://10.0.0.8/intranet"})
    assert response.status_code == 200
    assert "private or internal" in response.content.decode()


def item_data(**changes):
    data = {
        "title": "Vindmøllepark åbner",
        "commentary": "Del det med dit netværk.",
        "url": "https://nordlys.example/a",
        "language": "da",
        "goal": "awareness",
        "target_everyone": "on",
        "topic_names": "Wind, Careers",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def test_curator_creates_edits_texts_and_submits(login, curator, admin):
    client = login(curator)
    response = client.post(
        reverse("content:new"),
        {**item_data(), "image": SimpleUploadedFile("p.png", png(), "image/png")},
    )
    item = ContentItem.objects.get()
    assert response["Location"] == reverse("content:edit", args=[item.pk])
    assert item.status == Status.DRAFT and item.created_by == curator and item.image
    assert sorted(t.name for t in item.topics.all()) == ["Careers", "Wind"]
    assert item.canonical_url == "https://nordlys.example/a"

    texts = {
        "t-da-linkedin": "Stolt i dag.",
        "t-en-title": "Wind farm opens",
        "t-en-x": "Proud today.",
    }
    client.post(reverse("content:edit", args=[item.pk]), {**item_data(), **texts})
    assert set(SuggestedText.objects.values_list("network", "language", "text")) == {
        ("linkedin", "da", "Stolt i dag."),
        ("x", "en", "Proud today."),
    }
    assert item.variants.get().title == "Wind farm opens"

    too_long = {"t-da-x": "x" * 281}
    page = client.post(reverse("content:edit", args=[item.pk]), {**item_data(), **too_long})
    assert "281 of 280" in page.content.decode()
    assert not SuggestedText.objects.filter(network="x", language="da").exists()

    client.post(reverse("content:transition", args=[item.pk]), {"to": "in_review"})
    item.refresh_from_db()
    assert item.status == Status.IN_REVIEW
    login(admin).post(
        reverse("content:transition", args=[item.pk]), {"to": "published", "back": "review"}
    )
    item.refresh_from_db()
    assert item.status == Status.PUBLISHED


def test_bad_item_input_gets_form_errors(login, curator):
    response = login(curator).post(
        reverse("content:new"),
        item_data(url="", commentary="", target_everyone=None, publish_at="2026-12-01T10:00",
                  expire_at="2026-11-01T10:00"),
    )  # fmt: skip
    html = response.content.decode()
    assert "Give a link, or write the story" in html
    assert "Choose who sees it" in html
    assert "The expiry must come after" in html
    assert ContentItem.objects.count() == 0


def test_an_unknown_status_or_a_forbidden_move_changes_nothing(login, curator):
    item = ContentItem.objects.create(title="Draft")
    client = login(curator)
    client.post(reverse("content:transition", args=[item.pk]), {"to": "bogus"})
    page = client.post(
        reverse("content:transition", args=[item.pk]), {"to": "published"}, follow=True
    )
    assert "cannot become" in page.content.decode()
    item.refresh_from_db()
    assert item.status == Status.DRAFT


def test_advocate_sees_feed_item_in_their_language_and_not_others(
    login, advocate, advocate_engineering
):
    item = ContentItem.objects.create(
        title="Wind farm opens", language="en", status="published", published_at=timezone.now(),
        target_everyone=False,
    )  # fmt: skip
    item.departments.set([advocate.department])
    item.variants.create(language="da", title="Vindmøllepark åbner")
    SuggestedText.objects.create(item=item, network="linkedin", language="da", text="Stolt i dag!")
    advocate.language = "da"
    advocate.save()
    client = login(advocate)
    assert "Vindmøllepark åbner" in client.get(reverse("content:feed")).content.decode()
    detail = client.get(reverse("content:item", args=[item.pk])).content.decode()
    assert "Stolt i dag!" in detail
    assert "Vindmøllepark åbner" in client.get(reverse("home")).content.decode()
    other = login(advocate_engineering)
    assert other.get(reverse("content:item", args=[item.pk])).status_code == 404
    assert "Wind farm opens" not in other.get(reverse("content:feed")).content.decode()


def test_empty_feed_says_what_to_do(login, advocate):
    html = login(advocate).get(reverse("content:feed")).content.decode()
    assert "Nothing to share yet" in html and reverse("content:suggest") in html


def test_advocate_suggests_with_a_picture(login, advocate, curator):
    response = login(advocate).post(
        reverse("content:suggest"),
        {"title": "Sunrise at turbine 14", "story": "From this morning.",
         "image": SimpleUploadedFile("sun.png", png(), "image/png")},
    )  # fmt: skip
    assert response.status_code == 302
    item = ContentItem.objects.get()
    assert item.status == Status.IN_REVIEW and item.suggested_by == advocate and item.image
    queue = login(curator).get(reverse("content:review")).content.decode()
    assert "Sunrise at turbine 14" in queue and advocate.name in queue


def test_a_file_that_is_not_a_picture_is_refused(login, advocate):
    response = login(advocate).post(
        reverse("content:suggest"),
        {
            "title": "x",
            "story": "y",
            "image": SimpleUploadedFile("a.png", b"not a png", "image/png"),
        },
    )
    assert response.status_code == 200
    assert ContentItem.objects.count() == 0


def test_adding_a_feed_reads_it_at_once(site, login, curator):
    site.add("/rss", '<?xml version="1.0"?><rss version="2.0"><channel><title>B</title><link>https://b.example/</link>'
             '<item><title>One</title><link>https://b.example/1</link><guid>1</guid></item></channel></rss>',
             "application/rss+xml")  # fmt: skip
    response = login(curator).post(
        reverse("content:sources"),
        {"name": "Blog", "url": site.url + "/rss", "goal": "awareness", "target_everyone": "on",
         "is_active": "on"},
    )  # fmt: skip
    source = FeedSource.objects.get()
    assert not source.last_error, source.last_error
    assert response["Location"] == reverse("content:source", args=[source.pk])
    assert source.items.count() == 1
    page = login(curator).get(reverse("content:sources")).content.decode()
    assert "Working" in page


def test_a_feed_address_that_is_not_http_is_refused(login, curator):
    response = login(curator).post(
        reverse("content:sources"),
        {
            "name": "x",
            "url": "ftp://files.example/feed",
            "goal": "awareness",
            "target_everyone": "on",
        },
    )
    assert response.status_code == 200 and FeedSource.objects.count() == 0


@pytest.mark.parametrize("role", ["advocate", "manager", "analyst"])
def test_only_curators_and_admins_may_move_items_or_read_feeds(client, personas, role):
    item = ContentItem.objects.create(title="Draft")
    source = FeedSource.objects.create(name="Blog", url="https://blog.example/feed")
    client.force_login(personas[role].user)
    moved = client.post(reverse("content:transition", args=[item.pk]), {"to": "in_review"})
    assert moved.status_code == 403
    assert client.post(reverse("content:source_poll", args=[source.pk])).status_code == 403
    item.refresh_from_db()
    assert item.status == Status.DRAFT


def test_library_lists_items_marked_for_company_channels(login, curator):
    ContentItem.objects.create(title="Reshare me", reshare_on_company_channels=True)
    ContentItem.objects.create(title="Not this one")
    html = login(curator).get(reverse("content:library"), {"reshare": "1"}).content.decode()
    assert "Reshare me" in html and "Not this one" not in html
