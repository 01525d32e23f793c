"""The organisation's own settings and the audit log."""

from __future__ import annotations

from datetime import date
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Organisation(models.Model):
    """The one organisation this installation serves (a singleton row, pk=1)."""

    name = models.CharField(_("name"), max_length=200, default="Advocato")
    default_language = models.CharField(
        _("default language"), max_length=5, choices=settings.LANGUAGES, default="en"
    )
    time_zone = models.CharField(_("time zone"), max_length=64, default="Europe/Copenhagen")
    require_mfa_for_admins = models.BooleanField(
        _("require two-factor authentication for admins"),
        default=False,
        help_text=_(
            "Admins without an authenticator app are asked to set one up before they go on."
        ),
    )

    class Visibility(models.TextChoices):
        EVERYONE = "everyone", _("Everyone: colleagues and managers see names")
        MANAGERS = "managers", _("Managers and the programme team: colleagues see only themselves")
        SELF = "self", _("Only the person themselves: everyone else sees totals")

    # Who may see an individual's results by name (leaderboards, top contributors, scorecards).
    # People can always see their own; teams and the programme's totals are never hidden.
    individual_results = models.CharField(
        _("who sees individual results"),
        max_length=10,
        choices=Visibility.choices,
        default=Visibility.EVERYONE,
        help_text=_("Everyone can always see their own results, and totals are never hidden."),
    )

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisation")

    def __str__(self) -> str:
        return self.name

    @property
    def zone(self) -> ZoneInfo:
        """The company's time zone: its days, weeks and quarters are counted in it."""
        return ZoneInfo(self.time_zone or "UTC")

    def today(self) -> date:
        return timezone.now().astimezone(self.zone).date()

    @classmethod
    def get(cls) -> Organisation:
        from .audit import acting_as

        # Creating the row on first use is set-up, not somebody's change: keep it out of the log.
        with acting_as(None):
            org, _created = cls.objects.get_or_create(
                pk=1,
                defaults={
                    "default_language": settings.LANGUAGE_CODE,
                    "time_zone": settings.TIME_ZONE,
                },
            )
        return org


class AuditEntry(models.Model):
    """One create, update or delete done by an admin or curator. Append-only."""

    class Action(models.TextChoices):
        CREATE = "create", _("created")
        UPDATE = "update", _("changed")
        DELETE = "delete", _("deleted")

    at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("who"),
    )
    actor_label = models.CharField(max_length=254)
    action = models.CharField(_("action"), max_length=8, choices=Action.choices)
    object_type = models.CharField(_("type"), max_length=100, db_index=True)
    object_id = models.CharField(max_length=64)
    object_repr = models.CharField(_("object"), max_length=300)
    before = models.JSONField(null=True, blank=True)
    after = models.JSONField(null=True, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit log")

    def __str__(self) -> str:
        return f"{self.actor_label} {self.action} {self.object_type} {self.object_repr}"

    def changes(self) -> list[tuple[str, object, object]]:
        """(field, before, after) for every field that differs."""
        before = self.before or {}
        after = self.after or {}
        keys = sorted(set(before) | set(after))
        return [(k, before.get(k), after.get(k)) for k in keys if before.get(k) != after.get(k)]
