"""Page metadata: what a link preview shows, read from real pages and from pages shaped like
the ones curators paste (job postings, articles, pages with nothing but a heading)."""

from __future__ import annotations

import json

import pytest

from advocato.conftest import SHARED_FIXTURES
from advocato.content.metadata import (
    PageMetadata,
    decode_html,
    extract_metadata,
    fetch_metadata,
    normalise_language,
)
from advocato.content.tests.test_fetch import LocalServer
from advocato.lib.fetch import FetchError

PAGES = SHARED_FIXTURES / "pages"
needs_shared_pages = pytest.mark.skipif(
    not PAGES.is_dir(), reason="the shared fixtures (../shared/fixtures) are not present"
)

JOB_URL = "https://karriere.nordlys.example/job/4711-servicetekniker-esbjerg"
JOB_POSTING_JSON_LD = {
    "@context": "https://schema.org/",
    "@type": "JobPosting",
    "title": "Servicetekniker til havvindmøller",
    "description": (
        "<p>Vil du arbejde p&aring; havet?</p><ul><li>Fuld tid</li><li>Esbjerg</li></ul>"
    ),
    "datePosted": "2026-02-01",
    "validThrough": "2026-03-01T00:00",
    "employmentType": "FULL_TIME",
    "hiringOrganization": {
        "@type": "Organization",
        "name": "Nordlys Energi",
        "sameAs": "https://nordlys.example",
        "logo": "https://nordlys.example/static/logo-512.png",
    },
    "jobLocation": {
        "@type": "Place",
        "address": {"@type": "PostalAddress", "addressLocality": "Esbjerg"},
    },
}
JOB_POSTING_PAGE = f"""<!DOCTYPE html>
<html lang="da-DK">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Servicetekniker til havvindmøller, Esbjerg | Nordlys Energi Karriere</title>
<meta name="description" content="Vi søger en servicetekniker til vores havvindmølleparker.">
<link rel="canonical" href="/job/4711-servicetekniker-esbjerg">
<meta property="og:type" content="website">
<meta property="og:title" content="Servicetekniker til havvindmøller &ndash; Esbjerg">
<meta property="og:description" content="Bliv en del af vores serviceteam i Esbjerg og hold
      120 vindmøller kørende. Ansøgningsfrist 1. marts.">
<meta property="og:image" content="/media/jobs/4711/havvind-1200x630.jpg">
<meta property="og:image:width" content="1200">
<meta property="og:url" content="{JOB_URL}">
<meta property="og:site_name" content="Nordlys Energi">
<meta property="og:locale" content="da_DK">
<meta name="twitter:card" content="summary_large_image">
<script type="application/ld+json">{json.dumps(JOB_POSTING_JSON_LD)}</script>
</head>
<body class="job-template">
<header><a href="/"><svg viewBox="0 0 10 10"><title>Nordlys logo</title></svg></a></header>
<main><h1>Servicetekniker til havvindmøller</h1><p>Vil du arbejde på havet?</p></main>
</body>
</html>
"""


def job_page_without(*markers: str) -> str:
    """The job posting page with every line containing one of `markers` removed."""
    return "\n".join(
        line
        for line in JOB_POSTING_PAGE.splitlines()
        if not any(marker in line for marker in markers)
    )


def fixture_page(name: str) -> bytes:
    return (PAGES / name).read_bytes()


# --- pages written for these tests ------------------------------------------------------


def test_job_posting_page_prefers_open_graph():
    meta = extract_metadata(JOB_POSTING_PAGE.encode(), JOB_URL + "?utm_source=linkedin")

    assert meta == PageMetadata(
        url=JOB_URL + "?utm_source=linkedin",
        canonical_url=JOB_URL,
        title="Servicetekniker til havvindmøller – Esbjerg",
        description=(
            "Bliv en del af vores serviceteam i Esbjerg og hold 120 vindmøller kørende. "
            "Ansøgningsfrist 1. marts."
        ),
        image="https://karriere.nordlys.example/media/jobs/4711/havvind-1200x630.jpg",
        site_name="Nordlys Energi",
        language="da",
    )


def test_job_posting_without_open_graph_is_read_from_json_ld():
    html = job_page_without("og:", "twitter:", 'name="description"')

    meta = extract_metadata(html, JOB_URL)

    assert meta.title == "Servicetekniker til havvindmøller, Esbjerg | Nordlys Energi Karriere"
    assert meta.description == "Vil du arbejde på havet? Fuld tid Esbjerg"
    assert meta.image == "https://nordlys.example/static/logo-512.png"
    assert meta.site_name == "karriere.nordlys.example"


def test_job_posting_with_only_json_ld_takes_its_title():
    html = job_page_without("og:", "<title>", "<h1>")

    assert extract_metadata(html, JOB_URL).title == "Servicetekniker til havvindmøller"


def test_article_json_ld_in_a_graph_gives_headline_and_image():
    graph = {
        "@context": "https://schema.org",
        "@graph": [
            {"@type": "Organization", "name": "Nordlys Energi", "logo": "/logo.png"},
            {"@type": "WebSite", "name": "Nordlys nyheder"},
            {
                "@type": ["NewsArticle"],
                "Headline": "Nordlys &amp; Esbjerg Kommune indgår aftale",
                "Description": "Grøn strøm til 40 skoler.",
                "image": {"@type": "ImageObject", "url": "/billeder/aftale.jpg"},
            },
        ],
    }
    html = (
        "<html><head><script type='application/ld+json'>{ broken json,</script>"
        f'<script type="application/ld+json">{json.dumps(graph)}</script></head>'
        "<body><p>Uden overskrift</p></body></html>"
    )

    meta = extract_metadata(html, "https://nyheder.nordlys.example/aftale")

    assert meta.title == "Nordlys & Esbjerg Kommune indgår aftale"
    assert meta.description == "Grøn strøm til 40 skoler."
    assert meta.image == "https://nyheder.nordlys.example/billeder/aftale.jpg"


def test_page_without_metadata_takes_the_first_heading():
    html = b"""<html><body>
      <nav><svg><title>Menu</title></svg></nav>
      <h1>  Our   <em>new</em> wind farm </h1><h1>Second heading</h1>
      <p>Some text.</p></body></html>"""

    meta = extract_metadata(html, "https://www.nordlys.example/vind")

    assert meta == PageMetadata(
        url="https://www.nordlys.example/vind",
        canonical_url="https://www.nordlys.example/vind",
        title="Our new wind farm",
        description="",
        image="",
        site_name="nordlys.example",
        language="",
    )


@pytest.mark.parametrize(
    "html",
    [b"", "", b"\x00\xff\xfe garbage \x81", "<html><head></head><body><p>Text</p>", "<!x <<<>>"],
)
def test_page_with_nothing_in_it_gives_empty_values(html):
    meta = extract_metadata(html, "https://example.com/")

    assert (meta.title, meta.description, meta.image, meta.language) == ("", "", "", "")
    assert meta.canonical_url == "https://example.com/"
    assert meta.site_name == "example.com"


def test_latin_1_page_declared_in_meta_charset_is_decoded():
    html = (
        '<html lang="nb"><head><meta charset="iso-8859-1">'
        "<title>Blåbærsyltetøy på hytta</title></head></html>"
    ).encode("latin-1")

    meta = extract_metadata(html, "https://example.no/")

    assert meta.title == "Blåbærsyltetøy på hytta"
    assert meta.language == "nb"


def test_charset_in_http_equiv_is_read():
    html = (
        '<html><head><meta http-equiv="Content-Type" content="text/html; charset=windows-1252">'
        "<title>“Smart” quotes – and dashes</title></head></html>"
    ).encode("cp1252")

    assert extract_metadata(html, "https://example.com/").title == "“Smart” quotes – and dashes"


def test_charset_from_the_server_wins_over_the_page():
    html = '<meta charset="utf-8"><title>Søvn</title>'.encode("latin-1")

    assert extract_metadata(html, "https://example.dk/", charset="ISO-8859-1").title == "Søvn"


def test_undecodable_bytes_are_replaced():
    html = b"<title>Caf\xe9 \xff menu</title>"

    assert extract_metadata(html, "https://example.com/").title == "Caf\ufffd \ufffd menu"


def test_byte_order_mark_decides_the_encoding():
    assert decode_html("\ufeffÆble".encode("utf-16-le"), charset="iso-8859-1") == "Æble"
    assert decode_html(b"plain", charset="no-such-charset") == "plain"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("da-DK", "da"),
        ("da", "da"),
        ("nb_NO", "nb"),
        ("no", "nb"),
        ("nn-NO", "nb"),
        ("nb", "nb"),
        ("en-US", "en"),
        ("EN_gb", "en"),
        ("de", "de"),
        ("dan", "da"),
        ("", ""),
        ("x-klingon", ""),
        ("1234", ""),
    ],
)
def test_language_codes_are_normalised(value, expected):
    assert normalise_language(value) == expected


def test_language_falls_back_to_og_locale_then_content_language():
    with_locale = '<html><head><meta property="og:locale" content="nb_NO"></head></html>'
    with_header = '<html><meta http-equiv="content-language" content="da-DK, en"></html>'

    assert extract_metadata(with_locale, "https://example.no/").language == "nb"
    assert extract_metadata(with_header, "https://example.dk/").language == "da"


def test_empty_and_unusable_image_values_are_skipped():
    html = """<head>
      <meta property="og:image" content="">
      <meta property="og:image:secure_url" content="data:image/png;base64,iVBORw0KGgo=">
      <meta name="twitter:image" content="  ">
      <meta name="twitter:image:src" content="//cdn.example.com/card.png">
    </head>"""

    assert (
        extract_metadata(html, "https://example.com/a").image == "https://cdn.example.com/card.png"
    )


def test_link_image_src_is_the_last_resort_for_an_image():
    html = '<head><link rel="image_src" href="thumb.jpg"></head>'

    assert extract_metadata(html, "http://example.com/news/").image == (
        "http://example.com/news/thumb.jpg"
    )


def test_application_name_names_the_site_without_og_site_name():
    html = '<head><meta name="application-name" content="Nordlys Intranet"></head>'

    assert extract_metadata(html, "https://www.example.com/").site_name == "Nordlys Intranet"


def test_long_title_and_description_are_trimmed():
    html = (
        f'<title>{"Vind " * 100}</title><meta name="description" content="{"Sol og vind. " * 200}">'
    )

    meta = extract_metadata(html, "https://example.com/")

    assert len(meta.title) <= 300
    assert meta.title.startswith("Vind Vind")
    assert meta.title.endswith("…")
    assert len(meta.description) <= 1000


def test_entities_and_whitespace_are_cleaned():
    html = "<title>\n  Tom &amp; Jerry&nbsp;&#8211;\tthe   &quot;movie&quot;\n</title>"

    assert extract_metadata(html, "https://example.com/").title == 'Tom & Jerry – the "movie"'


def test_metadata_far_down_a_huge_page_is_not_looked_for():
    html = "<html><body>" + "<p>filler</p>" * 100_000 + "<h1>Too late</h1></body></html>"

    assert extract_metadata(html, "https://example.com/").title == ""


# --- real pages --------------------------------------------------------------------------


@needs_shared_pages
def test_wordpress_post_lemire():
    url = "https://lemire.me/blog/2019/08/02/json-parsing-simdjson-vs-json-for-modern-c/"

    meta = extract_metadata(fixture_page("wordpress_blog_post_lemire.html"), url)

    assert meta.title == "JSON parsing: simdjson vs. JSON for Modern C++"
    assert meta.description.startswith("JSON is the ubiquitous data format on the Internet.")
    assert "JSON … Continue reading" in meta.description
    assert meta.image == "https://lemire.me/img/portrait2018facebook.jpg"  # twitter:image is ""
    assert meta.site_name == "Daniel Lemire's blog"
    assert meta.canonical_url == url
    assert meta.language == "en"


@needs_shared_pages
def test_guardian_news_article():
    url = "https://www.theguardian.com/technology/2017/jul/03/facebook-track-browsing-history-california-lawsuit"

    meta = extract_metadata(fixture_page("news_article_guardian_og_twitter.html"), url)

    assert meta.title == (
        "Facebook can track your browsing even after you've logged out, judge says"
    )
    assert meta.description == (
        "Judge dismisses lawsuit accusing Facebook of tracking users’ activity, saying "
        "responsibility was on plaintiffs to keep browsing history private"
    )
    assert meta.image.startswith(
        "https://i.guim.co.uk/img/media/7a94153cfbe65bca1a3e7f6993b233d3c0983c36/"
    )
    assert "?w=1200&h=630&q=55" in meta.image
    assert meta.canonical_url == url  # rel=canonical (https) wins over og:url (http)
    assert meta.site_name == "The Guardian"
    assert meta.language == ""  # the page declares none


@needs_shared_pages
def test_substack_post():
    url = "https://map.simonsarris.com/p/the-most-precious-resource-is-agency"

    meta = extract_metadata(fixture_page("substack_post.html"), url)

    assert meta.title == "The Most Precious Resource is Agency"
    assert meta.description.startswith("The world is a very malleable place.")
    assert meta.image.startswith("https://substackcdn.com/image/fetch/w_1200,h_600,c_fill")
    assert meta.site_name == "map.simonsarris.com"
    assert meta.canonical_url == url
    assert meta.language == "en"


@needs_shared_pages
def test_relative_og_image_is_made_absolute_globenewswire():
    url = (
        "https://www.globenewswire.com/news-release/2016/04/06/1300478/0/en/"
        "Segment-Launches-Sources-to-Unify-Siloed-Customer-Data-in-Minutes.html"
    )

    meta = extract_metadata(fixture_page("relative_og_image_globenewswire.html"), url)

    assert meta.image == (
        "https://www.globenewswire.com/news-release/logo/901814/0/901814.png"
        "?lastModified=09%2F16%2F2020%2010%3A00%3A19&v=1300478"
    )
    assert meta.title == "Segment Launches Sources to Unify Siloed Customer Data in Minutes"
    assert meta.description.startswith(
        "SAN FRANCISCO, CA--(Marketwired - April 06, 2016) - Segment, the customer data platform"
    )
    assert meta.site_name == "GlobeNewswire News Room"
    assert meta.language == "en"


@needs_shared_pages
def test_norwegian_page_tine_is_bokmal_with_its_letters_intact():
    url = "https://www.tine.no/presserom/nyhetsarkiv/nff-tine-fotballskole-viktig-for-barneidretten-gjennom-pandemien"

    meta = extract_metadata(fixture_page("norwegian_tine_no_og.html"), url)

    assert meta.language == "nb"
    assert meta.title == "NFF: TINE Fotballskole viktig for barneidretten gjennom pandemien"
    assert meta.description.startswith(
        "En annerledes sesong med TINE Fotballskole nærmer seg slutten. Norges "
        "Fotballforbund (NFF) har vært bekymret"
    )
    assert meta.description.endswith("ifølge ferske tall.")
    assert "å se at nærmere 55 000" in meta.description
    assert meta.site_name == "TINE.no"
    assert meta.canonical_url == url  # the page's rel=canonical is relative
    assert meta.image.endswith(
        "/block-1200-630/3db559df-2ea8-4876-a6df-0bfcfa8c31fd.jpg?quality=85"
    )


@needs_shared_pages
def test_page_with_only_a_title_anarcat():
    url = "https://anarc.at/blog/2019-11-20-cdpath-replacements/"

    meta = extract_metadata(fixture_page("no_metadata_title_only_anarcat.html"), url)

    assert meta == PageMetadata(
        url=url,
        canonical_url=url,
        title="CDPATH replacements - anarcat",
        description="",
        image="",
        site_name="anarc.at",
        language="en",
    )


@needs_shared_pages
def test_page_with_og_title_but_no_title_element_harddecor():
    url = "http://harddecor.at/work/denkmaler-neuem-licht/"

    meta = extract_metadata(fixture_page("og_without_title_or_image_harddecor.html"), url)

    assert meta.title == "Denkmäler in neuem Licht. - Studio Harddecor"
    assert meta.image == ""
    assert meta.site_name == "Studio Harddecor"
    assert meta.language == "en"


@needs_shared_pages
def test_page_with_title_and_meta_description_only_bahamaslocal():
    meta = extract_metadata(
        fixture_page("title_and_description_only_bahamaslocal.html"),
        "https://www.bahamaslocal.com/newsitem/227765/atlantis.html",
    )

    assert meta.title.startswith(
        "ATLANTIS PARADISE ISLAND AND DOLPHIN CAY DONATES MEDICAL SUPPLIES TO BAARK |"
    )
    assert meta.description.startswith("Atlantis Paradise Island and Dolphin Cay is yet again")
    assert meta.image == ""
    assert meta.site_name == "bahamaslocal.com"


# --- fetching ---------------------------------------------------------------------------


@pytest.fixture
def page_server(settings):
    settings.FETCH_ALLOWED_NETWORKS = ["127.0.0.1/32"]
    latin_1 = '<head><meta charset="iso-8859-1"><title>Smørrebrød</title></head>'
    pages = {
        "/job/4711": ("text/html; charset=utf-8", JOB_POSTING_PAGE.encode()),
        "/latin-1": ("text/html", latin_1.encode("latin-1")),
        "/no-type": ("", b"<!DOCTYPE html><title>No Content-Type</title>"),
        "/report.pdf": ("application/pdf", b"%PDF-1.7\n"),
    }
    with LocalServer(pages=pages) as server:
        yield server


def test_fetch_metadata_reads_a_job_posting_over_http(page_server):
    meta = fetch_metadata(page_server.url("/redirect?to=/job/4711"))

    assert meta.url == page_server.url("/job/4711")
    assert meta.title == "Servicetekniker til havvindmøller – Esbjerg"
    assert meta.image == f"http://127.0.0.1:{page_server.port}/media/jobs/4711/havvind-1200x630.jpg"
    assert meta.canonical_url == page_server.url("/job/4711-servicetekniker-esbjerg")


def test_fetch_metadata_decodes_by_the_page_charset(page_server):
    assert fetch_metadata(page_server.url("/latin-1")).title == "Smørrebrød"


def test_fetch_metadata_accepts_html_served_without_a_content_type(page_server):
    assert fetch_metadata(page_server.url("/no-type")).title == "No Content-Type"


def test_fetch_metadata_refuses_a_file_that_is_not_a_web_page(page_server):
    with pytest.raises(FetchError) as caught:
        fetch_metadata(page_server.url("/report.pdf"))

    assert caught.value.code == "not_html"
    assert "application/pdf" in str(caught.value)


def test_fetch_metadata_passes_fetch_errors_on(page_server):
    with pytest.raises(FetchError) as caught:
        fetch_metadata(page_server.url("/gone"))

    assert caught.value.code == "http_status"


def test_fetch_metadata_refuses_internal_addresses():
    with pytest.raises(FetchError) as caught:
        fetch_metadata("http://169.254.169.254/latest/meta-data/")

    assert caught.value.code == "blocked_address"


def test_a_fetched_pages_title_and_description_are_stored_as_plain_text():
    page = (
        '<html><head><meta property="og:title" content="&lt;script&gt;alert(1)&lt;/script&gt;'
        'Kantinen &amp; caféen">'
        '<meta property="og:description" content="&lt;p&gt;Ny &lt;b&gt;menu&lt;/b&gt;&lt;/p&gt;">'
        "</head><body></body></html>"
    )
    meta = extract_metadata(page, "https://nordlys.example/kantine")
    assert meta.title == "Kantinen & caféen"
    assert meta.description == "Ny menu"
