"""In a real browser: an admin invites an employee, the employee accepts from the e-mail link,
sets a password and lands on their home page — in Danish, because their browser asks for it."""

import re

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def serious_violations(page) -> list[str]:
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    return [
        f"{v['id']}: {v['help']} ({len(v['nodes'])}×)"
        for v in results.response["violations"]
        if v["impact"] in {"serious", "critical"}
    ]


def submit(page) -> None:
    page.locator("main form button[type=submit]").first.click()


def test_admin_invites_and_employee_joins_in_danish(browser, live_server, admin, smtp_settings):
    from playwright.sync_api import expect

    from advocato.conftest import PASSWORD

    desk = browser.new_context(locale="en-GB")
    page = desk.new_page()
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=login]", admin.email)
    page.fill("input[name=password]", PASSWORD)
    submit(page)
    expect(page.locator("#funnel-title")).to_be_visible()
    assert serious_violations(page) == []

    page.goto(f"{live_server.url}/people/invite/")
    page.fill("input[name=email]", "freja.lund@example.com")
    page.fill("input[name=name]", "Freja Lund")
    page.fill("input[name=department]", "People & Culture")
    page.select_option("#id_language", "da")
    page.get_by_role("button", name="Send invitation", exact=True).click()
    expect(page.locator(".messages")).to_contain_text("Invitation sent to Freja Lund")
    desk.close()

    (message,) = smtp_settings.messages
    text = message.get_body(preferencelist=("plain",)).get_content()
    match = re.search(r"http://\S+/invite/\S+/", text)
    assert match is not None
    link = match.group(0)
    assert link.startswith(live_server.url)

    phone = browser.new_context(
        locale="da-DK", viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True
    )
    page = phone.new_page()
    page.goto(link)
    assert page.locator("html").get_attribute("lang") == "da"
    assert serious_violations(page) == []
    page.fill("input[name=password1]", "Havnen-Lys-2026")
    page.fill("input[name=password2]", "Havnen-Lys-2026")
    submit(page)
    page.wait_for_url(f"{live_server.url}/")
    assert page.locator("html").get_attribute("lang") == "da"
    expect(page.locator("h1")).to_contain_text("Freja Lund")
    expect(page.get_by_role("button", name="Log ud")).to_be_visible()
    # On a phone the page does not scroll sideways.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert serious_violations(page) == []
    phone.close()
