"""In a real browser: a curator creates an item from a URL, targets one department and
submits it; a reviewer approves; an advocate in that department sees it in their feed, and an
advocate outside it does not."""

import pytest

from advocato.conftest import PASSWORD, make_employee

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PAGE = """<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">
<title>Hiring: wind technicians</title>
<meta property="og:title" content="We are hiring wind technicians in Esbjerg">
<meta property="og:description" content="Join the team that keeps our offshore turbines turning.">
<meta property="og:site_name" content="Nordlys Careers"></head><body></body></html>"""


def sign_in(browser, live_server, employee):
    context = browser.new_context(locale="en-GB")
    page = context.new_page()
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=login]", employee.email)
    page.fill("input[name=password]", PASSWORD)
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_url(f"{live_server.url}/")
    return context, page


def test_curator_to_reviewer_to_the_right_advocates(browser, live_server, site, curator, admin):
    from playwright.sync_api import expect

    site.add("/jobs/42", PAGE)
    sales = make_employee("sara@example.com", department="Sales", name="Sara Sales")
    engineer = make_employee("erik@example.com", department="Engineering", name="Erik Engineer")

    context, page = sign_in(browser, live_server, curator)
    page.goto(f"{live_server.url}/library/new/")
    page.fill("#id_url", f"{site.url}/jobs/42")
    page.get_by_role("button", name="Fill in from the page").click()
    expect(page.locator("#id_title")).to_have_value("We are hiring wind technicians in Esbjerg")
    page.uncheck("#id_target_everyone")
    page.get_by_label("Sales", exact=True).check()
    page.get_by_role("button", name="Save as draft").click()
    expect(page.locator(".messages")).to_contain_text("Saved as a draft")
    page.get_by_role("button", name="Submit for review").click()
    expect(page.locator(".messages")).to_contain_text("In review")
    context.close()

    context, page = sign_in(browser, live_server, admin)
    page.goto(f"{live_server.url}/review/")
    expect(page.locator("main")).to_contain_text("We are hiring wind technicians in Esbjerg")
    page.get_by_role("button", name="Approve", exact=True).click()  # not "Approve ticked"
    expect(page.locator(".messages")).to_contain_text("Published")
    context.close()

    context, page = sign_in(browser, live_server, sales)
    page.goto(f"{live_server.url}/feed/")
    expect(page.locator(".item-title")).to_have_text(["We are hiring wind technicians in Esbjerg"])
    context.close()

    context, page = sign_in(browser, live_server, engineer)
    page.goto(f"{live_server.url}/feed/")
    expect(page.locator("main")).to_contain_text("Nothing to share yet")
    context.close()
