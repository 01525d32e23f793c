"""The audit log reads like the rest of Advocato: types and fields by the names the pages use,
in the viewer's language; times in the viewer's zone; filters by person, type and days (the
days checked); long values wrap instead of widening the page."""

import re
from datetime import UTC, datetime

import pytest
from django.urls import reverse

from advocato.core.models import AuditEntry

pytestmark = pytest.mark.django_db


@pytest.fixture
def entries(admin, curator):
    at = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)
    item = AuditEntry.objects.create(
        actor=curator.user, actor_label=curator.email, action="update",
        object_type="content.ContentItem", object_id="7", object_repr="Offshore wind", at=at,
        before={"status": "in_review", "featured": False, "published_at": None},
        after={"status": "published", "featured": True,
               "published_at": "2026-03-02T09:30:00Z"},
    )  # fmt: skip
    invitation = AuditEntry.objects.create(
        actor=admin.user, actor_label=admin.email, action="update",
        object_type="people.Invitation", object_id="3", object_repr="Invitation for Freja",
        at=datetime(2026, 4, 20, 12, 0, tzinfo=UTC),
        before={"send_count": 1}, after={"send_count": 2},
    )  # fmt: skip
    return item, invitation


def test_names_and_times_as_the_viewer_reads_them(client, admin, entries):
    admin.ui_language = "da"
    admin.time_zone = "America/New_York"
    admin.save()
    client.force_login(admin.user)
    html = client.get(reverse("shell:audit")).content.decode()
    html = re.sub(r'(value|datetime)="[^"]*"', "", html)  # what people see, not form values
    for internal in ("content.ContentItem", "send_count", "published_at", "2026-03-02T09:30"):
        assert internal not in html
    assert "Indholdselement" in html and "Antal gange sendt" in html
    assert "Udgivet" in html  # the status by its label, in Danish
    assert "04:30" in html  # 09:30 UTC is 04:30 in New York (the viewer's zone)


def test_filters_by_person_type_and_days(client, admin, curator, entries):
    item, invitation = entries
    client.force_login(admin.user)
    url = reverse("shell:audit")

    def shown(**query):
        page = client.get(url, query)
        return [row.entry.pk for row in page.context["rows"]], page

    assert shown(person=curator.user.pk)[0] == [item.pk]
    assert shown(type="people.Invitation")[0] == [invitation.pk]
    assert shown(start="2026-04-01", end="2026-04-30")[0] == [invitation.pk]
    assert shown(end="2026-03-02")[0] == [item.pk]
    pks, page = shown(start="2026-05-01", end="2026-04-01")  # the wrong way round
    assert pks == [] and "The last day cannot be before the first." in page.content.decode()
    assert shown(start="1899-01-01")[0] == []
    assert shown(start="not a day")[0] == []
