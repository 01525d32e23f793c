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


def story_upload_path(instance, filename: str) -> str:
    """A random name: a story's picture is served to anyone with its address."""
    import secrets
    from pathlib import PurePath

    suffix = PurePath(filename).suffix.lower()[:8]
    return f"stories/{timezone.now():%Y/%m}/{secrets.token_urlsafe(16)}{suffix}"


class SuccessStory(models.Model):
    """A success story the programme tells its people: a text per language (the company's
    default language fills in for a missing one), an optional picture, and the evidence it
    rests on — a share, an item or a conversion — whose figures are read live, never copied."""

    title_en = models.CharField(_("title in English"), max_length=200, blank=True)
    title_da = models.CharField(_("title in Danish"), max_length=200, blank=True)
    title_nb = models.CharField(_("title in Norwegian"), max_length=200, blank=True)
    body_en = models.TextField(_("story in English"), blank=True, help_text=BODY_HELP)
    body_da = models.TextField(_("story in Danish"), blank=True, help_text=BODY_HELP)
    body_nb = models.TextField(_("story in Norwegian"), blank=True, help_text=BODY_HELP)
    image = models.ImageField(_("picture"), upload_to=story_upload_path, blank=True)
    image_alt = models.CharField(
        _("picture description"),
        max_length=200,
        blank=True,
        help_text=_("What the picture shows, for people who cannot see it."),
    )
    share = models.ForeignKey(
        "sharing.Share",
        verbose_name=_("share"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    item = models.ForeignKey(
        "content.ContentItem",
        verbose_name=_("item"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    conversion = models.ForeignKey(
        "links.Conversion",
        verbose_name=_("conversion"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_by = models.ForeignKey(
        Employee, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    published_at = models.DateTimeField(_("published"), null=True, blank=True, db_index=True)

    class Meta:
        ordering = ["-published_at", "-pk"]
        verbose_name = _("success story")
        verbose_name_plural = _("success stories")

    def __str__(self) -> str:
        return self.title_en or self.title_da or self.title_nb or f"#{self.pk}"

    @property
    def is_published(self) -> bool:
        return self.published_at is not None

    def title(self, language: str) -> str:
        return getattr(self, f"title_{language}", "") or ""

    def body(self, language: str) -> str:
        return getattr(self, f"body_{language}", "") or ""


class DigestState(models.Model):
    """Which weekly digest a person got last. `last_period_sent` is claimed with a
    compare-and-swap update before the e-mail goes out (and given back if sending fails), as
    the programme summaries are, so no week is sent twice."""

    employee = models.OneToOneField(Employee, on_delete=models.CASCADE, related_name="digest_state")
    last_period_sent = models.DateField(null=True, blank=True)
    last_sent_at = models.DateTimeField(null=True, blank=True)
    # Which run claimed the row: lets one UPDATE claim a whole batch and one SELECT read back
    # which rows this run won.
    claim = models.CharField(max_length=32, blank=True)

    def __str__(self) -> str:
        return f"{self.employee} · {self.last_period_sent}"
