"""Business rules for people: inviting (one by one or from a CSV), resending and revoking
invitations, accepting one, and the adoption funnel.

`check_*` functions validate and raise `PeopleError` with a message for the user; `do_*`-style
functions (the rest) write. E-mail is queued with `transaction.on_commit`, so a rolled-back
invitation never reaches an inbox.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any, TypeVar

from django.conf import settings
from django.core import signing
from django.db import IntegrityError, transaction
from django.db.models import Count, Exists, F, OuterRef, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from advocato.core import audit
from advocato.core.models import Organisation

from . import mail, signals
from .invite_csv import ParseResult, parse_invite_csv
from .models import (
    Department,
    Employee,
    Group,
    Invitation,
    InviteImport,
    Location,
    Ranking,
    Team,
    User,
)

INVITATION_SALT = "advocato.people.invitation"

# The organisation's rows found and made by name in a CSV import.
_Named = TypeVar("_Named", Department, Location, Group, Team)


class PeopleError(Exception):
    """A rule said no; the message is for the person who asked."""


# --- Organisation lookups ------------------------------------------------------------------


def department_named(name: str) -> Department | None:
    if not name:
        return None
    found = Department.objects.filter(name__iexact=name).first()
    return found or Department.objects.create(name=name)


def team_named(name: str, department: Department | None) -> Team | None:
    if not name or department is None:
        return None
    found = Team.objects.filter(name__iexact=name, department=department).first()
    return found or Team.objects.create(name=name, department=department)


def location_named(name: str) -> Location | None:
    if not name:
        return None
    found = Location.objects.filter(name__iexact=name).first()
    return found or Location.objects.create(name=name)


def groups_named(names: list[str]) -> list[Group]:
    groups = []
    for name in names:
        found = Group.objects.filter(name__iexact=name).first()
        groups.append(found or Group.objects.create(name=name))
    return groups


# --- Inviting ------------------------------------------------------------------------------


def check_new_email(email: str) -> str:
    email = email.strip().lower()
    if Employee.objects.filter(email__iexact=email).exists():
        raise PeopleError(_("%(email)s is already in Advocato.") % {"email": email})
    return email


@transaction.atomic
def invite_employee(
    *,
    invited_by: Employee | None,
    email: str,
    name: str,
    title: str = "",
    department: str = "",
    team: str = "",
    location: str = "",
    language: str = "",
    time_zone: str = "",
    manager: Employee | None = None,
    groups: list[Group] | list[str] | None = None,
    role: str = "advocate",
    base_url: str = "",
) -> Employee:
    """Create the employee and their invitation, and e-mail it once the transaction commits."""
    email = check_new_email(email)
    org = Organisation.get()
    dept = department_named(department)
    employee = Employee.objects.create(
        email=email,
        name=name.strip(),
        title=title.strip(),
        department=dept,
        team=team_named(team, dept),
        location=location_named(location),
        language=language or org.default_language,
        time_zone=time_zone or org.time_zone,
        manager=manager,
        role=role,
    )
    if groups:
        names = [g for g in groups if isinstance(g, str)]
        employee.groups.set([g for g in groups if isinstance(g, Group)] + groups_named(names))
    invitation = Invitation.objects.create(employee=employee, invited_by=invited_by)
    queue_invitation_email(invitation, base_url)
    return employee


def queue_invitation_email(invitation: Invitation, base_url: str = "") -> None:
    from .tasks import send_invitation_email

    transaction.on_commit(lambda: send_invitation_email(invitation.pk, base_url))


def queue_invitation_emails(invitations: list[Invitation], base_url: str = "") -> None:
    from .tasks import send_invitation_emails

    ids = [invitation.pk for invitation in invitations]
    transaction.on_commit(lambda: send_invitation_emails(ids, base_url))


def invitation_token(invitation: Invitation) -> str:
    return signing.TimestampSigner(salt=INVITATION_SALT).sign_object(
        {"i": invitation.pk, "n": invitation.nonce}
    )


def invitation_url(invitation: Invitation, base_url: str = "") -> str:
    # The configured public address wins over the one a request happened to arrive on.
    base = (settings.SITE_URL or base_url or "http://localhost:8000").rstrip("/")
    return base + reverse("people:accept", args=[invitation_token(invitation)])


def deliver_invitation(invitation_id: int, base_url: str = "", connection=None) -> bool:
    """Send (or send again) the invitation e-mail, in the invitee's language. Returns False when
    the invitation is no longer open (accepted, revoked or the person deactivated since it was
    queued). A failure is written on the invitation for the admin to see, then raised so the
    worker retries."""

    invitation = (
        Invitation.objects.select_related("employee", "invited_by").filter(pk=invitation_id).first()
    )
    if invitation is None or invitation.accepted_at or invitation.revoked_at:
        return False
    employee = invitation.employee
    if employee.user_id or not employee.is_active:
        return False
    org = Organisation.get()
    context = {
        "employee": employee,
        "invitation": invitation,
        "organisation": org,
        "url": invitation_url(invitation, base_url),  # signed now: the link's validity starts
        "valid_days": settings.INVITATION_VALID_DAYS,
        "invited_by": invitation.invited_by,
    }
    org_name = " ".join(org.name.split())
    message = mail.compose(
        employee,
        subject=lambda _context: _("%(org)s invites you to Advocato") % {"org": org_name},
        text_template="people/email/invitation.txt",
        html_template="people/email/invitation.html",
        context=context,
        connection=connection,
    )
    try:
        message.send()
    except Exception as exc:
        Invitation.objects.filter(pk=invitation.pk).update(last_error=str(exc)[:300] or repr(exc))
        raise
    Invitation.objects.filter(pk=invitation.pk).update(
        sent_at=timezone.now(), send_count=F("send_count") + 1, last_error=""
    )
    return True


@dataclass(frozen=True)
class TokenCheck:
    invitation: Invitation | None
    problem: str = ""  # "", "invalid", "expired", "revoked", "accepted"


def check_invitation_token(token: str) -> TokenCheck:
    signer = signing.TimestampSigner(salt=INVITATION_SALT)
    max_age = timedelta(days=settings.INVITATION_VALID_DAYS)
    try:
        data = signer.unsign_object(token, max_age=max_age)
    except signing.SignatureExpired:
        try:
            data = signer.unsign_object(token)
        except signing.BadSignature:
            return TokenCheck(None, "invalid")
        invitation = Invitation.objects.filter(pk=data.get("i"), nonce=data.get("n")).first()
        return TokenCheck(
            invitation, "accepted" if invitation and invitation.accepted_at else "expired"
        )
    except signing.BadSignature:
        return TokenCheck(None, "invalid")
    if not isinstance(data, dict):
        return TokenCheck(None, "invalid")
    invitation = (
        Invitation.objects.select_related("employee")
        # A token without "i" looks up pk=None: no invitation, as wanted.
        .filter(pk=data.get("i"), nonce=data.get("n"))  # type: ignore[misc]
        .first()
    )
    if invitation is None:
        return TokenCheck(None, "invalid")
    if invitation.accepted_at or invitation.employee.user_id:
        return TokenCheck(invitation, "accepted")
    if invitation.revoked_at or not invitation.employee.is_active:
        return TokenCheck(invitation, "revoked")
    return TokenCheck(invitation)


def accept_invitation(invitation: Invitation, password: str) -> User:
    """Create the invitee's account. The invitation link proved the address, so it is stored
    as verified for allauth (password reset and login by e-mail work at once)."""
    from allauth.account.models import EmailAddress

    with transaction.atomic():
        locked = Invitation.objects.select_for_update().get(pk=invitation.pk)
        employee = Employee.objects.select_for_update().get(pk=locked.employee_id)
        if locked.accepted_at or locked.revoked_at or employee.user_id or not employee.is_active:
            raise PeopleError(_("This invitation has already been used or was withdrawn."))
        if User.objects.filter(email__iexact=employee.email).exists():
            raise PeopleError(
                _("An account with this e-mail address already exists. Sign in instead.")
            )
        user = User.objects.create_user(email=employee.email, password=password)
        EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
        employee.user = user
        employee.save(update_fields=["user"])
        sync_account(employee)
        locked.accepted_at = timezone.now()
        locked.save(update_fields=["accepted_at"])
        signals.employee_joined.send(sender=Employee, employee=employee)
    return user


def resend_invitation(
    employee: Employee, *, invited_by: Employee | None, base_url: str = ""
) -> Invitation:
    """Send the link again with a fresh validity. A revoked invitation is replaced by a new one."""
    if employee.user_id:
        raise PeopleError(_("%(name)s has already joined.") % {"name": employee.name})
    if not employee.is_active:
        raise PeopleError(_("%(name)s is inactive; activate them first.") % {"name": employee.name})
    invitation = employee.invitations.filter(accepted_at=None, revoked_at=None).first()
    if invitation is None:
        invitation = Invitation.objects.create(employee=employee, invited_by=invited_by)
    else:
        audit.record(
            "update",
            invitation,
            {"resend_requested": None},
            {"resend_requested": timezone.now().isoformat()},
        )
    queue_invitation_email(invitation, base_url)
    return invitation


def revoke_invitation(employee: Employee) -> int:
    """Withdraw every open invitation of the employee; their links stop working at once."""
    if employee.user_id:
        raise PeopleError(
            _("%(name)s has already joined; deactivate the account instead.")
            % {"name": employee.name}
        )
    open_invitations = employee.invitations.filter(accepted_at=None, revoked_at=None)
    if not open_invitations.exists():
        raise PeopleError(_("%(name)s has no open invitation.") % {"name": employee.name})
    count = 0
    for invitation in open_invitations:
        invitation.revoked_at = timezone.now()
        invitation.save(update_fields=["revoked_at"])
        count += 1
    return count


def check_keeps_an_admin(employee: Employee, *, role: str, active: bool) -> None:
    """The organisation may never be left without an active admin."""
    if employee.role != "admin" or (role == "admin" and active):
        return
    others = Employee.objects.filter(role="admin", is_active=True).exclude(pk=employee.pk)
    if not others.exists():
        raise PeopleError(
            _("%(name)s is the only admin; make someone else admin first.")
            % {"name": employee.name}
        )


def sync_account(employee: Employee) -> None:
    """The login follows the employee: only active people sign in, and only admins reach the
    Django admin (as superusers). Call after changing role or active."""
    if employee.user_id:
        is_admin = employee.role == "admin" and employee.is_active
        User.objects.filter(pk=employee.user_id).update(
            is_active=employee.is_active, is_staff=is_admin, is_superuser=is_admin
        )


def set_active(employee: Employee, active: bool) -> None:
    check_keeps_an_admin(employee, role=employee.role, active=active)
    employee.is_active = active
    employee.save(update_fields=["is_active"])
    sync_account(employee)


# --- Importing a CSV -----------------------------------------------------------------------


def stage_invite_import(*, uploaded_by: Employee, filename: str, data: bytes) -> InviteImport:
    """Check the whole file and keep the result for the admin to look at. Imports nothing.
    Raises `InviteCSVError` when the file as a whole is unreadable."""
    result: ParseResult = parse_invite_csv(data)
    return InviteImport.objects.create(
        uploaded_by=uploaded_by,
        filename=filename[:255],
        rows=result.rows,
        problems=result.problems,
        total_rows=result.total,
    )


def _existing_emails(emails: list[str]) -> list[str]:
    taken: list[str] = []
    for i in range(0, len(emails), 500):
        chunk = emails[i : i + 500]
        taken += Employee.objects.filter(email__in=chunk).values_list("email", flat=True)
    return sorted(taken)


def _by_name(model: type[_Named], names: set[str], **extra: Any) -> dict[str, _Named]:
    """Existing rows by lower-cased name; the missing ones are created (and audited)."""
    found = {o.name.lower(): o for o in model.objects.filter(**extra)}
    for name in sorted(names):
        if name.lower() not in found:
            found[name.lower()] = model.objects.create(name=name, **extra)
    return found


def run_invite_import(
    invite_import: InviteImport, *, invited_by: Employee, base_url: str = ""
) -> int:
    """Invite every good row in one transaction: all of them, or — if anything fails — none.
    Rows are written in bulk (a 20,000-line file takes seconds, not minutes), so the audit
    entries are written here too."""
    if invite_import.imported_at:
        raise PeopleError(_("This file has already been imported."))
    rows = invite_import.rows
    if not rows:
        raise PeopleError(_("There is nobody to import in this file."))
    taken = _existing_emails([row["email"] for row in rows])
    if taken:
        raise PeopleError(
            _("Since the upload, these people were added: %(emails)s. Upload the file again.")
            % {"emails": ", ".join(taken[:5]) + (" …" if len(taken) > 5 else "")}
        )
    org = Organisation.get()
    try:
        with transaction.atomic():
            return _import_rows(invite_import, rows, org, invited_by, base_url)
    except IntegrityError as exc:
        raise PeopleError(
            _("Someone changed the same people at the same moment. Upload the file again.")
        ) from exc


def _import_rows(invite_import, rows, org, invited_by, base_url) -> int:
    # Lock the upload: a double click or a second tab must not import it twice.
    if InviteImport.objects.select_for_update().get(pk=invite_import.pk).imported_at:
        raise PeopleError(_("This file has already been imported."))
    departments = _by_name(Department, {r["department"] for r in rows if r["department"]})
    locations = _by_name(Location, {r["location"] for r in rows if r["location"]})
    groups = _by_name(Group, {g for r in rows for g in r["groups"]})
    teams: dict[tuple[int, str], Team] = {}
    for department in {r["department"].lower() for r in rows if r["team"]}:
        parent = departments[department]
        names = {r["team"] for r in rows if r["team"] and r["department"].lower() == department}
        for key, team in _by_name(Team, names, department=parent).items():
            teams[(parent.pk, key)] = team

    employees = []
    for row in rows:
        dept = departments.get(row["department"].lower()) if row["department"] else None
        employees.append(
            Employee(
                email=row["email"],
                name=row["name"],
                title=row["title"],
                department=dept,
                team=teams.get((dept.pk, row["team"].lower())) if dept and row["team"] else None,
                location=locations.get(row["location"].lower()) if row["location"] else None,
                language=row["language"] or org.default_language,
                time_zone=row["time_zone"] or org.time_zone,
                role=row["role"],
            )
        )
    Employee.objects.bulk_create(employees, batch_size=500)
    created = {e.email: e for e in employees}

    manager_emails = {r["manager_email"] for r in rows if r["manager_email"]} - set(created)
    managers = {e.email: e for e in Employee.objects.filter(email__in=sorted(manager_emails))}
    managers.update(created)
    with_manager = []
    for row in rows:
        if row["manager_email"]:
            manager = managers.get(row["manager_email"])
            if manager is None:
                raise PeopleError(
                    _("Manager %(email)s is no longer in Advocato. Upload the file again.")
                    % {"email": row["manager_email"]}
                )
            created[row["email"]].manager = manager
            with_manager.append(created[row["email"]])
    Employee.objects.bulk_update(with_manager, ["manager"], batch_size=500)

    through = Employee.groups.through
    memberships = [
        through(employee_id=created[r["email"]].pk, group_id=groups[g.lower()].pk)
        for r in rows
        for g in dict.fromkeys(g.lower() for g in r["groups"])
    ]
    through.objects.bulk_create(memberships, batch_size=1000)

    invitations = [Invitation(employee=e, invited_by=invited_by) for e in employees]
    Invitation.objects.bulk_create(invitations, batch_size=500)

    group_names = {
        created[r["email"]].pk: {"groups": sorted(groups[g.lower()].name for g in r["groups"])}
        for r in rows
        if r["groups"]
    }
    audit.record_created(employees, extra=group_names)
    audit.record_created(invitations)
    queue_invitation_emails(invitations, base_url)

    invite_import.imported_at = timezone.now()
    invite_import.imported_count = len(employees)
    invite_import.save(update_fields=["imported_at", "imported_count"])
    return len(employees)


# --- Who is in the programme (the adoption funnel with its sharing steps is analytics') ---


def in_programme():
    """Active employees who are registered or hold an invitation that was not withdrawn."""
    open_invitation = Invitation.objects.filter(employee=OuterRef("pk"), revoked_at=None)
    return Employee.objects.filter(is_active=True).filter(
        Q(user__isnull=False) | Exists(open_invitation)
    )


def adoption_by_department() -> list[dict]:
    rows = (
        in_programme()
        .values("department__name")
        .annotate(invited=Count("pk"), registered=Count("pk", filter=Q(user__isnull=False)))
        .order_by("department__name")
    )
    return [
        {
            "department": row["department__name"] or _("No department"),
            "invited": row["invited"],
            "registered": row["registered"],
            "rate": row["registered"] / row["invited"] if row["invited"] else None,
        }
        for row in rows
    ]


def create_admin(*, email: str, password: str, name: str = "") -> Employee:
    """The first admin of a new installation: a superuser (for /admin/) with an admin profile."""
    from allauth.account.models import EmailAddress

    email = email.strip().lower()
    with transaction.atomic():
        if User.objects.filter(email__iexact=email).exists():
            raise PeopleError(_("An account with this e-mail address already exists."))
        user = User.objects.create_superuser(email=email, password=password)
        EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
        employee, _created = Employee.objects.update_or_create(
            email=email,
            defaults={"user": user, "name": name or email.split("@")[0], "role": "admin"},
        )
    return employee


# --- A person's own data ------------------------------------------------------------------------


def personal_data(employee: Employee) -> dict[str, list[dict]]:
    """What the people app keeps about a person, as rows for "My data"."""
    profile = {
        "name": employee.name,
        "email": employee.email,
        "title": employee.title,
        "department": str(employee.department or ""),
        "team": str(employee.team or ""),
        "location": str(employee.location or ""),
        "language": employee.language,
        "interface_language": employee.ui_language,
        "time_zone": employee.time_zone,
        "manager": employee.manager.name if employee.manager else "",
        "groups": ", ".join(sorted(g.name for g in employee.groups.all())),
        "role": employee.role,
        "place_in_rankings": employee.ranking,
        "active": employee.is_active,
        "in_the_programme_since": employee.created_at,
        "account_created": employee.user.date_joined if employee.user else None,
        "last_sign_in": employee.user.last_login if employee.user else None,
    }
    invitations = [
        {
            "created": i.created_at,
            "last_sent": i.sent_at,
            "times_sent": i.send_count,
            "accepted": i.accepted_at,
            "withdrawn": i.revoked_at,
        }
        for i in employee.invitations.order_by("created_at")
    ]
    return {"profile": [profile], "invitations": invitations}


def anonymous_name(employee: Employee) -> str:
    return _("Former employee %(number)s") % {"number": employee.pk}


def forget_person(employee: Employee) -> None:
    """Remove what identifies the person: the account (sign-in, e-mail addresses, sessions end
    with it), invitations, name, e-mail, title, manager, groups. The row stays, inactive and
    anonymous, so the programme's figures that rest on it do not change."""
    user = employee.user
    employee.invitations.all().delete()
    employee.groups.clear()
    Employee.objects.filter(manager=employee).update(manager=None)
    Employee.objects.filter(pk=employee.pk).update(
        user=None,
        name=anonymous_name(employee),
        email=f"former-{employee.pk}@forgotten.invalid",
        title="",
        manager=None,
        ui_language="",
        ranking=Ranking.OUT,
        is_active=False,
    )
    if user is not None:
        user.delete()
