"""Who is behind a request to a tracked link. These tests run real User-Agent strings through
the classifier and check the three kinds (human, preview, bot), the device class and prefetch
detection.

The strings come from two places. Some are inline: the fetchers and browsers we name, as their
operators publish them. The rest are the shared fixtures in /work/shared/fixtures/user_agents
(see PROVENANCE.md): monperrus/crawler-user-agents, uap-core's test set and its Firefox list.
Tests that need those files are skipped when the files are absent.
"""

from __future__ import annotations

import json
import re
from concurrent.futures import ThreadPoolExecutor

import pytest
from crawlerdetect import CrawlerDetect

from advocato.conftest import SHARED_FIXTURES
from advocato.links import agents
from advocato.links.agents import Kind

USER_AGENTS = SHARED_FIXTURES / "user_agents"

HUMAN, BOT, PREVIEW = Kind.HUMAN, Kind.BOT, Kind.PREVIEW

CHROME_ON_WINDOWS = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/126.0.0.0 Safari/537.36"
)

# (what it is, User-Agent, kind, device class)
KNOWN_USER_AGENTS = [
    # Link-preview fetchers: they render a card, so they count as previews and never as clicks.
    (
        "LinkedIn",
        "LinkedInBot/1.0 (compatible; Mozilla/5.0; Apache-HttpClient +http://www.linkedin.com)",
        PREVIEW,
        "other",
    ),
    ("X / Twitter", "Twitterbot/1.0", PREVIEW, "other"),
    (
        "Facebook",
        "facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)",
        PREVIEW,
        "other",
    ),
    ("Facebot", "Facebot/1.0", PREVIEW, "other"),
    (
        "Meta fetch on a user's request",
        "meta-externalfetcher/1.1 (+https://developers.facebook.com/docs/sharing/webmasters/crawler)",
        PREVIEW,
        "other",
    ),
    (
        "iMessage",
        "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_11_1) AppleWebKit/601.2.4 (KHTML, like Gecko) "
        "Version/9.0.1 Safari/601.2.4 facebookexternalhit/1.1 Facebot Twitterbot/1.0",
        PREVIEW,
        "desktop",
    ),
    ("LINE", "facebookexternalhit/1.1;line-poker/1.0", PREVIEW, "other"),
    ("KakaoTalk", "facebookexternalhit/1.1;kakaotalk-scrap/1.0;", PREVIEW, "other"),
    (
        "Slack unfurl",
        "Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)",
        PREVIEW,
        "other",
    ),
    ("Slack", "Slackbot 1.0 (+https://api.slack.com/robots)", PREVIEW, "other"),
    ("Slack images", "Slack-ImgProxy (+https://api.slack.com/robots)", PREVIEW, "other"),
    (
        "Discord",
        "Mozilla/5.0 (compatible; Discordbot/2.0; +https://discordapp.com)",
        PREVIEW,
        "other",
    ),
    ("WhatsApp on Android", "WhatsApp/2.23.20.0 A", PREVIEW, "other"),
    ("WhatsApp on iPhone", "WhatsApp/2.2326.3 i", PREVIEW, "other"),
    ("Signal (sends WhatsApp's name)", "WhatsApp", PREVIEW, "other"),
    ("Telegram", "TelegramBot (like TwitterBot)", PREVIEW, "other"),
    (
        "Microsoft Teams / Skype",
        "Mozilla/5.0 (Windows NT 6.1; WOW64) SkypeUriPreview Preview/0.5 "
        "skype-url-preview@microsoft.com",
        PREVIEW,
        "desktop",
    ),
    (
        "MicrosoftPreview",
        "Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko; compatible; MicrosoftPreview/2.0; "
        "+https://aka.ms/MicrosoftPreview) Chrome/80.0.345.0 Safari/537.36",
        PREVIEW,
        "other",
    ),
    (
        "Outlook on Windows",
        "Microsoft Office/16.0 (Windows NT 10.0; Microsoft Outlook 16.0.12026; Pro)",
        PREVIEW,
        "desktop",
    ),
    ("Outlook on iPhone", "Outlook-iOS/709.2189947.prod.iphone (3.24.0)", PREVIEW, "other"),
    (
        "Pinterest",
        "Mozilla/5.0 (compatible; Pinterestbot/1.0; +http://www.pinterest.com/bot.html)",
        PREVIEW,
        "other",
    ),
    ("Pinterest, older", "Pinterest/0.2 (+http://www.pinterest.com/bot.html)", PREVIEW, "other"),
    (
        "Reddit",
        "Mozilla/5.0 (compatible; redditbot/1.0; +http://www.reddit.com/feedback)",
        PREVIEW,
        "other",
    ),
    (
        "Embedly",
        "Mozilla/5.0 (compatible; Embedly/0.2; +http://support.embed.ly/)",
        PREVIEW,
        "other",
    ),
    ("Iframely", "Iframely/1.3.1 (+https://iframely.com/docs/about)", PREVIEW, "other"),
    (
        "Google Messages / Chat",
        "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
        "Chrome/56.0.2924.87 Safari/537.36 Google-PageRenderer Google "
        "(+https://developers.google.com/+/web/snippet/)",
        PREVIEW,
        "desktop",
    ),
    (
        "Bluesky",
        "Mozilla/5.0 (compatible; Bluesky Cardyb/1.1; +mailto:support@bsky.app)",
        PREVIEW,
        "other",
    ),
    ("Mastodon", "http.rb/5.1.1 (Mastodon/4.2.0; +https://mastodon.social/)", PREVIEW, "other"),
    # Pleroma/Akkoma and Misskey: the format their source code builds, with example hosts.
    (
        "Pleroma",
        "Pleroma 2.5.2; https://pleroma.example <admin@pleroma.example>",
        PREVIEW,
        "other",
    ),
    ("Akkoma", "Akkoma 3.10.4; https://akkoma.example <admin@akkoma.example>", PREVIEW, "other"),
    ("Misskey", "Misskey/2023.12.2 (https://misskey.io)", PREVIEW, "other"),
    ("Viber", "Viber", PREVIEW, "other"),
    (
        "Snapchat",
        "Snap URL Preview Service; bot; snapchat; https://developers.snap.com/robots",
        PREVIEW,
        "other",
    ),
    ("VK", "Mozilla/5.0 (compatible; vkShare; +http://vk.com/dev/Share)", PREVIEW, "other"),
    # Crawlers, HTTP clients and headless browsers.
    (
        "Googlebot",
        "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
        BOT,
        "other",
    ),
    (
        "Googlebot smartphone",
        "Mozilla/5.0 (Linux; Android 6.0.1; Nexus 5X Build/MMB29P) AppleWebKit/537.36 "
        "(KHTML, like Gecko) Chrome/41.0.2272.96 Mobile Safari/537.36 "
        "(compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
        BOT,
        "mobile",
    ),
    (
        "bingbot",
        "Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)",
        BOT,
        "other",
    ),
    (
        "AhrefsBot",
        "Mozilla/5.0 (compatible; AhrefsBot/7.0; +http://ahrefs.com/robot/)",
        BOT,
        "other",
    ),
    (
        "GPTBot",
        "Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko; compatible; GPTBot/1.2; "
        "+https://openai.com/gptbot)",
        BOT,
        "other",
    ),
    (
        "ClaudeBot",
        "Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko; compatible; ClaudeBot/1.0; "
        "+claudebot@anthropic.com)",
        BOT,
        "other",
    ),
    (
        "Meta's AI crawler",
        "meta-externalagent/1.1 (+https://developers.facebook.com/docs/sharing/webmasters/crawler)",
        BOT,
        "other",
    ),
    (
        "Applebot",
        "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_5) AppleWebKit/605.1.15 (KHTML, like Gecko) "
        "Version/13.1.1 Safari/605.1.15 (Applebot/0.1; +http://www.apple.com/go/applebot)",
        BOT,
        "desktop",
    ),
    ("curl", "curl/8.5.0", BOT, "other"),
    ("Wget", "Wget/1.21.4", BOT, "other"),
    ("python-requests", "python-requests/2.31.0", BOT, "other"),
    ("Go", "Go-http-client/2.0", BOT, "other"),
    ("OkHttp", "okhttp/4.12.0", BOT, "other"),
    (
        "Headless Chrome",
        "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
        "HeadlessChrome/120.0.6099.109 Safari/537.36",
        BOT,
        "desktop",
    ),
    (
        "PhantomJS",
        "Mozilla/5.0 (Unknown; Linux x86_64) AppleWebKit/538.1 (KHTML, like Gecko) "
        "PhantomJS/2.1.1 Safari/538.1",
        BOT,
        "other",
    ),
    ("no User-Agent", "", BOT, "other"),
    ("blank User-Agent", "   ", BOT, "other"),
    # People: desktop, phone and tablet browsers, and the in-app browsers shared links open in.
    ("Chrome on Windows", CHROME_ON_WINDOWS, HUMAN, "desktop"),
    (
        "Edge on Windows",
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
        "Chrome/126.0.0.0 Safari/537.36 Edg/126.0.0.0",
        HUMAN,
        "desktop",
    ),
    (
        "Firefox on Windows",
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:127.0) Gecko/20100101 Firefox/127.0",
        HUMAN,
        "desktop",
    ),
    (
        "Safari on a Mac",
        "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) "
        "Version/17.5 Safari/605.1.15",
        HUMAN,
        "desktop",
    ),
    (
        "Chrome on a Chromebook",
        "Mozilla/5.0 (X11; CrOS x86_64 14541.0.0) AppleWebKit/537.36 (KHTML, like Gecko) "
        "Chrome/126.0.0.0 Safari/537.36",
        HUMAN,
        "desktop",
    ),
    (
        "Firefox on Linux",
        "Mozilla/5.0 (X11; Linux x86_64; rv:127.0) Gecko/20100101 Firefox/127.0",
        HUMAN,
        "desktop",
    ),
    (
        "Safari on iPhone",
        "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 "
        "(KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1",
        HUMAN,
        "mobile",
    ),
    (
        "Chrome on iPhone",
        "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 "
        "(KHTML, like Gecko) CriOS/126.0.6478.54 Mobile/15E148 Safari/604.1",
        HUMAN,
        "mobile",
    ),
    (
        "Chrome on an Android phone",
        "Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) "
        "Chrome/126.0.0.0 Mobile Safari/537.36",
        HUMAN,
        "mobile",
    ),
    (
        "Chrome on an Android tablet",
        "Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) "
        "Chrome/126.0.0.0 Safari/537.36",
        HUMAN,
        "tablet",
    ),
    (
        "Samsung Internet",
        "Mozilla/5.0 (Linux; Android 13; SAMSUNG SM-S918B) AppleWebKit/537.36 (KHTML, like Gecko) "
        "SamsungBrowser/23.0 Chrome/115.0.0.0 Mobile Safari/537.36",
        HUMAN,
        "mobile",
    ),
    (
        "Samsung Internet on a tablet",
        "Mozilla/5.0 (Linux; Android 5.0.2; SAMSUNG SM-T800 Build/LRX22G) AppleWebKit/537.36 "
        "(KHTML, like Gecko) SamsungBrowser/3.0 Chrome/38.0.2125.102 Safari/537.36",
        HUMAN,
        "tablet",
    ),
    (
        "Firefox on Android",
        "Mozilla/5.0 (Android 14; Mobile; rv:127.0) Gecko/127.0 Firefox/127.0",
        HUMAN,
        "mobile",
    ),
    (
        "Firefox on an Android tablet",
        "Mozilla/5.0 (Android 5.0; Tablet; rv:41.0) Gecko/41.0 Firefox/41.0",
        HUMAN,
        "tablet",
    ),
    (
        "Edge on an iPad",
        "Mozilla/5.0 (iPad; CPU OS 12_5_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
        "Version/12.0 EdgiOS/46.3.26 Mobile/15E148 Safari/605.1.15",
        HUMAN,
        "tablet",
    ),
    (
        "LinkedIn app",
        "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 "
        "(KHTML, like Gecko) Mobile/15E148 [LinkedInApp]/9.29.8126",
        HUMAN,
        "mobile",
    ),
    (
        "Facebook app, carrier name containing 'Bot'",
        "Mozilla/5.0 (iPhone; CPU iPhone OS 11_4_1 like Mac OS X) AppleWebKit/605.1.15 "
        "(KHTML, like Gecko) Mobile/15G77 [FBAN/FBIOS;FBAV/194.0.0.38.99;FBBV/127868476;"
        "FBDV/iPhone7,2;FBMD/iPhone;FBSN/iOS;FBSV/11.4.1;FBSS/2;FBCR/OrangeBotswana;FBID/phone;"
        "FBLC/en_GB;FBOP/5;FBRV/128807018]",
        HUMAN,
        "mobile",
    ),
    (
        "Instagram app",
        "Mozilla/5.0 (Linux; Android 7.0; LG-TP260 Build/NRD90U; wv) AppleWebKit/537.36 "
        "(KHTML, like Gecko) Version/4.0 Chrome/64.0.3282.137 Mobile Safari/537.36 "
        "Instagram 33.0.0.11.92 Android (24/7.0; 320dpi; 720x1193; LGE/lge; LG-TP260; lv517; "
        "lv517; en_US; 93117667)",
        HUMAN,
        "mobile",
    ),
    (
        "LINE app",
        "Mozilla/5.0 (Linux; Android 5.1; FTJ152B Build/LMY47D; wv) AppleWebKit/537.36 "
        "(KHTML, like Gecko) Version/4.0 Chrome/51.0.2704.81 Mobile Safari/537.36 Line/6.4.1",
        HUMAN,
        "mobile",
    ),
    (
        "Pinterest app",
        "Mozilla/5.0 (iPhone; CPU iPhone OS 6_1_4 like Mac OS X) AppleWebKit/536.26 "
        "(KHTML, like Gecko) Mobile/10B350 [Pinterest/iOS]",
        HUMAN,
        "mobile",
    ),
    (
        "Smart TV",
        "Mozilla/5.0 (Web0S; Linux/SmartTV) AppleWebKit/537.41 (KHTML, like Gecko) "
        "Large Screen WebAppManager Safari/537.41",
        HUMAN,
        "other",
    ),
]


@pytest.mark.parametrize(
    ("user_agent", "kind", "device"),
    [pytest.param(ua, kind, device, id=label) for label, ua, kind, device in KNOWN_USER_AGENTS],
)
def test_known_user_agent_gets_its_kind_and_device_class(user_agent, kind, device):
    assert agents.classify(user_agent) == kind
    assert agents.device_class(user_agent) == device


def test_missing_user_agent_is_a_bot():
    assert agents.classify(None) == BOT  # type: ignore[arg-type]
    assert agents.device_class(None) == "other"  # type: ignore[arg-type]


def test_preview_fetchers_are_checked_before_crawlers():
    # crawlerdetect lists each of these as a crawler too; they must still get their card.
    detector = CrawlerDetect()
    previews = [ua for _, ua, kind, _ in KNOWN_USER_AGENTS if kind == PREVIEW]
    assert sum(detector.is_crawler(ua) for ua in previews) > len(previews) // 2
    assert {agents.classify(ua) for ua in previews} == {PREVIEW}


def test_a_browser_sending_a_from_header_is_a_bot():
    chrome = CHROME_ON_WINDOWS
    assert agents.classify(chrome) == HUMAN
    assert agents.classify(chrome, {"HTTP_FROM": "googlebot(at)googlebot.com"}) == BOT
    assert agents.classify(chrome, {"From": "crawler@example.com"}) == BOT
    assert agents.classify(chrome, {"HTTP_ACCEPT": "text/html", "wsgi.input": object()}) == HUMAN
    assert agents.classify("Twitterbot/1.0", {"From": "x@example.com"}) == PREVIEW


def test_overlong_user_agent_is_cut_before_matching():
    padded = "curl/8.5.0 " + "x" * 10_000
    assert agents.classify(padded) == BOT
    chrome_then_bot = CHROME_ON_WINDOWS + " " * 2000 + "Googlebot/2.1"
    assert agents.classify(chrome_then_bot) == HUMAN  # the tail past 1,024 characters is unread


def test_a_repeated_user_agent_is_answered_from_the_cache():
    agents._kind_of_user_agent.cache_clear()
    for _ in range(3):
        agents.classify("Twitterbot/1.0")
    info = agents._kind_of_user_agent.cache_info()
    assert (info.misses, info.hits) == (1, 2)


def test_many_threads_get_the_same_answers_as_one():
    agents._kind_of_user_agent.cache_clear()
    user_agents = [ua for _, ua, _, _ in KNOWN_USER_AGENTS] * 20
    expected = [kind for _, _, kind, _ in KNOWN_USER_AGENTS] * 20
    with ThreadPoolExecutor(max_workers=8) as pool:
        assert list(pool.map(agents.classify, user_agents)) == expected


# --- Prefetch ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "headers",
    [
        {"HTTP_SEC_PURPOSE": "prefetch"},
        {"HTTP_SEC_PURPOSE": "prefetch;prerender"},
        {"HTTP_SEC_PURPOSE": "prefetch; anonymous-client-ip"},
        {"Sec-Purpose": "prefetch"},
        {"sec-purpose": "prefetch;prerender"},
        {"HTTP_PURPOSE": "prefetch"},
        {"Purpose": "prefetch"},
        {"HTTP_X_MOZ": "prefetch"},
        {"X-Moz": "prefetch"},
        {"HTTP_X_PURPOSE": "preview"},
        {"X-Purpose": "preview"},
    ],
)
def test_browser_prefetch_is_recognised_from_meta_or_header_names(headers):
    request_meta = {"REQUEST_METHOD": "GET", "wsgi.input": object(), "HTTP_ACCEPT": "*/*"}
    assert agents.is_prefetch({**request_meta, **headers})


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"REQUEST_METHOD": "GET", "HTTP_USER_AGENT": "Mozilla/5.0", "wsgi.input": object()},
        {"HTTP_SEC_FETCH_MODE": "navigate", "HTTP_SEC_FETCH_DEST": "document"},
        {"HTTP_SEC_PURPOSE": ""},
        {"HTTP_PURPOSE": "something-else"},
        {"HTTP_X_REQUESTED_PURPOSE_NOTE": "prefetch"},
    ],
)
def test_ordinary_navigation_is_not_a_prefetch(headers):
    assert not agents.is_prefetch(headers)


# --- The shared real-world lists --------------------------------------------------------------

needs_fixtures = pytest.mark.skipif(
    not USER_AGENTS.is_dir(), reason=f"shared fixtures not found at {USER_AGENTS}"
)

# Instances in crawler-user-agents that are a person in a browser. Counting them as bots would
# drop real clicks from Facebook and Instagram.
ACCEPTED_AS_HUMAN = {
    "MetaIAB Facebook": "the Facebook app's in-app browser; its prefetches carry X-Purpose",
    "AP3A\\.240617\\.008": "an Instagram in-app browser UA that one scanner also copied",
    "Fluid": "Fluid, a macOS site-specific browser (a person reading)",
}

# Entries tagged "social-preview" that we count as bots: they do not render a card for a post.
SOCIAL_PREVIEW_BUT_BOT = {
    "meta-externalagent\\/": "Meta's AI-training crawler (Meta's crawler page says so)",
    "meta-webindexer": "Meta's search indexer",
    "TikTokSpider": "TikTok's crawler",
    "Linespider": "LINE's search crawler; LINE previews are facebookexternalhit;line-poker",
    "VKRobot": "VK's crawler; VK previews are vkShare",
    "Google Web Preview": "Google search-result snapshots, retired",
    "AASA-Bot": "fetches apple-app-site-association files only",
    "bluesky-domain-status-classifier": "classifies domains, renders nothing",
    "Bluesky\\/": "a bare 'Bluesky/' with no fetcher named; Bluesky's cards come from Cardyb",
    "Dazzle BlueSky Bot": "a third-party Bluesky bot",
    "TweetmemeBot": "share counter (retired)",
    "AddThis": "share counter (retired)",
    "newsharecounts": "share counter",
    "Jetslide": "news aggregator crawler",
    "NING\\/": "retired social network crawler",
    "Hatena": "bookmark/antenna crawlers",
    "GoogleImageProxy": "Gmail's image proxy: images in mail, not link cards",
    "github-camo": "GitHub's image proxy",
    "YahooMailProxy": "Yahoo Mail's proxy and scanner",
    "Shortwave Image Fetcher": "mail image proxy",
    "FastmailUA": "mail image proxy",
    "TwilioProxy\\/": "messaging media proxy",
    "Supabase Paired Crawler": "metadata crawler",
    "dbot\\)": "metadata harvester",
}


def _crawler_user_agents() -> list[dict]:
    return json.loads((USER_AGENTS / "crawler-user-agents.json").read_text(encoding="utf-8"))


def _firefox_user_agents() -> list[str]:
    # Prose header and section titles ("Firefox 3.6") sit between the indented UA lines.
    lines = (USER_AGENTS / "uap-core_firefox_user_agent_strings.txt").read_text().splitlines()
    return [line.strip() for line in lines[5:] if line.strip().startswith("Mozilla/")]


_UAP_FIELD = re.compile(r"^\s*(?:- )?(user_agent_string|family):\s*(.*)$")


def _yaml_scalar(text: str) -> str:
    text = text.strip()
    if text.startswith("'"):
        return text[1:-1].replace("''", "'")
    if text.startswith('"'):
        return text[1:-1].replace('\\"', '"').replace("\\\\", "\\")
    return text


def _uap_cases() -> list[tuple[str, str]]:
    """(user agent, family) pairs from uap-core's test_ua.yaml. It is a flat list of plain or
    quoted scalars, so a few lines of parsing do without a YAML dependency."""
    cases: list[tuple[str, str]] = []
    user_agent = None
    for line in (USER_AGENTS / "uap-core_test_ua.yaml").read_text(encoding="utf-8").splitlines():
        match = _UAP_FIELD.match(line)
        if not match:
            continue
        field, value = match.group(1), _yaml_scalar(match.group(2))
        if field == "user_agent_string":
            user_agent = value
        elif user_agent is not None:
            cases.append((user_agent, value))
            user_agent = None
    return cases


# uap-core families that are a person's browser, including the in-app browsers of social apps.
BROWSER_FAMILIES = {
    "Chrome",
    "Chrome Mobile",
    "Chrome Mobile iOS",
    "Chrome Mobile WebView",
    "Safari",
    "Mobile Safari",
    "Mobile Safari UI/WKWebView",
    "Edge",
    "Edge Mobile",
    "Samsung Internet",
    "Firefox",
    "Firefox Beta",
    "Firefox Mobile",
    "Firefox iOS",
    "Opera",
    "Opera Mini",
    "Opera Mobile",
    "Brave",
    "Vivaldi",
    "Yandex Browser",
    "Whale",
    "IE",
    "IE Mobile",
    "UC Browser",
    "Amazon Silk",
    "DuckDuckGo Mobile",
    "Facebook",
    "Instagram",
    "Pinterest",
    "LINE",
    "KakaoTalk",
    "Twitter",
    "TikTok",
    "Snapchat",
    "WeChat Browser",
    "Microsoft Teams",
}
# Strings in those families that are not a person browsing, or that we accept losing.
NOT_A_PERSON_BROWSING = {
    "Google Web Preview": "a Google fetcher that uap-core files under Chrome",
    "WebTV/": "a 1990s set-top box without a platform in its User-Agent",
}


@needs_fixtures
def test_every_crawler_user_agents_instance_is_a_bot_or_a_preview():
    entries = _crawler_user_agents()
    humans = {
        entry["pattern"]
        for entry in entries
        for user_agent in entry.get("instances", [])
        if agents.classify(user_agent) == HUMAN
    }
    assert sum(len(entry.get("instances", [])) for entry in entries) > 2000
    assert humans == set(ACCEPTED_AS_HUMAN)


@needs_fixtures
def test_social_preview_entries_are_previews_except_known_crawlers():
    wrong = []
    for entry in _crawler_user_agents():
        if "social-preview" not in entry.get("tags", []):
            continue
        pattern = entry["pattern"]
        if pattern in ACCEPTED_AS_HUMAN:
            expected = HUMAN
        elif pattern in SOCIAL_PREVIEW_BUT_BOT:
            expected = BOT
        else:
            expected = PREVIEW
        wrong += [
            (pattern, user_agent, agents.classify(user_agent))
            for user_agent in entry["instances"]
            if agents.classify(user_agent) != expected
        ]
    assert wrong == []


@needs_fixtures
def test_firefox_strings_are_human():
    user_agents = _firefox_user_agents()
    assert len(user_agents) == 268
    assert [ua for ua in user_agents if agents.classify(ua) != HUMAN] == []


@needs_fixtures
def test_firefox_device_classes_are_plausible():
    # Fennec is Firefox for phones, Maemo the Nokia phone OS, Windows CE the pocket PCs.
    for user_agent in _firefox_user_agents():
        handheld = re.search(r"Fennec|Maemo|WindowsCE", user_agent)
        assert agents.device_class(user_agent) == ("mobile" if handheld else "desktop"), user_agent


def _browsing(cases: list[tuple[str, str]], families: set[str]) -> list[tuple[str, str]]:
    return [
        (user_agent, family)
        for user_agent, family in cases
        if family in families
        and user_agent.startswith(("Mozilla/", "Opera/"))  # the page request, not an app's API
        and not any(marker in user_agent for marker in NOT_A_PERSON_BROWSING)
    ]


@needs_fixtures
def test_uap_core_browser_strings_are_human():
    cases = _uap_cases()
    assert len(cases) == 1601
    browsing = _browsing(cases, BROWSER_FAMILIES)
    assert len(browsing) > 150
    assert [case for case in browsing if agents.classify(case[0]) != HUMAN] == []


def _expected_device(user_agent: str) -> str:
    if "SmartTV" in user_agent:
        return "other"
    if "iPad" in user_agent:
        return "tablet"
    if "iPhone" in user_agent or "iPod" in user_agent or "Windows Phone" in user_agent:
        return "mobile"
    if "Android" in user_agent:
        return "mobile" if "Mobile" in user_agent else "tablet"
    return "desktop"


@needs_fixtures
@pytest.mark.parametrize(
    ("families", "devices"),
    [
        ({"Chrome", "Chrome Mobile", "Chrome Mobile iOS"}, {"desktop", "mobile"}),
        ({"Safari", "Mobile Safari"}, {"desktop", "mobile", "tablet"}),
        ({"Edge", "Edge Mobile"}, {"desktop", "mobile", "tablet"}),
        ({"Samsung Internet"}, {"mobile", "tablet"}),
    ],
    ids=["chrome", "safari", "edge", "samsung-internet"],
)
def test_uap_core_major_browsers_get_plausible_device_classes(families, devices):
    browsing = _browsing(_uap_cases(), families)
    seen = {agents.device_class(user_agent) for user_agent, _ in browsing}
    assert devices <= seen
    for user_agent, _ in browsing:
        assert agents.classify(user_agent) == HUMAN, user_agent
        assert agents.device_class(user_agent) == _expected_device(user_agent), user_agent


def test_crawler_matching_agrees_with_crawlerdetect():
    # The fast matcher must give the same answers as crawlerdetect's own class.
    user_agents = [ua for _, ua, _, _ in KNOWN_USER_AGENTS]
    if USER_AGENTS.is_dir():
        user_agents += [ua for entry in _crawler_user_agents() for ua in entry["instances"]]
        user_agents += [ua for ua, _ in _uap_cases()] + _firefox_user_agents()
    detector = CrawlerDetect()
    disagreements = [
        ua
        for ua in user_agents
        if ua.strip() and agents._crawlerdetect_says_crawler(ua.lower()) != detector.is_crawler(ua)
    ]
    assert disagreements == []
