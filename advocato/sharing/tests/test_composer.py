"""The share composer: start from the suggested text, make it your own, pass the guidelines,
hand off to the network's dialog with your own tracked link, and see what it brought."""

from urllib.parse import parse_qs, unquote, urlsplit

import pytest
from django.urls import reverse
from django.utils import timezone

from advocato.analytics.adoption import adoption_funnel
from advocato.conftest import make_employee
from advocato.content.models import ContentItem, SuggestedText
from advocato.links.models import Click, Conversion
from advocato.sharing import services
from advocato.sharing.models import Guidelines, Share

pytestmark = pytest.mark.django_db
URL = "https://nordlys.example/jobs/311"
CHROME = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36"


@pytest.fixture
def item(db):
    item = ContentItem.objects.create(
        title="We are hiring", url=URL, canonical_url=URL, status="published",
        published_at=timezone.now(), language="en",
    )  # fmt: skip
    SuggestedText.objects.create(
        item=item, network="linkedin", language="en", text=f"We are hiring! {URL}"
    )
    return item


def share_post(client, item, network="linkedin", text=None, **extra):
    data = {
        "network": network,
        "text": text if text is not None else f"We are hiring! {URL}",
        **extra,
    }
    return client.post(reverse("sharing:compose", args=[item.pk]), data)


def confirmed(share):
    """The advocate says they posted it through the share dialog."""
    services.confirm(Share.objects.filter(pk=share.pk), by=services.BY_ADVOCATE)
    share.refresh_from_db()
    return share


def test_composer_starts_from_the_suggested_text(login, advocate, item):
    html = login(advocate).get(reverse("sharing:compose", args=[item.pk])).content.decode()
    assert f"We are hiring! {URL}" in html


def test_sharing_mints_a_link_and_hands_off_to_linkedin(login, advocate, item):
    client = login(advocate)
    response = share_post(client, item, text=f"Proud of my team — we are hiring! {URL}")
    share = Share.objects.get()
    assert response["Location"] == reverse("sharing:handoff", args=[share.pk])
    assert share.edited and 0 < share.edit_distance < 1
    handoff = client.get(response["Location"]).content.decode()
    dialog = next(
        line for line in handoff.split('"') if line.startswith("https://www.linkedin.com/feed/")
    )
    text = unquote(parse_qs(urlsplit(dialog.replace("&amp;", "&")).query)["text"][0])
    assert (
        text == f"Proud of my team — we are hiring! http://localhost:8000/l/{share.link.code}"
        or text.endswith(f"/l/{share.link.code}")
    )
    assert URL not in text


def test_as_suggested_is_recorded_as_unedited(login, advocate, item):
    share_post(login(advocate), item)
    share = Share.objects.get()
    assert (share.edited, share.edit_distance) == (False, 0.0)


@pytest.mark.parametrize(
    ("setup", "text", "words"),
    [
        (
            {"banned_phrases": "guaranteed returns\nbest in the world"},
            f"Best in the WORLD! {URL}",
            "is not allowed",
        ),
        (
            {"disclosure_tag": "#NordlysEmployee", "require_disclosure": True},
            f"Hiring! {URL}",
            "#NordlysEmployee",
        ),
        ({}, "We are hiring, no link", "Keep the link"),
        ({}, "x" * 3001 + f" {URL}", "too many"),
        ({}, "   ", "Write something"),
    ],
)
def test_guidelines_block_sharing_with_a_clear_reason(login, advocate, item, setup, text, words):
    Guidelines.objects.update_or_create(pk=1, defaults=setup)
    response = share_post(login(advocate), item, text=text)
    assert response.status_code == 200
    assert words in response.content.decode()
    assert Share.objects.count() == 0


def test_identical_posts_from_many_colleagues_get_a_warning(login, advocate, item):
    for n in range(3):
        colleague = make_employee(f"c{n}@example.com")
        confirmed(services.start_share(colleague, item, "linkedin", f"We are hiring! {URL}"))
    checks = services.check_post(advocate, item, "linkedin", f"We are hiring!! {URL}")
    assert [c.code for c in checks] == ["similar"]
    assert "add a line of your own" in checks[0].message
    own = services.check_post(
        advocate, item, "linkedin", f"Our wind team is the best place I have worked. {URL}"
    )
    assert own == []


def test_live_checks_answer_json(login, advocate, item):
    client = login(advocate)
    url = reverse("sharing:check", args=[item.pk])
    ok = client.post(
        url, {"network": "x", "text": f"Hiring {URL}"}, content_type="application/json"
    )
    assert ok.json() == {"checks": []}
    bad = client.post(url, "nonsense", content_type="application/json")
    assert bad.status_code == 400 and "JSON" in bad.json()["error"]


def test_x_counts_the_link_as_23(login, advocate, item):
    text = "a" * 256 + " " + URL  # 256 + 1 + 23 = 280
    assert services.check_post(advocate, item, "x", text) == []
    assert services.check_post(advocate, item, "x", "a" + text)[0].code == "length"


def test_mastodon_needs_the_advocates_server(login, advocate, item):
    client = login(advocate)
    missing = share_post(client, item, network="mastodon")
    assert "Which Mastodon server" in missing.content.decode()
    share_post(client, item, network="mastodon", mastodon_instance="https://Mastodon.Social/@anna")
    share = Share.objects.get()
    assert (
        "https://mastodon.social/share?text="
        in client.get(reverse("sharing:handoff", args=[share.pk])).content.decode()
    )


def test_instagram_offers_copy_and_the_picture(login, advocate, item):
    item.image_url = "https://nordlys.example/media/job.jpg"
    item.save()
    client = login(advocate)
    share_post(client, item, network="instagram", text="Come work with us! Link in bio.")
    html = client.get(reverse("sharing:handoff", args=[Share.objects.get().pk])).content.decode()
    assert "Download the picture" in html and "Copy text" in html
    assert Share.objects.get().method == "copy"


def test_an_item_not_in_your_feed_cannot_be_shared(login, advocate_engineering, item, advocate):
    item.target_everyone = False
    item.save()
    item.departments.set([advocate.department])
    assert (
        login(advocate_engineering).get(reverse("sharing:compose", args=[item.pk])).status_code
        == 404
    )


def test_someone_elses_share_is_not_yours(login, advocate, advocate_engineering, item):
    share = services.start_share(advocate, item, "x", "t")
    client = login(advocate_engineering)
    assert client.get(reverse("sharing:handoff", args=[share.pk])).status_code == 404
    assert client.post(reverse("sharing:confirm", args=[share.pk])).status_code == 404


def test_my_shares_counts_by_hand(login, client, advocate, item, settings):
    share = confirmed(services.start_share(advocate, item, "linkedin", f"Hiring {URL}"))
    code = share.link.code
    for ip in ("203.0.113.1", "203.0.113.1", "203.0.113.2"):
        client.get(f"/l/{code}", HTTP_USER_AGENT=CHROME, REMOTE_ADDR=ip)
    client.get(
        f"/l/{code}",
        HTTP_USER_AGENT="LinkedInBot/1.0 (compatible; Mozilla/5.0; Apache-HttpClient +http://www.linkedin.com)",
    )
    client.get(f"/l/{code}", HTTP_USER_AGENT="curl/8.4.0")
    click = Click.objects.filter(kind="human").first()
    assert click is not None
    Conversion.objects.create(
        click=click, link=click.link, kind="lead", external_id="1", source="server"
    )
    html = login(advocate).get(reverse("sharing:mine")).content.decode()
    row = html.split(f'data-share="{share.pk}"')[1].split("</tr>")[0]
    assert '<td class="num" data-clicks>3</td>' in row
    assert '<td class="num wide-only">2</td>' in row  # unique visitors today
    assert '<td class="num wide-only">1</td>' in row  # one preview
    assert '<td class="num" data-conversions>1</td>' in row


def test_item_results_by_network_and_employee(login, curator, analyst, advocate, item):
    confirmed(services.start_share(advocate, item, "linkedin", f"Hiring {URL}"))
    for who in (curator, analyst):
        html = login(who).get(reverse("sharing:item_results", args=[item.pk])).content.decode()
        assert "LinkedIn" in html and advocate.name in html


def test_the_funnel_counts_real_shares(advocate, item):
    assert adoption_funnel().activated == 0
    services.start_share(advocate, item, "x", "t")  # started, not confirmed
    assert adoption_funnel().activated == 0
    confirmed(Share.objects.get())
    funnel = adoption_funnel()
    assert (funnel.activated, funnel.active_30d) == (1, 1)


def test_the_feed_marks_what_you_shared(login, advocate, item):
    confirmed(services.start_share(advocate, item, "x", "t"))
    assert "You shared this" in login(advocate).get(reverse("content:feed")).content.decode()


def test_admin_sets_the_guidelines_on_the_settings_page(login, admin, advocate, item):
    from advocato.core.models import AuditEntry

    response = login(admin).post(
        reverse("shell:settings"),
        {"org-name": "Nordlys", "org-default_language": "en", "org-time_zone": "Europe/Oslo", "org-individual_results": "everyone",
         "rules-banned_phrases": "guaranteed returns", "rules-disclosure_tag": "#NordlysEmployee",
         "rules-require_disclosure": "on", "rules-similar_colleagues": "3"},
    )  # fmt: skip
    assert response.status_code == 302
    codes = [c.code for c in services.check_post(advocate, item, "x", f"Guaranteed returns! {URL}")]
    assert codes == ["banned", "disclosure"]
    assert AuditEntry.objects.filter(object_type="sharing.Guidelines").exists()
    bad = login(admin).post(
        reverse("shell:settings"),
        {"org-name": "Nordlys", "org-default_language": "en", "org-time_zone": "Europe/Oslo", "org-individual_results": "everyone",
         "rules-similar_colleagues": "0"},
    )  # fmt: skip
    assert bad.status_code == 200 and Guidelines.get().similar_colleagues == 3


def test_analysts_reach_item_results_from_the_adoption_page(login, analyst, advocate, item):
    confirmed(services.start_share(advocate, item, "linkedin", f"Hiring {URL}"))
    html = login(analyst).get(reverse("analytics:adoption")).content.decode()
    assert reverse("sharing:item_results", args=[item.pk]) in html
