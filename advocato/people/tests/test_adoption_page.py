"""The Adoption page keeps its most-shared list in the page, not in the window title."""

import re

from django.urls import reverse
from django.utils import timezone

from advocato.content.models import ContentItem
from advocato.sharing.models import Share


def test_most_shared_content_is_in_the_page_not_the_title(login, analyst, advocate):
    item = ContentItem.objects.create(title="Havvind i Nordsøen", status="published",
                                      published_at=timezone.now())  # fmt: skip
    Share.objects.create(employee=advocate, item=item, network="linkedin", text="Se her",
                         status="confirmed", confirmed_at=timezone.now())  # fmt: skip
    html = login(analyst).get(reverse("analytics:adoption")).content.decode()
    match = re.search(r"<title>(.*?)</title>", html, re.S)
    assert match is not None
    title = match.group(1)
    assert "Havvind" not in title and "<" not in title
    assert "Havvind i Nordsøen" in html.split("</title>", 1)[1]
