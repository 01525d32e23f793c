"""A person's own data: everything Advocato keeps about them ("My data"), as a download, and
forgetting them on their own request or an admin's.

Each app says what it keeps and how to forget it (`personal_data`, `forget_person` in its
services); the shell, which may import every app, gathers them in one place and one
transaction. Forgetting removes what identifies the person — account, name, e-mail, texts
they wrote, connected networks and their tokens, kudos — and keeps the anonymous figures
(shares, clicks, conversions, points), so the programme's totals do not change."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from allauth.account.models import EmailAddress
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from advocato.core import audit
from advocato.core.models import AuditEntry
from advocato.enablement import digest as enablement_digest
from advocato.enablement import questions
from advocato.lib.validators import spreadsheet_safe
from advocato.people import services as people
from advocato.people.models import Employee
from advocato.rewards import services as rewards
from advocato.sharing import services as sharing

Sections = dict[str, list[dict[str, Any]]]

# What the page calls each section and column (the download keeps the keys).
TITLES = {
    "profile": gettext_lazy("Profile"),
    "invitations": gettext_lazy("Invitations"),
    "shares": gettext_lazy("Shares"),
    "connected_accounts": gettext_lazy("Connected accounts"),
    "points": gettext_lazy("Points"),
    "balance": gettext_lazy("Balance"),
    "badges": gettext_lazy("Badges"),
    "reward_requests": gettext_lazy("Reward requests"),
    "kudos": gettext_lazy("Kudos"),
    "own_posts": gettext_lazy("Posts of your own in the last 30 days"),
    "questions": gettext_lazy("Questions to the comms team"),
    "audit_log": gettext_lazy("Audit log"),
    "email_preferences": gettext_lazy("E-mail preferences"),
    "digests": gettext_lazy("Weekly digests"),
}
COLUMNS = {
    "own_posts": gettext_lazy("Posts of your own in the last 30 days"),
    "asked": gettext_lazy("Asked"),
    "comment_link": gettext_lazy("Link to the comment"),
    "question": gettext_lazy("Question"),
    "answer": gettext_lazy("Answer"),
    "name": gettext_lazy("Name"),
    "email": gettext_lazy("E-mail address"),
    "title": gettext_lazy("Job title"),
    "department": gettext_lazy("Department"),
    "team": gettext_lazy("Team"),
    "location": gettext_lazy("Location"),
    "language": gettext_lazy("Language"),
    "interface_language": gettext_lazy("Interface language"),
    "time_zone": gettext_lazy("Time zone"),
    "manager": gettext_lazy("Manager"),
    "groups": gettext_lazy("Groups"),
    "role": gettext_lazy("Role"),
    "place_in_rankings": gettext_lazy("Place in rankings"),
    "active": gettext_lazy("Active"),
    "in_the_programme_since": gettext_lazy("In the programme since"),
    "account_created": gettext_lazy("Account created"),
    "last_sign_in": gettext_lazy("Last sign-in"),
    "created": gettext_lazy("Created"),
    "last_sent": gettext_lazy("Last sent"),
    "times_sent": gettext_lazy("Times sent"),
    "accepted": gettext_lazy("Accepted"),
    "withdrawn": gettext_lazy("Withdrawn"),
    "shared": gettext_lazy("Shared"),
    "item": gettext_lazy("Item"),
    "network": gettext_lazy("Network"),
    "text": gettext_lazy("Text"),
    "edited": gettext_lazy("Edited"),
    "method": gettext_lazy("Method"),
    "status": gettext_lazy("Status"),
    "confirmed": gettext_lazy("Confirmed"),
    "post_address": gettext_lazy("Post address"),
    "tracked_link": gettext_lazy("Tracked link"),
    "clicks_by_people": gettext_lazy("Clicks by people"),
    "conversions": gettext_lazy("Conversions"),
    "potential_reach": gettext_lazy("Potential reach"),
    "reactions": gettext_lazy("Reactions"),
    "comments": gettext_lazy("Comments"),
    "reshares": gettext_lazy("Reshares"),
    "handle": gettext_lazy("Handle"),
    "server": gettext_lazy("Server"),
    "profile": gettext_lazy("Profile"),
    "audience": gettext_lazy("Audience"),
    "connected": gettext_lazy("Connected"),
    "expires": gettext_lazy("Expires"),
    "at": gettext_lazy("When"),
    "when": gettext_lazy("When"),
    "kind": gettext_lazy("Kind"),
    "points": gettext_lazy("Points"),
    "why": gettext_lazy("Why"),
    "note": gettext_lazy("Note"),
    "badge": gettext_lazy("Badge"),
    "awarded": gettext_lazy("Awarded"),
    "detail": gettext_lazy("Detail"),
    "reward": gettext_lazy("Reward"),
    "price": gettext_lazy("Price"),
    "requested": gettext_lazy("Requested"),
    "decided": gettext_lazy("Decided"),
    "comment": gettext_lazy("Comment"),
    "given_by": gettext_lazy("Given by"),
    "given_to": gettext_lazy("Given to"),
    "message": gettext_lazy("Message"),
    "action": gettext_lazy("Action"),
    "what": gettext_lazy("What"),
    "object": gettext_lazy("Object"),
    "changes": gettext_lazy("Changes"),
    "kind_of_email": gettext_lazy("E-mail"),
    "wanted": gettext_lazy("Wanted"),
    "week": gettext_lazy("Week"),
    "sent": gettext_lazy("Sent"),
}


def collect(employee: Employee) -> Sections:
    """Every section of the person's data, in the order "My data" shows them."""
    data: Sections = {}
    data.update(people.personal_data(employee))
    data.update(sharing.personal_data(employee))
    data.update(rewards.personal_data(employee))
    data.update(questions.personal_data(employee))
    data.update(enablement_digest.personal_data(employee))
    data["audit_log"] = [
        {
            "when": e.at,
            "action": e.action,
            "what": e.object_type,
            "object": e.object_repr,
            "changes": "; ".join(f"{k}: {b} → {a}" for k, b, a in e.changes()),
        }
        for e in _audit_entries_about(employee)
    ]
    return data


def for_page(data: Sections) -> list[dict[str, Any]]:
    """The sections as the page shows them: a title, column labels and rows of values."""
    return [
        {
            "key": key,
            "title": TITLES.get(key, key),
            "columns": [COLUMNS.get(c, c) for c in (rows[0].keys() if rows else [])],
            "rows": [list(row.values()) for row in rows],
        }
        for key, rows in data.items()
    ]


def _audit_entries_about(employee: Employee):
    about = AuditEntry.objects.filter(object_type="people.Employee", object_id=str(employee.pk))
    if employee.user_id:
        about = about | AuditEntry.objects.filter(
            object_type="people.User", object_id=str(employee.user_id)
        )
    return about.order_by("at", "pk")


def _plain(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def archive(employee: Employee) -> bytes:
    """A zip with `my-data.json` (everything) and one CSV per section."""
    data = collect(employee)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zipped:
        plain = {
            k: [{f: _plain(v) for f, v in row.items()} for row in rows] for k, rows in data.items()
        }
        zipped.writestr(
            "my-data.json",
            json.dumps(
                {"exported": timezone.now().isoformat(), **plain}, ensure_ascii=False, indent=2
            ),
        )
        for name, rows in plain.items():
            out = io.StringIO()
            columns = list(dict.fromkeys(key for row in rows for key in row))
            writer = csv.DictWriter(out, fieldnames=columns or ["-"])
            writer.writeheader()
            for row in rows:
                writer.writerow({k: spreadsheet_safe(v) for k, v in row.items()})
            zipped.writestr(f"{name}.csv", "\ufeff" + out.getvalue())  # BOM: Excel reads UTF-8
    return buffer.getvalue()


class ForgetError(Exception):
    """Why a person cannot be forgotten (the message is for the one who asked)."""


def forget(employee: Employee, *, by: Employee) -> None:
    """Forget `employee` on their own request (`by` is them) or an admin's. Audited without
    naming them."""
    if (
        employee.user_id is None
        and not employee.is_active
        and employee.email.endswith("@forgotten.invalid")
    ):
        raise ForgetError(_("This person's data was already deleted."))
    if by.pk != employee.pk and by.role != "admin":
        raise ForgetError(_("Only the person themselves or an admin can delete their data."))
    label = people.anonymous_name(employee)
    objects = [("people.Employee", str(employee.pk))]
    if employee.user_id:
        objects.append(("people.User", str(employee.user_id)))
    objects += [
        ("people.Invitation", str(pk)) for pk in employee.invitations.values_list("pk", flat=True)
    ]
    words = {employee.name, employee.email, *(a.email for a in _addresses(employee))}
    user_id = employee.user_id
    themselves = by.pk == employee.pk
    with transaction.atomic(), audit.acting_as(None):
        rewards.forget_person(employee, by)
        questions.forget_person(employee)
        sharing.forget_person(employee)
        people.forget_person(employee)
        audit.forget(objects=objects, words=words, actor_id=user_id, label=label)
        AuditEntry.objects.create(
            actor=None if themselves else by.user,
            actor_label=label if themselves else by.email,
            action=AuditEntry.Action.DELETE,
            object_type="people.Employee",
            object_id=str(employee.pk),
            object_repr=label,
            before=None,
            after={
                "personal_data": "deleted on their own request"
                if themselves
                else "deleted by an admin on request"
            },
        )


def _addresses(employee: Employee):
    if employee.user_id is None:
        return []
    return list(EmailAddress.objects.filter(user_id=employee.user_id))
