"""The review workflow: who may move an item where, and the schedule."""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from advocato.conftest import make_employee
from advocato.content import services
from advocato.content.models import ContentItem, Status

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft(curator):
    item = ContentItem.objects.create(
        title="Draft", created_by=curator, url="https://example.com/a"
    )
    services.start_history(item, curator)
    return item


def test_curator_submits_and_another_curator_approves(draft, curator):
    other = make_employee("other.curator@example.com", role="curator")
    services.transition(draft, Status.IN_REVIEW, curator)
    with pytest.raises(services.ContentError, match="Someone other than the person who submitted"):
        services.approve(draft, curator)
    item = services.approve(draft, other)
    assert item.status == Status.PUBLISHED and item.published_at
    assert [c.to_status for c in item.history.order_by("at", "id")] == [
        "draft",
        "in_review",
        "published",
    ]


def test_admins_may_review_their_own(admin):
    item = ContentItem.objects.create(title="Mine", created_by=admin)
    services.transition(item, Status.IN_REVIEW, admin)
    assert services.approve(item, admin).status == Status.PUBLISHED


@pytest.mark.parametrize("role", ["advocate", "manager", "analyst"])
def test_other_roles_cannot_move_items(draft, curator, role):
    someone = make_employee(f"{role}@example.org", role=role)
    with pytest.raises(services.ContentError, match="Only curators and admins"):
        services.transition(draft, Status.IN_REVIEW, someone)
    services.transition(draft, Status.IN_REVIEW, curator)
    with pytest.raises(services.ContentError):
        services.approve(draft, someone)


def test_only_approved_items_publish(draft, admin):
    with pytest.raises(services.ContentError, match="cannot become"):
        services.transition(draft, Status.PUBLISHED, admin)


def test_sending_back_needs_a_comment(draft, curator, admin):
    services.transition(draft, Status.IN_REVIEW, curator)
    with pytest.raises(services.ContentError, match="Say what should change"):
        services.transition(draft, Status.DRAFT, admin)
    item = services.transition(draft, Status.DRAFT, admin, "Add the customer's quote, please.")
    assert item.status == Status.DRAFT
    change = item.history.first()
    assert change is not None and change.comment == "Add the customer's quote, please."


def test_scheduled_items_publish_and_expire_on_time(draft, curator, admin):
    start = timezone.now()
    draft.publish_at = start + timedelta(hours=2)
    draft.expire_at = start + timedelta(days=1)
    draft.save()
    services.transition(draft, Status.IN_REVIEW, curator)
    assert services.approve(draft, admin).status == Status.SCHEDULED
    with time_machine.travel(start + timedelta(hours=1)):
        assert services.run_schedule() == (0, 0)
    with time_machine.travel(start + timedelta(hours=3)):
        assert services.run_schedule() == (1, 0)
        draft.refresh_from_db()
        assert draft.status == Status.PUBLISHED
    with time_machine.travel(start + timedelta(days=2)):
        assert services.run_schedule() == (0, 1)
        draft.refresh_from_db()
        assert draft.status == Status.EXPIRED


def test_suggestions_go_to_review_and_are_credited(advocate, curator):
    item = services.suggest(advocate, title="My picture from the site", story="Turbine 14 at dawn.")
    assert item.status == Status.IN_REVIEW and item.suggested_by == advocate
    # Approved once a curator has written what advocates share (test_curation_guards.py).
    item.texts.create(network="linkedin", language="en", text="Turbine 14 at dawn.")
    services.approve(item, curator)
    assert ContentItem.objects.get(pk=item.pk).status == Status.PUBLISHED
    with pytest.raises(services.ContentError, match="Add a link or a few words"):
        services.suggest(advocate, title="Empty")
