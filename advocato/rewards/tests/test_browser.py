"""In a real browser: an advocate shares, a visitor clicks the tracked link (the real /l/<code>
redirect), the worker's minute folds the points, the advocate's points and rank rise, they
redeem a reward, and an admin approves it."""

import re
from urllib.parse import parse_qs, urlsplit

import pytest
from django.utils import timezone

from advocato.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
READER_UA = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/131.0.0.0 Safari/537.36"
)


def sign_in(page, base, employee):
    page.goto(f"{base}/accounts/login/")
    page.fill("input[name=login]", employee.email)
    page.fill("input[name=password]", PASSWORD)
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_url(f"{base}/")


def test_share_click_points_rank_redeem_approve(
    browser, live_server, site, advocate, advocate_engineering, admin
):
    from playwright.sync_api import expect

    from advocato.content.models import ContentItem, SuggestedText
    from advocato.rewards import services
    from advocato.rewards.conftest import make_item, make_share
    from advocato.rewards.models import Redemption, Reward

    site.add("/jobs/7", "<!DOCTYPE html><title>Jobs</title><h1>Wind technicians wanted</h1>")
    item = ContentItem.objects.create(
        title="Wind technicians wanted", url=f"{site.url}/jobs/7", status="published",
        published_at=timezone.now(), language="en", goal="recruitment",
    )  # fmt: skip
    SuggestedText.objects.create(
        item=item, network="linkedin", language="en", text=f"We are hiring! {site.url}/jobs/7"
    )
    reward = Reward.objects.create(name="Plant 10 trees", kind="donation", price=10, stock=1)
    # A colleague is ahead this month with one share (10 points).
    make_share(advocate_engineering, make_item("Solar"))
    services.fold()

    base = live_server.url
    context = browser.new_context(locale="en-GB")
    context.route(
        re.compile(r"https://www\.linkedin\.com/.*"),
        lambda route: route.fulfill(status=200, content_type="text/html", body="<title>in</title>"),
    )
    page = context.new_page()
    sign_in(page, base, advocate)
    page.goto(f"{base}/leaderboards/")
    expect(page.locator("[data-my-rank]")).to_have_text("–")
    expect(page.locator("tbody tr")).to_have_count(1)

    page.goto(f"{base}/feed/{item.pk}/share/")
    page.locator("textarea[name=text]").fill(f"Join my team at the wind farm! {site.url}/jobs/7")
    page.get_by_role("button", name="Share on LinkedIn").click()
    expect(page.locator("h1")).to_have_text("Your post is ready")
    with context.expect_page() as popup:
        page.get_by_role("link", name="Open LinkedIn").click()
    dialog = popup.value
    dialog.wait_for_load_state()
    text = parse_qs(urlsplit(dialog.url).query)["text"][0]
    match = re.search(r"https?://\S+/l/[A-Za-z0-9_-]{8}", text)
    assert match is not None
    tracked = match.group(0)
    dialog.close()
    page.get_by_role("button", name="Yes, I posted it").click()

    visitor = browser.new_context(locale="da-DK", user_agent=READER_UA)
    reader = visitor.new_page()
    reader.goto(tracked.replace("http://localhost:8000", base))
    expect(reader.locator("h1")).to_have_text("Wind technicians wanted")
    visitor.close()

    services.fold()  # the worker's minute

    page.goto(f"{base}/points/")
    expect(page.locator("[data-balance]")).to_have_text("11")
    expect(page.locator("tbody")).to_contain_text(
        "You shared “Wind technicians wanted” on LinkedIn"
    )
    expect(page.locator("tbody")).to_contain_text("Someone clicked your post")
    page.goto(f"{base}/leaderboards/")
    expect(page.locator("[data-my-rank]")).to_have_text("1")
    expect(page.locator("[data-my-score]")).to_have_text("11")

    page.goto(f"{base}/rewards/")
    page.get_by_role("button", name="Redeem for 10 points").click()
    expect(page.locator(".message-success")).to_contain_text("Plant 10 trees")
    expect(page.locator("[data-balance]")).to_have_text("1")
    expect(page.locator("[data-redemption]")).to_contain_text("Waiting for approval")

    admin_context = browser.new_context(locale="en-GB")
    admin_page = admin_context.new_page()
    sign_in(admin_page, base, admin)
    admin_page.goto(f"{base}/rewards/redemptions/")
    expect(admin_page.locator("[data-request]")).to_contain_text("Anna Holm")
    admin_page.get_by_role("button", name="Approve").click()
    expect(admin_page.locator(".message-success")).to_have_text("Approved.")
    admin_context.close()

    page.reload()
    expect(page.locator("[data-redemption]")).to_contain_text("Approved")
    assert Redemption.objects.get().status == "approved"
    reward.refresh_from_db()
    assert reward.stock == 0
    assert services.verify() == []
    context.close()


def serious_violations(page) -> list[str]:
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    return [
        f"{v['id']}: {v['help']} ({len(v['nodes'])}×)"
        for v in results.response["violations"]
        if v["impact"] in {"serious", "critical"}
    ]


def test_rewards_pages_are_accessible_on_a_phone(browser, live_server, advocate, admin, curator):
    from advocato.rewards import services
    from advocato.rewards.conftest import grant, make_click, make_item, make_share
    from advocato.rewards.models import Challenge, Reward

    share = make_share(advocate, make_item())
    for _n in range(10):  # one visitor clicking ten times: held for review
        make_click(share, visitor="same")
    services.fold()
    grant(advocate, 100)
    services.give_kudos(admin, advocate, "Great sharing this week!")
    services.redeem(advocate, Reward.objects.create(name="Mug", price=20, stock=3))
    today = timezone.localdate()
    challenge = Challenge.objects.create(
        title="Clicks", starts_on=today, ends_on=today, prize="Cake", created_by=curator
    )
    base = live_server.url
    for who, paths in [
        (advocate, ["/points/", "/leaderboards/", "/rewards/", "/kudos/", "/challenges/",
                    f"/challenges/{challenge.pk}/", "/profile/", "/feed/"]),
        (admin, ["/points/rules/", "/points/review/", "/rewards/manage/", "/rewards/redemptions/",
                 "/rewards/manage/new/", "/kudos/employee-of-the-month/", "/challenges/new/",
                 f"/points/people/{advocate.pk}/"]),
    ]:  # fmt: skip
        context = browser.new_context(viewport={"width": 390, "height": 844}, locale="en-GB")
        page = context.new_page()
        sign_in(page, base, who)
        for path in paths:
            page.goto(base + path)
            assert serious_violations(page) == [], path
            # Nothing wider than the phone's screen, except tables that scroll in their box.
            overflow = page.evaluate("document.documentElement.scrollWidth > window.innerWidth + 1")
            assert not overflow, path
        context.close()
