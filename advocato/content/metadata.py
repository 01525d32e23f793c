"""What a web page says about itself — title, description, image, site name, language and
canonical address — read from its Open Graph, Twitter and HTML tags, with JSON-LD
(schema.org) as a fallback. Used to fill in a content item from a link.

`extract_metadata()` works on a page already in hand; `fetch_metadata()` fetches it safely
first (see `fetch.py`). Pages in the wild are broken in every way, so extraction never
raises: what cannot be read is left empty.
"""

from __future__ import annotations

import codecs
import html
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urljoin, urlsplit

from django.utils.translation import gettext as _

from advocato.lib.fetch import FetchError, fetch
from advocato.lib.jsonbody import nesting_depth
from advocato.lib.text import plain_text

TITLE_MAX = 300
DESCRIPTION_MAX = 1000
FETCH_MAX_BYTES = 3_000_000
JSON_LD_MAX_DEPTH = 64  # deeper JSON-LD is skipped: json.loads recurses once per level
# Metadata sits at the top of a page; the rest of a long page is not worth parsing.
PARSE_MAX_CHARS = 1_000_000
PARSE_CHUNK_CHARS = 64 * 1024
# The HTML standard looks for <meta charset> in the first 1024 bytes; real pages put a long
# comment or script first often enough that twice that is worth it.
CHARSET_SNIFF_BYTES = 2048

HTML_CONTENT_TYPES = frozenset({"text/html", "application/xhtml+xml"})
NORWEGIAN_CODES = frozenset({"no", "nb", "nn", "nob", "nno", "nor"})
# ISO 639-2 codes seen in lang attributes, for the languages Advocato speaks.
THREE_LETTER_CODES = {"eng": "en", "dan": "da"}
BOMS = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
# Browsers read these labels as windows-1252 (the WHATWG Encoding standard), and so do
# pages that declare them while using curly quotes.
WINDOWS_1252_LABELS = frozenset({"latin_1", "iso8859-1", "ascii", "cp1252"})
CHARSET_PATTERN = re.compile(rb"""<meta[^>]+?charset\s*=\s*["']?\s*([a-zA-Z0-9_.:-]+)""", re.I)
BLOCK_TAGS = frozenset(
    {"br", "p", "div", "li", "ul", "ol", "tr", "td", "th", "section", "article", "h1", "h2"}
    | {"h3", "h4", "h5", "h6", "blockquote", "pre", "dd", "dt", "hr"}
)
CAPTURE_END_TAGS = {"title": "title", "h1": "h1", "json_ld": "script"}
# JSON-LD entities that describe the page, best first; others (Organization, WebSite,
# BreadcrumbList, Person …) describe something around it and never name the page.
JSON_LD_PAGE_TYPES = (
    ("jobposting",),
    ("article", "blogposting", "posting", "report", "pressrelease"),
    ("product", "event", "recipe", "videoobject", "course", "book", "movie", "creativework"),
    ("webpage", "aboutpage", "collectionpage", "itempage", "faqpage", "qapage"),
)


@dataclass
class PageMetadata:
    url: str  # the final URL fetched/given
    canonical_url: str  # <link rel=canonical> or og:url (absolute), else url
    title: str
    description: str
    image: str  # absolute URL or ""
    site_name: str
    language: str  # "en", "da", "nb" or another 2-letter code, "" if unknown


def fetch_metadata(url: str) -> PageMetadata:
    """Fetch `url` (see `fetch.fetch`) and read its metadata. Raises `FetchError`, with code
    'not_html' when the address leads to something other than a web page."""
    result = fetch(url, max_bytes=FETCH_MAX_BYTES)
    if not _looks_like_html(result.content_type, result.body):
        raise FetchError(
            _(
                "This link leads to a file (%(type)s), not a web page, so Advocato cannot fill "
                "in a preview from it."
            )
            % {"type": result.content_type},
            "not_html",
        )
    return extract_metadata(result.body, result.url, result.charset)


def extract_metadata(html: bytes | str, url: str, charset: str | None = None) -> PageMetadata:
    """Read the metadata of the page `html`, found at `url` (relative addresses are resolved
    against it). Bytes are decoded with `charset` (the HTTP header's), else the page's own
    <meta charset>, else UTF-8."""
    text = html if isinstance(html, str) else decode_html(html, charset)
    page = _parse(text)
    json_ld = _JsonLd(page.json_ld_blocks)

    title = _first_text(
        page.meta.get("og:title"),
        page.meta.get("twitter:title"),
        page.title,
        page.h1,
        json_ld.first("headline", "title", "name"),
    )
    description = _first_text(
        page.meta.get("og:description"),
        page.meta.get("twitter:description"),
        page.meta.get("description"),
        json_ld.first("description"),
    )
    image = _first_url(
        url,
        page.meta.get("og:image"),
        page.meta.get("og:image:url"),
        page.meta.get("og:image:secure_url"),
        page.meta.get("twitter:image"),
        page.meta.get("twitter:image:src"),
        page.links.get("image_src"),
        *json_ld.images(),
    )
    canonical = _first_url(url, page.links.get("canonical"), page.meta.get("og:url"))
    site_name = _first_text(page.meta.get("og:site_name"), page.meta.get("application-name"))
    language = _first_language(
        page.html_lang,
        page.meta.get("og:locale"),
        page.meta.get("http-equiv:content-language"),
    )
    return PageMetadata(
        url=url,
        canonical_url=canonical or url,
        # Plain text where we store text: whatever the page's own parsing left, no markup.
        title=_shorten(plain_text(title, decode=False), TITLE_MAX),
        description=_shorten(plain_text(description, decode=False), DESCRIPTION_MAX),
        image=image,
        site_name=site_name or _host_name(url),
        language=language,
    )


def decode_html(data: bytes, charset: str | None = None) -> str:
    """Bytes of a page as text: a byte-order mark wins, then `charset`, then the page's own
    declaration, then UTF-8. Bytes that do not decode become U+FFFD."""
    for bom, bom_encoding in BOMS:
        if data.startswith(bom):
            return data[len(bom) :].decode(bom_encoding, "replace")
    encoding = _codec(charset) or _codec(_declared_charset(data[:CHARSET_SNIFF_BYTES]))
    if encoding is None or encoding.startswith("utf-16"):
        # A page that says "utf-16" in an ASCII-readable <meta> cannot be UTF-16.
        encoding = "utf-8"
    return data.decode(encoding, "replace")


def normalise_language(value: str) -> str:
    """'da-DK' → 'da', 'nb_NO'/'no'/'nn' → 'nb', 'en-US' → 'en'; '' if not a language code."""
    code = re.split(r"[-_,;\s]", value.strip().lower(), maxsplit=1)[0]
    if code in NORWEGIAN_CODES:
        return "nb"
    code = THREE_LETTER_CODES.get(code, code)
    return code if re.fullmatch(r"[a-z]{2}", code) else ""


def _first_language(*values: str | None) -> str:
    for value in values:
        language = normalise_language(value or "")
        if language:
            return language
    return ""


def _declared_charset(head: bytes) -> str | None:
    match = CHARSET_PATTERN.search(head)
    return match.group(1).decode("ascii") if match else None


def _codec(label: str | None) -> str | None:
    if not label:
        return None
    try:
        name = codecs.lookup(label.strip().strip("\"'")).name
    except LookupError:
        return None
    return "cp1252" if name in WINDOWS_1252_LABELS else name


def _looks_like_html(content_type: str, body: bytes) -> bool:
    if content_type in HTML_CONTENT_TYPES:
        return True
    if content_type:
        return False
    # No Content-Type at all: look at the start, as browsers do.
    start = body[:1024].lstrip().lower()
    return start.startswith((b"<!doctype html", b"<html", b"<head", b"<meta", b"<title"))


@dataclass
class _Page:
    meta: dict[str, str]
    links: dict[str, str]
    html_lang: str
    title: str
    h1: str
    json_ld_blocks: list[str]


def _parse(text: str) -> _Page:
    parser = _MetadataParser()
    text = text[:PARSE_MAX_CHARS]
    try:
        for start in range(0, len(text), PARSE_CHUNK_CHARS):
            parser.feed(text[start : start + PARSE_CHUNK_CHARS])
            if parser.has_enough():
                break
        else:
            parser.close()
    except (AssertionError, ValueError):
        # html.parser gives up on some malformed declarations; keep what was read so far.
        pass
    return _Page(
        meta=parser.meta,
        links=parser.links,
        html_lang=parser.html_lang,
        title=parser.title or "",
        h1=parser.h1 or "",
        json_ld_blocks=parser.json_ld_blocks,
    )


class _MetadataParser(HTMLParser):
    """Collects <meta>, <link rel>, <html lang>, the first <title> and <h1> and the JSON-LD
    scripts of a page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.meta: dict[str, str] = {}
        self.links: dict[str, str] = {}
        self.html_lang = ""
        self.title: str | None = None
        self.h1: str | None = None
        self.json_ld_blocks: list[str] = []
        self.head_done = False
        self._capturing: str | None = None  # "title", "h1" or "json_ld"
        self._captured: list[str] = []
        self._svg_depth = 0

    def has_enough(self) -> bool:
        """Past the head with a title, description and image: the body has nothing to add."""
        meta = self.meta
        return (
            self.head_done
            and any(key in meta for key in ("og:title", "twitter:title"))
            and any(key in meta for key in ("og:description", "twitter:description"))
            and any(key in meta for key in ("og:image", "og:image:secure_url", "twitter:image"))
        )

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._read_tag(tag, attrs)
        if tag == "svg":
            self._svg_depth += 1
        elif tag == "body":
            self.head_done = True
        elif self._capturing is not None:
            if tag in BLOCK_TAGS:
                self._captured.append(" ")
        elif tag == "title" and self.title is None and not self._svg_depth:
            self._start_capture("title")
        elif tag == "h1" and self.h1 is None:
            self._start_capture("h1")
        elif tag == "script":
            script_type = (dict(attrs).get("type") or "").lower()
            if "ld+json" in script_type:
                self._start_capture("json_ld")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        # Self-closed tags (<meta/>, <link/>, <svg/>) open nothing that needs closing.
        self._read_tag(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        if tag == "svg" and self._svg_depth:
            self._svg_depth -= 1
        elif tag == "head":
            self.head_done = True
        if self._capturing is not None and tag == CAPTURE_END_TAGS[self._capturing]:
            self._end_capture()
        elif self._capturing is not None and tag in BLOCK_TAGS:
            self._captured.append(" ")

    def handle_data(self, data: str) -> None:
        if self._capturing is not None:
            self._captured.append(data)

    def _start_capture(self, what: str) -> None:
        self._capturing = what
        self._captured = []

    def _end_capture(self) -> None:
        value = "".join(self._captured)
        if self._capturing == "json_ld":
            self.json_ld_blocks.append(value)
        else:
            value = _collapse(value)
            # An empty <title></title> (Substack repeats them in icons) is no title.
            if value:
                setattr(self, self._capturing or "", value)
        self._capturing = None
        self._captured = []

    def _read_tag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        if tag == "meta":
            content = _collapse(values.get("content", ""))
            if not content:
                return
            keys = [values.get("property", ""), values.get("name", "")]
            if values.get("http-equiv"):
                keys.append("http-equiv:" + values["http-equiv"])
            for key in keys:
                key = key.strip().lower()
                if key:
                    self.meta.setdefault(key, content)
        elif tag == "link":
            href = values.get("href", "").strip()
            if href:
                for rel in values.get("rel", "").lower().split():
                    self.links.setdefault(rel, href)
        elif tag == "html" and not self.html_lang:
            self.html_lang = values.get("lang") or values.get("xml:lang") or ""


class _JsonLd:
    """The schema.org entities of a page that describe the page itself, best first."""

    def __init__(self, blocks: list[str]):
        ranked: list[tuple[int, int, dict[str, Any]]] = []
        for entity in _entities(blocks):
            rank = _rank(entity)
            if rank is not None:
                ranked.append((rank, len(ranked), entity))
        self.entities = [entity for _rank_, _order, entity in sorted(ranked, key=lambda r: r[:2])]

    def first(self, *keys: str) -> str:
        for entity in self.entities:
            for key in keys:
                value = entity.get(key)
                text = _plain_text(value, unescape=True) if isinstance(value, str) else ""
                if text:
                    return text
        return ""

    def images(self) -> Iterator[str]:
        for entity in self.entities:
            yield from _image_urls(entity.get("image"))
            yield from _image_urls(entity.get("thumbnailurl"))
            organisation = entity.get("hiringorganization")
            if isinstance(organisation, dict):
                yield from _image_urls(_lower_keys(organisation).get("logo"))


def _entities(blocks: list[str]) -> Iterator[dict[str, Any]]:
    for block in blocks:
        raw = block.strip()
        # Some CMSs wrap the JSON in an HTML comment or CDATA markers for old browsers.
        raw = re.sub(r"^(<!--|//\s*<!\[CDATA\[)|(-->|//\s*\]\]>)$", "", raw).strip()
        if nesting_depth(raw) > JSON_LD_MAX_DEPTH:
            continue  # a page cannot make the parser recurse until it fails
        try:
            data = json.loads(raw, strict=False)
        except (ValueError, RecursionError):
            continue
        yield from _walk(data)


def _walk(data: Any) -> Iterator[dict[str, Any]]:
    if isinstance(data, list):
        for item in data:
            yield from _walk(item)
    elif isinstance(data, dict):
        entity = _lower_keys(data)
        yield entity
        if "@graph" in entity:
            yield from _walk(entity["@graph"])


def _lower_keys(data: dict[str, Any]) -> dict[str, Any]:
    # schema.org is case-sensitive, but real pages write "Headline" and "Description".
    return {str(key).lower(): value for key, value in data.items()}


def _rank(entity: dict[str, Any]) -> int | None:
    types = entity.get("@type")
    names = [types] if isinstance(types, str) else types if isinstance(types, list) else []
    ranks = [
        rank
        for name in names
        if isinstance(name, str)
        for rank, group in enumerate(JSON_LD_PAGE_TYPES)
        if any(part in name.lower() for part in group)
    ]
    return min(ranks, default=None)


def _image_urls(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, list):
        for item in value:
            yield from _image_urls(item)
    elif isinstance(value, dict):
        value = _lower_keys(value)
        for key in ("url", "contenturl"):
            if isinstance(value.get(key), str):
                yield value[key]


def _first_text(*values: str | None) -> str:
    for value in values:
        text = _plain_text(value or "")
        if text:
            return text
    return ""


def _first_url(base: str, *values: str | None) -> str:
    """The first value that makes an absolute http(s) address, resolved against `base`."""
    for value in values:
        value = (value or "").strip()
        if not value:
            continue
        try:
            absolute = urljoin(base, value)
            parts = urlsplit(absolute)
        except ValueError:
            continue
        if parts.scheme in ("http", "https") and parts.hostname:
            return absolute
    return ""


def _host_name(url: str) -> str:
    try:
        host = urlsplit(url).hostname or ""
    except ValueError:
        return ""
    return host.removeprefix("www.")


def _plain_text(value: str, *, unescape: bool = False) -> str:
    """Text with any HTML tags removed (JSON-LD descriptions are often HTML) and whitespace
    collapsed. Attribute values and titles arrive unescaped from the parser already; JSON
    strings ask for `unescape`, as decoding entities twice would turn "&amp;lt;" into "<"."""
    if re.search(r"<[a-zA-Z/!]", value):
        extractor = _TextExtractor()
        try:
            extractor.feed(value)
            extractor.close()
        except (AssertionError, ValueError):
            pass
        value = "".join(extractor.parts)
    return _collapse(html.unescape(value) if unescape else value)


class _TextExtractor(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.parts: list[str] = []
        self._skipping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style"):
            self._skipping += 1
        elif tag in BLOCK_TAGS:
            self.parts.append(" ")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style"):
            self._skipping = max(0, self._skipping - 1)
        elif tag in BLOCK_TAGS:
            self.parts.append(" ")

    def handle_data(self, data: str) -> None:
        if not self._skipping:
            self.parts.append(data)

    def handle_entityref(self, name: str) -> None:
        self.handle_data(f"&{name};")

    def handle_charref(self, name: str) -> None:
        self.handle_data(f"&#{name};")


def _collapse(value: str) -> str:
    return " ".join(value.split())


def _shorten(text: str, limit: int) -> str:
    """Cut `text` to at most `limit` characters, at a word boundary if one is near."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    if " " in cut[limit // 2 :]:
        cut = cut.rsplit(" ", 1)[0]
    return cut.rstrip(" ,.;:–-") + "…"
