"""The content library: items curators offer for sharing, their language variants and
per-network suggested texts, who may see them (targeting), their review history, and the
RSS/Atom sources that fill the library by themselves."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from advocato.core.translated import Translated, text_in
from advocato.lib.networks import NETWORKS
from advocato.people.models import Department, Employee, Group, Language, Location, Role, Team


class Goal(models.TextChoices):
    LEADS = "leads", _("Leads")
    RECRUITMENT = "recruitment", _("Recruitment")
    EMPLOYER_BRANDING = "employer_branding", _("Employer branding")
    AWARENESS = "awareness", _("Awareness")
    THOUGHT_LEADERSHIP = "thought_leadership", _("Thought leadership")


class Status(models.TextChoices):
    DRAFT = "draft", _("Draft")
    IN_REVIEW = "in_review", _("In review")
    SCHEDULED = "scheduled", _("Scheduled")
    PUBLISHED = "published", _("Published")
    EXPIRED = "expired", _("Expired")
    ARCHIVED = "archived", _("Archived")


def upload_path(instance, filename: str) -> str:
    """A random name: uploads are public, so their names must not be guessable or personal."""
    import secrets
    from pathlib import PurePath

    suffix = PurePath(filename).suffix.lower()[:8]
    return f"content/{timezone.now():%Y/%m}/{secrets.token_urlsafe(16)}{suffix}"


class Topic(models.Model):
    """A subject items are filed under. `name` is in the company's language; `name_<code>`
    are its translations (see core.translated)."""

    TRANSLATED = ("name",)
    name = models.CharField(_("name"), max_length=80, unique=True)
    name_en = text_in("en", name)
    name_da = text_in("da", name)
    name_nb = text_in("nb", name)
    local_name = Translated("name")

    class Meta:
        ordering = ["name"]
        verbose_name = _("topic")
        verbose_name_plural = _("topics")

    def __str__(self) -> str:
        return self.local_name


class Targeting(models.Model):
    """Who sees something. Everyone, or: within one kind (departments, teams, …) any of the
    chosen ones, and across kinds all of them — "Sales or Marketing, in Oslo"."""

    target_everyone = models.BooleanField(_("everyone"), default=True)
    departments = models.ManyToManyField(
        Department, blank=True, related_name="+", verbose_name=_("departments")
    )
    teams = models.ManyToManyField(Team, blank=True, related_name="+", verbose_name=_("teams"))
    groups = models.ManyToManyField(Group, blank=True, related_name="+", verbose_name=_("groups"))
    locations = models.ManyToManyField(
        Location, blank=True, related_name="+", verbose_name=_("locations")
    )
    # Comma-framed role codes (",manager,analyst,"), so one LIKE finds a role on every database.
    roles = models.CharField(_("roles"), max_length=100, blank=True)

    class Meta:
        abstract = True

    @property
    def role_list(self) -> list[str]:
        return [r for r in self.roles.split(",") if r]

    def set_roles(self, roles) -> None:
        roles = [r for r in roles if r in Role.values]
        self.roles = "," + ",".join(roles) + "," if roles else ""


class FeedSource(Targeting):
    name = models.CharField(_("name"), max_length=200)
    url = models.URLField(_("feed address"), max_length=1000, unique=True)
    auto_publish = models.BooleanField(
        _("publish new entries at once"),
        default=False,
        help_text=_("Otherwise new entries wait in the review queue."),
    )
    topics = models.ManyToManyField(Topic, blank=True, related_name="+", verbose_name=_("topics"))
    goal = models.CharField(_("goal"), max_length=24, choices=Goal.choices, default=Goal.AWARENESS)
    is_active = models.BooleanField(_("active"), default=True)
    created_by = models.ForeignKey(
        Employee, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    last_polled_at = models.DateTimeField(_("last checked"), null=True, blank=True)
    last_success_at = models.DateTimeField(_("last success"), null=True, blank=True)
    last_error = models.CharField(_("last error"), max_length=500, blank=True)
    last_error_at = models.DateTimeField(_("last error at"), null=True, blank=True)
    entries_imported = models.PositiveIntegerField(_("entries imported"), default=0)
    etag = models.CharField(max_length=200, blank=True)
    last_modified = models.CharField(max_length=100, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("feed")
        verbose_name_plural = _("feeds")

    def __str__(self) -> str:
        return self.name

    @property
    def is_healthy(self) -> bool:
        return self.last_success_at is not None and (
            not self.last_error_at or self.last_error_at < self.last_success_at
        )


class ContentItem(Targeting):
    title = models.CharField(_("title"), max_length=300)
    commentary = models.TextField(
        _("curator's commentary"),
        blank=True,
        help_text=_("Why this matters, in a few lines: advocates see it above the post."),
    )
    url = models.URLField(_("link"), max_length=1000, blank=True)
    canonical_url = models.URLField(max_length=1000, blank=True, db_index=True)
    image = models.ImageField(_("image"), upload_to=upload_path, blank=True)
    image_url = models.URLField(_("image address"), max_length=1000, blank=True)
    site_name = models.CharField(_("site"), max_length=200, blank=True)
    language = models.CharField(
        _("language"), max_length=5, choices=Language.choices, default=Language.ENGLISH
    )
    topics = models.ManyToManyField(
        Topic, blank=True, related_name="items", verbose_name=_("topics")
    )
    goal = models.CharField(_("goal"), max_length=24, choices=Goal.choices, default=Goal.AWARENESS)
    featured = models.BooleanField(_("featured"), default=False)
    points_override = models.PositiveIntegerField(
        _("points"), null=True, blank=True, help_text=_("Empty: the usual points for a share.")
    )
    publish_at = models.DateTimeField(_("publish at"), null=True, blank=True)
    expire_at = models.DateTimeField(_("expire at"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    created_by = models.ForeignKey(
        Employee,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    suggested_by = models.ForeignKey(
        Employee,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="suggestions",
        verbose_name=_("suggested by"),
    )
    reshare_on_company_channels = models.BooleanField(
        _("reshare on the company's own channels"), default=False
    )
    source = models.ForeignKey(
        FeedSource,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="items",
        verbose_name=_("feed"),
    )
    source_guid = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    published_at = models.DateTimeField(_("published"), null=True, blank=True, db_index=True)

    class Meta:
        ordering = ["-featured", "-published_at", "-created_at"]
        verbose_name = _("content item")
        verbose_name_plural = _("content items")
        constraints = [
            models.UniqueConstraint(
                fields=["source", "source_guid"],
                condition=models.Q(source__isnull=False),
                name="content_item_unique_feed_entry",
            )
        ]
        indexes = [models.Index(fields=["status", "publish_at", "expire_at"])]

    def __str__(self) -> str:
        return self.title

    @property
    def picture(self) -> str:
        """The image to show: an upload, else the page's own image."""
        return self.image.url if self.image else self.image_url


class ContentVariant(models.Model):
    """The item's title and commentary in another language than its own."""

    item = models.ForeignKey(ContentItem, on_delete=models.CASCADE, related_name="variants")
    language = models.CharField(_("language"), max_length=5, choices=Language.choices)
    title = models.CharField(_("title"), max_length=300)
    commentary = models.TextField(_("curator's commentary"), blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["item", "language"], name="variant_unique_language")
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.language})"


class SuggestedText(models.Model):
    """A ready-to-edit post for one network in one language."""

    item = models.ForeignKey(ContentItem, on_delete=models.CASCADE, related_name="texts")
    network = models.CharField(_("network"), max_length=12, choices=NETWORKS)
    language = models.CharField(_("language"), max_length=5, choices=Language.choices)
    text = models.TextField(_("text"))

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["item", "network", "language"], name="suggested_text_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.network}/{self.language}: {self.text[:40]}"


class StatusChange(models.Model):
    """The item's history: who moved it from which status to which, and why."""

    item = models.ForeignKey(ContentItem, on_delete=models.CASCADE, related_name="history")
    from_status = models.CharField(max_length=12, choices=Status.choices, blank=True)
    to_status = models.CharField(max_length=12, choices=Status.choices)
    by = models.ForeignKey(
        Employee, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    comment = models.TextField(blank=True)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.item_id}: {self.from_status} → {self.to_status}"
