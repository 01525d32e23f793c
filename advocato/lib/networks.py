"""The social networks a share can go to, their text limits, and `count`, which measures a text
the way each network measures it (so "280" means what X means by 280).

static/advocato/composer.js repeats these rules in the browser for the live counter; change
both together (tests/test_networks.py runs the JavaScript against this module when Node is there).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable

import regex

NETWORKS: list[tuple[str, str]] = [
    ("linkedin", "LinkedIn"),
    ("x", "X"),
    ("facebook", "Facebook"),
    ("instagram", "Instagram"),
    ("mastodon", "Mastodon"),
    ("bluesky", "Bluesky"),
]

LIMITS: dict[str, int] = {
    "linkedin": 3000,  # post text; LinkedIn Help "character limits"
    "x": 280,  # weighted length, twitter-text config v3 maxWeightedTweetLength
    "facebook": 63206,  # the long-standing status limit
    "instagram": 2200,  # caption limit
    "mastodon": 500,  # mastodon.social default (instances may raise it)
    "bluesky": 300,  # graphemes, app.bsky.feed.post text maxGraphemes
}

# X and Mastodon count every link as one t.co-sized link, whatever its real length.
SHORT_URL_LENGTH = 23

# Bare domains (no http://) are links only with a real top-level domain, as in twitter-text,
# so "e.g." or "v1.2" are not. All two-letter country domains, and the common generic ones
# (twitter-text knows ~1,500; the rarer ones are counted as plain text, slightly short).
COUNTRY_TLDS = (
    "ac ad ae af ag ai al am ao aq ar as at au aw ax az ba bb bd be bf bg bh bi bj bl bm bn bo "
    "bq br bs bt bv bw by bz ca cc cd cf cg ch ci ck cl cm cn co cr cu cv cw cx cy cz de dj dk "
    "dm do dz ec ee eg eh er es et eu fi fj fk fm fo fr ga gb gd ge gf gg gh gi gl gm gn gp gq "
    "gr gs gt gu gw gy hk hm hn hr ht hu id ie il im in io iq ir is it je jm jo jp ke kg kh ki "
    "km kn kp kr kw ky kz la lb lc li lk lr ls lt lu lv ly ma mc md me mf mg mh mk ml mm mn mo "
    "mp mq mr ms mt mu mv mw mx my mz na nc ne nf ng ni nl no np nr nu nz om pa pe pf pg ph pk "
    "pl pm pn pr ps pt pw py qa re ro rs ru rw sa sb sc sd se sg sh si sj sk sl sm sn so sr ss "
    "st su sv sx sy sz tc td tf tg th tj tk tl tm tn to tr tt tv tw tz ua ug uk us uy uz va vc "
    "ve vg vi vn vu wf ws ye yt za zm zw"
)
GENERIC_TLDS = (
    "com org net edu gov mil int info biz name pro mobi asia app dev io ai blog shop store "
    "online site tech cloud news media agency company email digital global group live today "
    "world xyz art design network solutions systems page link click"
)
_TLDS = "|".join(sorted((COUNTRY_TLDS + " " + GENERIC_TLDS).split(), key=len, reverse=True))
# At most 8 labels: bounded repetition keeps the pattern linear on long runs like "a.a.a.…".
_BARE_DOMAIN = r"(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.){1,8}(?:" + _TLDS + r")(?![\p{L}\p{N}-])"

URL_RE = regex.compile(
    r"(?<![\p{L}\p{N}_@/.-])"  # not inside a word, an e-mail address or a Mastodon handle
    r"(?:https?://[^\s/?#<>()\"']+"  # with a scheme: any host
    r"|" + _BARE_DOMAIN + r"(?::\d{1,5})?)"
    r"(?:[/?#](?:[^\s<>()]|\([^\s<>()]*\))*)?"  # path; balanced (…) as in Wikipedia links
    r"(?<![.,;:!?'\"*\]])",  # a full stop or quote after a link belongs to the sentence
    regex.IGNORECASE,
)

# One emoji, however many code points: a flag, a keycap, or a picture with its skin tone,
# variation selector, tags and ZWJ-joined companions (👨‍👩‍👧‍👦 is one).
EMOJI_RE = regex.compile(
    r"\p{Regional_Indicator}{2}"
    r"|[0-9#*]\uFE0F?\u20E3"
    r"|(?:\p{Emoji_Presentation}|\p{Extended_Pictographic}\uFE0F)\p{Emoji_Modifier}?"
    r"[\U000E0020-\U000E007F]*"
    r"(?:\u200D\p{Extended_Pictographic}\uFE0F?\p{Emoji_Modifier}?)*"
)

# twitter-text v3: these code points weigh 1, everything else (CJK, most symbols) 2.
X_LIGHT_RANGES = ((0, 4351), (8192, 8205), (8208, 8223), (8242, 8247))

FEDIVERSE_MENTION_RE = regex.compile(
    r"(^|[^/A-Za-z0-9_])@([a-z0-9_]+)@[a-z0-9.-]+[a-z0-9]+", regex.I
)


def count(network: str, text: str, *, url_length: int | None = None) -> int:
    """The length of `text` as `network` counts it; ValueError for a network we do not know.
    `url_length`: what one link counts on this server (Mastodon's `characters_reserved_per_url`
    differs per server)."""
    if network not in LIMITS:
        raise ValueError(f"Unknown network: {network!r}")
    if network == "mastodon" and url_length is not None:
        return _count_mastodon(text or "", url_length)
    return _COUNTERS[network](text or "")


def check(
    network: str, text: str, *, limit: int | None = None, url_length: int | None = None
) -> dict:
    """`count` against the limit (the network's, or `limit` where the advocate's server sets
    its own); `remaining` goes negative by as much as the text is over."""
    length = count(network, text, url_length=url_length)
    limit = limit or LIMITS[network]
    return {
        "network": network,
        "count": length,
        "limit": limit,
        "over": length > limit,
        "remaining": limit - length,
    }


def _count_x(text: str) -> int:
    # twitter-text v3 (config/v3.json): NFC first, links weigh 23, an emoji sequence 2,
    # and code points by range; the weighted total is what the 280 limit is about.
    text = unicodedata.normalize("NFC", text)
    total = 0
    position = 0
    for url in URL_RE.finditer(text):
        total += _weigh_x(text[position : url.start()]) + SHORT_URL_LENGTH
        position = url.end()
    return total + _weigh_x(text[position:])


def _weigh_x(text: str) -> int:
    total = 0
    position = 0
    for emoji in EMOJI_RE.finditer(text):
        total += _weigh_code_points(text[position : emoji.start()]) + 2
        position = emoji.end()
    return total + _weigh_code_points(text[position:])


def _weigh_code_points(text: str) -> int:
    return sum(
        1 if any(low <= ord(char) <= high for low, high in X_LIGHT_RANGES) else 2 for char in text
    )


def _count_mastodon(text: str, url_length: int = SHORT_URL_LENGTH) -> int:
    # Mastodon's StatusLengthValidator: code points as written (Ruby String#length), every
    # http(s) link as the server's characters_reserved_per_url (23 by default), and a remote
    # @user@domain only as its @user part.
    text = URL_RE.sub(
        lambda url: "x" * url_length if _has_scheme(url.group()) else url.group(), text
    )
    text = FEDIVERSE_MENTION_RE.sub(r"\1@\2", text)
    return len(text)


def _has_scheme(url: str) -> bool:
    return url[:8].lower().startswith(("http://", "https://"))


def _count_bluesky(text: str) -> int:
    # Bluesky's app.bsky.feed.post limits text to 300 graphemes (extended grapheme clusters);
    # a link counts with every character it has.
    return len(regex.findall(r"\X", text))


def _count_characters(text: str) -> int:
    # LinkedIn, Facebook and Instagram publish a limit but not how they count; we count code
    # points after NFC (what a person calls characters). Where they count UTF-16 units an emoji
    # outside the BMP would count 2 there, so very emoji-heavy texts may come out a little short.
    return len(unicodedata.normalize("NFC", text))


_COUNTERS: dict[str, Callable[[str], int]] = {
    "linkedin": _count_characters,
    "x": _count_x,
    "facebook": _count_characters,
    "instagram": _count_characters,
    "mastodon": _count_mastodon,
    "bluesky": _count_bluesky,
}
