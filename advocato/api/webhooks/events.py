"""The events a webhook can carry and the JSON each one sends. The shapes are a promise to the
receivers (documented in `docs/webhooks.md`): fields may be added, never renamed or removed.

Every body is `{"type": …, "timestamp": …, "data": {…}}` (the Standard Webhooks payload form),
with `timestamp` the moment the event happened (ISO 8601, UTC). A person appears by id and name
only where the programme team may see them by name (`people.privacy`); otherwise `employee` is
null, so a receiver cannot tie results to someone who chose to stay unnamed."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from advocato.content.models import ContentItem
from advocato.links.models import Conversion
from advocato.links.services import link_url
from advocato.people import privacy
from advocato.people.models import Employee
from advocato.rewards.models import Redemption
from advocato.sharing.models import Share

EMPLOYEE_JOINED = "employee.joined"
CONTENT_PUBLISHED = "content.published"
SHARE_CREATED = "share.created"
SHARE_POSTED = "share.posted"
CONVERSION_CREATED = "conversion.created"
REWARD_REQUESTED = "reward.requested"
# Sent only by an admin's "Send a test message"; no endpoint subscribes to it.
TEST = "webhook.test"

EVENTS = {
    EMPLOYEE_JOINED: _("An invited employee joined"),
    CONTENT_PUBLISHED: _("Content was published"),
    SHARE_CREATED: _("An advocate started a share"),
    SHARE_POSTED: _("A share is out on its network"),
    CONVERSION_CREATED: _("A conversion was attributed to a share"),
    REWARD_REQUESTED: _("An employee asked for a reward"),
}


def _time(moment: datetime | None) -> str | None:
    if moment is None:
        return None
    return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def body(event_type: str, data: dict[str, Any], at: datetime | None = None) -> str:
    """The exact JSON sent (compact, keys in a fixed order)."""
    payload = {"type": event_type, "timestamp": _time(at or timezone.now()), "data": data}
    return json.dumps(payload, separators=(",", ":"), ensure_ascii=False)


def _person(employee: Employee) -> dict[str, Any] | None:
    if not privacy.named_to_programme_team(employee):
        return None
    return {"id": employee.pk, "name": employee.name}


def employee_joined(employee: Employee) -> dict[str, Any]:
    # Joining is the people admin's business (they see everyone on the people pages), so the
    # person is named whatever their ranking choice: it says nothing about their results.
    return {
        "employee": {
            "id": employee.pk,
            "name": employee.name,
            "email": employee.email,
            "title": employee.title,
            "department": employee.department.name if employee.department else None,
            "team": employee.team.name if employee.team else None,
            "location": employee.location.name if employee.location else None,
            "language": employee.language,
            "role": employee.role,
        }
    }


def content_published(item: ContentItem) -> dict[str, Any]:
    return {
        "item": {
            "id": item.pk,
            "title": item.title,
            "url": item.url,
            "language": item.language,
            "goal": item.goal,
            "topics": sorted(t.name for t in item.topics.all()),
            "featured": item.featured,
            "published_at": _time(item.published_at),
            "expire_at": _time(item.expire_at),
        }
    }


def _share(share: Share) -> dict[str, Any]:
    link = getattr(share, "link", None)
    return {
        "id": share.pk,
        "item": {"id": share.item_id, "title": share.item.title},
        "network": share.network,
        "method": share.method,
        "language": share.language,
        "edited": share.edited,
        "link": link_url(link) if link is not None else None,
        "employee": _person(share.employee),
        "created_at": _time(share.created_at),
    }


def share_created(share: Share) -> dict[str, Any]:
    return {"share": _share(share)}


def share_posted(share: Share) -> dict[str, Any]:
    return {
        "share": {
            **_share(share),
            "confirmed_at": _time(share.confirmed_at),
            "confirmed_by": share.confirmed_by,
            "permalink": share.permalink or None,
            "audience": share.audience,
        }
    }


def conversion_created(conversion: Conversion) -> dict[str, Any]:
    share = conversion.link.share
    return {
        "conversion": {
            "id": conversion.pk,
            "type": conversion.kind,
            "value": str(conversion.value) if conversion.value is not None else None,
            "currency": conversion.currency or None,
            "external_id": _own_id(conversion),
            "source": conversion.source,
            "occurred_at": _time(conversion.at),
            "share": {
                "id": share.pk,
                "item": {"id": share.item_id, "title": share.item.title},
                "network": share.network,
                "employee": _person(share.employee),
            },
        }
    }


def _own_id(conversion: Conversion) -> str | None:
    """The company's own id of a signed report; browser reports and id-less reports carry
    only our de-duplication key (which holds the click's token), never sent."""
    own = conversion.source == "server" and not conversion.external_id.startswith("server:")
    return conversion.external_id if own else None


def reward_requested(redemption: Redemption) -> dict[str, Any]:
    # Rewards are handed over by admins to a named person: the request names them.
    employee = redemption.employee
    return {
        "redemption": {
            "id": redemption.pk,
            "reward": {"id": redemption.reward_id, "name": redemption.reward.name},
            "price": redemption.price,
            "status": redemption.status,
            "requested_at": _time(redemption.requested_at),
            "employee": {"id": employee.pk, "name": employee.name, "email": employee.email},
        }
    }
