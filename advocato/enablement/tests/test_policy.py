"""The social media policy: written per language and cleaned, published in versions, accepted
by each person with the version and time, asked again when a new version comes out, and —
when the admin says so — sharing waits for it. The onboarding checklist ticks itself."""

import csv
import io

import pytest
from django.urls import reverse

from advocato.core.models import AuditEntry
from advocato.enablement import services
from advocato.enablement.models import EnablementSettings, PolicyAcceptance, PolicyVersion
from advocato.sharing import services as sharing
from advocato.sharing.models import NetworkAccount

pytestmark = pytest.mark.django_db

DANISH = "Du er velkommen til at dele — **med dine egne ord**."
ENGLISH = "You are welcome to share — **in your own words**."


def write(client, number, **bodies):
    data = {"title": "Social media policy", "summary": "", "body_en": "", "body_da": "",
            "body_nb": "", **bodies}  # fmt: skip
    return client.post(reverse("enablement:edit", args=[number]), data)


def published(client, **bodies) -> PolicyVersion:
    client.post(reverse("enablement:new_version"))
    version = PolicyVersion.objects.filter(published_at__isnull=True).get()
    write(client, version.number, publish="1", **bodies)
    version.refresh_from_db()
    assert version.is_published
    return version


def test_an_admin_publishes_a_policy_people_read_in_their_language(client, personas):
    client.force_login(personas["admin"].user)
    version = published(client, body_en=ENGLISH, body_da=DANISH)
    assert AuditEntry.objects.filter(object_type="enablement.PolicyVersion").exists()
    anna = personas["advocate"]
    anna.ui_language = "da"
    anna.save()
    client.force_login(anna.user)
    html = client.get(reverse("enablement:policy")).content.decode()
    assert "<strong>med dine egne ord</strong>" in html
    assert f"Version {version.number}" in html or f"Version {version.number}" in html
    anna.ui_language = "nb"  # no Norwegian text: the company's language (English)
    anna.save()
    assert (
        "<strong>in your own words</strong>"
        in client.get(reverse("enablement:policy")).content.decode()
    )


def test_the_policy_text_is_cleaned_of_anything_but_formatting(client, personas):
    client.force_login(personas["admin"].user)
    published(
        client,
        body_en="Hi <script>alert(1)</script> [bad](javascript:alert(2)) <img src=x onerror=alert(3)>"
        " [good](https://nordlys.example/policy)",
    )
    client.force_login(personas["advocate"].user)
    html = client.get(reverse("enablement:policy")).content.decode()
    assert "<script>alert(1)" not in html and "javascript:" not in html
    assert "onerror" not in html
    assert 'href="https://nordlys.example/policy"' in html


def test_accepting_is_recorded_and_a_new_version_asks_again(client, personas):
    client.force_login(personas["admin"].user)
    first = published(client, body_en=ENGLISH)
    anna = personas["advocate"]
    client.force_login(anna.user)
    client.post(reverse("enablement:accept", args=[first.number]))
    client.post(reverse("enablement:accept", args=[first.number]))  # twice: once recorded
    acceptance = PolicyAcceptance.objects.get(employee=anna)
    assert acceptance.version == first and acceptance.accepted_at is not None
    assert [s.done for s in services.checklist(anna) if s.key == "policy"] == [True]

    client.force_login(personas["admin"].user)
    second = published(client, body_en=ENGLISH + "\n\nNew: say when a tool wrote it.")
    assert second.number == first.number + 1
    assert [s.done for s in services.checklist(anna) if s.key == "policy"] == [False]
    client.force_login(anna.user)
    page = client.get(reverse("enablement:policy")).content.decode()
    assert "The policy changed since you accepted version 1" in page
    response = client.post(reverse("enablement:accept", args=[first.number]), follow=True)
    assert "A newer version of the policy is out" in response.content.decode()
    assert not PolicyAcceptance.objects.filter(employee=anna, version=second).exists()


def test_sharing_waits_for_acceptance_only_when_the_admin_says_so(client, personas, item):
    client.force_login(personas["admin"].user)
    version = published(client, body_en=ENGLISH)
    anna = personas["advocate"]
    text = f"Worth a read {item.url}"
    assert not [c for c in sharing.check_post(anna, item, "linkedin", text) if c.code == "policy"]
    EnablementSettings.objects.update(sharing_waits_for_policy=True)
    checks = sharing.check_post(anna, item, "linkedin", text)
    assert [c.code for c in checks] == ["policy"] and checks[0].level == "error"
    services.accept(anna, version)
    assert not [c for c in sharing.check_post(anna, item, "linkedin", text) if c.code == "policy"]


def test_who_accepted_is_a_page_and_an_export_for_admins(client, personas):
    client.force_login(personas["admin"].user)
    version = published(client, body_en=ENGLISH)
    services.accept(personas["advocate"], version)
    url = reverse("enablement:acceptances", args=[version.number])
    page = client.get(url).content.decode()
    assert "1 of 6 registered people." in page
    rows = list(csv.reader(io.StringIO(client.get(url, {"format": "csv"}).content.decode())))
    accepted = {r[1]: r[4] for r in rows[1:]}
    assert accepted["anna@example.com"] and accepted["lars@example.com"] == ""
    for role in ("analyst", "advocate"):  # names, whatever their privacy choice: admins only
        client.force_login(personas[role].user)
        assert client.get(url).status_code == 403


def test_bad_input_changes_nothing(client, personas):
    client.force_login(personas["admin"].user)
    client.post(reverse("enablement:new_version"))
    draft = PolicyVersion.objects.get()
    response = write(client, draft.number, publish="1")  # no text in any language
    assert response.status_code == 400
    assert "Write the policy in at least one language." in response.content.decode()
    draft.refresh_from_db()
    assert not draft.is_published
    assert client.post(reverse("enablement:accept", args=[99])).status_code == 404
    version = published(client, body_en=ENGLISH)
    response = write(client, version.number, body_en="Changed after publishing")
    assert response.status_code == 302
    version.refresh_from_db()
    assert version.body_en == ENGLISH  # a published version never changes


def test_the_checklist_ticks_itself_and_admins_see_completion(client, personas, item):
    client.force_login(personas["admin"].user)
    version = published(client, body_en=ENGLISH)
    anna = personas["advocate"]
    client.force_login(anna.user)
    home = client.get(reverse("home")).content.decode()
    assert "Getting started" in home and 'data-step="profile_check"' in home
    client.post(reverse("enablement:onboarding_tick", args=["first_share"]))  # not hers to tick
    client.post(reverse("enablement:onboarding_tick", args=["profile_check"]))
    services.accept(anna, version)
    NetworkAccount.objects.create(employee=anna, network="mastodon", handle="@anna")
    share = sharing.start_share(anna, item, "linkedin", "Mine ord", "")
    sharing.confirm(sharing.Share.objects.filter(pk=share.pk), by=sharing.BY_ADVOCATE)
    assert all(step.done for step in services.checklist(anna))
    assert "Getting started" not in client.get(reverse("home")).content.decode()

    found = services.completion("department")
    sales = next(row for row in found["rows"] if row["name"] == "Sales")
    assert sales["registered"] == 2  # Anna and the manager
    assert [count for count, _rate in sales["steps"]] == [1, 1, 1, 1]
    client.force_login(personas["analyst"].user)
    assert client.get(reverse("enablement:onboarding")).status_code == 200


@pytest.fixture
def item(db):
    from django.utils import timezone

    from advocato.content.models import ContentItem, Status

    return ContentItem.objects.create(
        title="Wind technicians wanted", url="https://nordlys.example/jobs/42",
        status=Status.PUBLISHED, published_at=timezone.now(),
    )  # fmt: skip


def test_the_admin_says_whether_sharing_waits_and_it_is_audited(client, personas):
    client.force_login(personas["admin"].user)
    response = client.post(reverse("enablement:manage"), {"sharing_waits_for_policy": "on"})
    assert response.status_code == 302
    assert EnablementSettings.get().sharing_waits_for_policy is True
    assert AuditEntry.objects.filter(object_type="enablement.EnablementSettings").exists()
    client.force_login(personas["curator"].user)
    assert client.post(reverse("enablement:manage"), {}).status_code == 403
    assert EnablementSettings.get().sharing_waits_for_policy is True
