"""Recognition and rewards: point rules (versioned), the points ledger (append-only), the
per-employee daily scores the leaderboards read, badges, challenges, the rewards catalogue and
redemptions, kudos and the employee of the month.

The ledger (`PointEntry`) is the truth. Every entry names why it exists: its `source` key
("click:17", "share:4", "redeem:9", …, unique — the fold's idempotency key), the rule version
that priced it, and the share/click/conversion/item/redemption it came from. Nothing in it is
ever updated or deleted by the product: a correction is a new, reversing entry with a reason.
`Wallet` (spendable balance) and `DailyScore` (earned points and counts per employee, company
day, goal and network) are running sums of the ledger, written in the same transaction as the
entries they sum; `services.verify()` proves they agree and `rebuild_scores()` rebuilds them.
"""

from __future__ import annotations

from decimal import Decimal

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from advocato.core.translated import Translated, text_in
from advocato.lib.networks import NETWORKS
from advocato.people.models import Department, Employee, Group, Team

DEFAULT_CONVERSION_POINTS = {"lead": 25, "application": 25, "signup": 10}


class RuleVersion(models.Model):
    """The point rules from `effective_from` on. A change is a new version; events are priced
    by the version in force at the moment they happened, so old points never change."""

    effective_from = models.DateTimeField(_("in force from"), default=timezone.now, db_index=True)
    created_by = models.ForeignKey(
        Employee, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    note = models.CharField(_("why the change"), max_length=200, blank=True)

    share_points = models.PositiveIntegerField(_("points per share"), default=10)
    # {network: points} for networks that earn differently from `share_points`.
    network_points = models.JSONField(_("points per share, by network"), default=dict, blank=True)
    featured_multiplier = models.DecimalField(
        _("multiplier for featured items"),
        max_digits=4,
        decimal_places=2,
        default=Decimal("2.00"),
        help_text=_("Applies to the points for sharing a featured item and its clicks."),
    )
    click_points = models.PositiveIntegerField(_("points per click received"), default=1)
    # {conversion type: points}; types not listed earn `conversion_points`.
    conversion_by_kind = models.JSONField(
        _("points per conversion, by type"), default=dict, blank=True
    )
    conversion_points = models.PositiveIntegerField(
        _("points per conversion of another type"), default=10
    )
    suggestion_points = models.PositiveIntegerField(
        _("points per suggestion published"), default=15
    )
    streak_points = models.PositiveIntegerField(
        _("points per week of a sharing streak"),
        default=10,
        help_text=_("For every week with a share that follows a week with a share."),
    )
    share_cap = models.PositiveIntegerField(
        _("shares that earn points per day"), default=5, help_text=_("0: no limit.")
    )
    click_cap = models.PositiveIntegerField(
        _("clicks that earn points per day"), default=50, help_text=_("0: no limit.")
    )
    conversion_cap = models.PositiveIntegerField(
        _("conversions that earn points per day"), default=10, help_text=_("0: no limit.")
    )
    share_click_cap = models.PositiveIntegerField(
        _("clicks that earn points per share per day"),
        default=20,
        help_text=_("0: no limit."),
    )
    burst_visitor_clicks = models.PositiveIntegerField(
        _("hold clicks from one visitor on one link from"),
        default=10,
        help_text=_(
            "A visitor (one network, whatever browsers it uses) clicking one link this often "
            "in a day is held for review. 0: never."
        ),
    )
    burst_per_minute = models.PositiveIntegerField(
        _("hold clicks on one share above, per minute"),
        default=30,
        help_text=_("More clicks than this within a minute on one share are held. 0: never."),
    )

    class Meta:
        ordering = ["-effective_from", "-id"]
        verbose_name = _("point rules")
        verbose_name_plural = _("point rules")

    def __str__(self) -> str:
        return f"{self._meta.verbose_name} {self.effective_from:%Y-%m-%d %H:%M}"

    def conversion_for(self, kind: str) -> int:
        return int(self.conversion_by_kind.get(kind, self.conversion_points))

    def share_for(self, network: str) -> int:
        return int(self.network_points.get(network, self.share_points))


class PointEntry(models.Model):
    """One line of an employee's points: earned, spent, refunded or corrected. Append-only."""

    class Kind(models.TextChoices):
        SHARE = "share", _("Share")
        CLICK = "click", _("Click")
        CONVERSION = "conversion", _("Conversion")
        SUGGESTION = "suggestion", _("Suggestion published")
        STREAK = "streak", _("Weekly streak")
        TRAINING = "training", _("Training passed")
        REVERSAL = "reversal", _("Correction")
        REDEMPTION = "redemption", _("Reward")
        REFUND = "refund", _("Refund")

    # Why an event earned nothing (or something special): shown to the advocate.
    class Reason(models.TextChoices):
        NONE = "", ""
        FEATURED = "featured", _("featured item")
        OVERRIDE = "override", _("points set for this item")
        CAP = "cap", _("daily limit reached")
        SELF = "self", _("your own click")
        REPEAT = "repeat", _("the same visitor again today")
        DUPLICATE = "duplicate", _("already shared on this network")
        SHARE_CAP = "share_cap", _("daily limit for this share reached")
        HELD = "held", _("held for review")
        WAITING = "waiting", _("waiting for confirmation")
        REPORTED = "reported", _("already counted from another report")
        CONFIRMED = "confirmed", _("confirmed by the company's server")
        APPROVED = "approved", _("approved by an admin")
        DECLINED = "declined", _("not approved by an admin")

    employee = models.ForeignKey(Employee, on_delete=models.CASCADE, related_name="points")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    points = models.IntegerField()
    # When it counts: the event's time (a correction counts when its entry did).
    at = models.DateTimeField(db_index=True)
    created_at = models.DateTimeField(default=timezone.now)
    source = models.CharField(max_length=80, unique=True)
    reason = models.CharField(max_length=12, choices=Reason.choices, blank=True)
    note = models.CharField(max_length=300, blank=True)
    rules = models.ForeignKey(
        RuleVersion, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    share = models.ForeignKey(
        "sharing.Share", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    click = models.ForeignKey(
        "links.Click", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    conversion = models.ForeignKey(
        "links.Conversion", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    item = models.ForeignKey(
        "content.ContentItem", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    redemption = models.ForeignKey(
        "Redemption", on_delete=models.SET_NULL, null=True, blank=True, related_name="entries"
    )
    reverses = models.OneToOneField(
        "self", on_delete=models.CASCADE, null=True, blank=True, related_name="reversed_by"
    )
    # The held or waiting entry this one settles: paying it (approved, confirmed) or not.
    resolves = models.OneToOneField(
        "self", on_delete=models.CASCADE, null=True, blank=True, related_name="resolved_by"
    )
    by = models.ForeignKey(
        Employee, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # Denormalised from the share, so scores can be kept by goal and network.
    goal = models.CharField(max_length=24, blank=True)
    network = models.CharField(max_length=12, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["employee", "kind", "at"])]
        verbose_name = _("points entry")
        verbose_name_plural = _("points ledger")

    def __str__(self) -> str:
        return f"{self.employee_id} {self.points:+d} {self.source}"

    @property
    def earning(self) -> bool:
        return self.kind not in {self.Kind.REDEMPTION, self.Kind.REFUND}


class Wallet(models.Model):
    """Spendable points: the sum of the employee's ledger, kept in step with it. Redeeming
    locks this row, so two redemptions at once cannot spend the same points."""

    employee = models.OneToOneField(Employee, on_delete=models.CASCADE, related_name="wallet")
    balance = models.IntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.employee_id}: {self.balance}"


class DailyScore(models.Model):
    """Earned points and counted events per employee, company day, goal and network — what
    leaderboards and challenges read (never raw clicks). Spending does not lower a score."""

    employee = models.ForeignKey(Employee, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    goal = models.CharField(max_length=24, blank=True)
    network = models.CharField(max_length=12, blank=True)
    points = models.IntegerField(default=0)
    shares = models.IntegerField(default=0)
    clicks = models.IntegerField(default=0)
    conversions = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["employee", "day", "goal", "network"], name="daily_score_unique"
            )
        ]
        indexes = [models.Index(fields=["day", "employee"])]

    def __str__(self) -> str:
        return f"{self.employee_id} {self.day} {self.points}"


class FoldState(models.Model):
    """How far the fold has read one kind of event (see `services.fold`)."""

    name = models.CharField(max_length=20, primary_key=True)
    # Recent [iso time, highest id seen] marks; a run starts from a mark old enough that no
    # transaction still open then can commit unseen now.
    marks = models.JSONField(default=list)
    scanned_until = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return self.name


class BadgeAward(models.Model):
    employee = models.ForeignKey(Employee, on_delete=models.CASCADE, related_name="badges")
    badge = models.CharField(max_length=24)
    awarded_at = models.DateTimeField(default=timezone.now, db_index=True)
    detail = models.CharField(max_length=100, blank=True)

    class Meta:
        ordering = ["-awarded_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["employee", "badge"], name="badge_awarded_once")
        ]

    def __str__(self) -> str:
        return f"{self.employee_id} {self.badge}"


class Metric(models.TextChoices):
    POINTS = "points", _("Points")
    SHARES = "shares", _("Shares")
    CLICKS = "clicks", _("Clicks")
    CONVERSIONS = "conversions", _("Conversions")


class Challenge(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        SETTLED = "settled", _("Settled")

    # Company-written texts: in the company's language, with translations (core.translated).
    TRANSLATED = ("title", "description", "prize")
    title = models.CharField(_("title"), max_length=200)
    title_en = text_in("en", title)
    title_da = text_in("da", title)
    title_nb = text_in("nb", title)
    description = models.TextField(_("description"), blank=True)
    description_en = text_in("en", description)
    description_da = text_in("da", description)
    description_nb = text_in("nb", description)
    local_title = Translated("title")
    local_description = Translated("description")
    local_prize = Translated("prize")
    metric = models.CharField(
        _("measured by"), max_length=12, choices=Metric.choices, default=Metric.CLICKS
    )
    goal = models.CharField(
        _("only content with the goal"),
        max_length=24,
        blank=True,
        help_text=_("Empty: all content. E.g. Recruitment, for “most recruitment clicks”."),
    )
    network = models.CharField(
        _("only on the network"), max_length=12, choices=NETWORKS, blank=True
    )
    # Audience: everyone, or any of the chosen departments, teams and groups.
    departments = models.ManyToManyField(
        Department, blank=True, related_name="+", verbose_name=_("departments")
    )
    teams = models.ManyToManyField(Team, blank=True, related_name="+", verbose_name=_("teams"))
    groups = models.ManyToManyField(Group, blank=True, related_name="+", verbose_name=_("groups"))
    starts_on = models.DateField(_("first day"))
    ends_on = models.DateField(_("last day"))
    prize = models.CharField(_("prize"), max_length=200)
    prize_en = text_in("en", prize)
    prize_da = text_in("da", prize)
    prize_nb = text_in("nb", prize)
    winners = models.PositiveSmallIntegerField(_("number of winners"), default=1)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.OPEN)
    settled_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        Employee, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-starts_on", "-id"]
        verbose_name = _("challenge")
        verbose_name_plural = _("challenges")

    def __str__(self) -> str:
        return self.local_title


class ChallengeWinner(models.Model):
    challenge = models.ForeignKey(Challenge, on_delete=models.CASCADE, related_name="results")
    employee = models.ForeignKey(Employee, on_delete=models.CASCADE, related_name="+")
    place = models.PositiveSmallIntegerField()
    score = models.IntegerField()

    class Meta:
        ordering = ["place"]
        constraints = [
            models.UniqueConstraint(fields=["challenge", "place"], name="challenge_place_once")
        ]

    def __str__(self) -> str:
        return f"{self.challenge_id} #{self.place}"


class Reward(models.Model):
    class Kind(models.TextChoices):
        GIFT_CARD = "gift_card", _("Gift card")
        TIME_OFF = "time_off", _("Time off")
        DONATION = "donation", _("Donation")
        OTHER = "other", _("Other")

    # Company-written texts: in the company's language, with translations (core.translated).
    TRANSLATED = ("name", "description")
    name = models.CharField(_("name"), max_length=200)
    name_en = text_in("en", name)
    name_da = text_in("da", name)
    name_nb = text_in("nb", name)
    description = models.TextField(_("description"), blank=True)
    description_en = text_in("en", description)
    description_da = text_in("da", description)
    description_nb = text_in("nb", description)
    local_name = Translated("name")
    local_description = Translated("description")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.OTHER)
    price = models.PositiveIntegerField(_("price in points"))
    stock = models.PositiveIntegerField(
        _("in stock"), null=True, blank=True, help_text=_("Empty: unlimited.")
    )
    value = models.DecimalField(
        _("monetary value"),
        max_digits=10,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("For the payroll report. Empty: not a monetary incentive."),
    )
    currency = models.CharField(_("currency"), max_length=3, blank=True)
    is_active = models.BooleanField(_("offered"), default=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["price", "name"]
        verbose_name = _("reward")
        verbose_name_plural = _("rewards")

    def __str__(self) -> str:
        return self.local_name


class Redemption(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for approval")
        APPROVED = "approved", _("Approved")
        DECLINED = "declined", _("Declined")

    employee = models.ForeignKey(Employee, on_delete=models.CASCADE, related_name="redemptions")
    reward = models.ForeignKey(Reward, on_delete=models.PROTECT, related_name="redemptions")
    price = models.PositiveIntegerField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    requested_at = models.DateTimeField(default=timezone.now)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        Employee, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    comment = models.CharField(_("comment"), max_length=300, blank=True)

    class Meta:
        ordering = ["-requested_at", "-id"]
        verbose_name = _("redemption")
        verbose_name_plural = _("redemptions")

    def __str__(self) -> str:
        return f"{self.employee} → {self.reward}"


class Kudos(models.Model):
    giver = models.ForeignKey(Employee, on_delete=models.CASCADE, related_name="kudos_given")
    receiver = models.ForeignKey(Employee, on_delete=models.CASCADE, related_name="kudos_received")
    message = models.TextField(_("message"), max_length=500)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("kudos")
        verbose_name_plural = _("kudos")

    def __str__(self) -> str:
        return f"{self.giver_id} → {self.receiver_id}"


class EmployeeOfMonth(models.Model):
    month = models.DateField(unique=True)  # the first day of the month
    employee = models.ForeignKey(Employee, on_delete=models.CASCADE, related_name="+")
    confirmed_by = models.ForeignKey(
        Employee, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    confirmed_at = models.DateTimeField(default=timezone.now)
    # Why this person: in the company's language, with translations (core.translated).
    TRANSLATED = ("citation",)
    citation = models.CharField(_("why"), max_length=300, blank=True)
    citation_en = text_in("en", citation)
    citation_da = text_in("da", citation)
    citation_nb = text_in("nb", citation)
    local_citation = Translated("citation")

    class Meta:
        ordering = ["-month"]
        verbose_name = _("employee of the month")
        verbose_name_plural = _("employees of the month")

    def __str__(self) -> str:
        return f"{self.month:%Y-%m}: {self.employee}"
