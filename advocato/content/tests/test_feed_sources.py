"""Feed sources in the library: polling imports each entry once, reports broken feeds in plain
words and never half-imports."""

import pytest

from advocato.conftest import SHARED_FIXTURES
from advocato.content import services
from advocato.content.models import ContentItem, FeedSource, Status

pytestmark = pytest.mark.django_db

DANISH_RSS = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>Nyheder</title><link>https://firma.example/</link>
<language>da</language>
<item><title>Grøn strøm til 12 kommuner – “en milepæl”</title><link>https://firma.example/a?utm_source=rss</link><guid>a-1</guid>
<description>Aftalen sparer 18.000 tons CO₂.</description></item>
<item><title>Ny solcellepark ved Holstebro</title><link>https://firma.example/b</link><guid>b-2</guid></item>
</channel></rss>"""


def add_source(site, path="/feed.xml", **fields):
    fields.setdefault("name", "Newsroom")
    return FeedSource.objects.create(url=site.url + path, **fields)


def test_entries_are_imported_once_across_polls(site, curator):
    site.add("/feed.xml", DANISH_RSS, "application/rss+xml")
    source = add_source(site, created_by=curator)
    assert services.poll_source(source) == 2
    items = ContentItem.objects.order_by("title")
    assert items[0].title == "Grøn strøm til 12 kommuner – “en milepæl”"
    assert items[0].language == "da" and items[0].status == Status.IN_REVIEW
    assert items[0].canonical_url == "https://firma.example/a"
    assert services.poll_source(source) == 0
    # The same story in another feed (same canonical URL) is not imported again either.
    site.add(
        "/other.xml",
        DANISH_RSS.replace("a-1", "zz-9").replace("b-2", "zz-10"),
        "application/rss+xml",
    )
    assert services.poll_source(add_source(site, "/other.xml", name="Mirror")) == 0
    source.refresh_from_db()
    assert source.entries_imported == 2 and source.is_healthy and not source.last_error


def test_auto_publish_and_default_targeting(site, curator, advocate, advocate_engineering):
    site.add("/feed.xml", DANISH_RSS, "application/rss+xml")
    source = add_source(site, auto_publish=True, target_everyone=False)
    source.departments.set([advocate.department])
    services.poll_source(source)
    assert {i.title for i in services.feed_for(advocate)} == {
        "Grøn strøm til 12 kommuner – “en milepæl”",
        "Ny solcellepark ved Holstebro",
    }
    assert services.feed_for(advocate_engineering).count() == 0


@pytest.mark.parametrize(
    ("body", "content_type", "words"),
    [
        ("<rss><channel><title>Broken</title><item><title>x", "application/rss+xml", ""),
        (
            "<!DOCTYPE html><html><head><title>Blog</title></head><body>Hi</body></html>",
            "text/html",
            "web page",
        ),
    ],
)
def test_broken_feeds_are_reported_and_import_nothing(site, body, content_type, words):
    site.add("/feed.xml", body, content_type)
    source = add_source(site)
    assert services.poll_source(source) == 0
    source.refresh_from_db()
    assert source.last_error and words in source.last_error
    assert not source.is_healthy
    assert ContentItem.objects.count() == 0


def test_a_missing_feed_is_reported(site):
    source = add_source(site, "/gone.xml")
    services.poll_source(source)
    source.refresh_from_db()
    assert "404" in source.last_error


def test_a_huge_feed_stops_at_the_limit(site, monkeypatch):
    monkeypatch.setattr(services, "FEED_MAX_BYTES", 50_000)
    site.add(
        "/big.xml",
        DANISH_RSS.replace("</channel>", "<!--" + "x" * 200_000 + "--></channel>"),
        "application/rss+xml",
    )
    source = add_source(site, "/big.xml")
    assert services.poll_source(source) == 0
    source.refresh_from_db()
    assert source.last_error and ContentItem.objects.count() == 0


def test_a_100_mb_feed_stream_stops_at_the_limit(site):
    head = b'<?xml version="1.0"?><rss version="2.0"><channel><title>Endless</title>'

    def endless():
        yield head
        for _ in range(100 * 1024):  # 100 MB in 1 kB entries
            yield b"<item><title>" + b"x" * 1000 + b"</title></item>"

    site.add("/endless.xml", endless, "application/rss+xml")
    source = add_source(site, "/endless.xml")
    assert services.poll_source(source) == 0
    source.refresh_from_db()
    assert source.last_error and ContentItem.objects.count() == 0
    assert site.sent < 30_000_000  # stopped near the 10 MB limit, not after 100 MB


def test_an_internal_address_is_refused(settings):
    settings.FETCH_ALLOWED_NETWORKS = []
    source = FeedSource.objects.create(
        name="Metadata", url="http://169.254.169.254/latest/meta-data/"
    )
    services.poll_source(source)
    source.refresh_from_db()
    assert "private or internal" in source.last_error


@pytest.mark.skipif(
    not SHARED_FIXTURES.exists(), reason="../shared/fixtures is not beside this clone"
)
@pytest.mark.parametrize(
    "name",
    [
        "wordpress_norm2782_rss2.xml",
        "atom_heise_developer_de.atom",
        "news_guardian_media_content.rss",
    ],
)
def test_real_world_feeds_import(site, name):
    site.add("/feed", (SHARED_FIXTURES / "feeds" / name).read_bytes(), "application/xml")
    source = add_source(site, "/feed")
    created = services.poll_source(source)
    source.refresh_from_db()
    assert created > 5, source.last_error
    assert services.poll_source(source) == 0


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    ("name", "entries"),
    [("nordlys-nyheder.xml", 6), ("nordlys-karriere.atom", 4), ("nordlys-blog.xml", 3)],
)
def test_the_demo_feeds_are_served_and_read_over_http(live_server, settings, name, entries):
    settings.FETCH_ALLOWED_NETWORKS = ["127.0.0.1/32"]
    source = FeedSource.objects.create(
        name=name, url=f"{live_server.url}/static/advocato/demo-feeds/{name}"
    )
    assert services.poll_source(source) == entries
    source.refresh_from_db()
    assert source.is_healthy, source.last_error
