"""Connected accounts around the networks: which are offered, the admin's app credentials
(audited without secrets), the expiry reminder over real SMTP, figures entered by people,
the best time, and the composer's direct-posting controls."""

import io
from datetime import datetime, timedelta

import pytest
from django.utils import timezone

from advocato.conftest import make_employee

from ..conftest import connect
from ..models import EngagementReading, NetworkAccount, NetworkApp, PostState, Share, Source

pytestmark = pytest.mark.django_db


def test_network_without_credentials_is_not_offered(login, advocate, network_settings):
    page = login(advocate).get("/profile/networks/").content.decode()
    assert 'id="connect-linkedin"' not in page and 'id="connect-x"' not in page
    assert 'id="connect-mastodon"' in page and 'id="connect-bluesky"' in page
    assert "do not let apps post to personal profiles" in page
    response = login(advocate).post("/profile/networks/linkedin/connect/", follow=True)
    assert "not offered" in response.content.decode()


def test_profile_shows_the_connected_accounts(start_fake, login, advocate):
    fake = start_fake("mastodon")
    client = login(advocate)
    connect(client, "mastodon", fake)
    page = client.get("/me/").content.decode()
    assert "Connected accounts" in page and "@anna.holm" in page


def test_admin_enters_app_credentials_audited_without_the_secret(login, admin, advocate,
                                                                 network_settings):  # fmt: skip
    from advocato.core.models import AuditEntry

    client = login(admin)
    assert client.get("/networks/apps/").status_code == 200
    response = client.post("/networks/apps/", {
        "network": "linkedin", "linkedin-enabled": "on", "linkedin-client_id": "abc123",
        "linkedin-client_secret": "top-secret-value", "linkedin-base_url": "",
    })  # fmt: skip
    assert response.status_code == 302
    app = NetworkApp.objects.get(network="linkedin")
    assert app.client_secret == "top-secret-value"
    assert "top-secret-value" not in app.client_secret_enc
    entry = AuditEntry.objects.get()
    assert "abc123" in str(entry.after)
    assert "top-secret" not in str(entry.after) and "client_secret" not in str(entry.after)
    page = login(advocate).get("/profile/networks/").content.decode()
    assert 'id="connect-linkedin"' in page
    # An empty secret keeps the saved one.
    client.post("/networks/apps/", {"network": "linkedin", "linkedin-enabled": "on",
                                        "linkedin-client_id": "abc123"})  # fmt: skip
    assert NetworkApp.objects.get(network="linkedin").client_secret == "top-secret-value"


def test_bad_app_credentials_change_nothing(login, admin, network_settings):
    response = login(admin).post("/networks/apps/", {
        "network": "x", "x-enabled": "on", "x-client_id": "id", "x-base_url": "not a url",
    })  # fmt: skip
    assert response.status_code == 400
    assert "Enter a valid URL" in response.content.decode()
    assert not NetworkApp.objects.exists()


def test_advocates_cannot_open_the_network_settings(login, advocate):
    assert login(advocate).get("/networks/apps/").status_code == 403


def test_linkedin_expiry_reminder_over_smtp(start_fake, login, advocate, smtp_settings, settings):
    from .. import connections

    settings.SITE_URL = "https://advocacy.example"
    fake = start_fake("linkedin")
    client = login(advocate)
    account = connect(client, "linkedin", fake)
    assert connections.remind_expiring() == 0  # 60 days left
    account.expires_at = timezone.now() + timedelta(days=6)
    account.save()
    assert connections.remind_expiring() == 1
    assert connections.remind_expiring() == 0  # once per expiry
    message = smtp_settings.messages[0]
    assert message["To"] == advocate.email
    body = message.get_content()
    assert "https://advocacy.example/profile/networks/linkedin/reconnect/" in body
    assert "Reconnect" in client.get("/profile/networks/").content.decode()
    # The link in the e-mail goes straight to LinkedIn's "allow" page.
    response = client.get("/profile/networks/linkedin/reconnect/")
    assert response.status_code == 302 and response["Location"].startswith(fake.url)
    # Someone who turned these reminders off gets none, and is not asked again for this expiry.
    from advocato.people import mail
    from advocato.people.models import EmailKind

    other = connect(login(make_employee("bo@example.com")), "linkedin", fake, username="bo")
    mail.set_wanted(other.employee, EmailKind.ACCOUNTS, False)
    other.expires_at = timezone.now() + timedelta(days=6)
    other.save()
    assert connections.remind_expiring() == 0
    assert len(smtp_settings.messages) == 1


def test_advocate_states_engagement_for_a_dialog_share(login, advocate, item):
    from .. import services

    share = services.start_share(advocate, item, "facebook", "Look", "")
    client = login(advocate)
    response = client.post(f"/shares/{share.pk}/engagement/", {"reactions": "4", "comments": ""})
    assert response.status_code == 302
    share.refresh_from_db()
    assert (share.reactions, share.comments, share.engagement_source) == (4, None, "advocate")
    assert EngagementReading.objects.get().source == Source.ADVOCATE
    bad = client.post(f"/shares/{share.pk}/engagement/", {"reactions": "-3"}, follow=True)
    share.refresh_from_db()
    assert share.reactions == 4
    assert bad.status_code == 200


def test_analyst_imports_engagement_csv(login, analyst, advocate, item):
    from .. import services

    share = services.start_share(advocate, item, "instagram", "Look", "")
    client = login(analyst)
    bad = io.BytesIO(b"link,reactions\nnope,3\n" + f"{share.link.code},x\n".encode())
    bad.name = "figures.csv"
    response = client.post("/shares/engagement/import/", {"file": bad})
    assert response.status_code == 400
    page = response.content.decode()
    assert "Line 2" in page and "Line 3" in page
    share.refresh_from_db()
    assert share.reactions is None  # nothing changed
    good = io.BytesIO(f"link,reactions,comments\nhttps://x.example/l/{share.link.code},12,3\n"
                      .encode())  # fmt: skip
    good.name = "figures.csv"
    assert client.post("/shares/engagement/import/", {"file": good}).status_code == 302
    share.refresh_from_db()
    assert (share.reactions, share.comments, share.engagement_source) == (12, 3, "import")
    # An admin's import is in the audit log (analysts' changes are not audited, by design).
    from advocato.core.models import AuditEntry

    admin_client = login(make_employee("boss@example.com", role="admin"))
    again = io.BytesIO(f"link,reactions\n{share.link.code},14\n".encode())
    again.name = "figures.csv"
    assert admin_client.post("/shares/engagement/import/", {"file": again}).status_code == 302
    entry = AuditEntry.objects.get(object_type="sharing.Share", object_id=str(share.pk))
    assert entry.before is not None and entry.after is not None
    assert (entry.before["reactions"], entry.after["reactions"]) == (12, 14)


def test_best_time_falls_back_then_learns_from_clicks(advocate, item, network_settings):
    from zoneinfo import ZoneInfo

    from advocato.links.models import Click

    from .. import posting, services

    monday = datetime(2026, 11, 23, 8, 0, tzinfo=ZoneInfo("Europe/Copenhagen"))
    at = posting.best_time("linkedin", monday)
    assert (at.weekday(), at.hour) == (1, 9)  # the default before there is data
    # 30 shares: Thursdays at 14:00 earn 5 clicks each, Mondays at 10:00 none.
    for week in range(15):
        for day, hour, clicks in ((3, 14, 5), (0, 10, 0)):
            share = services.start_share(advocate, item, "linkedin", "Look", "")
            when = monday - timedelta(weeks=week + 1) + timedelta(days=day, hours=hour - 8)
            Share.objects.filter(pk=share.pk).update(
                created_at=when,
                confirmed_at=when,
                status="confirmed",
                audience=200,
                changed_at=timezone.now(),
            )
            for n in range(clicks):
                Click.objects.create(link=share.link, at=when, kind=Click.Kind.HUMAN,
                                     visitor=f"v{n}", token=f"t{share.pk}-{n}")  # fmt: skip
    from advocato.analytics import rollups

    rollups.fill()  # the worker's minute: best time reads the analytics rollups
    weekday, hour, ours = posting.best_slot("linkedin", monday)
    assert (weekday, hour, ours) == (3, 14, True)
    at = posting.best_time("linkedin", monday)
    assert at > monday and (at.weekday(), at.hour) == (3, 14)


def test_composer_offers_direct_posting_for_a_connected_network(start_fake, login, advocate,
                                                               item):  # fmt: skip
    fake = start_fake("mastodon")
    client = login(advocate)
    page = client.get(f"/feed/{item.pk}/share/?network=mastodon").content.decode()
    assert "Connect Mastodon to post directly" in page
    connect(client, "mastodon", fake)
    page = client.get(f"/feed/{item.pk}/share/?network=mastodon").content.decode()
    assert 'id="post-now"' in page and 'id="post-schedule"' in page and "Best time" in page
    # The share dialog is still there for the other networks.
    page = client.get(f"/feed/{item.pk}/share/?network=facebook").content.decode()
    assert 'id="post-now"' not in page and "Share on Facebook" in page


def test_scheduling_in_the_past_is_refused_and_changes_nothing(start_fake, login, advocate,
                                                                item):  # fmt: skip
    fake = start_fake("mastodon")
    client = login(advocate)
    connect(client, "mastodon", fake)
    response = client.post(f"/feed/{item.pk}/share/", {
        "network": "mastodon", "text": f"Read {item.url}", "when": "at",
        "post_at": "2020-01-01T10:00",
    })  # fmt: skip
    assert response.status_code == 200
    assert "That time has passed" in response.content.decode()
    assert not Share.objects.exists()
    response = client.post(f"/feed/{item.pk}/share/", {
        "network": "mastodon", "text": f"Read {item.url}", "when": "at", "post_at": "",
    })  # fmt: skip
    assert "Choose when to post" in response.content.decode()
    assert not Share.objects.exists()


def test_cancel_a_scheduled_post(start_fake, login, advocate, item):
    from .. import posting

    fake = start_fake("mastodon")
    client = login(advocate)
    connect(client, "mastodon", fake)
    share = posting.schedule_share(advocate, item, "mastodon", f"Read {item.url}", "", "best")
    assert share.scheduled_for is not None
    assert share.post_state == PostState.SCHEDULED and share.scheduled_for > timezone.now()
    assert client.post(f"/shares/{share.pk}/cancel/").status_code == 302
    share.refresh_from_db()
    assert share.post_state == PostState.FAILED and share.status == Share.Status.FAILED
    assert posting.post_due(share.scheduled_for + timedelta(seconds=1)) == {}
    assert fake.posts == {}


def test_disconnected_account_keeps_scheduled_shares_waiting(start_fake, login, advocate, item,
                                                             django_capture_on_commit_callbacks):  # fmt: skip
    from .. import posting

    fake = start_fake("mastodon")
    client = login(advocate)
    connect(client, "mastodon", fake)
    share = posting.schedule_share(advocate, item, "mastodon", f"Read {item.url}", "", "best")
    client.post("/profile/networks/mastodon/disconnect/")
    share.refresh_from_db()
    assert share.post_state == PostState.HELD and share.account is None
    with django_capture_on_commit_callbacks(execute=True):
        connect(client, "mastodon", fake)
    share.refresh_from_db()
    assert share.post_state == PostState.SCHEDULED
    assert share.account == NetworkAccount.objects.get()


def test_a_dialog_share_records_the_stated_audience_as_potential_reach(
    start_fake, login, advocate, item
):
    from .. import services

    fake = start_fake("mastodon")
    client = login(advocate)
    account = connect(client, "mastodon", fake)
    client.post("/profile/networks/mastodon/audience/", {"audience": "1234"})
    share = services.start_share(advocate, item, "mastodon", f"Read {item.url}", "")
    assert (share.audience, share.audience_source) == (1234, Source.ADVOCATE)
    assert account.pk == share.employee.networks.get().pk
    other = services.start_share(advocate, item, "linkedin", f"Read {item.url}", "")
    assert other.audience is None
