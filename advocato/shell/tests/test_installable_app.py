"""Advocato on the phone's home screen: the manifest, the service worker, the offline page and
"Share → Advocato" (the manifest's share target filling "Suggest content")."""

import json

import pytest
from django.contrib.staticfiles import finders
from PIL import Image

from advocato.content.models import ContentItem

pytestmark = pytest.mark.django_db


def test_the_manifest_has_what_browsers_ask_of_an_installable_app(client):
    response = client.get("/manifest.webmanifest", HTTP_ACCEPT_LANGUAGE="da")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/manifest+json")
    manifest = json.loads(response.content)
    assert manifest["display"] == "standalone"
    assert manifest["start_url"].startswith("/feed/")
    assert manifest["scope"] == "/" and manifest["lang"] == "da"
    assert manifest["short_name"] == "Advocato" and manifest["name"]
    sizes: dict[str, set[str]] = {}
    for icon in manifest["icons"]:
        path = finders.find(icon["src"].removeprefix("/static/"))
        assert path, icon["src"]
        with Image.open(path) as image:
            assert f"{image.width}x{image.height}" == icon["sizes"]
        sizes.setdefault(icon["purpose"], set()).add(icon["sizes"])
    assert {"192x192", "512x512"} <= sizes["any"] and "512x512" in sizes["maskable"]
    share = manifest["share_target"]
    assert share["action"] == "/share-target/" and share["method"] == "POST"
    assert set(share["params"]) == {"title", "text", "url"}


def test_the_service_worker_is_served_from_the_root_and_never_cached_stale(client):
    response = client.get("/sw.js")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/javascript")
    assert "no-cache" in response["Cache-Control"]
    script = response.content.decode()
    assert '"/offline/"' in script and '"/feed/"' in script
    assert "/static/advocato/app.css" in script
    # Every page links the manifest and loads the script that registers the worker.
    page = client.get("/accounts/login/").content.decode()
    assert 'rel="manifest" href="/manifest.webmanifest"' in page
    assert 'data-worker="/sw.js"' in page


def test_the_offline_page_names_nobody(login, advocate):
    page = login(advocate).get("/offline/").content.decode()
    assert "You are offline" in page
    assert advocate.name not in page and advocate.email not in page


@pytest.mark.parametrize(
    ("sent", "title", "url", "story"),
    [
        ({"title": "Nordlys opens in Bergen", "url": "https://nordlys.example/bergen"},
         "Nordlys opens in Bergen", "https://nordlys.example/bergen", ""),
        # Android puts the link in the text, after the words.
        ({"text": "Look at this! https://nordlys.example/jobs/42."},
         "Look at this!", "https://nordlys.example/jobs/42", "Look at this!"),
        ({"text": "A story without a link\nsecond line"},
         "A story without a link", "", "A story without a link\nsecond line"),
        ({"title": "x" * 900, "url": "javascript:alert(1)"}, "x" * 300, "", ""),
    ],
)  # fmt: skip
def test_what_the_share_sheet_sends_becomes_a_suggestion_form(
    login, advocate, sent, title, url, story
):
    client = login(advocate)
    response = client.post("/share-target/", sent)
    assert response.status_code == 303 and response["Location"] == "/suggest/?shared=1"
    form = client.get(response["Location"]).context["form"]
    assert form.initial == {"title": title, "url": url, "story": story}
    # Filled in once: the next visit to Suggest starts empty.
    assert not client.get("/suggest/").context["form"].initial
    assert not ContentItem.objects.exists()  # nothing is created until they send the form


def test_signed_out_the_share_waits_for_signing_in(client, advocate):
    from advocato.conftest import PASSWORD

    response = client.post("/share-target/", {"title": "Bergen", "url": "https://n.example/b"})
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=/suggest/%3Fshared%3D1")
    signed_in = client.post(response["Location"], {"login": advocate.email, "password": PASSWORD})
    assert signed_in.status_code == 302 and signed_in["Location"] == "/suggest/?shared=1"
    form = client.get("/suggest/?shared=1").context["form"]
    assert form.initial["url"] == "https://n.example/b"


def test_the_share_target_only_takes_posts_and_needs_no_token(client, login, advocate):
    from django.test import Client

    assert client.get("/share-target/").status_code == 405
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(advocate.user)
    assert strict.post("/share-target/", {"title": "T"}).status_code == 303
    # The form it fills still needs its token.
    assert strict.post("/suggest/", {"title": "T", "story": "words"}).status_code == 403


@pytest.mark.browser
@pytest.mark.real_clock
@pytest.mark.django_db(transaction=True)
def test_chromium_finds_the_app_installable_and_the_feed_readable_offline(
    browser, live_server, advocate, tmp_path
):
    from playwright.sync_api import expect

    from advocato.conftest import PASSWORD, chromium_path

    # A profile on disk: Chromium never offers to install from an incognito window, which is
    # what a plain Playwright context is.
    context = browser.browser_type.launch_persistent_context(
        tmp_path / "profile",
        executable_path=chromium_path(),
        args=["--no-sandbox", "--disable-gpu", "--no-first-run"],
        viewport={"width": 390, "height": 844},
        is_mobile=True,
    )
    page = context.pages[0] if context.pages else context.new_page()
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=login]", advocate.email)
    page.fill("input[name=password]", PASSWORD)
    page.locator("main form button[type=submit]").first.click()
    page.goto(f"{live_server.url}/feed/")
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    page.reload()  # the worker controls the page from the next load on
    assert page.evaluate("navigator.serviceWorker.controller !== null")
    cdp = context.new_cdp_session(page)
    found = cdp.send("Page.getAppManifest")
    assert found["url"].endswith("/manifest.webmanifest")
    assert found["errors"] == []
    assert cdp.send("Page.getInstallabilityErrors")["installabilityErrors"] == []

    context.set_offline(True)
    page.goto(f"{live_server.url}/feed/")
    expect(page.locator("h1")).to_have_text("Your feed")
    page.goto(f"{live_server.url}/scorecard/")  # never kept: the offline page instead
    expect(page.locator("h1")).to_have_text("You are offline")
    context.close()
