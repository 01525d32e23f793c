"""A share keeps the language version the advocate chose — on My shares, on the share's page,
in the item's results and in its tracking tags — and every way of copying a text carries the
advocate's own tracked link."""

from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import reverse
from django.utils import timezone

from advocato.content.models import ContentItem, ContentVariant, SuggestedText
from advocato.links import services as links
from advocato.sharing import services
from advocato.sharing.models import Share

pytestmark = pytest.mark.django_db
URL = "https://nordlys.example/vind"
NORWEGIAN = "Havvind forklart på norsk"
DANISH = "Havvind forklaret på dansk"


@pytest.fixture
def anna(advocate):
    advocate.language = "nb"  # she reads Norwegian by default…
    advocate.save()
    return advocate


@pytest.fixture
def item(db):
    item = ContentItem.objects.create(
        title=NORWEGIAN, url=URL, canonical_url=URL, status="published",
        published_at=timezone.now(), language="nb",
    )  # fmt: skip
    ContentVariant.objects.create(item=item, language="da", title=DANISH, commentary="Hvorfor.")
    SuggestedText.objects.create(item=item, network="linkedin", language="nb", text=f"Les! {URL}")
    SuggestedText.objects.create(item=item, network="linkedin", language="da", text=f"Læs! {URL}")
    return item


def test_the_danish_version_shared_is_kept_everywhere(login, anna, analyst, item):
    client = login(anna)
    # …and picks the Danish version on the item's page, which takes her to the composer.
    page = client.get(reverse("content:item", args=[item.pk]) + "?language=da").content.decode()
    assert DANISH in page and f"{reverse('sharing:compose', args=[item.pk])}?language=da" in page
    composer = client.get(reverse("sharing:compose", args=[item.pk]) + "?language=da")
    assert "Læs!" in composer.content.decode()
    client.post(
        reverse("sharing:compose", args=[item.pk]),
        {"network": "linkedin", "text": f"Læs! {URL}", "language": "da"},
    )
    share = Share.objects.get(employee=anna)
    assert share.language == "da"
    services.confirm(Share.objects.filter(pk=share.pk), by=services.BY_ADVOCATE)

    mine = client.get(reverse("sharing:mine")).content.decode()
    assert DANISH in mine and NORWEGIAN not in mine
    own_page = client.get(reverse("sharing:handoff", args=[share.pk])).content.decode()
    assert DANISH in own_page  # the share's page names the item, in the version shared
    # The tracked link's campaign tag carries the Danish title.
    info = links.link_info(share.link.code)
    assert info is not None
    target = links.destination(info, "t")
    assert parse_qs(urlsplit(target).query)["utm_campaign"] == ["havvind-forklaret-pa-dansk"]
    # The item's results say which version was shared.
    login(analyst)
    results = client.get(reverse("sharing:item_results", args=[item.pk])).content.decode()
    assert "Dansk" in results


def test_a_share_made_in_code_keeps_the_version_its_advocate_reads(anna, item):
    share = services.start_share(anna, item, "linkedin", f"Les! {URL}")
    assert share.language == "nb" and share.version.title == NORWEGIAN


def test_copy_text_on_the_item_page_carries_the_tracked_link(login, anna, item):
    client = login(anna)
    page = client.get(reverse("content:item", args=[item.pk])).content.decode()
    # No button copies the bare text any more: each is a form that gets the tracked link.
    assert 'data-copy="text-' not in page and "data-copy-form" in page
    url = reverse("sharing:copy", args=[item.pk])
    data = {"network": "linkedin", "language": "da"}
    answer = client.post(url, data, HTTP_ACCEPT="application/json").json()
    share = Share.objects.get(employee=anna)
    assert share.method == Share.Method.COPY and share.language == "da"
    assert answer["text"] == f"Læs! http://testserver/l/{share.link.code}"
    # Copying again reuses the same link; without JavaScript the share's page shows the text.
    again = client.post(url, data)
    assert again.status_code == 302 and again["Location"] == reverse(
        "sharing:handoff", args=[share.pk]
    )
    assert Share.objects.filter(employee=anna).count() == 1
    assert client.get(url).status_code == 405


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_copy_text_puts_the_tracked_link_on_the_clipboard(browser, live_server, anna, item):
    from advocato.shell.tests.walk import sign_in

    context = browser.new_context(locale="en-GB")
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server.url)
    page = context.new_page()
    sign_in(page, live_server.url, anna)
    page.goto(f"{live_server.url}{reverse('content:item', args=[item.pk])}?language=da")
    page.get_by_role("button", name="Copy text with your link").first.click()
    page.wait_for_function("document.querySelector('[data-copy-form] button').textContent === '✓'")
    copied = page.evaluate("navigator.clipboard.readText()")
    share = Share.objects.get(employee=anna)
    assert copied == f"Læs! {live_server.url}/l/{share.link.code}"
    assert page.url.endswith("?language=da")  # stayed on the item's page
    context.close()
