"""Rollups the dashboards read, their fill state, and the analyst's targets and evaluations.

`ShareDay` is the one fact table: one row per share per day of the company's time zone on
which something happened to it (it was posted, it was clicked, it converted). Every dimension
the dashboards filter or group by (employee, department, team, item, network, language, goal,
edited, the weekday and hour it was posted) is copied onto the row when it is counted, so a
dashboard query is a filtered SUM over days × shares, never over clicks. Topics and groups are
many-to-many and filter through a sub-select on item and employee.

Rows are recounted from the raw events for every (share, day) that new events touch, so a
late or replayed click lands in its own day and counting twice is impossible (see rollups.py).
"""

from __future__ import annotations

from decimal import Decimal

from django.core.validators import MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from advocato.content.models import ContentItem
from advocato.core.audit import acting_as
from advocato.people.models import Employee
from advocato.sharing.models import Share


class ShareDay(models.Model):
    share = models.ForeignKey(Share, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    # Dimensions, as they were when the row was counted.
    employee = models.ForeignKey(Employee, on_delete=models.CASCADE, related_name="+")
    department_id = models.IntegerField(null=True)
    team_id = models.IntegerField(null=True)
    item = models.ForeignKey(ContentItem, on_delete=models.CASCADE, related_name="+")
    network = models.CharField(max_length=12)
    language = models.CharField(max_length=5)
    goal = models.CharField(max_length=24)
    edited = models.BooleanField()
    posted_on = models.DateField()  # the local day the share went out
    posted_weekday = models.PositiveSmallIntegerField()  # 0 = Monday
    posted_hour = models.PositiveSmallIntegerField()
    # What the share itself brings, on the day it was posted (zero on other days).
    shares = models.PositiveIntegerField(default=0)
    reach = models.PositiveIntegerField(default=0)  # potential reach: audience at share time
    engaged_shares = models.PositiveIntegerField(default=0)  # shares with engagement figures
    engagement = models.PositiveIntegerField(default=0)  # reactions + comments + reshares
    # The engagement rate's parts: shares with both engagement figures and a known audience.
    rated_engagement = models.PositiveIntegerField(default=0)
    engaged_reach = models.PositiveIntegerField(default=0)
    reactions = models.PositiveIntegerField(default=0)
    comments = models.PositiveIntegerField(default=0)
    reshares = models.PositiveIntegerField(default=0)
    impressions = models.PositiveIntegerField(default=0)
    # Clicks on the share's link on this day.
    clicks = models.PositiveIntegerField(default=0)  # human, not the sharer's own
    unique_clicks = models.PositiveIntegerField(default=0)  # distinct visitors
    referrals = models.PositiveIntegerField(default=0)  # clicks landing on our own domains
    previews = models.PositiveIntegerField(default=0)
    bots = models.PositiveIntegerField(default=0)
    self_clicks = models.PositiveIntegerField(default=0)
    conversions = models.PositiveIntegerField(default=0)  # attributed to the share, any type

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["share", "day"], name="shareday_one_per_day")
        ]
        indexes = [
            models.Index(fields=["day", "network"]),
            models.Index(fields=["posted_on"]),
            models.Index(fields=["employee", "day"]),
            models.Index(fields=["employee", "posted_on"]),
            models.Index(fields=["item", "day"]),
        ]

    def __str__(self) -> str:
        return f"{self.share_id} {self.day}"


class ConversionDay(models.Model):
    """Conversions by type on a share's row (a few rows: conversions are rare)."""

    row = models.ForeignKey(ShareDay, on_delete=models.CASCADE, related_name="by_kind")
    kind = models.CharField(max_length=40)
    count = models.PositiveIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["row", "kind"], name="conversionday_one_per_kind")
        ]

    def __str__(self) -> str:
        return f"{self.kind}: {self.count}"


class FillState(models.Model):
    """How far the rollups are filled from one kind of raw event (one row per source).

    `last_id` is the highest event id counted; `gaps` are ids below it that were missing when
    it was read (on PostgreSQL a transaction can commit after a later id did) and are looked
    for again until they turn up or are old enough to have been rolled back."""

    source = models.CharField(max_length=20, primary_key=True)
    last_id = models.BigIntegerField(default=0)
    gaps = models.JSONField(default=dict)  # {id: first seen missing, epoch seconds}
    last_changed_at = models.DateTimeField(null=True)  # shares: changed_at already counted
    time_zone = models.CharField(max_length=64, blank=True)
    filled_at = models.DateTimeField(null=True)

    def __str__(self) -> str:
        return f"{self.source} ≤ {self.last_id}"


class Settings(models.Model):
    """The admin's measurement settings (one row, pk=1)."""

    cpc = models.DecimalField(
        _("cost per click"),
        max_digits=10,
        decimal_places=2,
        default=Decimal("8.00"),
        validators=[MinValueValidator(0)],
        help_text=_("What a click would cost you as an ad, for earned media value."),
    )
    cpm = models.DecimalField(
        _("cost per thousand reached"),
        max_digits=10,
        decimal_places=2,
        default=Decimal("60.00"),
        validators=[MinValueValidator(0)],
        help_text=_("What reaching a thousand people would cost as an ad."),
    )
    currency = models.CharField(_("currency"), max_length=3, default="DKK")
    own_domains = models.TextField(
        _("your own domains"),
        blank=True,
        help_text=_(
            "One per line, e.g. nordlys.example. Clicks that land there count as referrals; "
            "subdomains are included."
        ),
    )

    class Meta:
        verbose_name = _("measurement settings")
        verbose_name_plural = _("measurement settings")

    def __str__(self) -> str:
        return str(self._meta.verbose_name)

    @classmethod
    def get(cls) -> Settings:

        with acting_as(None):
            return cls.objects.get_or_create(pk=1)[0]

    @property
    def domains(self) -> list[str]:
        return [d.strip().lower().lstrip(".") for d in self.own_domains.splitlines() if d.strip()]


class KPI(models.TextChoices):
    ADOPTION = "adoption", _("Adoption rate")
    ACTIVATION = "activation", _("Activation")
    PARTICIPATION = "participation", _("Active participation")
    SHARES = "shares", _("Shares")
    REACH = "reach", _("Potential reach")
    ENGAGEMENT_RATE = "engagement_rate", _("Engagement rate")
    CLICKS = "clicks", _("Clicks")
    UNIQUE_CLICKS = "unique_clicks", _("Unique clicks")
    REFERRALS = "referrals", _("Referrals")
    CONVERSIONS = "conversions", _("Conversions")
    EMV = "emv", _("Earned media value")


RATE_KPIS = {KPI.ADOPTION, KPI.ACTIVATION, KPI.PARTICIPATION, KPI.ENGAGEMENT_RATE}


class Target(models.Model):
    """A quarterly target for one KPI (conversions: optionally for one type)."""

    year = models.PositiveSmallIntegerField(_("year"))
    quarter = models.PositiveSmallIntegerField(_("quarter"))
    kpi = models.CharField(_("KPI"), max_length=20, choices=KPI.choices)
    conversion_kind = models.CharField(_("conversion type"), max_length=40, blank=True)
    value = models.DecimalField(
        _("target"), max_digits=14, decimal_places=2, validators=[MinValueValidator(0)]
    )
    set_by = models.ForeignKey(Employee, null=True, on_delete=models.SET_NULL, related_name="+")
    set_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["year", "quarter", "kpi", "conversion_kind"]
        constraints = [
            models.UniqueConstraint(
                fields=["year", "quarter", "kpi", "conversion_kind"], name="target_once"
            )
        ]

    def __str__(self) -> str:
        kind = f" ({self.conversion_kind})" if self.conversion_kind else ""
        return f"{self.year} Q{self.quarter} {self.get_kpi_display()}{kind}: {self.value}"


class Evaluation(models.Model):
    """The team's written conclusions and next quarter's plan, kept with the quarter's report."""

    year = models.PositiveSmallIntegerField()
    quarter = models.PositiveSmallIntegerField()
    conclusions = models.TextField(_("what we conclude"), blank=True)
    next_plan = models.TextField(_("our plan for next quarter"), blank=True)
    updated_by = models.ForeignKey(Employee, null=True, on_delete=models.SET_NULL, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["year", "quarter"], name="evaluation_per_quarter")
        ]

    def __str__(self) -> str:
        return f"{self.year} Q{self.quarter}"


class Subscription(models.Model):
    """A scheduled e-mail of the programme summary to one person."""

    class Frequency(models.TextChoices):
        WEEKLY = "weekly", _("Every Monday, for the week before")
        MONTHLY = "monthly", _("On the 1st, for the month before")

    employee = models.ForeignKey(
        Employee, on_delete=models.CASCADE, related_name="+", verbose_name=_("person")
    )
    frequency = models.CharField(_("how often"), max_length=8, choices=Frequency.choices)
    last_period_sent = models.DateField(null=True, blank=True)  # start of the last period sent
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["employee", "frequency"], name="subscription_once")
        ]

    def __str__(self) -> str:
        return f"{self.employee} · {self.frequency}"


class HistoryImport(models.Model):
    """A file of past activity from another platform, uploaded by an admin and checked (a dry
    run); nothing is written until the admin confirms (`analytics.history`)."""

    class Kind(models.TextChoices):
        SHARES = "shares", _("Shares")
        CLICKS = "clicks", _("Clicks")
        CONVERSIONS = "conversions", _("Conversions")

    uploaded_by = models.ForeignKey(Employee, on_delete=models.CASCADE, related_name="+")
    filename = models.CharField(max_length=255)
    kind = models.CharField(_("what the file holds"), max_length=12, choices=Kind.choices)
    data = models.BinaryField()
    created_at = models.DateTimeField(default=timezone.now)
    total_rows = models.PositiveIntegerField(default=0)
    good_rows = models.PositiveIntegerField(default=0)
    problem_count = models.PositiveIntegerField(default=0)
    problems = models.JSONField(default=list)
    imported_at = models.DateTimeField(null=True, blank=True)
    written = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.filename
