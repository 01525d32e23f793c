"""The demo company: realistic, deterministic, quick, and its logins show each feature."""

import pytest
from django.urls import reverse

from advocato.analytics.adoption import adoption_funnel
from advocato.cli import DEMO_PASSWORD
from advocato.conftest import CPH
from advocato.core.models import AuditEntry
from advocato.people.models import Department, Employee, Location, Team
from advocato.shell.demo import build_demo, clear_demo

LOGINS = [
    "admin@nordlys.example",
    "curator@nordlys.example",
    "analyst@nordlys.example",
    "manager@nordlys.example",
    "anna.holm@nordlys.example",
    "lars.berg@nordlys.example",
]


def fingerprint():
    from advocato.content.models import ContentItem

    people = Employee.objects.values_list("email", "name", "department__name", "language", "role")
    content = ContentItem.objects.values_list("title", "language", "status", "goal", "featured")
    return sorted(people), sorted(content)


@pytest.mark.django_db
def test_demo_company_is_realistic():
    summary = build_demo(quiet=True)
    assert summary["employees"] == Employee.objects.count() == 300
    assert 6 <= Department.objects.count() <= 10
    assert Team.objects.count() >= 10 and Location.objects.count() >= 5
    languages = set(Employee.objects.values_list("language", flat=True))
    assert languages == {"en", "da", "nb"}
    funnel = adoption_funnel()
    assert 0 < funnel.registered < funnel.invited  # some invited but not registered
    assert Employee.objects.filter(user__isnull=True, invitations__revoked_at=None).exists()
    assert Employee.objects.filter(role="manager").count() >= 10
    assert Employee.objects.filter(manager__isnull=False).count() > 250
    assert AuditEntry.objects.exists()
    from advocato.api.models import ApiToken

    # A scoped service token the data warehouse used a little while ago.
    live = ApiToken.objects.filter(kind="service", revoked_at=None, last_used_at__isnull=False)
    assert summary["api_tokens"] >= 3 and any("read:analytics" in t.scopes for t in live)


@pytest.mark.django_db
def test_demo_library_has_every_kind_of_content():
    from advocato.content.models import ContentItem, FeedSource, Status

    summary = build_demo(quiet=True)
    assert summary["content_items"] >= 150
    statuses = set(ContentItem.objects.values_list("status", flat=True))
    assert statuses == set(Status.values)
    assert set(ContentItem.objects.values_list("language", flat=True)) == {"en", "da", "nb"}
    assert ContentItem.objects.filter(status=Status.IN_REVIEW).count() >= 5
    assert ContentItem.objects.filter(suggested_by__isnull=False, status=Status.PUBLISHED).exists()
    assert FeedSource.objects.count() == 3
    assert all(s.is_healthy and s.entries_imported for s in FeedSource.objects.all())
    assert ContentItem.objects.filter(target_everyone=False).exists()


@pytest.mark.django_db
def test_demo_is_deterministic():
    build_demo(quiet=True)
    first = fingerprint()
    clear_demo()
    build_demo(quiet=True)
    assert fingerprint() == first


@pytest.mark.django_db
def test_demo_logins_have_the_roles_the_readme_gives():
    build_demo(quiet=True)
    roles = dict(Employee.objects.filter(email__in=LOGINS).values_list("email", "role"))
    assert roles == {
        "admin@nordlys.example": "admin",
        "curator@nordlys.example": "curator",
        "analyst@nordlys.example": "analyst",
        "manager@nordlys.example": "manager",
        "anna.holm@nordlys.example": "advocate",
        "lars.berg@nordlys.example": "advocate",
    }


@pytest.mark.django_db
@pytest.mark.parametrize("email", LOGINS)
def test_every_demo_login_works(client, email):
    build_demo(quiet=True)
    assert client.login(email=email, password=DEMO_PASSWORD)
    assert client.get(reverse("home")).status_code == 200


@pytest.mark.django_db
def test_demo_admin_sees_the_funnel_of_the_company(client):
    build_demo(quiet=True)
    client.login(email="admin@nordlys.example", password=DEMO_PASSWORD)
    html = client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    funnel = adoption_funnel()
    assert f'data-step="invited">{funnel.invited}<' in html
    assert f'data-step="registered">{funnel.registered}<' in html
    assert "Engineering" in html  # adoption by department


@pytest.mark.django_db
def test_demo_manager_sees_their_team_and_its_training(client):
    from advocato.enablement.models import ProgrammePlan, QuizAttempt, TrainingCompletion
    from advocato.rewards.models import PointEntry

    summary = build_demo(quiet=True)
    client.login(email="manager@nordlys.example", password=DEMO_PASSWORD)
    html = client.get(reverse("analytics:team"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Anna Holm" in html
    progress = client.get(reverse("enablement:training_progress"), HTTP_ACCEPT_LANGUAGE="en")
    assert "Passed" in progress.content.decode() and "data-total" in progress.content.decode()
    # Two modules in three languages, people passed (paid once each), Lars failed once, Anna
    # has not started (the README's new advocate meets the training on her checklist).
    assert summary["training_modules"] == 2
    passed = TrainingCompletion.objects.count()
    assert passed > 50
    assert PointEntry.objects.filter(kind="training").count() == passed
    lars = Employee.objects.get(email="lars.berg@nordlys.example")
    assert QuizAttempt.objects.filter(employee=lars, passed=False).count() == 1
    plan = ProgrammePlan.get()
    assert plan.decision_maker and plan.data_owner and plan.story_owner
    client.login(email="anna.holm@nordlys.example", password=DEMO_PASSWORD)
    html = client.get(reverse("enablement:plan"), HTTP_ACCEPT_LANGUAGE="da").content.decode()
    assert "Kvalificerede leads" in html and "Programplan" in html
    home = client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'data-step="training"' in home
    training = client.get(reverse("enablement:training"), HTTP_ACCEPT_LANGUAGE="nb")
    assert "Din egen stemme: innlegg folk leser" in training.content.decode()


@pytest.mark.django_db
def test_demo_looks_alive_on_any_day_of_the_year(moment, client):
    """Built on the first or last of a month, at New Year, on 29 February or a daylight-saving
    day, the demo has a running challenge with people in it, recent shares for the README's
    advocates, figures on the dashboard — and its counts agree with the raw events."""
    from datetime import timedelta

    from advocato.analytics import kpis, rollups
    from advocato.rewards import services as rewards
    from advocato.rewards.models import Challenge
    from advocato.sharing.models import Share

    build_demo(quiet=True)
    today = moment.astimezone(CPH).date()
    running = Challenge.objects.get(status="open")
    assert running.starts_on < today <= running.ends_on
    assert rewards.challenge_standings(running)
    assert Challenge.objects.filter(status="settled", results__isnull=False).exists()
    for email in ("anna.holm@nordlys.example", "lars.berg@nordlys.example"):
        recent = Share.objects.filter(
            employee__email=email, created_at__gte=moment - timedelta(days=14)
        )
        assert recent.exists(), email
    month = kpis.Filters(today - timedelta(days=29), today)
    figures = {f.key: f.value for f in kpis.programme(month)["figures"]}
    assert figures["shares"] > 50 and figures["clicks"] > 100
    assert rollups.compare() == []
    assert rewards.verify() == []
    for email in LOGINS:
        assert client.login(email=email, password=DEMO_PASSWORD)
        assert client.get(reverse("home")).status_code == 200, email


@pytest.mark.django_db
def test_demo_has_a_webhook_with_deliveries_and_a_failure():
    from advocato.api.webhooks.models import WebhookAttempt, WebhookEndpoint, WebhookMessage

    summary = build_demo(quiet=True)
    endpoint = WebhookEndpoint.objects.get()
    assert endpoint.is_active and endpoint.secret.startswith("whsec_")
    assert summary["webhook_messages"] == endpoint.messages.count() >= 10
    assert endpoint.messages.filter(status=WebhookMessage.Status.FAILED).count() == 1
    delivered = endpoint.messages.filter(status=WebhookMessage.Status.DELIVERED)
    assert delivered.count() == endpoint.messages.count() - 1
    codes = set(WebhookAttempt.objects.values_list("status_code", flat=True))
    assert {204, 503, None} <= codes


@pytest.mark.django_db
def test_demo_has_healthy_limits_and_questions_for_the_comms_team(client):
    from advocato.enablement.models import Question
    from advocato.sharing.models import SharingLimits

    summary = build_demo(quiet=True)
    rules = SharingLimits.get()
    assert (rules.per_day, rules.keep_hours, rules.weekends) == (3, True, False)
    assert summary["questions"] == 3
    waiting = Question.objects.get(status="new")
    assert waiting.asker.email == "anna.holm@nordlys.example"
    assert Question.objects.filter(status="answered").exclude(answer="").exists()
    client.force_login(Employee.objects.get(email="curator@nordlys.example").user)
    html = client.get(reverse("enablement:questions")).content.decode()
    assert "Anna Holm" in html and "3.0 hours" not in html  # the median of 3 h and 26 h
    assert "14.5 hours" in html
    client.force_login(waiting.asker.user)
    mine = client.get(reverse("sharing:mine")).content.decode()
    assert "% of your posts were the company" in mine or "posts were the company" in mine


@pytest.mark.django_db
def test_demo_tells_success_stories_and_sent_a_week_of_digests(client):
    from django.core import mail as django_mail

    from advocato.enablement.models import DigestState, SuccessStory
    from advocato.people import mail
    from advocato.people.models import EmailKind

    django_mail.outbox = []
    summary = build_demo(quiet=True)
    assert summary["success_stories"] == SuccessStory.objects.count() == 3
    for story in SuccessStory.objects.all():
        assert story.published_at and all(
            story.title(c) and story.body(c) for c in ("en", "da", "nb")
        )
    assert {bool(s.share_id) or bool(s.item_id) or bool(s.conversion_id)
            for s in SuccessStory.objects.all()} == {True}  # fmt: skip
    assert summary["digests_sent"] > 150
    # The outbox also holds the demo's other mail (a re-activation nudge): count the digests.
    digests = [
        m for m in django_mail.outbox
        if "/e/unsubscribe/" in m.extra_headers.get("List-Unsubscribe", "")
    ]  # fmt: skip
    assert len(digests) == summary["digests_sent"]
    quiet = Employee.objects.get(email=summary["digest_turned_off"])
    assert not mail.wants(quiet, EmailKind.DIGEST)
    assert quiet.email not in {m.to[0] for m in digests}
    assert DigestState.objects.filter(last_period_sent__isnull=False).count() == len(digests)
    client.force_login(Employee.objects.get(email="anna.holm@nordlys.example").user)
    html = client.get(reverse("enablement:stories")).content.decode()
    assert html.count('class="card story"') == 3
    assert reverse("enablement:stories") in client.get(reverse("home")).content.decode()
