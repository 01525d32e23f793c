"""The social media policy in versions (a text per language), who accepted which version and
when, the programme's enablement settings, and the checklist steps a person ticks themselves."""

from __future__ import annotations

from urllib.parse import urlsplit

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from advocato.core.audit import acting_as
from advocato.people.models import Employee
from advocato.sharing.crypto import decrypt, encrypt

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


# --- Chat channels (Slack, Microsoft Teams) and re-activation nudges ---------------------------


class ChatChannel(models.Model):
    """A Slack or Microsoft Teams channel the programme posts news to, through the incoming
    webhook its admins created there. The webhook address is a secret (anyone holding it can
    post to the channel): it is stored encrypted and shown masked."""

    class Kind(models.TextChoices):
        SLACK = "slack", _("Slack")
        TEAMS = "teams", _("Microsoft Teams")

    name = models.CharField(
        _("channel name"), max_length=80, help_text=_("As people know it, e.g. #advocacy.")
    )
    kind = models.CharField(_("service"), max_length=8, choices=Kind.choices)
    webhook_url_enc = models.TextField(blank=True)
    webhook_hint = models.CharField(_("webhook address"), max_length=120, blank=True)
    post_featured = models.BooleanField(_("new featured content"), default=True)
    post_stories = models.BooleanField(_("a new success story"), default=True)
    post_challenges = models.BooleanField(_("a challenge starting"), default=True)
    post_weekly_top = models.BooleanField(_("the weekly top"), default=False)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        Employee, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["name", "pk"]
        verbose_name = _("chat channel")
        verbose_name_plural = _("chat channels")

    def __str__(self) -> str:
        return f"{self.name} ({self.get_kind_display()})"

    @property
    def webhook_url(self) -> str:
        return decrypt(self.webhook_url_enc)

    @webhook_url.setter
    def webhook_url(self, value: str) -> None:
        self.webhook_url_enc = encrypt(value or "")
        self.webhook_hint = mask(value or "")

    def wants(self, event: str) -> bool:
        return event == ChatPost.Event.TEST or bool(getattr(self, f"post_{event}", False))


def mask(url: str) -> str:
    """What an admin sees of a webhook address: the host and the last four characters."""
    host = urlsplit(url).netloc.rsplit("@", 1)[-1]
    return f"{host}/…{url[-4:]}" if url else ""


class ChatPost(models.Model):
    """One message to one channel, from the moment it is due until it was delivered or given
    up on. `key` names what it is about ("item:12", "story:3", "week:2026-06-08"): one post per
    thing per channel, whoever announces it and however often."""

    class Event(models.TextChoices):
        FEATURED = "featured", _("New featured content")
        STORIES = "stories", _("New success story")
        CHALLENGES = "challenges", _("Challenge starting")
        WEEKLY_TOP = "weekly_top", _("Weekly top")
        TEST = "test", _("Test message")

    class Status(models.TextChoices):
        WAITING = "waiting", _("Waiting")
        SENDING = "sending", _("Sending")
        DELIVERED = "delivered", _("Delivered")
        FAILED = "failed", _("Failed")

    channel = models.ForeignKey(ChatChannel, on_delete=models.CASCADE, related_name="posts")
    event = models.CharField(max_length=12, choices=Event.choices)
    key = models.CharField(max_length=80)
    title = models.CharField(max_length=300, blank=True)
    payload = models.JSONField()
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.WAITING, db_index=True
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now, db_index=True)
    attempt_token = models.CharField(max_length=32, blank=True)
    lease_until = models.DateTimeField(null=True, blank=True)
    http_status = models.PositiveSmallIntegerField(null=True, blank=True)
    error = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["channel", "key"], name="chat_post_once_per_channel")
        ]

    def __str__(self) -> str:
        return f"{self.channel_id} {self.key} {self.status}"


class NudgeSettings(models.Model):
    """The admin's re-activation rule (one row, pk=1)."""

    enabled = models.BooleanField(_("send re-activation nudges"), default=True)
    lapsed_after_days = models.PositiveSmallIntegerField(
        _("lapsed after (days without a share)"),
        default=30,
        validators=[MinValueValidator(7), MaxValueValidator(365)],
    )
    every_days = models.PositiveSmallIntegerField(
        _("at most one nudge per (days)"),
        default=30,
        validators=[MinValueValidator(7), MaxValueValidator(365)],
    )

    class Meta:
        verbose_name = _("nudge settings")
        verbose_name_plural = _("nudge settings")

    def __str__(self) -> str:
        return str(self._meta.verbose_name)

    @classmethod
    def get(cls) -> NudgeSettings:
        with acting_as(None):
            return cls.objects.get_or_create(pk=1)[0]


class Nudge(models.Model):
    """When a person was last nudged. `last_sent_at` is claimed with a compare-and-swap update
    before the e-mail goes out, so two workers never nudge the same person twice."""

    employee = models.OneToOneField(Employee, on_delete=models.CASCADE, related_name="nudge")
    last_sent_at = models.DateTimeField(null=True, blank=True)
    sent_count = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.employee} {self.last_sent_at}"
