"""In a real browser: an admin adds an endpoint, copies the secret shown once, sends a test
message the receiver verifies, and reads the answer in the log — with no serious axe finding."""

import pytest

from advocato.people.tests.test_browser import serious_violations

from .conftest import verify

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_admin_adds_a_webhook_and_sees_the_delivery(browser, live_server, admin, receiver):
    from playwright.sync_api import expect

    from advocato.conftest import PASSWORD

    page = browser.new_context(locale="en-GB").new_page()
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=login]", admin.email)
    page.fill("input[name=password]", PASSWORD)
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_url(f"{live_server.url}/")

    page.goto(f"{live_server.url}/settings/webhooks/")
    assert serious_violations(page) == []
    page.get_by_role("link", name="Add an endpoint").first.click()
    page.fill("input[name=url]", receiver.url)
    page.fill("input[name=description]", "CRM")
    page.get_by_label("share.created", exact=False).check()
    page.get_by_role("button", name="Add endpoint").click()
    secret = page.locator("#secret-value").input_value()
    assert secret.startswith("whsec_")
    assert serious_violations(page) == []

    page.get_by_role("button", name="Send a test message").click()
    expect(page.locator(".webhook-log")).to_contain_text("204")
    headers, body = receiver.requests[0]
    assert verify(secret, headers, body)["type"] == "webhook.test"
    assert page.locator("#secret-value").count() == 0  # shown once

    page.goto(f"{live_server.url}/settings/webhooks/")
    expect(page.locator("main table")).to_contain_text("CRM")
    assert serious_violations(page) == []
