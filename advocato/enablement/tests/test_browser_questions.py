"""In a real browser, checked with axe: an advocate asks the comms team about a comment from
their share's page (a bad link first), a curator answers from the queue, and the advocate
reads the answer on the share."""

import pytest

from advocato.people.tests.test_browser import serious_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_in(context, base, employee):
    from advocato.conftest import PASSWORD

    page = context.new_page()
    page.goto(f"{base}/accounts/login/")
    page.fill("input[name=login]", employee.email)
    page.fill("input[name=password]", PASSWORD)
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_url(f"{base}/")
    return page


def test_an_advocate_asks_and_a_curator_answers(browser, live_server, advocate, curator):
    from django.utils import timezone
    from playwright.sync_api import expect

    from advocato.content.models import ContentItem
    from advocato.sharing import services as sharing

    item = ContentItem.objects.create(
        title="Wind farm opens", url="https://nordlys.example/wind", status="published",
        published_at=timezone.now(), language="en",
    )  # fmt: skip
    share = sharing.start_share(advocate, item, "linkedin", f"Proud {item.url}", "")
    base = live_server.url

    phone = browser.new_context(locale="en-GB", viewport={"width": 390, "height": 844})
    page = sign_in(phone, base, advocate)
    page.goto(f"{base}/shares/{share.pk}/")
    page.locator("#ask-team").click()
    page.fill("textarea[name=comment]", "Isn't this greenwashing?")
    page.fill("input[name=comment_link]", "javascript:alert(1)")
    page.fill("textarea[name=question]", "How should I answer?")
    page.get_by_role("button", name="Send to the comms team").click()
    expect(page.locator("main")).to_contain_text("starting with https://")
    assert serious_violations(page) == []
    page.fill("input[name=comment_link]", "https://www.linkedin.com/feed/update/1")
    page.get_by_role("button", name="Send to the comms team").click()
    expect(page.locator("#questions")).to_contain_text("Waiting for an answer.")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert serious_violations(page) == []

    desk = browser.new_context(locale="en-GB")
    team = sign_in(desk, base, curator)
    team.goto(f"{base}/questions/")
    expect(team.locator("#time-to-answer")).to_be_visible()
    assert serious_violations(team) == []
    team.get_by_role("link", name="How should I answer?").click()
    team.fill("textarea[name=answer]", "Thank them and link to the study.")
    assert serious_violations(team) == []
    team.get_by_role("button", name="Answer", exact=True).click()
    expect(team.locator(".messages")).to_contain_text("the advocate gets an e-mail")
    desk.close()

    page.goto(f"{base}/shares/{share.pk}/")
    expect(page.locator("[data-answer]")).to_contain_text("link to the study")
    phone.close()
