"""Reading RSS and Atom: real captured feeds (skipped when /work/shared/fixtures is absent),
a Danish feed written here, and documents that are broken, hostile or not feeds at all."""

from __future__ import annotations

import random
import time
from datetime import UTC, datetime, timedelta

import pytest

from advocato.conftest import SHARED_FIXTURES
from advocato.content.feeds import (
    MAX_ENTRIES,
    FeedError,
    canonicalise_url,
    normalise_language,
    parse_feed,
)

FEEDS = SHARED_FIXTURES / "feeds"
PAGES = SHARED_FIXTURES / "pages"


def shared(folder, name: str) -> bytes:
    path = folder / name
    if not path.exists():
        pytest.skip(f"shared fixture {path} is not available")
    return path.read_bytes()


# A WordPress-style Danish feed as a da-DK site serves it: CDATA descriptions, content:encoded
# with a relative picture, campaign parameters on links, a repeated item and one without a link.
DANISH_RSS = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"
    xmlns:content="http://purl.org/rss/1.0/modules/content/"
    xmlns:dc="http://purl.org/dc/elements/1.1/"
    xmlns:atom="http://www.w3.org/2005/Atom">
<channel>
    <title>Nordlys Energi – Nyheder</title>
    <atom:link href="https://feeds.example.net/nordlys.xml" rel="self" type="application/rss+xml" />
    <link>https://nordlys.example.dk/</link>
    <description>Nyt fra Nordlys Energi</description>
    <lastBuildDate>Tue, 12 Mar 2024 09:15:00 +0100</lastBuildDate>
    <language>da-DK</language>
    <generator>https://wordpress.org/?v=6.4.3</generator>
    <item>
        <title>Vindmøller på Ærø: “Vi når målet før tid”</title>
        <link>https://nordlys.example.dk/2024/03/vindmoeller-paa-aeroe/?utm_source=rss&amp;utm_medium=rss#kommentarer</link>
        <dc:creator><![CDATA[Søren Kjær]]></dc:creator>
        <pubDate>Tue, 12 Mar 2024 09:15:00 +0100</pubDate>
        <category><![CDATA[Vindkraft]]></category>
        <guid isPermaLink="false">https://nordlys.example.dk/?p=101</guid>
        <description><![CDATA[<p>Øens borgere ejer nu halvdelen af møllerne &#8211; og strømmen
rækker til både færgen og skolen&hellip;</p>]]></description>
        <content:encoded><![CDATA[<p><img src="/wp-content/uploads/2024/03/aeroe-moelle.jpg"
alt="Mølle på Ærø" width="1200" height="630" /></p>
<p>Øens borgere ejer nu halvdelen af møllerne.</p>]]></content:encoded>
    </item>
    <item>
        <title>Fjernvarme &amp; køling i Århus – sådan gør vi</title>
        <link>/2024/03/fjernvarme-i-aarhus/</link>
        <pubDate>Mon, 11 Mar 2024 14:00:00 +0100</pubDate>
        <description><![CDATA[Varmen fra datacentret bliver til <strong>fjernvarme</strong>
for 4.000 husstande.]]></description>
    </item>
    <item>
        <title>Vindmøller på Ærø (opdateret)</title>
        <link>https://nordlys.example.dk/2024/03/vindmoeller-paa-aeroe-2/</link>
        <guid isPermaLink="false">https://nordlys.example.dk/?p=101</guid>
        <pubDate>Tue, 12 Mar 2024 10:00:00 +0100</pubDate>
    </item>
    <item>
        <title>Fjernvarme i Aarhus</title>
        <link>https://NORDLYS.example.dk/2024/03/fjernvarme-i-aarhus/?utm_campaign=nyhedsbrev</link>
        <guid isPermaLink="false">https://nordlys.example.dk/?p=99</guid>
    </item>
    <item>
        <title>Kun internt: julefrokost</title>
        <guid isPermaLink="false">julefrokost-2024</guid>
    </item>
</channel>
</rss>
""".encode()

DANISH_FEED_URL = "https://feeds.example.net/nordlys.xml"

HTML_PAGE = b"""\xef\xbb\xbf
<!DOCTYPE html>
<html lang="da"><head><meta charset="utf-8"><title>Nordlys Energi</title>
<link rel="alternate" type="application/rss+xml" href="/feed/"></head>
<body><p>Velkommen&nbsp;til Nordlys<br></body></html>"""

BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE rss [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<rss version="2.0"><channel><title>&lol9;</title>
<item><title>&lol9;</title><link>https://example.com/a</link></item>
</channel></rss>"""


def rss(items: str, head: str = "<title>Test</title><link>https://example.com/</link>") -> bytes:
    return (
        f'<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel>{head}'
        f"{items}</channel></rss>"
    ).encode()


def atom(entries: str) -> bytes:
    return (
        '<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
        '<title>Test</title><link rel="alternate" href="https://example.com/"/>'
        f"<id>urn:test</id><updated>2024-03-12T09:00:00Z</updated>{entries}</feed>"
    ).encode()


# --- The Danish feed ------------------------------------------------------------------------


def test_danish_feed_keeps_its_letters_and_quotes():
    feed = parse_feed(DANISH_RSS, DANISH_FEED_URL)

    assert feed.title == "Nordlys Energi – Nyheder"
    assert feed.language == "da"
    assert [entry.title for entry in feed.entries] == [
        "Vindmøller på Ærø: “Vi når målet før tid”",
        "Fjernvarme & køling i Århus – sådan gør vi",
    ]
    first = feed.entries[0]
    assert first.summary == (
        "Øens borgere ejer nu halvdelen af møllerne – og strømmen rækker til både færgen og skolen…"
    )
    assert first.language == "da"
    assert first.published == datetime(2024, 3, 12, 8, 15, tzinfo=UTC)
    assert (
        feed.entries[1].summary
        == "Varmen fra datacentret bliver til fjernvarme for 4.000 husstande."
    )


def test_relative_links_resolve_against_the_sites_link_not_the_feeds_host():
    feed = parse_feed(DANISH_RSS, DANISH_FEED_URL)

    assert feed.link == "https://nordlys.example.dk/"
    second = feed.entries[1]
    assert second.url == "https://nordlys.example.dk/2024/03/fjernvarme-i-aarhus/"
    assert (
        feed.entries[0].image
        == "https://nordlys.example.dk/wp-content/uploads/2024/03/aeroe-moelle.jpg"
    )


def test_entry_without_guid_is_known_by_its_link():
    second = parse_feed(DANISH_RSS, DANISH_FEED_URL).entries[1]

    assert second.guid == "https://nordlys.example.dk/2024/03/fjernvarme-i-aarhus/"


def test_campaign_parameters_and_fragment_do_not_make_a_new_article():
    first = parse_feed(DANISH_RSS, DANISH_FEED_URL).entries[0]

    assert first.url.endswith("?utm_source=rss&utm_medium=rss#kommentarer")
    assert first.canonical_url == "https://nordlys.example.dk/2024/03/vindmoeller-paa-aeroe/"


def test_repeated_guid_or_address_within_one_feed_is_kept_once():
    feed = parse_feed(DANISH_RSS, DANISH_FEED_URL)

    # Item 3 repeats item 1's guid; item 4 is item 2's address with a campaign parameter.
    assert len(feed.entries) == 2
    assert len({entry.guid for entry in feed.entries}) == 2
    assert feed.entries[0].title.startswith("Vindmøller på Ærø:")


def test_entry_without_a_web_address_is_left_out():
    feed = parse_feed(DANISH_RSS, DANISH_FEED_URL)

    assert "julefrokost" not in " ".join(entry.title.lower() for entry in feed.entries)


# --- Real feeds -----------------------------------------------------------------------------


def test_wordpress_feed():
    feed = parse_feed(shared(FEEDS, "wordpress_norm2782_rss2.xml"), "http://www.norm2782.com/feed/")

    assert (feed.title, feed.link, feed.language) == ("Norm 2782", "http://www.norm2782.com", "en")
    assert len(feed.entries) == 10
    first = feed.entries[0]
    assert first.title == "Wth… reading books?"
    assert first.guid == "http://www.norm2782.com/?p=114"
    assert first.url == "http://www.norm2782.com/2009/03/wth-reading-books/"
    assert first.published == datetime(2009, 3, 2, 8, 9, 33, tzinfo=UTC)
    assert first.summary.startswith("Being in New Zealand does strange things to a person.")
    assert "<" not in first.summary
    # The picture is the first <img> of content:encoded.
    assert (
        feed.entries[1].image == "http://farm4.static.flickr.com/3403/3232983613_637af46bc3.jpg?v=0"
    )


def test_medium_feed():
    feed = parse_feed(shared(FEEDS, "medium_tag_feed.rss"), "https://medium.com/feed/invironment")

    assert feed.title == "Food in Invironment on Medium"
    assert len(feed.entries) == 7
    assert feed.entries[0].title == "THE CREATIVE FORAGER"
    assert feed.entries[0].guid == "https://medium.com/p/125af37d838f"
    assert feed.entries[1].title == "Eight Reasons You Shouldn’t Grow Your Own Food"


def test_substack_feed_takes_its_picture_from_the_image_enclosure():
    feed = parse_feed(shared(FEEDS, "substack_heated.xml"), "https://heated.world/feed")

    [entry] = feed.entries
    assert entry.title == "A conversation about Keystone XL"
    assert entry.language == "en"
    assert entry.image.startswith("https://cdn.substack.com/image/fetch/h_600,c_limit")
    assert entry.image.endswith("_3024x4032.jpeg")


def test_ghost_feed_takes_its_picture_from_media_content():
    feed = parse_feed(
        shared(FEEDS, "ghost_cloudflare_blog.xml"), "https://blog.cloudflare.com/rss/"
    )

    [entry] = feed.entries
    assert entry.title == "Privacy-Preserving Compromised Credential Checking"
    assert entry.image == "https://blog.cloudflare.com/content/images/2021/10/image6-15.png"
    assert entry.published == datetime(2021, 10, 14, 12, 59, 53, tzinfo=UTC)


def test_guardian_feed_takes_the_largest_media_content_picture():
    feed = parse_feed(
        shared(FEEDS, "news_guardian_media_content.rss"), "https://www.theguardian.com/us/rss"
    )

    assert feed.title == "The Guardian"
    assert feed.language == "en"  # en-gb
    assert len(feed.entries) == 55
    first = feed.entries[0]
    assert first.title == "Trump State of the Union address promised unity but emphasized discord"
    assert first.image.startswith(
        "https://i.guim.co.uk/img/media/b73c8752cd4667c923dff7f1542f1fb20089e421/"
    )
    assert "?w=460&" in first.image
    assert all(entry.image for entry in feed.entries)


def test_heise_atom_feed_keeps_umlauts_and_finds_the_picture_in_content():
    feed = parse_feed(
        shared(FEEDS, "atom_heise_developer_de.atom"),
        "http://www.heise.de/developer/rss/news-atom.xml",
    )

    assert feed.title == "heise developer neueste Meldungen"
    assert len(feed.entries) == 15
    first, second = feed.entries[:2]
    assert first.title == "Java-Anwendungsserver: Red Hat gibt WildFly 10 frei"
    assert "Die nun verfügbare Version 10" in first.summary
    assert "größere Release" in first.summary
    assert second.title == "Scrum Day 2016: Bewerbungen für Vorträge und Workshops"
    assert first.image.startswith("http://www.heise.de/scale/geometry/264/q80/imgs/")
    assert first.image.endswith("/wildfly-2bf4ffd2935e38b6-90200def80b152e9-5ba35d3770232d92.jpeg")
    # heise's ?wt_mc=… is click tracking.
    assert first.url.endswith(".html?wt_mc=rss.developer.beitrag.atom")
    assert first.canonical_url == (
        "http://www.heise.de/developer/meldung/"
        "Java-Anwendungsserver-Red-Hat-gibt-WildFly-10-frei-3088438.html"
    )
    assert first.published == datetime(2016, 2, 1, 16, 22, tzinfo=UTC)


def test_blogger_feed_through_feedburner_with_crlf_line_endings():
    data = shared(FEEDS, "atom_blogger_feedburner.atom")
    assert b"\r\n" in data

    feed = parse_feed(data, "http://feeds.feedburner.com/blogspot/lQlzL")

    assert feed.title == "Google Ads Developer Blog"
    assert len(feed.entries) == 25
    first = feed.entries[0]
    assert first.title == "AdWords and DFP Java client library will soon require Java 7+"
    # FeedBurner's proxy link is gone; the article's own address is its origLink.
    assert first.url == (
        "http://googleadsdeveloper.blogspot.com/2016/06/adwords-and-dfp-java-client-library.html"
    )
    assert first.guid == "tag:blogger.com,1999:blog-7815614485808579332.post-8394866751819460570"
    assert first.published == datetime(2016, 6, 3, 14, 38, tzinfo=UTC)
    assert all("\r" not in entry.summary and "\r" not in entry.title for entry in feed.entries)


def test_youtube_feed_uses_the_thumbnail_not_the_flash_player():
    feed = parse_feed(
        shared(FEEDS, "atom_youtube_channel_media.atom"),
        "https://www.youtube.com/feeds/videos.xml?channel_id=UCBcRF18a7Qf58cCRy5xuWwQ",
    )

    assert feed.title == "L2inc"
    assert len(feed.entries) == 15
    first = feed.entries[0]
    assert first.title == "Buy Now, Bitches*"
    assert first.url == "https://www.youtube.com/watch?v=lR-w1h5ONOY"
    assert first.guid == "yt:video:lR-w1h5ONOY"
    assert first.image == "https://i1.ytimg.com/vi/lR-w1h5ONOY/hqdefault.jpg"


def test_iso_8859_1_feed_is_decoded():
    data = shared(FEEDS, "news_jn_pt_iso-8859-1.rss")
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")

    feed = parse_feed(data, "http://feeds.jn.pt/JN-ULTIMAS")

    assert feed.title == "Jornal de Notícias - Últimas Notícias"
    assert feed.language == "pt"
    assert len(feed.entries) == 40
    first = feed.entries[0]
    assert first.title == "Mãe de utente é a nova presidente da Raríssimas"
    assert first.summary.startswith("Sónia Laygue, profissional na área da Recursos Humanos")
    # No guid: the entry is known by its link, which is FeedBurner's origLink.
    assert (
        first.url
        == first.guid
        == (
            "https://www.jn.pt/nacional/interior/sonia-laig-e-a-nova-presidente-da-rarissimas-9021600.html"
        )
    )


def test_github_releases_relative_links_become_absolute():
    feed = parse_feed(
        shared(FEEDS, "atom_github_releases_gulp.atom"), "https://feeds.example.net/gulp.atom"
    )

    assert feed.link == "https://github.com/gulpjs/gulp/releases"
    assert len(feed.entries) == 10
    first = feed.entries[0]
    assert first.title == "v3.9.0"
    assert first.url == "https://github.com/gulpjs/gulp/releases/tag/v3.9.0"
    assert first.language == "en"  # xml:lang="en-US"
    assert first.published == datetime(2015, 6, 1, 21, 49, 41, tzinfo=UTC)  # updated, +02:00
    # The only media:thumbnail is the author's 30×30 avatar: not a picture for the release.
    assert first.image == ""


@pytest.mark.parametrize(
    "name",
    [
        "news_article_guardian_og_twitter.html",
        "no_metadata_title_only_anarcat.html",
        "norwegian_tine_no_og.html",
        "relative_og_image_globenewswire.html",
        "substack_post.html",
        "wordpress_blog_post_lemire.html",
    ],
)
def test_real_web_page_is_reported_as_a_page_not_a_feed(name):
    with pytest.raises(FeedError) as error:
        parse_feed(shared(PAGES, name), "https://example.com/")

    assert error.value.code == "html"


# --- Not feeds, broken feeds, hostile documents ---------------------------------------------


def test_web_page_says_to_look_for_the_feed_link():
    with pytest.raises(FeedError) as error:
        parse_feed(HTML_PAGE, "https://nordlys.example.dk/")

    assert error.value.code == "html"
    assert "web page" in str(error.value)
    assert "RSS" in str(error.value)


def test_xhtml_page_with_xml_declaration_is_a_page():
    page = (
        b'<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 '
        b'Strict//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml1-strict.dtd">\n'
        b'<html xmlns="http://www.w3.org/1999/xhtml"><head><title>x</title></head>'
        b"<body><p>Hello</p></body></html>"
    )
    with pytest.raises(FeedError) as error:
        parse_feed(page, "https://example.com/")

    assert error.value.code == "html"


def test_truncated_feed_is_malformed_and_says_where():
    truncated = DANISH_RSS[: DANISH_RSS.index(b"<item>")]

    with pytest.raises(FeedError) as error:
        parse_feed(truncated, DANISH_FEED_URL)

    assert error.value.code == "malformed"
    assert "ends before it is complete" in str(error.value)
    assert "line" in str(error.value)


def test_feed_cut_off_after_some_entries_keeps_those_entries():
    cut = DANISH_RSS[: DANISH_RSS.index("<title>Vindmøller på Ærø (opdateret)".encode())]

    feed = parse_feed(cut, DANISH_FEED_URL)

    assert [entry.url for entry in feed.entries] == [
        "https://nordlys.example.dk/2024/03/vindmoeller-paa-aeroe/?utm_source=rss&utm_medium=rss#kommentarer",
        "https://nordlys.example.dk/2024/03/fjernvarme-i-aarhus/",
    ]


def test_wrongly_declared_encoding_is_still_read():
    # Declared UTF-8, written in Windows-1252: feedparser notices and re-decodes (a bozo feed).
    data = rss(
        "<item><title>Grøn omstilling på Fyn</title><link>https://example.com/fyn</link></item>"
    ).decode()
    feed = parse_feed(data.encode("cp1252"), "https://example.com/feed")

    assert [entry.title for entry in feed.entries] == ["Grøn omstilling på Fyn"]


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"   \r\n",
        b"<",
        b"x",
        b"\x00",
        b"\xef\xbb\xbf",
        b"\xff\xfe\x00\x00",
        b"Not found",
        b"<?xml version='1.0'?>",
        b"<rss",
        random.Random(2026).randbytes(4096),
        random.Random(7).randbytes(1),
    ],
)
def test_any_bytes_give_a_feed_error_or_a_feed(data):
    with pytest.raises(FeedError) as error:
        parse_feed(data, "https://example.com/feed")

    assert error.value.code in ("html", "malformed", "not_a_feed")
    assert str(error.value)


def test_xml_that_is_not_a_feed():
    with pytest.raises(FeedError) as error:
        parse_feed(b'<?xml version="1.0"?><sitemap><url>https://a/</url></sitemap>', "https://a/")

    assert error.value.code == "not_a_feed"


def test_json_feed_is_named():
    data = b'{"version": "https://jsonfeed.org/version/1.1", "title": "x", "items": []}'

    with pytest.raises(FeedError) as error:
        parse_feed(data, "https://example.com/feed.json")

    assert error.value.code == "not_a_feed"
    assert "JSON Feed" in str(error.value)


@pytest.mark.parametrize("encoding", ["utf-8", "utf-16"])
def test_billion_laughs_is_refused_quickly(encoding):
    data = BILLION_LAUGHS.decode().replace('<?xml version="1.0"?>', "")
    if encoding != "utf-8":
        data = f'<?xml version="1.0" encoding="{encoding}"?>' + data
    started = time.monotonic()

    with pytest.raises(FeedError) as error:
        parse_feed(data.encode(encoding), "https://example.com/feed")

    assert error.value.code == "malformed"
    # Expanding the entities would take minutes and gigabytes; refusing them takes
    # milliseconds. The bound sits far from both, so a busy machine cannot make it flaky.
    assert time.monotonic() - started < 10


def test_external_entity_is_refused():
    data = (
        b'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY secret SYSTEM "file:///etc/passwd">]>'
        b'<rss version="2.0"><channel><title>&secret;</title></channel></rss>'
    )

    with pytest.raises(FeedError) as error:
        parse_feed(data, "https://example.com/feed")

    assert error.value.code == "malformed"


def test_deeply_nested_xml_does_not_crash():
    depth = 20000
    data = b"<rss version='2.0'><channel>" + b"<a>" * depth + b"</a>" * depth + b"</channel></rss>"

    feed = parse_feed(data, "https://example.com/feed")

    assert feed.entries == []


def test_empty_feed_is_valid():
    feed = parse_feed(rss(""), "https://example.com/feed")

    assert feed.title == "Test"
    assert feed.entries == []


def test_more_than_the_maximum_keeps_the_newest_in_feed_order():
    start = datetime(2020, 1, 1, tzinfo=UTC)
    # Oldest first, as some archives list them; the newest MAX_ENTRIES are at the end.
    items = "".join(
        f"<item><title>Post {n}</title><link>https://example.com/{n}</link>"
        f"<pubDate>{(start + timedelta(days=n)).strftime('%a, %d %b %Y %H:%M:%S +0000')}</pubDate>"
        "</item>"
        for n in range(MAX_ENTRIES + 20)
    )

    feed = parse_feed(rss(items), "https://example.com/feed")

    assert len(feed.entries) == MAX_ENTRIES
    assert feed.entries[0].title == "Post 20"
    assert feed.entries[-1].title == f"Post {MAX_ENTRIES + 19}"


# --- Fields ---------------------------------------------------------------------------------


def test_html_and_plain_titles_are_both_stored_without_markup():
    # Plain text where we store text: a "text" title loses tags too (its entities are kept
    # as written). The price: a title that mentions a tag by name loses that word.
    data = atom(
        '<entry><id>urn:1</id><title type="html">&lt;b&gt;Grøn&lt;/b&gt; &amp;amp; blå</title>'
        '<link href="https://example.com/1"/><updated>2024-03-12T09:00:00Z</updated></entry>'
        '<entry><id>urn:2</id><title type="text">&lt;script&gt;alert(1)&lt;/script&gt;Kantinen '
        "&amp; caféen</title>"
        '<link href="https://example.com/2"/><updated>2024-03-12T09:00:00Z</updated></entry>'
        '<entry><id>urn:3</id><title type="text">Why &lt;div&gt; is not a button</title>'
        '<link href="https://example.com/3"/><updated>2024-03-12T09:00:00Z</updated></entry>'
    )

    feed = parse_feed(data, "https://example.com/feed")

    assert sorted(entry.title for entry in feed.entries) == sorted(
        ["Grøn & blå", "Kantinen & caféen", "Why is not a button"]
    )


def test_long_title_and_summary_are_shortened_on_a_word():
    title = "Vindkraft " * 60
    summary = "<p>" + "Fjernvarme og solceller " * 80 + "</p>"
    data = rss(
        f"<item><title>{title}</title><link>https://example.com/1</link>"
        f"<description><![CDATA[{summary}]]></description></item>"
    )

    entry = parse_feed(data, "https://example.com/feed").entries[0]

    assert len(entry.title) <= 300
    assert entry.title.endswith("Vindkraft…")
    assert len(entry.summary) <= 1000
    assert entry.summary.endswith("…")
    assert "<" not in entry.summary


def test_summary_falls_back_to_content_and_date_to_updated():
    data = atom(
        '<entry><id>urn:1</id><title>Only content</title><link href="/news/1"/>'
        "<updated>2024-03-12T10:30:00+01:00</updated>"
        '<content type="html">&lt;p&gt;Første linje&lt;/p&gt;&lt;p&gt;Anden linje&lt;/p&gt;'
        "</content></entry>"
    )

    entry = parse_feed(data, "https://example.com/feed").entries[0]

    assert entry.summary == "Første linje Anden linje"
    assert entry.published == datetime(2024, 3, 12, 9, 30, tzinfo=UTC)
    assert entry.url == "https://example.com/news/1"


def test_tracking_pixel_is_not_the_picture():
    content = (
        '<img src="https://pixel.example.net/b.gif?x=1" width="1" height="1" />'
        '<p>Tekst</p><img src="https://example.com/photo.jpg" alt="" />'
    )
    data = rss(
        "<item><title>Pixel</title><link>https://example.com/1</link>"
        f"<description><![CDATA[{content}]]></description></item>"
    )

    entry = parse_feed(data, "https://example.com/feed").entries[0]

    assert entry.image == "https://example.com/photo.jpg"


def test_entry_without_date_has_none():
    data = rss("<item><title>Udateret</title><link>https://example.com/1</link></item>")

    assert parse_feed(data, "https://example.com/feed").entries[0].published is None


def test_non_web_links_are_left_out():
    data = rss(
        "<item><title>Mail</title><link>mailto:presse@example.com</link></item>"
        "<item><title>Script</title><link>javascript:alert(1)</link></item>"
        "<item><title>Web</title><link>https://example.com/web</link></item>"
    )

    assert [e.title for e in parse_feed(data, "https://example.com/feed").entries] == ["Web"]


@pytest.mark.parametrize(
    ("tag", "language"),
    [
        ("da-DK", "da"),
        ("da", "da"),
        ("en-US", "en"),
        ("EN_gb", "en"),
        ("no", "nb"),
        ("nb-NO", "nb"),
        ("nn", "nb"),
        ("nn-NO", "nb"),
        ("", ""),
        ("x-klingon", ""),
        ("dan", ""),
    ],
)
def test_language_tags_become_two_letter_codes(tag, language):
    assert normalise_language(tag) == language


@pytest.mark.parametrize(
    ("url", "canonical"),
    [
        (
            "HTTPS://Nordlys.Example.DK/Nyheder/Vind?utm_source=li&id=7&UTM_Medium=x#top",
            "https://nordlys.example.dk/Nyheder/Vind?id=7",
        ),
        ("https://example.com/a/", "https://example.com/a/"),
        ("https://example.com/a", "https://example.com/a"),
        ("https://example.com/?fbclid=abc", "https://example.com/"),
        (
            "https://example.com/p?gclid=1&mc_cid=2&mc_eid=3&page=2&q=a%20b",
            "https://example.com/p?page=2&q=a%20b",
        ),
        ("http://example.com:80/x", "http://example.com/x"),
        ("https://example.com:8443/x", "https://example.com:8443/x"),
        ("https://example.com/x?utm_campaign=a", "https://example.com/x"),
        ("https://example.com/x?source=rss", "https://example.com/x?source=rss"),
        ("http://[::1", "http://[::1"),
    ],
)
def test_canonical_url(url, canonical):
    assert canonicalise_url(url) == canonical


def test_broken_feed_whose_only_entry_has_no_link_is_malformed():
    with pytest.raises(FeedError) as error:
        parse_feed(b"<rss><channel><title>Brudt</title><item><title>x", "https://example.com/feed")

    assert error.value.code == "malformed"


def test_valid_feed_whose_entries_have_no_links_is_empty_not_broken():
    feed = parse_feed(rss("<item><title>Kun tekst</title></item>"), "https://example.com/feed")

    assert feed.entries == []


@pytest.mark.django_db
def test_the_data_migration_cleans_markup_kept_by_earlier_imports():
    import importlib

    from django.apps import apps

    from advocato.content.models import ContentItem, ContentVariant, FeedSource

    migration = importlib.import_module("advocato.content.migrations.0002_plain_text_titles")
    source = FeedSource.objects.create(name="Intranet", url="https://intra.example/feed")
    fed = ContentItem.objects.create(
        title="<script>alert(1)</script>Kantinen åbner", commentary="<p>Ny <b>menu</b></p>",
        source=source,
    )  # fmt: skip
    variant = ContentVariant.objects.create(
        item=fed, language="nb", title="<i>Kantina</i> åpner", commentary="Tom & Jerry"
    )
    written = ContentItem.objects.create(title="Why <div> is not a button", commentary="a\n\nb")

    migration.clean(apps, None)

    fed.refresh_from_db()
    variant.refresh_from_db()
    written.refresh_from_db()
    assert (fed.title, fed.commentary) == ("Kantinen åbner", "Ny menu")
    assert (variant.title, variant.commentary) == ("Kantina åpner", "Tom & Jerry")
    # Items a curator wrote are theirs: left as they are.
    assert (written.title, written.commentary) == ("Why <div> is not a button", "a\n\nb")
