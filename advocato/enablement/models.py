"""The social media policy in versions (a text per language), who accepted which version and
when, the programme's enablement settings, and the checklist steps a person ticks themselves."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from advocato.core.audit import acting_as
from advocato.people.models import Employee

BODY_HELP = _("Markdown: **bold**, *italic*, lists, links and headings. No HTML.")


class PolicyVersion(models.Model):
    """One version of the policy. Drafts can be edited; a published version is what people
    accept, and publishing a new one asks everyone to read it again."""

    number = models.PositiveIntegerField(_("version"), unique=True)
    title = models.CharField(_("title"), max_length=200, default="Social media policy")
    body_en = models.TextField(_("text in English"), blank=True, help_text=BODY_HELP)
    body_da = models.TextField(_("text in Danish"), blank=True, help_text=BODY_HELP)
    body_nb = models.TextField(_("text in Norwegian"), blank=True, help_text=BODY_HELP)
    summary = models.CharField(
        _("what changed"),
        max_length=300,
        blank=True,
        help_text=_("Shown to people asked to read the policy again."),
    )
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        Employee, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    published_at = models.DateTimeField(_("published"), null=True, blank=True, db_index=True)

    class Meta:
        ordering = ["-number"]
        verbose_name = _("policy version")
        verbose_name_plural = _("policy versions")

    def __str__(self) -> str:
        return f"{self.title} v{self.number}"

    @property
    def is_published(self) -> bool:
        return self.published_at is not None

    def body(self, language: str) -> str:
        return getattr(self, f"body_{language}", "") or ""


class PolicyAcceptance(models.Model):
    employee = models.ForeignKey(Employee, on_delete=models.CASCADE, related_name="acceptances")
    version = models.ForeignKey(PolicyVersion, on_delete=models.PROTECT, related_name="accepted")
    accepted_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-accepted_at"]
        constraints = [
            models.UniqueConstraint(fields=["employee", "version"], name="policy_accepted_once")
        ]

    def __str__(self) -> str:
        return f"{self.employee} v{self.version.number}"


class EnablementSettings(models.Model):
    """The admin's choices for enablement (one row, pk=1)."""

    sharing_waits_for_policy = models.BooleanField(
        _("sharing waits until the current policy is accepted"),
        default=False,
        help_text=_("Off: people are asked to accept, but may share meanwhile."),
    )

    class Meta:
        verbose_name = _("enablement settings")
        verbose_name_plural = _("enablement settings")

    def __str__(self) -> str:
        return str(self._meta.verbose_name)

    @classmethod
    def get(cls) -> EnablementSettings:
        with acting_as(None):
            return cls.objects.get_or_create(pk=1)[0]


class ChecklistTick(models.Model):
    """A step of the onboarding checklist only the person can tell is done (e.g. that their
    network profile shows their title and the company)."""

    employee = models.ForeignKey(Employee, on_delete=models.CASCADE, related_name="ticks")
    step = models.CharField(max_length=24)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["employee", "step"], name="checklist_step_once")
        ]

    def __str__(self) -> str:
        return f"{self.employee}: {self.step}"


class Question(models.Model):
    """ "Ask the comms team": an advocate forwards a comment their post received (its text and
    where it is) with a question; a curator answers. Seen only by the asker, curators and
    admins."""

    class Status(models.TextChoices):
        NEW = "new", _("new")
        ANSWERED = "answered", _("answered")
        CLOSED = "closed", _("closed")

    share = models.ForeignKey("sharing.Share", on_delete=models.CASCADE, related_name="questions")
    asker = models.ForeignKey(Employee, on_delete=models.CASCADE, related_name="questions")
    comment = models.TextField(_("the comment you received"), max_length=2000)
    comment_link = models.URLField(_("link to the comment"), max_length=500, blank=True)
    question = models.TextField(_("your question"), max_length=2000)
    status = models.CharField(
        _("status"), max_length=8, choices=Status.choices, default=Status.NEW, db_index=True
    )
    asked_at = models.DateTimeField(_("asked"), default=timezone.now, db_index=True)
    answer = models.TextField(_("answer"), max_length=4000, blank=True)
    answered_by = models.ForeignKey(
        Employee, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    answered_at = models.DateTimeField(null=True, blank=True)
    # Kept when the answer is edited: the team's time to first answer is measured on it.
    first_answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["asked_at", "pk"]
        verbose_name = _("question to the comms team")
        verbose_name_plural = _("questions to the comms team")

    def __str__(self) -> str:
        return f"{self.asker} · {self.asked_at:%Y-%m-%d}"
