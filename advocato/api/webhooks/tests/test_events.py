"""Each event starts in its own app's service, reaches the webhooks through a signal, and is
queued in the same transaction with the documented JSON."""

from __future__ import annotations

import json

import pytest
from django.db import transaction

from advocato.api.webhooks import events, services
from advocato.api.webhooks.models import WebhookMessage
from advocato.conftest import make_employee
from advocato.content import services as content
from advocato.content.models import ContentItem, Status
from advocato.core.models import Organisation
from advocato.links.conversions import record_conversion
from advocato.people import services as people
from advocato.people.models import Ranking
from advocato.rewards import services as rewards
from advocato.rewards.conftest import make_click, make_item
from advocato.rewards.models import Reward, Wallet
from advocato.sharing import services as sharing
from advocato.sharing.models import Share

pytestmark = pytest.mark.django_db


@pytest.fixture
def hook(admin, settings):
    settings.FETCH_ALLOWED_NETWORKS = ["203.0.113.0/24"]  # nothing is sent in these tests
    endpoint, _secret = services.create_endpoint(
        url="http://203.0.113.7/hooks", events_=list(events.EVENTS), by=admin
    )
    return endpoint


def sent(event_type: str) -> list[dict]:
    found = WebhookMessage.objects.filter(event_type=event_type).order_by("pk")
    return [json.loads(m.body) for m in found]


def test_employee_joined(hook, admin):
    employee = people.invite_employee(
        invited_by=admin, email="new@example.com", name="Nora New", department="Sales"
    )
    assert sent("employee.joined") == []  # invited is not joined
    people.accept_invitation(employee.invitations.get(), "a long pass phrase 42")
    (payload,) = sent("employee.joined")
    assert payload["type"] == "employee.joined"
    assert payload["timestamp"].endswith("Z")
    data = payload["data"]["employee"]
    assert (data["id"], data["name"], data["email"]) == (employee.pk, "Nora New", employee.email)
    assert data["department"] == "Sales"


def test_content_published(hook, curator, admin):
    item = ContentItem.objects.create(
        title="New turbine", url="https://nordlys.example/t", status=Status.IN_REVIEW,
        created_by=curator,
    )  # fmt: skip
    content.approve(item, admin)
    (payload,) = sent("content.published")
    assert payload["data"]["item"]["id"] == item.pk
    assert payload["data"]["item"]["title"] == "New turbine"
    assert payload["data"]["item"]["published_at"].endswith("Z")


def test_a_scheduled_item_is_published_when_its_time_comes(hook, curator, admin):
    from datetime import timedelta

    from django.utils import timezone

    item = ContentItem.objects.create(
        title="Later", url="https://nordlys.example/l", status=Status.IN_REVIEW,
        created_by=curator, publish_at=timezone.now() + timedelta(hours=1),
    )  # fmt: skip
    content.approve(item, admin)
    assert sent("content.published") == []
    content.run_schedule(now=timezone.now() + timedelta(hours=2))
    assert len(sent("content.published")) == 1


def test_share_created_and_posted_once(hook, advocate):
    share = sharing.start_share(advocate, make_item(), "linkedin", "Proud", "Proud")
    (created,) = sent("share.created")
    assert created["data"]["share"]["employee"] == {"id": advocate.pk, "name": advocate.name}
    sharing.confirm(Share.objects.filter(pk=share.pk), by=sharing.BY_ADVOCATE)
    sharing.confirm(Share.objects.filter(pk=share.pk), by=sharing.BY_API, external_id="urn:1")
    (posted,) = sent("share.posted")
    assert posted["data"]["share"]["confirmed_by"] == "advocate"
    assert posted["data"]["share"]["id"] == share.pk


def test_conversion_created(hook, advocate):
    share = sharing.start_share(advocate, make_item(), "linkedin", "Proud", "Proud")
    click = make_click(share)
    record_conversion({"token": click.token, "type": "lead", "id": "crm-77"}, "server")
    record_conversion({"token": click.token, "type": "lead", "id": "crm-77"}, "server")  # again
    (payload,) = sent("conversion.created")
    data = payload["data"]["conversion"]
    assert (data["type"], data["external_id"], data["source"]) == ("lead", "crm-77", "server")
    assert data["share"]["id"] == share.pk
    # A browser's report carries only our de-duplication key, never sent.
    record_conversion({"token": click.token, "type": "signup"}, "snippet")
    assert sent("conversion.created")[-1]["data"]["conversion"]["external_id"] is None


def test_reward_requested(hook, advocate):
    Wallet.objects.create(employee=advocate, balance=500)
    reward = Reward.objects.create(name="Cinema tickets", price=200)
    redemption = rewards.redeem(advocate, reward)
    (payload,) = sent("reward.requested")
    data = payload["data"]["redemption"]
    assert (data["id"], data["price"], data["reward"]["name"]) == (
        redemption.pk,
        200,
        "Cinema tickets",
    )
    assert data["employee"]["email"] == advocate.email


@pytest.mark.parametrize("ranking", [Ranking.OWN, Ranking.OUT])
def test_a_person_who_chose_not_to_be_named_is_not_named(hook, ranking):
    shy = make_employee("shy@example.com", ranking=ranking)
    share = sharing.start_share(shy, make_item(), "linkedin", "Proud", "Proud")
    click = make_click(share)
    record_conversion({"token": click.token, "type": "lead", "id": "x1"}, "server")
    sharing.confirm(Share.objects.filter(pk=share.pk), by=sharing.BY_ADVOCATE)
    bodies = [m.body for m in WebhookMessage.objects.all()]
    assert len(bodies) == 3
    assert all("Shy" not in body and "shy@" not in body for body in bodies)
    assert sent("share.created")[0]["data"]["share"]["employee"] is None
    assert sent("conversion.created")[0]["data"]["conversion"]["share"]["employee"] is None


def test_when_the_company_names_nobody_no_one_is_named(hook, advocate):
    org = Organisation.get()
    org.individual_results = Organisation.Visibility.SELF
    org.save()
    sharing.start_share(advocate, make_item(), "linkedin", "Proud", "Proud")
    assert sent("share.created")[0]["data"]["share"]["employee"] is None


def test_only_the_chosen_events_are_queued(hook, advocate):
    services.update_endpoint(hook, url=hook.url, events_=["conversion.created"])
    sharing.start_share(advocate, make_item(), "linkedin", "Proud", "Proud")
    assert not WebhookMessage.objects.exists()


def test_a_rolled_back_change_sends_nothing(hook, advocate, django_capture_on_commit_callbacks):
    item = make_item()
    with (
        django_capture_on_commit_callbacks() as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        sharing.start_share(advocate, item, "linkedin", "Proud", "Proud")
        raise RuntimeError
    assert not WebhookMessage.objects.exists()
    assert callbacks == []


def test_a_disabled_endpoint_gets_nothing(hook, advocate):
    services.disable(hook, "by hand")
    sharing.start_share(advocate, make_item(), "linkedin", "Proud", "Proud")
    assert not WebhookMessage.objects.exists()


def test_without_endpoints_an_event_costs_one_query(db, django_assert_num_queries):
    with django_assert_num_queries(1):
        assert services.emit("share.created", lambda: pytest.fail("payload built")) == 0
