"""One formatting rule: every page a role opens, in English, Danish and Norwegian, writes dates,
times and numbers the one way its language does (advocato/lib/formats), never the US order,
"a.m.", seconds or an abbreviated month; and the formatting functions round one way."""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal
from html import unescape
from zoneinfo import ZoneInfo

import pytest
from django.utils import translation

from advocato.lib import charts, formatting

from .walk import plan

TAGS = re.compile(r"<(script|style)\b.*?</\1>|<[^>]+>", re.S)
# What none of our languages writes, in the text a person reads.
WRONG_EVERYWHERE = {
    "a time with a.m./p.m.": re.compile(r"\d\s?[ap]\.m\.", re.I),
    "a time with seconds": re.compile(r"\b\d{1,2}:\d\d:\d\d\b"),
    "an abbreviated month": re.compile(r"\b(Jan|Feb|Aug|Sept?|Oct|Nov|Dec)\. \d"),
    "a month before the day (US)": re.compile(
        r"\b(January|February|March|April|May|June|July|August|September|October|November|"
        r"December) \d{1,2}, \d{4}"
    ),
}
WRONG = {
    # 17 June 2026 is the tests' day: a US date shows it as 06/17/2026.
    "en": {"a US short date": re.compile(r"\b(0?[1-9]|1[0-2])/(1[3-9]|2\d|3[01])/\d{4}\b")},
    "da": {"a date with slashes": re.compile(r"\b\d{1,2}/\d{1,2}/\d{4}\b")},
    "nb": {"a date with slashes": re.compile(r"\b\d{1,2}/\d{1,2}/\d{4}\b")},
}
# The tests' day as each language writes it in full and short.
TODAY = {
    "en": ("17 June 2026", "17/06/2026"),
    "da": ("17. juni 2026", "17.06.2026"),
    "nb": ("17. juni 2026", "17.06.2026"),
}


def _text(html: str) -> str:
    return unescape(TAGS.sub(" ", html)).replace("\u00a0", " ")


def test_every_page_writes_dates_and_times_one_way(client, dataset):
    """The admin's pages (nearly all) and the advocate's own in English; the advocate's in
    Danish and Norwegian (the patterns are per language, the pages' code is not)."""
    personas, objects = dataset
    visits, _unaccounted = plan(objects)
    problems = []
    for language, role in [
        ("en", "admin"),
        ("en", "advocate"),
        ("da", "advocate"),
        ("nb", "advocate"),
    ]:
        person = personas[role]
        type(person).objects.filter(pk=person.pk).update(ui_language=language)
        client.force_login(person.user)
        for path in visits[role]:
            response = client.get(path)
            if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
                continue
            text = _text(response.content.decode())
            for what, pattern in {**WRONG_EVERYWHERE, **WRONG[language]}.items():
                found = pattern.search(text)
                if found:
                    problems.append(f"{role} {path}: {what} {found.group(0)!r}")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("language", ["en", "da", "nb"])
def test_the_functions_write_each_language_its_way(language):
    long, short = TODAY[language]
    moment = datetime(2026, 6, 17, 8, 41, 7, tzinfo=ZoneInfo("UTC"))  # 10:41 in Copenhagen
    with translation.override(language):
        assert formatting.format_day(date(2026, 6, 17)) == long
        assert formatting.format_day(date(2026, 6, 17), short=True) == short
        assert formatting.format_moment(moment) == f"{short} 10:41"
        assert formatting.format_time(moment) == "10:41"
        assert formatting.format_period(date(2026, 7, 1), date(2026, 9, 30)).count("2026") == 2
        assert "Sept." not in formatting.format_period(date(2026, 7, 1), date(2026, 9, 30))
    with translation.override("en"):
        assert formatting.format_period(date(2026, 7, 1), date(2026, 9, 30)) == (
            "1 July 2026 – 30 September 2026"
        )
        assert formatting.format_number(1234567) == "1,234,567"
    with translation.override("da"):
        assert formatting.format_number(1234.5, 1) == "1.234,5"


def test_english_can_be_set_to_the_us_way(settings):
    settings.FORMAT_MODULE_PATH = ["advocato.lib.formats_us", "advocato.lib.formats"]
    from django.utils import formats

    formats.reset_format_cache()
    try:
        with translation.override("en"):
            assert formatting.format_day(date(2026, 6, 17), short=True) == "06/17/2026"
        with translation.override("da"):
            assert formatting.format_day(date(2026, 6, 17), short=True) == "17.06.2026"
    finally:
        formats.reset_format_cache()


@pytest.mark.parametrize(
    ("value", "shown"), [(9875.5, "9,876"), (Decimal("9875.50"), "9,876"), (2.5, "3"), (0.5, "1")]
)
def test_one_rounding_rule_for_tables_bars_and_reports(value, shown):
    """The evaluation's table said 9,875 (Django cut the decimals) and its bar 9,876 (Python
    rounded): one rule now, half up, for every figure."""
    with translation.override("en"):
        assert formatting.format_number(value, 0) == shown
        assert formatting.format_money(value) == shown
        assert charts.format_number(value, 0) == shown
        if value >= 100:  # the bar shows whole numbers from 100 up
            bar = charts.gauge_row(float(value), None, title="Earned media value")
            assert f">{shown}<" in bar


def test_a_long_gauge_title_is_never_cut():
    with translation.override("en"):
        svg = charts.gauge_row(0.123, 0.3, title="Active participation", percent=True)
    assert "Active participation" in svg
    assert "…" not in svg
