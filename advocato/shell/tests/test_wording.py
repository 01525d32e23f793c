"""Words on everyday pages: what a link does, where a post stands right after "Post now", the
interface-language choice in words, time zones grouped by region, one heading per page."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from advocato.content.models import ContentItem
from advocato.sharing import services
from advocato.sharing.models import PostState, Share

pytestmark = pytest.mark.django_db


@pytest.fixture
def item(db):
    return ContentItem.objects.create(
        title="Offshore wind, explained", url="https://nordlys.example/wind",
        status="published", published_at=timezone.now(),
    )  # fmt: skip


def test_a_shares_page_says_what_its_links_do(login, advocate, item):
    share = services.start_share(advocate, item, "linkedin", "Wind! https://nordlys.example/wind")
    html = login(advocate).get(reverse("sharing:handoff", args=[share.pk])).content.decode()
    assert "(Networks)" not in html and "Share it on another network" in html
    assert "Offshore wind, explained" in html  # the page names the item


def test_right_after_post_now_the_post_is_going_out_not_scheduled(login, advocate, item):
    share = services.start_share(advocate, item, "mastodon", "Wind!", method=Share.Method.API)
    Share.objects.filter(pk=share.pk).update(
        post_state=PostState.SCHEDULED, scheduled_for=timezone.now()
    )
    client = login(advocate)
    html = client.get(reverse("sharing:handoff", args=[share.pk])).content.decode()
    assert "Going out now." in html and "Goes out" not in html
    later = timezone.now() + timedelta(hours=3)
    Share.objects.filter(pk=share.pk).update(scheduled_for=later)
    html = client.get(reverse("sharing:handoff", args=[share.pk])).content.decode()
    assert "Goes out" in html and "Going out now." not in html


def test_profile_says_the_interface_language_choice_in_words(login, advocate):
    html = login(advocate).get(reverse("shell:profile")).content.decode()
    assert "---------" not in html
    assert '<option value="" selected>Same as my browser</option>' in html


def test_time_zones_are_grouped_by_region(login, advocate):
    html = login(advocate).get(reverse("shell:profile")).content.decode()
    groups = re.findall(r'<optgroup label="([^"]+)">', html)
    assert {"Europe", "America", "Asia", "Pacific Ocean"} <= set(groups)
    assert '<option value="Europe/Copenhagen" selected>Copenhagen</option>' in html
    assert (
        '<option value="America/Argentina/Buenos_Aires">Argentina / Buenos Aires</option>' in html
    )


def test_connected_accounts_is_one_heading(login, advocate):
    html = login(advocate).get(reverse("sharing:networks")).content.decode()
    assert len(re.findall(r"<h[12][^>]*>Connected accounts</h[12]>", html)) == 1


def test_every_field_on_suggest_reward_requests_and_scorecard_is_styled(client, advocate, admin):
    """Issue 16: the link field on Suggest and the date fields (scorecard, requests) looked
    like the browser's bare defaults: the style sheet's field rule left out url and date."""
    import re
    from pathlib import Path

    css = (Path(__file__).parents[1] / "static" / "advocato" / "app.css").read_text()
    rule = next(line for line in css.splitlines() if line.startswith("input[type=text]"))
    styled = set(re.findall(r"input\[type=([\w-]+)\]", rule))
    used = set()
    client.force_login(advocate.user)
    for name in ("content:suggest", "analytics:scorecard", "rewards:catalogue"):
        html = client.get(reverse(name)).content.decode()
        used |= set(re.findall(r'<input[^>]*type="([\w-]+)"', html))
    client.force_login(admin.user)
    html = client.get(reverse("rewards:redemptions")).content.decode()
    used |= set(re.findall(r'<input[^>]*type="([\w-]+)"', html))
    fields = used - {"hidden", "checkbox", "radio", "submit", "file", "button"}
    assert {"url", "date"} <= fields
    assert fields <= styled, fields - styled
