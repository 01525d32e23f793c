"""In a real browser: an analyst filters the programme dashboard to one department and one
quarter, downloads the figures as CSV, and the file's totals are the figures on the page."""

import csv
from datetime import timedelta

import pytest

from advocato.analytics.kpis import quarter_bounds
from advocato.conftest import PASSWORD
from advocato.people.tests.test_browser import serious_violations

from .conftest import click, local, make_item, make_share

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_filter_export_and_compare(browser, live_server, org, analyst, advocate,
                                   advocate_engineering, tmp_path):  # fmt: skip
    from playwright.sync_api import expect

    item = make_item()
    # Q3 2026: Anna (Sales) 2 shares, 3 clicks; Lars (Engineering) 1 share, 5 clicks.
    # Q2 2026: Anna 1 share, 7 clicks — outside the quarter chosen.
    anna = [
        make_share(advocate, item, local(2026, 7, 7, 9), audience=300),
        make_share(advocate, item, local(2026, 8, 18, 8), audience=310, network="x"),
    ]
    lars = make_share(advocate_engineering, item, local(2026, 9, 1, 10), audience=150)
    old = make_share(advocate, item, local(2026, 6, 10, 9), audience=290)
    for n in range(2):
        click(anna[0], local(2026, 7, 7, 12) + timedelta(minutes=n), visitor=f"a{n}")
    click(anna[1], local(2026, 8, 19, 7), visitor="b")
    for n in range(5):
        click(lars, local(2026, 9, 2, 12), visitor=f"l{n}")
    for n in range(7):
        click(old, local(2026, 6, 11, 12), visitor=f"o{n}")

    context = browser.new_context(locale="en-GB", accept_downloads=True)
    page = context.new_page()
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=login]", analyst.email)
    page.fill("input[name=password]", PASSWORD)
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_url(f"{live_server.url}/")

    # The dashboard is in the "Results" menu (a <details>: its summary opens it).
    page.locator("nav summary", has_text="Results").click()
    page.get_by_role("link", name="Programme dashboard").click()
    expect(page.locator("h1")).to_have_text("Programme dashboard")
    page.locator("select[name=period]").select_option(label="Q3 2026")
    page.locator("select[name=department]").select_option(label="Sales")
    page.get_by_role("button", name="Show").click()
    start, end = quarter_bounds(2026, 3)
    expect(page.locator("[data-period]")).to_have_attribute(
        "data-period", f"{start:%Y-%m-%d}/{end:%Y-%m-%d}"
    )
    on_page = {
        key: page.locator(f'[data-kpi="{key}"] [data-value]').inner_text().replace(",", "")
        for key in ("shares", "clicks", "reach")
    }
    assert on_page == {"shares": "2", "clicks": "3", "reach": "610"}
    assert serious_violations(page) == []

    with page.expect_download() as download:
        page.locator('[data-export="kpis-csv"]').click()
    path = tmp_path / "kpis.csv"
    download.value.save_as(path)
    with path.open(encoding="utf-8") as handle:
        rows = {row[0]: row for row in csv.reader(handle)}
    assert rows["Period"][1:] == [f"{start:%Y-%m-%d}", f"{end:%Y-%m-%d}"]
    assert rows["Shares"][1] == on_page["shares"]
    assert rows["Clicks"][1] == on_page["clicks"]
    assert rows["Potential reach"][1] == on_page["reach"]

    # The other analytics pages pass the same accessibility check, on a phone too.
    phone = browser.new_context(locale="da-DK", viewport={"width": 390, "height": 844})
    mobile = phone.new_page()
    mobile.goto(f"{live_server.url}/accounts/login/")
    mobile.fill("input[name=login]", analyst.email)
    mobile.fill("input[name=password]", PASSWORD)
    mobile.locator("main form button[type=submit]").first.click()
    mobile.wait_for_url(f"{live_server.url}/")
    for path in ("/analytics/?period=2026-q3", "/analytics/content/?period=2026-q3",
                 "/analytics/best-time/?period=2026-q3", "/scorecard/"):  # fmt: skip
        mobile.goto(live_server.url + path)
        assert serious_violations(mobile) == [], path
        width = mobile.evaluate("document.documentElement.scrollWidth")
        assert width <= 390, f"{path} scrolls sideways on a phone ({width}px)"
    context.close()
    phone.close()
