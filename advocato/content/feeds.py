"""Reading RSS and Atom feeds: `parse_feed` turns the bytes of a fetched feed into plain-text
`FeedEntry` items ready to become content, and `canonicalise_url` gives the address under which
one article is recognised again, whichever feed or campaign link it came through.

No network and no database here: the caller fetches (with its own size and time limits) and
stores. Whatever the bytes are, `parse_feed` either returns a `ParsedFeed` or raises `FeedError`
with a sentence for the person who added the feed.
"""

from __future__ import annotations

import html
import io
import re
import xml.sax
from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import urljoin, urlsplit, urlunsplit

import feedparser
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from advocato.lib.text import plain_text

MAX_ENTRIES = 500
MAX_TITLE = 300
MAX_SUMMARY = 1000

# Query parameters that only say which campaign or click brought a reader; two links that differ
# only in these are the same article.
TRACKING_PARAMS = {
    "fbclid",
    "gclid",
    "dclid",
    "gbraid",
    "wbraid",
    "msclkid",
    "yclid",
    "igshid",
    "mc_cid",
    "mc_eid",
    "mkt_tok",
    "_hsenc",
    "_hsmi",
    "wt_mc",  # Webtrekk, e.g. heise's ?wt_mc=rss.developer.beitrag.atom
    "wt_zmc",
}
TRACKING_PREFIXES = ("utm_",)

# Declared sizes at or below these are tracking pixels and avatars, not a picture for the article.
TINY_IMAGE = 64
NOT_IMAGE_SUFFIXES = (".mp3", ".mp4", ".m4a", ".m4v", ".mov", ".webm", ".ogg", ".wav", ".swf")

IMG_TAG_RE = re.compile(r"<img\b[^>]*>", re.IGNORECASE)
ATTRIBUTE_RE = re.compile(r"""([a-zA-Z_:][-a-zA-Z0-9_:.]*)\s*=\s*("[^"]*"|'[^']*'|[^\s"'>]+)""")
HTML_START_MARKERS = (b"<!doctype html", b"<html", b"<head", b"<body")

# Entity declarations are how "billion laughs" and external-entity attacks begin; real feeds do
# not need them, so a document declaring any is refused before an XML parser sees it. The
# patterns cover every encoding feedparser can decode (ASCII-compatible, UTF-16/32, EBCDIC).
ENTITY_DECLARATIONS = tuple(
    "<!entity".encode(encoding)
    for encoding in ("ascii", "utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be", "cp037")
)

# What expat says, in words a communications person can pass on to the site's owner.
XML_PROBLEMS = {
    "no element found": gettext_noop("the document ends before it is complete"),
    "unclosed token": gettext_noop("the document ends in the middle of a tag"),
    "mismatched tag": gettext_noop("a closing tag does not match the tag it should close"),
    "not well-formed (invalid token)": gettext_noop(
        "it contains characters that are not allowed in XML"
    ),
    "junk after document element": gettext_noop("there is more text after the end of the feed"),
    "undefined entity": gettext_noop(
        "it uses a named character (like &nbsp;) that XML does not know"
    ),
    "syntax error": gettext_noop("it is not XML"),
}


class FeedError(Exception):
    """The bytes are not a feed we can read. `str(exc)` is a translated sentence for the person
    who added the feed; `code` says why for code: "html" (a web page), "malformed" (broken XML),
    "not_a_feed" (anything else)."""

    def __init__(self, message: str, code: str):
        super().__init__(message)
        self.code = code


@dataclass
class FeedEntry:
    guid: str
    url: str
    title: str
    summary: str
    image: str
    published: datetime | None
    language: str
    canonical_url: str


@dataclass
class ParsedFeed:
    title: str
    link: str
    language: str
    entries: list[FeedEntry]


def parse_feed(data: bytes, url: str) -> ParsedFeed:
    """Read RSS 0.9x/1.0/2.0 or Atom bytes fetched from `url`.

    Relative links are resolved against the feed's own site link, else against `url`. Entries
    without a usable http(s) link are left out, repeated entries (same guid, then same canonical
    address) are kept once, and of more than MAX_ENTRIES only the newest are kept.
    """
    if not data or not data.strip():
        raise FeedError(_("The address returned an empty document, not a feed."), "not_a_feed")
    if any(pattern in data.lower() for pattern in ENTITY_DECLARATIONS):
        raise FeedError(
            _(
                "This feed declares its own XML entities (<!ENTITY …>), which we do not accept "
                "because they can be used to attack the reader. Ask the site's owner to remove "
                "them."
            ),
            "malformed",
        )
    try:
        # BytesIO, never bytes or str: given a string, feedparser would open it as a URL or path.
        parsed = feedparser.parse(io.BytesIO(data))
        return _read(parsed, data, url)
    except FeedError:
        raise
    except Exception as exc:  # feedparser has odd corners; nobody should see a traceback for them
        raise FeedError(
            _(
                "Something in this feed could not be read. Ask the site's owner to check it "
                "with a feed validator such as validator.w3.org/feed."
            ),
            "malformed",
        ) from exc


def _read(parsed, data: bytes, url: str) -> ParsedFeed:
    feed = parsed.feed
    site = _absolute(feed.get("link", ""), url)
    base = site or url
    feed_language = normalise_language(feed.get("language", ""))
    entries = []
    for raw in parsed.entries:
        entry = _entry(raw, base, feed_language)
        if entry is not None:
            entries.append(entry)
    if not entries:
        _refuse_empty(parsed, parsed.get("version") or "", data)
    return ParsedFeed(
        title=_plain(feed.get("title", ""), feed.get("title_detail"), MAX_TITLE),
        link=site,
        language=feed_language,
        entries=_newest(_unique(entries)),
    )


def _refuse_empty(parsed, version: str, data: bytes) -> None:
    """No usable entries: fine for a valid feed (empty, or only entries without a link);
    otherwise say why this is not a feed we can read."""
    problem = parsed.get("bozo_exception")
    benign = problem is None or isinstance(
        problem, feedparser.CharacterEncodingOverride | feedparser.NonXMLContentType
    )
    if version and benign:
        return
    head = data[:4096].lstrip(b"\xef\xbb\xbf\xff\xfe \t\r\n").replace(b"\x00", b"").lower()
    if not version and any(marker in head for marker in HTML_START_MARKERS):
        raise FeedError(
            _(
                "This address is a web page, not an RSS or Atom feed. Look for a link called "
                "RSS or Feed on the page."
            ),
            "html",
        )
    if head.startswith(b"{") and b"jsonfeed.org" in head:
        raise FeedError(
            _("This is a JSON Feed. Only RSS and Atom feeds can be added; look for one of those."),
            "not_a_feed",
        )
    if head.startswith(b"<") and isinstance(problem, xml.sax.SAXParseException):
        message = problem.getMessage()
        raise FeedError(
            _("This feed is broken XML and could not be read: %(problem)s (line %(line)s).")
            % {"problem": _(XML_PROBLEMS.get(message, message)), "line": problem.getLineNumber()},
            "malformed",
        )
    if version:
        raise FeedError(
            _("This feed could not be read, and no entries could be recovered from it."),
            "malformed",
        )
    raise FeedError(
        _(
            "This address does not return an RSS or Atom feed. Check that you copied the feed's "
            "address and not the address of a page."
        ),
        "not_a_feed",
    )


def _entry(raw, base: str, feed_language: str) -> FeedEntry | None:
    # FeedBurner's own links are redirects through a retired proxy; origLink is the article.
    url = _absolute(raw.get("feedburner_origlink", ""), base) or _absolute(
        raw.get("link", ""), base
    )
    if not url:
        return None
    summary_html, summary_detail = raw.get("summary", ""), raw.get("summary_detail")
    content = raw.get("content") or []
    if not summary_html.strip() and content:
        summary_html, summary_detail = content[0].get("value", ""), content[0]
    language = ""
    for candidate in (
        raw.get("language"),
        (raw.get("title_detail") or {}).get("language"),
        (summary_detail or {}).get("language"),
    ):
        language = normalise_language(candidate or "")
        if language:
            break
    return FeedEntry(
        guid=(raw.get("id") or "").strip() or url,
        url=url,
        title=_plain(raw.get("title", ""), raw.get("title_detail"), MAX_TITLE),
        summary=_plain(summary_html, summary_detail, MAX_SUMMARY),
        image=_image(raw, content, base),
        published=_when(raw.get("published_parsed") or raw.get("updated_parsed")),
        language=language or feed_language,
        canonical_url=canonicalise_url(url),
    )


def _unique(entries: list[FeedEntry]) -> list[FeedEntry]:
    seen_guids: set[str] = set()
    seen_urls: set[str] = set()
    unique = []
    for entry in entries:
        if entry.guid in seen_guids or entry.canonical_url in seen_urls:
            continue
        seen_guids.add(entry.guid)
        seen_urls.add(entry.canonical_url)
        unique.append(entry)
    return unique


def _newest(entries: list[FeedEntry]) -> list[FeedEntry]:
    """At most MAX_ENTRIES, the newest by date (undated ones count as oldest), in feed order."""
    if len(entries) <= MAX_ENTRIES:
        return entries
    oldest = datetime.min.replace(tzinfo=UTC)
    ranked = sorted(
        range(len(entries)),
        key=lambda i: (entries[i].published is not None, entries[i].published or oldest),
        reverse=True,
    )
    keep = set(ranked[:MAX_ENTRIES])
    return [entry for i, entry in enumerate(entries) if i in keep]


def _plain(value: str, detail, limit: int) -> str:
    """Plain text of a feed field (`lib.text.plain_text`). HTML fields have their entities
    decoded; a field the feed calls plain text keeps its entities as written but loses any
    tags all the same — a "text" title of `<script>…</script>Kantinen` is stored as
    "Kantinen"."""
    is_html = (detail or {}).get("type", "text/html") in ("text/html", "application/xhtml+xml")
    return _shorten(plain_text(value or "", decode=is_html), limit)


def _shorten(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    # End on a whole word when one ends reasonably close to the limit.
    space = cut.rfind(" ")
    if space > limit * 0.6:
        cut = cut[:space]
    return cut.rstrip(" ,;:.-–—") + "…"


def _image(raw, content: list, base: str) -> str:
    media = [m for m in raw.get("media_content") or [] if _is_image(m)]
    for candidates in (media, raw.get("media_thumbnail") or []):
        # Feeds like the Guardian's list several sizes of one picture; a preview wants the largest.
        best = ""
        best_width = -1
        for item in candidates:
            if _tiny(item.get("width"), item.get("height")):
                continue
            image = _absolute(item.get("url", ""), base)
            width = _number(item.get("width"))
            if image and width > best_width:
                best, best_width = image, width
        if best:
            return best
    for enclosure in raw.get("enclosures") or []:
        if (enclosure.get("type") or "").lower().startswith("image/"):
            image = _absolute(enclosure.get("href", ""), base)
            if image:
                return image
    for markup in [c.get("value", "") for c in content] + [raw.get("summary", "")]:
        for tag in IMG_TAG_RE.findall(markup or ""):
            attributes = {
                name.lower(): html.unescape(value.strip("\"'"))
                for name, value in ATTRIBUTE_RE.findall(tag)
            }
            if _tiny(attributes.get("width"), attributes.get("height")):
                continue
            image = _absolute(attributes.get("src", ""), base)
            if image:
                return image
    return ""


def _is_image(media) -> bool:
    kind = (media.get("type") or "").lower()
    medium = (media.get("medium") or "").lower()
    if kind or medium:
        return kind.startswith("image/") or medium == "image"
    # The Guardian gives neither type nor medium; only the address says it is not a picture.
    path = urlsplit(media.get("url", "")).path.lower()
    return not path.endswith(NOT_IMAGE_SUFFIXES)


def _tiny(width, height) -> bool:
    """Both declared sides small (a side not declared does not count against it)."""
    if width is None and height is None:
        return False
    large = TINY_IMAGE + 1
    return _number(width, large) <= TINY_IMAGE and _number(height, large) <= TINY_IMAGE


def _number(value, default: int = 0) -> int:
    try:
        return int(str(value).strip().removesuffix("px"))
    except (TypeError, ValueError):
        return default


def _when(parsed_time) -> datetime | None:
    """feedparser's *_parsed values are already in UTC."""
    if not parsed_time:
        return None
    try:
        return datetime(*parsed_time[:6]).replace(tzinfo=UTC)
    except (TypeError, ValueError, OverflowError):
        return None


def _absolute(link: str, base: str) -> str:
    """`link` resolved against `base`, or "" unless that gives an http(s) address with a host."""
    link = (link or "").strip()
    if not link:
        return ""
    try:
        absolute = urljoin(base or "", link)
        parts = urlsplit(absolute)
    except ValueError:
        return ""
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return ""
    return absolute


def normalise_language(code: str) -> str:
    """A two-letter language from a tag like "da-DK"; every Norwegian tag becomes "nb"."""
    primary = re.split(r"[-_]", (code or "").strip().lower(), maxsplit=1)[0]
    if primary in ("no", "nn"):
        return "nb"
    return primary if len(primary) == 2 and primary.isascii() and primary.isalpha() else ""


def canonicalise_url(url: str) -> str:
    """The address an article is known by: no fragment, no campaign or click parameters,
    scheme and host in lower case, the default port dropped. Path and the remaining
    parameters stay exactly as written (a trailing "/" too). Unparseable input comes back as is.
    """
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:
        return url
    scheme = parts.scheme.lower()
    userinfo, at, hostport = parts.netloc.rpartition("@")
    host = hostport.lower()
    default_port = {"http": 80, "https": 443}.get(scheme)
    if port is not None and port == default_port:
        host = host.rsplit(":", 1)[0]
    kept = [
        pair for pair in parts.query.split("&") if pair and not _is_tracking(pair.split("=", 1)[0])
    ]
    return urlunsplit((scheme, userinfo + at + host, parts.path, "&".join(kept), ""))


def _is_tracking(name: str) -> bool:
    name = name.lower()
    return name in TRACKING_PARAMS or name.startswith(TRACKING_PREFIXES)
