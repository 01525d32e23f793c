"""In a real browser: an advocate connects Mastodon on the local fake server (OAuth through
the fake's own "Allow" page), schedules a share a few seconds ahead, and sees it posted — by
the worker, on time, once — with its permalink and potential reach."""

import threading
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.utils import timezone

from advocato.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_connect_mastodon_schedule_and_see_it_posted(browser, live_server, start_fake,
                                                     advocate, item):  # fmt: skip
    from playwright.sync_api import expect

    from .. import posting
    from ..models import Share

    fake = start_fake("mastodon")
    stop = threading.Event()

    def worker():  # the Huey consumer's job: post what is due
        from django.db import OperationalError

        try:
            while not stop.wait(0.5):
                try:
                    posting.post_due()
                except OperationalError:  # as Huey does: the next sweep tries again
                    continue
        finally:
            connection.close()

    context = browser.new_context(locale="en-GB")
    page = context.new_page()
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=login]", advocate.email)
    page.fill("input[name=password]", PASSWORD)
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_url(f"{live_server.url}/")

    page.goto(f"{live_server.url}/me/")
    expect(page.locator("input[name=instance]")).to_have_value(fake.url)
    page.locator("#connect-mastodon").click()
    page.wait_for_url(f"{fake.url}/oauth/authorize*")  # the server's own "Allow" page
    page.fill("input[name=username]", "anna")
    page.locator("#allow").click()
    page.wait_for_url(f"{live_server.url}/profile/networks/")
    expect(page.locator("#network-mastodon")).to_contain_text("@anna")
    expect(page.locator("#network-mastodon")).to_contain_text("Connected")

    thread = threading.Thread(target=worker, daemon=True)
    thread.start()
    try:
        page.goto(f"{live_server.url}/feed/{item.pk}/share/?network=mastodon")
        page.fill("textarea[name=text]", f"Come and keep the turbines turning! {item.url}")
        at = timezone.now() + timedelta(seconds=6)
        local = timezone.localtime(at, ZoneInfo(advocate.time_zone))
        page.fill("input[name=post_at]", local.strftime("%Y-%m-%dT%H:%M:%S"))
        page.locator("#post-schedule").click()
        expect(page.locator("#post-state")).to_contain_text("Scheduled")
        assert fake.posts == {}  # not before its time
        expect(page.locator("#permalink")).to_be_visible(timeout=30_000)
    finally:
        stop.set()
        thread.join(10)
    share = Share.objects.get()
    assert share.confirmed_at is not None and share.confirmed_at >= at - timedelta(seconds=1)
    (post,) = fake.posts.values()
    assert page.locator("#permalink").get_attribute("href") == f"{fake.url}/@anna/{post['id']}"
    assert f"/l/{share.link.code}" in post["text"]
    expect(page.locator("#reach")).to_contain_text(str(fake.users[post["user"]].followers))
    context.close()
