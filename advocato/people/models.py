"""People: accounts, employees and their organisation (departments, teams, locations, groups),
roles and invitations. The adoption funnel is computed in `services` from these rows."""

from __future__ import annotations

import secrets
import zoneinfo
from datetime import timedelta
from typing import ClassVar

from django.conf import settings
from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.db import models
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def _create_user(self, email: str, password: str | None, **extra):
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra):
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra):
        extra["is_staff"] = True
        extra["is_superuser"] = True
        return self._create_user(email, password, **extra)


class User(AbstractUser):
    """A login. People sign in with their e-mail address; there is no username."""

    # Fields of AbstractUser removed from the table (django-stubs types them as str).
    username = None  # type: ignore[assignment]
    first_name = None  # type: ignore[assignment]
    last_name = None  # type: ignore[assignment]
    email = models.EmailField(_("e-mail address"), unique=True)

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = []

    # Ours creates users by e-mail address; django-stubs expects auth's UserManager here.
    objects: ClassVar[UserManager] = UserManager()  # type: ignore[assignment]

    def __str__(self) -> str:
        return self.email


class Language(models.TextChoices):
    ENGLISH = "en", _("English")
    DANISH = "da", _("Danish")
    NORWEGIAN = "nb", _("Norwegian Bokmål")


class Role(models.TextChoices):
    ADVOCATE = "advocate", _("Advocate")
    CURATOR = "curator", _("Curator")
    MANAGER = "manager", _("Manager")
    ANALYST = "analyst", _("Analyst")
    ADMIN = "admin", _("Admin")


class Department(models.Model):
    name = models.CharField(_("name"), max_length=120, unique=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("department")
        verbose_name_plural = _("departments")

    def __str__(self) -> str:
        return self.name


class Team(models.Model):
    name = models.CharField(_("name"), max_length=120)
    department = models.ForeignKey(
        Department, on_delete=models.PROTECT, related_name="teams", verbose_name=_("department")
    )

    class Meta:
        ordering = ["department__name", "name"]
        constraints = [
            models.UniqueConstraint(fields=["department", "name"], name="team_unique_in_department")
        ]
        verbose_name = _("team")
        verbose_name_plural = _("teams")

    def __str__(self) -> str:
        return self.name


class Location(models.Model):
    name = models.CharField(_("name"), max_length=120, unique=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("location")
        verbose_name_plural = _("locations")

    def __str__(self) -> str:
        return self.name


class Group(models.Model):
    """A named set of employees for targeting and challenges, e.g. "Sales Nordics"."""

    name = models.CharField(_("name"), max_length=120, unique=True)
    description = models.CharField(_("description"), max_length=300, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("group")
        verbose_name_plural = _("groups")

    def __str__(self) -> str:
        return self.name


class Ranking(models.TextChoices):
    NAMED = "named", _("Show my name where the company allows it")
    OWN = "own", _("Show only my own rank, to me")
    OUT = "out", _("Leave me out of rankings")


# The regions of the time-zone database, by name; other prefixes (old aliases such as
# "US/Eastern") keep their own name.
TIME_ZONE_REGIONS = {
    "Africa": _("Africa"), "America": _("America"), "Antarctica": _("Antarctica"),
    "Arctic": _("Arctic"), "Asia": _("Asia"), "Atlantic": _("Atlantic Ocean"),
    "Australia": _("Australia"), "Europe": _("Europe"), "Indian": _("Indian Ocean"),
    "Pacific": _("Pacific Ocean"),
}  # fmt: skip


def time_zone_choices() -> list:
    """UTC, then the zones grouped by region (an <optgroup> each), each named by its city."""
    groups: dict[str, list[tuple[str, str]]] = {}
    for tz in sorted(tz for tz in zoneinfo.available_timezones() if "/" in tz):
        region, _slash, place = tz.partition("/")
        groups.setdefault(region, []).append((tz, place.replace("_", " ").replace("/", " / ")))
    regions = sorted(groups, key=lambda r: (r not in TIME_ZONE_REGIONS, r))
    return [("UTC", "UTC"), *[(TIME_ZONE_REGIONS.get(r, r), groups[r]) for r in regions]]


class Employee(models.Model):
    """A person in the programme. Exists from the moment they are invited; `user` is set when
    they accept the invitation and create their account."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="employee",
    )
    email = models.EmailField(_("e-mail address"), unique=True)
    name = models.CharField(_("name"), max_length=200)
    title = models.CharField(_("job title"), max_length=200, blank=True)
    department = models.ForeignKey(
        Department,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="employees",
        verbose_name=_("department"),
    )
    team = models.ForeignKey(
        Team,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="employees",
        verbose_name=_("team"),
    )
    location = models.ForeignKey(
        Location,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="employees",
        verbose_name=_("location"),
    )
    language = models.CharField(
        _("language"), max_length=5, choices=Language.choices, default=Language.ENGLISH
    )
    ui_language = models.CharField(
        _("interface language"),
        max_length=5,
        choices=Language.choices,
        blank=True,
        help_text=_("Empty: follow the browser's language."),
    )
    time_zone = models.CharField(_("time zone"), max_length=64, default="Europe/Copenhagen")
    manager = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="reports",
        verbose_name=_("manager"),
    )
    groups = models.ManyToManyField(
        Group, blank=True, related_name="members", verbose_name=_("groups")
    )
    role = models.CharField(_("role"), max_length=16, choices=Role.choices, default=Role.ADVOCATE)
    is_active = models.BooleanField(
        _("active"),
        default=True,
        help_text=_("Inactive people cannot sign in and are not counted."),
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    ranking = models.CharField(
        _("my place in rankings"),
        max_length=8,
        choices=Ranking.choices,
        default=Ranking.NAMED,
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("employee")
        verbose_name_plural = _("employees")
        indexes = [models.Index(fields=["role"]), models.Index(fields=["is_active", "user"])]

    def __str__(self) -> str:
        return self.name

    @property
    def is_registered(self) -> bool:
        return self.user_id is not None

    @cached_property
    def latest_invitation(self) -> Invitation | None:
        # Reads prefetched invitations when a list view prefetched them.
        return max(self.invitations.all(), key=lambda i: i.created_at, default=None)

    @property
    def status(self) -> str:
        if not self.is_active:
            return "inactive"
        if self.is_registered:
            return "registered"
        invitation = self.latest_invitation
        if invitation is None:
            return "not_invited"
        return invitation.status


def new_nonce() -> str:
    return secrets.token_urlsafe(16)


class Invitation(models.Model):
    """An invitation e-mail with a signed link. The link's signature carries when it was issued
    (it expires after INVITATION_VALID_DAYS); `nonce` ties it to this row, so revoking works."""

    employee = models.ForeignKey(
        Employee, on_delete=models.CASCADE, related_name="invitations", verbose_name=_("employee")
    )
    invited_by = models.ForeignKey(
        Employee,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("invited by"),
    )
    nonce = models.CharField(max_length=32, default=new_nonce, editable=False)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    sent_at = models.DateTimeField(_("last sent"), null=True, blank=True)
    send_count = models.PositiveIntegerField(_("times sent"), default=0)
    accepted_at = models.DateTimeField(_("accepted"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    last_error = models.CharField(_("last sending error"), max_length=300, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")

    def __str__(self) -> str:
        return f"{self.employee} ({self.status})"

    @property
    def expires_at(self):
        issued = self.sent_at or self.created_at
        return issued + timedelta(days=settings.INVITATION_VALID_DAYS)

    @property
    def status(self) -> str:
        if self.accepted_at:
            return "accepted"
        if self.revoked_at:
            return "revoked"
        if timezone.now() >= self.expires_at:
            return "expired"
        return "pending"


class InviteImport(models.Model):
    """An uploaded CSV waiting for the admin's decision. Nothing is imported until the admin
    confirms; `rows` holds the validated good rows, `problems` the report of bad ones."""

    uploaded_by = models.ForeignKey(Employee, on_delete=models.CASCADE, related_name="+")
    filename = models.CharField(max_length=255)
    created_at = models.DateTimeField(default=timezone.now)
    rows = models.JSONField(default=list)
    problems = models.JSONField(default=list)
    total_rows = models.PositiveIntegerField(default=0)
    imported_at = models.DateTimeField(null=True, blank=True)
    imported_count = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.filename


class EmailKind(models.TextChoices):
    """The e-mails a person may turn off (invitations and sign-in mail are not among them:
    without them nobody could join). `advocato.people.mail.send(kind=...)` reads the choice."""

    DIGEST = "digest", _("Weekly digest: new content for me, my results, a success story")
    NUDGE = "nudge", _("A friendly reminder when I have not shared for a while")
    ACCOUNTS = "accounts", _("A connected account is about to run out")
    ANSWERS = "answers", _("The communications team answered my question")


class EmailOptOut(models.Model):
    """One kind of e-mail a person asked not to get. No row: they get it (they joined the
    programme, and every such e-mail carries a one-click way out)."""

    employee = models.ForeignKey(Employee, on_delete=models.CASCADE, related_name="email_opt_outs")
    kind = models.CharField(_("e-mail"), max_length=16, choices=EmailKind.choices)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("e-mail turned off")
        verbose_name_plural = _("e-mails turned off")
        constraints = [
            models.UniqueConstraint(fields=["employee", "kind"], name="one_opt_out_per_kind")
        ]

    def __str__(self) -> str:
        return f"{self.employee} · {self.kind}"
