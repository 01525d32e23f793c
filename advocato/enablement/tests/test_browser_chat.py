"""In a real browser: an admin adds a Slack channel, sends a test message that the local fake
Slack accepts, and sees it delivered; the channel pages pass axe."""

from urllib.parse import urlsplit

import pytest

from advocato.enablement.chat.fakes import FakeSlack

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def serious_violations(page) -> list[str]:
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    return [
        f"{v['id']}: {v['help']} ({len(v['nodes'])}×)"
        for v in results.response["violations"]
        if v["impact"] in {"serious", "critical"}
    ]


def test_admin_adds_a_slack_channel_and_a_test_message_arrives(
    browser, live_server, admin, settings
):
    from playwright.sync_api import expect

    from advocato.conftest import PASSWORD

    slack = FakeSlack()
    slack.start()
    settings.FETCH_ALLOWED_HOSTS = [urlsplit(slack.url).netloc]
    hook = slack.new_webhook()
    try:
        page = browser.new_context(locale="en-GB").new_page()
        page.goto(f"{live_server.url}/accounts/login/")
        page.fill("input[name=login]", admin.email)
        page.fill("input[name=password]", PASSWORD)
        page.locator("main form button[type=submit]").first.click()
        page.goto(f"{live_server.url}/chat/")
        assert serious_violations(page) == []
        page.get_by_role("link", name="Add a channel").first.click()
        page.fill("#id_name", "#advocacy")
        page.select_option("#id_kind", "slack")
        page.fill("#id_webhook_url", "http://10.0.0.5/hook")
        page.get_by_role("button", name="Add the channel").click()
        expect(page.locator("main")).to_contain_text("private network address")
        assert serious_violations(page) == []
        page.fill("#id_webhook_url", hook)
        page.check("#id_post_weekly_top")
        page.get_by_role("button", name="Add the channel").click()
        expect(page.locator(".messages")).to_contain_text("Channel added")
        page.get_by_role("button", name="Send a test message").click()
        expect(page.locator("main table")).to_contain_text("Delivered")
        assert serious_violations(page) == []
        page.goto(f"{live_server.url}/chat/")
        expect(page.locator("main table")).to_contain_text("Delivered")
        assert hook.rsplit("/", 1)[1] not in page.content()  # the secret stays masked
        assert len(slack.accepted) == 1
    finally:
        slack.stop()
