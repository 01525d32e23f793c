"""In a real browser, with axe: an advocate reads the success stories (a picture, the live
evidence) on a phone, then turns the weekly digest off on her e-mail preferences page — in
Danish."""

import io

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


def test_stories_and_email_preferences_in_a_browser(
    browser, live_server, advocate, settings, tmp_path
):
    from django.core.files.base import ContentFile
    from PIL import Image
    from playwright.sync_api import expect

    from advocato.conftest import PASSWORD
    from advocato.enablement import stories
    from advocato.enablement.models import SuccessStory
    from advocato.people import mail
    from advocato.people.models import EmailKind

    settings.MEDIA_ROOT = tmp_path
    picture = io.BytesIO()
    Image.new("RGB", (120, 60), "teal").save(picture, "PNG")
    story = SuccessStory(
        title_en="A post that found a customer", body_en="It **worked**.",
        title_da="Et opslag, der fandt en kunde", body_da="Det **virkede**.",
        image_alt="Vindmøller ved kysten",
    )  # fmt: skip
    story.image.save("wind.png", ContentFile(picture.getvalue()), save=True)
    stories.publish(story)

    phone = browser.new_context(
        locale="da-DK", viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True
    )
    page = phone.new_page()
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=login]", advocate.email)
    page.fill("input[name=password]", PASSWORD)
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_url(f"{live_server.url}/")

    page.goto(f"{live_server.url}/stories/")
    expect(page.locator("h2").first).to_contain_text("Et opslag, der fandt en kunde")
    assert page.locator("img.story-image").get_attribute("alt") == "Vindmøller ved kysten"
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert serious_violations(page) == []

    page.goto(f"{live_server.url}/me/e-mails/")
    assert page.locator("html").get_attribute("lang") == "da"
    assert serious_violations(page) == []
    page.locator("input[name=digest][value=never]").check()
    page.locator("main form button[type=submit]").click()
    expect(page.locator(".messages")).to_be_visible()
    assert not mail.wants(advocate, EmailKind.DIGEST)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    phone.close()
