"""Shares: an employee's post of a content item on one network, in their own words.

One record fits both ways of sharing: through the network's share dialog (the employee posts,
then confirms — or the first human click on the tracked link confirms it) and, later, direct
posting through a connected account's API (`method="api"`, with the network's post id)."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from advocato.content.models import ContentItem
from advocato.content.networks import NETWORKS
from advocato.people.models import Employee


class Source(models.TextChoices):
    """Where a figure on a share came from; every figure says so."""

    API = "api", _("the network")
    ADVOCATE = "advocate", _("stated by the advocate")
    IMPORT = "import", _("imported")


class Share(models.Model):
    class Method(models.TextChoices):
        DIALOG = "dialog", _("share dialog")
        COPY = "copy", _("copied text")
        API = "api", _("direct posting")

    class Status(models.TextChoices):
        STARTED = "started", _("started")
        CONFIRMED = "confirmed", _("shared")
        FAILED = "failed", _("failed")

    employee = models.ForeignKey(Employee, on_delete=models.CASCADE, related_name="shares")
    item = models.ForeignKey(ContentItem, on_delete=models.CASCADE, related_name="shares")
    network = models.CharField(_("network"), max_length=12, choices=NETWORKS)
    text = models.TextField(_("text"))
    suggested_text = models.TextField(_("suggested text"), blank=True)
    edited = models.BooleanField(_("edited"), default=False)
    # 0.0 = exactly as suggested, 1.0 = nothing left of it.
    edit_distance = models.FloatField(_("how much was changed"), default=0.0)
    method = models.CharField(max_length=8, choices=Method.choices, default=Method.DIALOG)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.STARTED)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    confirmed_at = models.DateTimeField(null=True, blank=True, db_index=True)
    confirmed_by = models.CharField(max_length=10, blank=True)  # "advocate", "click", "api"
    external_id = models.CharField(max_length=200, blank=True)  # the network's post id (API)
    error = models.CharField(max_length=500, blank=True)
    permalink = models.URLField(_("post address"), max_length=500, blank=True)
    # Potential reach: the sharer's audience (followers/connections) on this network when they
    # shared. Null while unknown.
    audience = models.PositiveIntegerField(_("audience at share time"), null=True, blank=True)
    audience_source = models.CharField(max_length=8, choices=Source.choices, blank=True)
    # The latest engagement figures the network (or a person) gave for this post; null = not
    # reported. Engagement = reactions + comments + reshares.
    reactions = models.PositiveIntegerField(_("reactions"), null=True, blank=True)
    comments = models.PositiveIntegerField(_("comments"), null=True, blank=True)
    reshares = models.PositiveIntegerField(_("reshares"), null=True, blank=True)
    impressions = models.PositiveIntegerField(_("impressions"), null=True, blank=True)
    members_reached = models.PositiveIntegerField(_("members reached"), null=True, blank=True)
    engagement_source = models.CharField(max_length=8, choices=Source.choices, blank=True)
    engagement_at = models.DateTimeField(null=True, blank=True)
    # Bumped by every save; the analytics rollups re-read shares changed since their last run.
    # Code that changes shares with QuerySet.update() must set it too.
    changed_at = models.DateTimeField(auto_now=True, db_index=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["employee", "confirmed_at"])]

    def __str__(self) -> str:
        return f"{self.employee} → {self.network}: {self.item}"

    @property
    def engagement(self) -> int | None:
        parts = [self.reactions, self.comments, self.reshares]
        if all(p is None for p in parts):
            return None
        return sum(p or 0 for p in parts)


class Guidelines(models.Model):
    """The admin's rules for posts, checked live in the composer (one row, pk=1)."""

    banned_phrases = models.TextField(
        _("banned phrases"),
        blank=True,
        help_text=_("One per line. Posts containing any of them cannot be shared."),
    )
    disclosure_tag = models.CharField(
        _("disclosure tag"),
        max_length=60,
        blank=True,
        help_text=_("E.g. #NordlysEmployee — shows readers that you work here."),
    )
    require_disclosure = models.BooleanField(_("require the disclosure tag"), default=False)
    similar_colleagues = models.PositiveSmallIntegerField(
        _("warn when this many colleagues posted nearly the same text"), default=3
    )
    policy_url = models.URLField(_("social media policy"), blank=True)

    class Meta:
        verbose_name = _("guidelines")
        verbose_name_plural = _("guidelines")

    def __str__(self) -> str:
        return str(self._meta.verbose_name)

    @classmethod
    def get(cls) -> Guidelines:
        from advocato.core.audit import acting_as

        with acting_as(None):
            return cls.objects.get_or_create(pk=1)[0]

    @property
    def phrases(self) -> list[str]:
        return [p.strip() for p in self.banned_phrases.splitlines() if p.strip()]


class SharingProfile(models.Model):
    """What the composer remembers for an employee, e.g. their Mastodon server."""

    employee = models.OneToOneField(Employee, on_delete=models.CASCADE, related_name="sharing")
    mastodon_instance = models.CharField(_("your Mastodon server"), max_length=200, blank=True)

    def __str__(self) -> str:
        return f"{self.employee}"
