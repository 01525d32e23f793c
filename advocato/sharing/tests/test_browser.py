"""In a real browser: an advocate edits a suggested text and shares it through LinkedIn's share
dialog (intercepted: it must carry the tracked link); a visitor follows the link to the
company's page, sends its lead form with the snippet installed; the advocate's "my shares"
shows 1 click and 1 conversion."""

import re
from urllib.parse import parse_qs, urlsplit

import pytest
from django.utils import timezone

from advocato.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

COMPANY_PAGE = """<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Join us</title>
<script src="{advocato}/static/advocato/conversions.js" data-endpoint="{advocato}/c/convert" defer></script>
</head><body><h1>Wind technicians wanted</h1>
<form id="lead"><label>E-mail <input name="email" type="email" required></label>
<button type="submit">Send</button></form><p id="done" hidden>Thanks!</p>
<script>
document.getElementById("lead").addEventListener("submit", function (event) {{
  event.preventDefault();
  Advocato.convert("lead", {{id: "form-1", value: 1200, currency: "DKK"}}).then(function () {{
    document.getElementById("done").hidden = false;
  }});
}});
</script></body></html>"""


def test_share_click_and_convert(browser, live_server, site, advocate, settings):
    from playwright.sync_api import expect

    from advocato.content.models import ContentItem, SuggestedText

    settings.CONVERSION_ORIGINS = [site.url]
    site.add("/jobs/42", COMPANY_PAGE.format(advocato=live_server.url))
    item = ContentItem.objects.create(
        title="Wind technicians wanted", url=f"{site.url}/jobs/42", status="published",
        published_at=timezone.now(), language="en",
    )  # fmt: skip
    SuggestedText.objects.create(
        item=item, network="linkedin", language="en", text=f"We are hiring! {site.url}/jobs/42"
    )

    context = browser.new_context(locale="en-GB")
    dialogs = []

    def linkedin(route):
        dialogs.append(route.request.url)
        route.fulfill(status=200, content_type="text/html", body="<title>LinkedIn</title>")

    context.route(re.compile(r"https://www\.linkedin\.com/.*"), linkedin)
    page = context.new_page()
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=login]", advocate.email)
    page.fill("input[name=password]", PASSWORD)
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_url(f"{live_server.url}/")

    page.goto(f"{live_server.url}/feed/{item.pk}/")
    page.get_by_role("link", name="Share in your own words").click()
    text = page.locator("textarea[name=text]")
    expect(text).to_have_value(f"We are hiring! {site.url}/jobs/42")
    text.fill(f"My team keeps 900 turbines turning — come and join us! {site.url}/jobs/42")
    page.get_by_role("button", name="Share on LinkedIn").click()
    expect(page.locator("h1")).to_have_text("Your post is ready")
    with context.expect_page() as popup:
        page.get_by_role("link", name="Open LinkedIn").click()
    popup.value.wait_for_load_state()
    (dialog,) = dialogs
    shared_text = parse_qs(urlsplit(dialog).query)["text"][0]
    match = re.search(r"https?://\S+/l/[A-Za-z0-9_-]{8}", shared_text)
    assert match is not None
    tracked = match.group(0)
    assert shared_text.startswith("My team keeps 900 turbines turning")
    assert f"{site.url}/jobs/42" not in shared_text
    page.get_by_role("button", name="Yes, I posted it").click()

    # A real reader's browser (headless Chromium announces itself and would count as a bot).
    visitor = browser.new_context(
        locale="da-DK",
        user_agent="Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36",
    )
    reader = visitor.new_page()
    reader.goto(tracked.replace("http://localhost:8000", live_server.url))
    expect(reader.locator("h1")).to_have_text("Wind technicians wanted")
    assert "utm_source=linkedin" in reader.url and "adv=" in reader.url
    reader.fill("input[name=email]", "ida@example.com")
    reader.get_by_role("button", name="Send").click()
    expect(reader.locator("#done")).to_be_visible()
    visitor.close()

    page.goto(f"{live_server.url}/shares/")
    expect(page.locator("[data-clicks]")).to_have_text("1")
    expect(page.locator("[data-conversions]")).to_have_text("1")
    context.close()
