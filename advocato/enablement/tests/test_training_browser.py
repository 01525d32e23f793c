"""In a real browser: an advocate opens the training from the checklist, takes a module's quiz
on a phone, sees the explanations and the points, and finds them on their points page; axe
finds nothing serious on the lesson or the result."""

import pytest

from advocato.enablement.tests.test_training import make_module

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def serious_violations(page) -> list[str]:
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    return [
        f"{v['id']}: {v['help']} ({len(v['nodes'])}×)"
        for v in results.response["violations"]
        if v["impact"] in {"serious", "critical"}
    ]


def test_an_advocate_passes_a_quiz_and_sees_the_points(browser, live_server, advocate):
    from playwright.sync_api import expect

    from advocato.conftest import PASSWORD
    from advocato.rewards.models import PointEntry

    make_module(points=25, pass_mark=100)
    phone = browser.new_context(
        locale="en-GB", viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True
    )
    page = phone.new_page()
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=login]", advocate.email)
    page.fill("input[name=password]", PASSWORD)
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_url(f"{live_server.url}/")
    page.locator('[data-step="training"] a').click()
    page.get_by_role("link", name="Your own voice").click()
    expect(page.locator("article.prose strong")).to_have_text("your own words")
    assert serious_violations(page) == []

    page.get_by_label("Your own words").check()
    page.get_by_label("Your job title").check()
    page.get_by_label("The company").check()
    page.get_by_role("button", name="Hand in").click()
    expect(page.locator("[data-points]")).to_contain_text("25 points are added")
    expect(page.locator(".explanation").first).to_contain_text("64%")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert serious_violations(page) == []

    page.get_by_role("link", name="My points").click()
    expect(page.locator("main")).to_contain_text("You passed the training “Your own voice”")
    assert PointEntry.objects.get(employee=advocate, kind="training").points == 25
    phone.close()
