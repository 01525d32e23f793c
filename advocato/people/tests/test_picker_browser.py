"""In a real browser: the people picker's search box finds two namesakes by name, tells them
apart by department and address, and the kudos go to the one chosen with the keyboard."""

import pytest

from advocato.conftest import PASSWORD, make_employee
from advocato.people.models import Employee

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_choose_a_namesake_by_keyboard_in_the_search_box(browser, live_server, advocate):
    from playwright.sync_api import expect

    from .test_browser import serious_violations

    giver = make_employee("bo@example.com", name="Bo Berg", department="Finance")
    other_anna = make_employee("anna.holm@example.com", name="Anna Holm", department="IT")
    context = browser.new_context(locale="en-GB")
    page = context.new_page()
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=login]", giver.email)
    page.fill("input[name=password]", PASSWORD)
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_url(f"{live_server.url}/")
    page.goto(f"{live_server.url}/kudos/")
    search = page.get_by_role("combobox", name="To")
    expect(search).to_be_visible()
    expect(page.locator("select[name=receiver]")).to_be_hidden()
    search.fill("anna")
    options = page.get_by_role("listbox").get_by_role("option")
    expect(options).to_have_count(2)
    expect(page.get_by_role("listbox")).to_contain_text("IT · anna.holm@example.com")
    expect(page.get_by_role("listbox")).to_contain_text("Sales · anna@example.com")
    assert serious_violations(page) == []
    which = [options.nth(i).inner_text() for i in range(2)]
    search.press("ArrowDown" if "anna.holm@" not in which[0] else "ArrowUp")
    search.press("Enter")
    assert page.locator("select[name=receiver]").input_value() == str(other_anna.pk)
    page.fill("textarea[name=message]", "Thanks for the IT help")
    page.get_by_role("button", name="Send kudos").click()
    expect(page.locator("[data-wall]")).to_contain_text("Thanks for the IT help")
    assert Employee.objects.get(pk=other_anna.pk).kudos_received.count() == 1
    assert advocate.kudos_received.count() == 0
    context.close()
