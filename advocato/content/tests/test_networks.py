"""Counting a share's text the way each network counts it, in Python and in composer.js."""

from __future__ import annotations

import json
import shutil
import subprocess
import time
from pathlib import Path

import pytest

from advocato.lib.networks import LIMITS, NETWORKS, URL_RE, check, count

COMPOSER_JS = Path(__file__).resolve().parents[1] / "static" / "advocato" / "composer.js"

LONG_URL = "https://nordlys.example.dk/nyheder/" + "vindmoeller-" * 22 + "paa-aeroe"
FAMILY = "\U0001f468\u200d\U0001f469\u200d\U0001f467\u200d\U0001f466"  # 👨‍👩‍👧‍👦, 7 code points
THUMB_MEDIUM = "\U0001f44d\U0001f3fd"  # 👍🏽
DANISH_FLAG = "\U0001f1e9\U0001f1f0"  # 🇩🇰
RAINBOW_FLAG = "\U0001f3f3\ufe0f\u200d\U0001f308"  # 🏳️‍🌈


def test_every_network_has_a_label_and_a_limit():
    assert NETWORKS == [
        ("linkedin", "LinkedIn"),
        ("x", "X"),
        ("facebook", "Facebook"),
        ("instagram", "Instagram"),
        ("mastodon", "Mastodon"),
        ("bluesky", "Bluesky"),
    ]
    assert LIMITS == {
        "linkedin": 3000,
        "x": 280,
        "facebook": 63206,
        "instagram": 2200,
        "mastodon": 500,
        "bluesky": 300,
    }


def test_unknown_network_is_an_error():
    with pytest.raises(ValueError):
        count("myspace", "hello")


# --- X ----------------------------------------------------------------------------------------


def test_x_counts_a_long_link_as_23():
    assert len(LONG_URL) > 280
    assert count("x", LONG_URL) == 23
    assert count("x", f"Læs mere: {LONG_URL}") == 10 + 23


def test_x_counts_a_bare_domain_as_a_link_but_not_abbreviations():
    assert count("x", "se nordlys.dk/job") == 3 + 23
    assert count("x", "www.example.co.uk") == 23
    assert count("x", "e.g. v1.2 node.js") == 17
    assert count("x", "skriv til presse@nordlys.dk") == 27


def test_x_leaves_sentence_punctuation_outside_the_link():
    assert [
        m.group() for m in URL_RE.finditer("Se https://example.com/a. Og (example.com/b).")
    ] == [
        "https://example.com/a",
        "example.com/b",
    ]
    assert [m.group() for m in URL_RE.finditer("https://en.wikipedia.org/wiki/Ærø_(ø)")] == [
        "https://en.wikipedia.org/wiki/Ærø_(ø)"
    ]


def test_x_weighs_cjk_as_two_and_nordic_letters_as_one():
    assert count("x", "日本語") == 6
    assert count("x", "Hej 日本") == 4 + 4
    assert count("x", "æøå “citat” –") == 13
    assert count("x", "…") == 2  # U+2026 is outside twitter-text's light ranges


def test_x_counts_an_emoji_sequence_as_two():
    assert count("x", "\U0001f44d") == 2
    assert count("x", FAMILY) == 2
    assert count("x", THUMB_MEDIUM) == 2
    assert count("x", DANISH_FLAG) == 2
    assert count("x", RAINBOW_FLAG) == 2
    assert count("x", "Tak " + FAMILY + "!") == 4 + 2 + 1


def test_x_normalises_before_counting():
    assert count("x", "e\u0301") == 1


def test_x_limit_is_weighted():
    assert check("x", "a" * 280)["over"] is False
    assert check("x", "日" * 141)["over"] is True


def test_long_pathological_text_does_not_backtrack_for_ever():
    """A regular expression that backtracks on these takes minutes to hours; a linear count
    takes a fraction of a second. The bound is that far from both so a busy machine cannot
    make it flaky (speed itself is measured in bench/, not here)."""
    started = time.monotonic()
    for text in ("a." * 50000 + "x1", "a-" * 50000, "http://x/" + "(a" * 50000):
        count("x", text)
        count("mastodon", text)
    assert time.monotonic() - started < 30


# --- Mastodon ---------------------------------------------------------------------------------


def test_mastodon_counts_a_remote_mention_by_its_user_part():
    assert count("mastodon", "Tak @anna@mastodon.social!") == len("Tak @anna!")


def test_mastodon_counts_links_with_a_scheme_as_23():
    assert count("mastodon", LONG_URL) == 23
    assert count("mastodon", "nordlys.dk/job") == 14  # without http(s):// it is plain text


def test_mastodon_counts_code_points():
    assert count("mastodon", FAMILY) == 7
    assert count("mastodon", "æøå") == 3


# --- Bluesky ----------------------------------------------------------------------------------


def test_bluesky_counts_graphemes():
    assert count("bluesky", FAMILY) == 1
    assert count("bluesky", DANISH_FLAG + THUMB_MEDIUM) == 2
    assert count("bluesky", "e\u0301") == 1
    assert count("bluesky", "Ærø") == 3


def test_bluesky_counts_links_in_full():
    assert count("bluesky", LONG_URL) == len(LONG_URL)
    # The same link alone is 23 of 280 on X but over the limit on Bluesky.
    assert check("bluesky", LONG_URL)["over"] is True


# --- LinkedIn, Facebook, Instagram ------------------------------------------------------------


@pytest.mark.parametrize("network", ["linkedin", "facebook", "instagram"])
def test_characters_after_nfc(network):
    assert count(network, "e\u0301") == 1
    assert count(network, "Vindmøller på Ærø 👍") == 19
    assert count(network, LONG_URL) == len(LONG_URL)


# --- check() ----------------------------------------------------------------------------------


def test_check_reports_count_limit_and_what_remains():
    assert check("x", "Hej verden") == {
        "network": "x",
        "count": 10,
        "limit": 280,
        "over": False,
        "remaining": 270,
    }


def test_check_over_the_limit_has_negative_remaining():
    result = check("bluesky", "ø" * 305)

    assert result == {
        "network": "bluesky",
        "count": 305,
        "limit": 300,
        "over": True,
        "remaining": -5,
    }


def test_exactly_at_the_limit_is_not_over():
    assert check("mastodon", "a" * 500)["over"] is False
    assert check("instagram", "a" * 2201)["over"] is True


# --- composer.js counts the same --------------------------------------------------------------

SAMPLES = [
    "Hej verden",
    LONG_URL,
    f"Læs mere: {LONG_URL} og del gerne",
    "se nordlys.dk/job og www.example.co.uk.",
    "e.g. v1.2 node.js presse@nordlys.dk",
    "(https://en.wikipedia.org/wiki/Ærø_(ø))",
    "日本語 Hej 日本",
    "æøå “citat” – …",
    FAMILY,
    THUMB_MEDIUM + DANISH_FLAG + RAINBOW_FLAG + "❤️ 1️⃣",
    "e\u0301",
    "Tak @anna@mastodon.social og @lars!",
    "",
]


def test_composer_js_counts_like_python():
    node = shutil.which("node")
    if node is None:
        pytest.skip("node is not installed: composer.js not checked against networks.py")
    cases = [[network, text] for network, _label in NETWORKS for text in SAMPLES]
    script = (
        f"require({json.dumps(str(COMPOSER_JS))});"
        "const cases = JSON.parse(require('fs').readFileSync(0, 'utf8'));"
        "const count = globalThis.advocatoComposer.count;"
        "console.log(JSON.stringify(cases.map(([n, t]) => count(n, t))));"
    )

    result = subprocess.run(
        [node, "-e", script], input=json.dumps(cases), capture_output=True, text=True, check=True
    )

    expected = [count(network, text) for network, text in cases]
    assert json.loads(result.stdout) == expected
