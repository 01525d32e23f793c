"""Who is behind a request to a tracked link: a person, a link-preview fetcher or another bot.

`classify()` sorts a request to `/l/<code>` into one of three kinds:

- `Kind.PREVIEW`: a fetcher that renders a card for a post or message (LinkedInBot, Twitterbot,
  facebookexternalhit, Slackbot, Mastodon servers, …). It gets Open Graph tags and is counted
  as a preview, never as a click (ARCHITECTURE.md, invariant 5).
- `Kind.BOT`: every other program. This covers what the maintained `crawlerdetect` list knows,
  an empty User-Agent, and the program-shaped User-Agents that list misses (see
  `_looks_like_a_program`).
- `Kind.HUMAN`: everything else. These are the only requests that count as clicks.

`device_class()` and `is_prefetch()` give the redirect the other two facts it needs. A browser
prefetch is never a click (invariant 1).

This runs on the redirect's hot path. Every regex is compiled once at import. The verdict for a
User-Agent is cached (4,096 entries), so a User-Agent seen before costs one dict lookup. Nothing
here keeps per-call state, so one process can serve many threads.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Mapping

from crawlerdetect.providers.crawlers import data as _CRAWLERDETECT_CRAWLERS
from crawlerdetect.providers.exclusions import data as _CRAWLERDETECT_EXCLUSIONS


class Kind:
    HUMAN = "human"
    BOT = "bot"
    PREVIEW = "preview"


# A longer User-Agent is cut to this length before it is matched and cached. That bounds both
# the CPU time per new User-Agent (an 8 KB header would cost ~25 ms in crawlerdetect's own
# code) and the cache's memory (4,096 × 1 KB). Real User-Agents stay under 500 characters.
_MAX_USER_AGENT = 1024


# --- Link-preview fetchers --------------------------------------------------------------------
# One line per fetcher: (pattern, who sends it and where the name comes from). The pattern is
# matched case-insensitively anywhere in the User-Agent, unless it is anchored with "^". The
# anchors matter. Several apps put their own name in their in-app browser's User-Agent, and a
# person reading in that in-app browser must stay HUMAN. LINE adds "Line/…", Pinterest adds
# "[Pinterest/iOS]", Instagram adds "Instagram 3…", and Outlook is reported to add
# "Outlook-iOS/…". So we match only the form the fetcher itself sends.
# Sources: the operators' own pages, named in the UA strings they send, and the
# "social-preview" tag of monperrus/crawler-user-agents (MIT).
_PREVIEW_FETCHERS: tuple[tuple[str, str], ...] = (
    (r"LinkedInBot", "LinkedIn post and message cards; UA names +http://www.linkedin.com"),
    (r"Twitterbot", "X/Twitter Cards; Apple iMessage previews also send it"),
    (r"facebookexternalhit", "Facebook, Messenger, Instagram, Threads, LINE, iMessage cards"),
    (r"\bFacebot\b", "Facebook's sharing crawler (developers.facebook.com …/webmasters/crawler)"),
    (r"Meta-ExternalHit", "Meta's newer name for facebookexternalhit"),
    (r"meta-externalfetcher", "Meta: one link fetched on a user's request (same Meta page)"),
    (r"Slackbot|Slack-ImgProxy", "Slack unfurls (Slackbot-LinkExpanding) and image proxy"),
    (r"Discordbot", "Discord embeds; UA names +https://discordapp.com"),
    (r"^WhatsApp\b", "WhatsApp previews while typing; Signal also sends 'WhatsApp'"),
    (r"TelegramBot", "Telegram previews: 'TelegramBot (like TwitterBot)'"),
    (r"SkypeUriPreview", "Skype and Microsoft Teams unfurls (skype-url-preview@microsoft.com)"),
    (r"MicrosoftPreview/", "Microsoft products' page previews (aka.ms/MicrosoftPreview)"),
    (r"BingPreview/", "Bing/Outlook page snapshots (Bing's crawler list)"),
    (r"^Microsoft Office\b", "Office apps and Outlook checking a link before opening it"),
    (r"^Outlook-(?:iOS|Android)/", "Outlook mobile's own link preview fetch"),
    (r"Pinterestbot|pinterest\.com/bot", "Pinterest Rich Pins (pinterest.com/bot.html)"),
    (r"redditbot", "Reddit link posts (reddit.com/feedback)"),
    (r"Embedly", "Embedly cards (Medium and many CMSs); support.embed.ly"),
    (r"Iframely", "Iframely cards (Atlassian smart links, Ghost…); iframely.com/docs/about"),
    (r"Google-PageRenderer", "Google Messages/Chat snippet (developers.google.com/+/web/snippet)"),
    (r"Cardyb", "Bluesky's card service: 'Bluesky Cardyb/1.1' (cardyb.bsky.app)"),
    (r"BlueskyPreviewBot", "Bluesky link preview fetcher"),
    (r"Mastodon/\d", "Mastodon servers' link cards: 'http.rb/… (Mastodon/4.x; +instance)'"),
    (r"^(?:Pleroma|Akkoma) \d", "Pleroma/Akkoma: '<name> <version>; <instance> <admin>'"),
    (r"^Misskey/|SummalyBot", "Misskey servers and summaly, Misskey's URL summariser"),
    (r"^Friendica '", "Friendica servers: \"Friendica '<codename>' <version>; <url>\""),
    (r"^Lemmy/", "Lemmy servers: 'Lemmy/<version>; +<instance>'"),
    (r"^Synapse \(bot;", "Matrix Synapse URL previews (github.com/matrix-org/synapse)"),
    (r"^Viber\b", "Viber message previews"),
    (r"Snap ?URL ?Preview", "Snapchat: 'Snap URL Preview Service' (developers.snap.com/robots)"),
    (r"vkShare", "VK share dialog (vk.com/dev/Share)"),
    (r"OdklBot", "Odnoklassniki share (share@odnoklassniki.ru)"),
    (r"kakaotalk-scrap", "KakaoTalk link previews"),
    (r"XING-contenttabreceiver|Xing Bot", "XING link previews"),
    (r"Link ?Preview|Unfurl|PreviewBot", "self-described: Yahoo, Quora, Bitrix, Chatwork, Buffer…"),
    (r"Quora-Bot", "Quora link previews"),
    (r"FlipboardProxy", "Flipboard (flipboard.com/browserproxy)"),
    (r"^Tumblr/\d", "Tumblr link posts"),
    (r"^Notion/", "Notion link previews (team@makenotion.com)"),
    (r"Mattermost-Bot/", "Mattermost link previews"),
    (r"Discourse Forum Onebox", "Discourse onebox previews"),
    (r"DingTalkBot-LinkService", "DingTalk link previews"),
    (r"CodaBot|EvernoteRichLinkBot|Mediumbot-MetaTagFetcher", "Coda, Evernote, Medium cards"),
    (r"GroupMeBot|KeybaseBot|GG PeekBot", "GroupMe, Keybase and GG (gg.pl) chat previews"),
    (r"SteamChatURLLookup", "Steam chat link previews (Valve/Steam HTTP Client)"),
    (r"LoomlyBot|EveryoneSocialBot", "Loomly and EveryoneSocial post composers"),
    (r"OpenGraph\.io/|\(compatible; Goodreads;", "opengraph.io and Goodreads previews"),
)


# --- Matching many patterns fast -------------------------------------------------------------
# Python's `re` tries every branch of an alternation at every position of the text, and
# IGNORECASE makes each try dearer. We lowercase the User-Agent once. Patterns that are plain
# words are folded into a prefix tree, so each position tries one branch per first letter. The
# real regexes are lowercased and keep their order. A regex with an escape such as \S or \D
# cannot be lowercased, so it keeps IGNORECASE for itself.
_ESCAPED_PUNCTUATION = re.compile(r"\\([^A-Za-z0-9])")
_REGEX_SYNTAX = re.compile(r"[\\\[\](){}.*+?^$|]")
_ESCAPE = re.compile(r"\\(?:\\|([A-Z]))")


def _plain_word(pattern: str) -> str | None:
    """The literal text `pattern` matches, or None when it is a real regex."""
    if _REGEX_SYNTAX.search(_ESCAPED_PUNCTUATION.sub("", pattern)):
        return None
    return _ESCAPED_PUNCTUATION.sub(r"\1", pattern)


def _lowercased(pattern: str) -> str:
    r"""`pattern` for a lowercased text: lowercased itself, or scoped IGNORECASE if it uses an
    escape whose meaning changes with case (\S, \D, \W, \B, …)."""
    if any(match.group(1) for match in _ESCAPE.finditer(pattern)):
        return f"(?i:{pattern})"
    return pattern.lower()


def _prefix_tree(words: Iterable[str]) -> str:
    """One regex that finds any of `words`, with shared prefixes factored out. A word that
    extends a shorter one is dropped, because whatever contains it contains the shorter one."""
    tree: dict = {}
    for word in words:
        node = tree
        for char in word:
            node = node.setdefault(char, {})
        node[""] = {}

    def render(node: dict) -> str:
        if "" in node:
            return ""
        branches = [re.escape(char) + render(child) for char, child in sorted(node.items())]
        return branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"

    return render(tree)


def _any_of(patterns: Iterable[str]) -> re.Pattern[str]:
    """A regex that finds, in a lowercased text, whatever any of `patterns` would find in the
    original text with IGNORECASE. Only for yes/no questions: which pattern matched is lost."""
    words, regexes = [], []
    for pattern in patterns:
        # "a|b" without groups or classes is two patterns, and often two plain words.
        alternatives = [pattern] if re.search(r"[(\[]", pattern) else pattern.split("|")
        for alternative in alternatives:
            word = _plain_word(alternative)
            if word is None:
                regexes.append(_lowercased(alternative))
            else:
                words.append(word.lower())
    return re.compile("|".join(([_prefix_tree(words)] if words else []) + regexes))


_PREVIEW = _any_of(pattern for pattern, _ in _PREVIEW_FETCHERS)


# --- crawlerdetect ----------------------------------------------------------------------------
# `crawlerdetect` (PyPI, a port of JayBizzle/Crawler-Detect) keeps the crawler list up to date.
# Its algorithm: delete the browser tokens listed in `exclusions` from the User-Agent, then
# search the rest for any pattern in `crawlers`. We keep that algorithm and its data but not
# its class. CrawlerDetect stores the last match on the instance, so sharing one between
# threads races. It also compiles ~1,460 patterns into one case-insensitive alternation, which
# costs ~130 µs (median) for each new User-Agent.
# We compile the same data with `_any_of`. About 1,280 of the patterns are plain words. The
# exclusions are only lowercased, because which text a substitution removes depends on their
# order. The answers are the same: the tests compare them with CrawlerDetect on every fixture
# string.
_CRAWLER_EXCLUSIONS = re.compile("|".join(map(_lowercased, _CRAWLERDETECT_EXCLUSIONS)))
_CRAWLERS = _any_of(_CRAWLERDETECT_CRAWLERS)


def _crawlerdetect_says_crawler(lowered: str) -> bool:
    """Same answer as `crawlerdetect.CrawlerDetect().is_crawler(user_agent)`, for
    `lowered = user_agent.lower()`."""
    rest = _CRAWLER_EXCLUSIONS.sub("", lowered)
    return bool(rest) and _CRAWLERS.search(rest) is not None


# --- Programs crawlerdetect misses ------------------------------------------------------------
# Every browser today starts its User-Agent with "Mozilla/5.0 (", and so do in-app browsers.
# Opera before 2013 started with "Opera/9.80 (". Anything else is a program: an HTTP library,
# an app's own API client ("Instagram 415.0…", "Pinterest for Android/…"), a feed reader, a
# monitor. The cost of this rule: feature-phone browsers from before ~2014 (UCWEB, NetFront,
# Obigo) count as bots.
_BROWSER_PREFIXES = ("Mozilla/", "Opera/")

# Every browser follows "Mozilla/5.0" with its platform in parentheses; robots often skip it
# ("Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko; compatible; GPTBot/1.2; …)"). Logs
# sometimes carry "+" for the spaces, so we accept that too.
_NO_PLATFORM = re.compile(r"^Mozilla/[\d.]++(?![ +]\()")

# Crawlers by convention name a URL, a domain or an e-mail address to contact their owner.
# Browsers never do. A domain right after "/" or "." is not one, because apps write e.g. the
# carrier "FBCR/Telekom.de" or their package name "com.facebook.katana".
_CONTACT_DETAILS = re.compile(
    r"https?:|\bwww\.|(?i:[\w.+-]+@[a-z][\w-]*\.[a-z]{2,})"
    r"|(?i:(?<![/\w.-])[a-z0-9][a-z0-9-]*(?:\.[a-z0-9-]+)*\.(?:com|net|org|io|ai|de|fr|uk|nl|eu)\b)"
)

# Robots have announced themselves with "(compatible; Name …)" since the 1990s. The only
# browsers that ever wrote "compatible;" were Internet Explorer ("compatible; MSIE") and
# Konqueror.
_COMPATIBLE_NOT_A_BROWSER = re.compile(r"compatible;(?!\s*(?:MSIE|Konqueror))")

# Browser-shaped User-Agents of automation, synthetic monitoring and site scanners that
# crawlerdetect does not list. The names come from monperrus/crawler-user-agents. The generic
# words come first.
_AUTOMATION = _any_of(
    [
        "Playwright|Selenium|Puppeteer|WebDriver|Lighthouse|Synthetic|Monitor",
        r"\bGoogle-[a-z]",  # Google's own fetchers: Google-Safety, Google-Agent, …
        r"\b(?:Code|Trae)/[\d.]+ Chrome/[\d.]+ Electron/",  # an editor's built-in fetch tool
        r"AppInsights|CookieHub|Silktide|ThousandEyes|Sindup/|Hotjar|Foregenix|Rigor\)",
        "MarketGoo/|NewsNow/|PWABuilder|Readable/|SecurityHeaders|splash Version/",
        r"TestLocally/|watchTowr|Collapsify|\bDlc/|newsai/|Manus-User/",
    ]
)


def _looks_like_a_program(user_agent: str, lowered: str) -> bool:
    return (
        not user_agent.startswith(_BROWSER_PREFIXES)
        or _NO_PLATFORM.search(user_agent) is not None
        or _CONTACT_DETAILS.search(user_agent) is not None
        or _COMPATIBLE_NOT_A_BROWSER.search(user_agent) is not None
        or _AUTOMATION.search(lowered) is not None
    )


# Free text that apps put in their in-app browser's User-Agent and that no bot list should read:
# the Facebook app writes the phone's carrier ("FBCR/OrangeBotswana" would otherwise match
# crawlerdetect's "OrangeBot").
_FREE_TEXT = re.compile(r"FBCR/[^;\]]*")


@functools.lru_cache(maxsize=4096)
def _kind_of_user_agent(user_agent: str) -> str:
    user_agent = user_agent.strip()
    if not user_agent:
        return Kind.BOT
    if _PREVIEW.search(user_agent.lower()):
        return Kind.PREVIEW
    user_agent = _FREE_TEXT.sub("", user_agent)
    lowered = user_agent.lower()
    if _crawlerdetect_says_crawler(lowered) or _looks_like_a_program(user_agent, lowered):
        return Kind.BOT
    return Kind.HUMAN


def classify(user_agent: str, headers: Mapping[str, object] | None = None) -> str:
    """`Kind.HUMAN`, `Kind.BOT` or `Kind.PREVIEW` for a request with this User-Agent.

    Preview fetchers are checked first, so a preview fetcher is never merely a bot. `headers`
    (Django's `request.META` or `request.headers`, or plain header names) is optional. When it
    is given, a request with a `From` header counts as a bot. RFC 9110 §10.1.2 reserves that
    header for robots' contact addresses, and no browser sends it.
    """
    kind = _kind_of_user_agent((user_agent or "")[:_MAX_USER_AGENT])
    if kind == Kind.HUMAN and headers and _header_values(headers, _FROM):
        return Kind.BOT
    return kind


# --- Device class -----------------------------------------------------------------------------
# A small regex heuristic, not a full User-Agent parser. The dashboards need only four buckets,
# and the few tokens below decide them for every current browser, in ~1 µs and without another
# dependency. Known limit: iPadOS Safari asks for desktop sites by default and sends a Mac
# User-Agent, so those iPads count as desktop. No server-side parser can tell them apart.
_TV_OR_CONSOLE = re.compile(
    r"SmartTV|SMART-TV|HbbTV|\bTV\b|CrKey|AppleTV|Web0S|NetCast|PlayStation|Xbox|Nintendo"
)
_TABLET = re.compile(r"iPad|Tablet(?! PC)|Kindle|\bSilk/|PlayBook")
_MOBILE = re.compile(
    r"Mobi|iPhone|iPod|Opera Mini|BlackBerry|BB10|Windows Phone|Windows ?CE|Symbian|SymbOS"
    r"|Series ?60|MIDP|Fennec|Maemo|webOS|KAIOS"
)
_DESKTOP = re.compile(r"Windows|Macintosh|X11|CrOS")


def device_class(user_agent: str) -> str:
    """One of "mobile", "tablet", "desktop" or "other" (TVs, consoles, programs, none)."""
    return _device_of_user_agent((user_agent or "")[:_MAX_USER_AGENT])


@functools.lru_cache(maxsize=4096)
def _device_of_user_agent(user_agent: str) -> str:
    if _TV_OR_CONSOLE.search(user_agent):
        return "other"
    if _TABLET.search(user_agent):
        return "tablet"
    if "Android" in user_agent:
        # Android phones say "Mobile"; tablets leave it out (Google's guidance to browsers).
        # Firefox for Android before 2011 sent neither, only "Fennec".
        return "mobile" if _MOBILE.search(user_agent) else "tablet"
    if _MOBILE.search(user_agent):
        return "mobile"
    if _DESKTOP.search(user_agent):
        return "desktop"
    return "other"


# --- Prefetch ---------------------------------------------------------------------------------
# How browsers mark a request nobody has asked to see yet:
# Chrome sends "Sec-Purpose: prefetch" or "Sec-Purpose: prefetch;prerender", and older Chrome
# sent "Purpose: prefetch". Firefox sends "X-Moz: prefetch". Safari sends "X-Purpose: preview"
# for Top Sites. The Facebook in-app browser sends it too when it preloads a link from the feed.
_PREFETCH_HEADERS = frozenset({"SEC_PURPOSE", "PURPOSE", "X_MOZ", "X_PURPOSE"})
_PREFETCH_VALUE = re.compile(r"prefetch|prerender|preview", re.IGNORECASE)
_FROM = frozenset({"FROM"})


# A cheap first test on each key, since request.META has dozens and few are headers we read.
_NAME_ENDINGS = frozenset(name[-3:] for name in _PREFETCH_HEADERS | _FROM)


def _header_values(headers: Mapping[str, object], names: frozenset[str]) -> list[str]:
    """The non-empty values of the headers in `names` (upper case, "_" for "-"). `headers` may
    use Django META keys ("HTTP_SEC_PURPOSE") or plain header names in any case."""
    values = []
    for key, value in headers.items():
        if not (isinstance(key, str) and isinstance(value, str) and value):
            continue
        if key[-3:].upper() not in _NAME_ENDINGS:
            continue
        if key.upper().replace("-", "_").removeprefix("HTTP_") in names:
            values.append(value)
    return values


def is_prefetch(headers: Mapping[str, object]) -> bool:
    """True for a browser's prefetch or prerender: fetched before anyone looks at it, so never
    a click."""
    return any(
        _PREFETCH_VALUE.search(value) for value in _header_values(headers, _PREFETCH_HEADERS)
    )
