"""Shares: an employee's post of a content item on one network, in their own words.

One record fits both ways of sharing: through the network's share dialog (the employee posts,
then confirms — or the first human click on the tracked link confirms it) and, later, direct
posting through a connected account's API (`method="api"`, with the network's post id)."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from advocato.content.models import ContentItem
from advocato.content.services import Localised, localise
from advocato.core.audit import acting_as
from advocato.lib.networks import NETWORKS
from advocato.people.models import Employee

from .crypto import Encrypted

# Networks that can be connected for direct posting. Facebook and Instagram offer no posting to
# personal profiles; they stay on the share dialog and the copy flow.
DIRECT_NETWORKS = [(code, label) for code, label in NETWORKS if code in
                   {"linkedin", "x", "mastodon", "bluesky"}]  # fmt: skip


class Source(models.TextChoices):
    """Where a figure on a share came from; every figure says so."""

    API = "api", _("the network")
    ADVOCATE = "advocate", _("stated by the advocate")
    IMPORT = "import", _("imported")


class PostState(models.TextChoices):
    SCHEDULED = "scheduled", _("scheduled")
    POSTING = "posting", _("posting")
    POSTED = "posted", _("posted")
    HELD = "held", _("waiting for you to reconnect")
    FAILED = "failed", _("not posted")
    REMOVED = "removed", _("removed")


class ShareQuerySet(models.QuerySet):
    def update(self, **kwargs):
        # Every change of a share bumps `changed_at`, also through QuerySet.update() (which
        # skips auto_now): the analytics rollups re-read shares by it.
        kwargs.setdefault("changed_at", timezone.now())
        return super().update(**kwargs)


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
    # The language version of the item the advocate shared (its title names the share on
    # every page and in the link's campaign tag). Empty only on shares made before it was kept.
    language = models.CharField(_("language version"), max_length=8, blank=True)
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
    # Bumped by every save and every QuerySet.update() (ShareQuerySet); the analytics
    # rollups re-read shares changed since their last run.
    changed_at = models.DateTimeField(auto_now=True, db_index=True)

    # Direct posting (method="api"): the connected account, when to post and where it stands.
    account = models.ForeignKey(
        "NetworkAccount", null=True, blank=True, on_delete=models.SET_NULL, related_name="shares"
    )
    post_state = models.CharField(max_length=10, choices=PostState.choices, blank=True)
    scheduled_for = models.DateTimeField(_("post at"), null=True, blank=True, db_index=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    # Set by the worker that claimed the share; only that worker may record the outcome.
    attempt_token = models.CharField(max_length=32, blank=True)
    posting_started_at = models.DateTimeField(null=True, blank=True)
    # Sent to networks that honour one (Mastodon's Idempotency-Key; Bluesky's record key).
    idempotency_key = models.CharField(max_length=40, blank=True)
    engagement_next_at = models.DateTimeField(null=True, blank=True, db_index=True)

    objects = ShareQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["employee", "confirmed_at"])]
        constraints = [
            # One direct post of an item per network on its way at a time: a double-clicked
            # "Post now" must not become two public posts.
            models.UniqueConstraint(
                fields=["employee", "item", "network"],
                condition=models.Q(post_state__in=["scheduled", "posting", "held"]),
                name="share_one_direct_post_on_its_way",
            )
        ]

    def __str__(self) -> str:
        return f"{self.employee} → {self.network}: {self.item}"

    @property
    def version(self) -> Localised:
        """The item's title and commentary in the language version that was shared (shares
        from before the version was kept: the one their advocate reads)."""
        return localise(self.item, self.language or self.employee.language)

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


class NetworkApp(models.Model):
    """The company's app on a network (client id and secret), entered by an admin. A network
    without credentials is not offered for connecting. `base_url` points the adapter elsewhere
    than the real network — the demo and the tests use it for the local fake networks."""

    network = models.CharField(_("network"), max_length=12, choices=DIRECT_NETWORKS, unique=True)
    enabled = models.BooleanField(_("offer to advocates"), default=True)
    client_id = models.CharField(_("client id"), max_length=300, blank=True)
    client_secret_enc = models.TextField(blank=True)
    client_secret = Encrypted()
    base_url = models.URLField(
        _("address of the network"),
        blank=True,
        help_text=_("Leave empty for the real network. Only for testing against another server."),
    )
    # LinkedIn: the products the company's app has in LinkedIn's developer portal. The scopes
    # we ask for follow from them; asking for one the app lacks fails the whole connection.
    linkedin_openid = models.BooleanField(
        _("Sign In with LinkedIn using OpenID Connect"),
        default=True,
        help_text=_(
            "LinkedIn product that gives the scopes openid and profile (the member's name)."
        ),
    )
    linkedin_share = models.BooleanField(
        _("Share on LinkedIn"),
        default=True,
        help_text=_("LinkedIn product that gives the scope w_member_social (posting)."),
    )
    linkedin_analytics = models.BooleanField(
        _("Member analytics"),
        default=False,
        help_text=_(
            "LinkedIn product that gives r_member_postAnalytics and r_member_profileAnalytics "
            "(a post's figures and the member's followers). Tick it only if your app has it; "
            "without it advocates state their followers and figures themselves."
        ),
    )
    # What the network said is wrong with the app or our configuration (a retired LinkedIn API
    # version, an X access level without reads), shown to admins until it goes away.
    problem = models.CharField(max_length=500, blank=True)
    problem_kind = models.CharField(max_length=20, blank=True)  # "version", "reads"
    problem_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("network app")

    def __str__(self) -> str:
        return self.get_network_display()


class MastodonApp(models.Model):
    """Advocato registered as an app on a Mastodon server (done on first use, per server)."""

    instance = models.CharField(max_length=300, unique=True)  # base URL, e.g. https://x.social
    redirect_uri = models.CharField(max_length=500)
    client_id = models.CharField(max_length=300)
    client_secret_enc = models.TextField(blank=True)
    client_secret = Encrypted()
    created_at = models.DateTimeField(default=timezone.now)
    # The server's own rules for a post (GET /api/v2/instance, read when someone connects):
    # null until read, then the composer counts as this server does.
    max_characters = models.PositiveIntegerField(null=True, blank=True)
    characters_reserved_per_url = models.PositiveSmallIntegerField(null=True, blank=True)
    limits_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return self.instance


class NetworkAccount(models.Model):
    """An advocate's connected account on one network. Tokens are encrypted at rest and deleted
    with the row on disconnecting."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("connected")
        RECONNECT = "reconnect", _("needs reconnecting")

    employee = models.ForeignKey(Employee, on_delete=models.CASCADE, related_name="networks")
    network = models.CharField(_("network"), max_length=12, choices=DIRECT_NETWORKS)
    instance = models.CharField(max_length=300, blank=True)  # Mastodon server / Bluesky PDS
    external_id = models.CharField(max_length=300, blank=True)
    handle = models.CharField(max_length=300, blank=True)
    profile_url = models.URLField(max_length=500, blank=True)
    access_token_enc = models.TextField(blank=True)
    access_token = Encrypted()
    refresh_token_enc = models.TextField(blank=True)
    refresh_token = Encrypted()
    app_password_enc = models.TextField(blank=True)
    app_password = Encrypted()
    expires_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.ACTIVE)
    problem = models.CharField(max_length=500, blank=True)
    audience = models.PositiveIntegerField(_("followers / connections"), null=True, blank=True)
    audience_source = models.CharField(max_length=8, choices=Source.choices, blank=True)
    audience_at = models.DateTimeField(null=True, blank=True)
    reminded_for = models.DateTimeField(null=True, blank=True)  # the expiry we reminded about
    connected_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["employee", "network"], name="one_account_per_network")
        ]

    def __str__(self) -> str:
        return f"{self.employee} · {self.get_network_display()} · {self.handle}"

    @property
    def needs_reconnect(self) -> bool:
        return self.status == self.Status.RECONNECT


class EngagementReading(models.Model):
    """Every engagement figure read or entered for a share, with its source: the history
    behind the latest figures on `Share`."""

    share = models.ForeignKey(Share, on_delete=models.CASCADE, related_name="readings")
    at = models.DateTimeField(default=timezone.now)
    source = models.CharField(max_length=8, choices=Source.choices)
    reactions = models.PositiveIntegerField(null=True)
    comments = models.PositiveIntegerField(null=True)
    reshares = models.PositiveIntegerField(null=True)
    impressions = models.PositiveIntegerField(null=True)
    members_reached = models.PositiveIntegerField(null=True)

    class Meta:
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"{self.share_id} @ {self.at:%Y-%m-%d %H:%M} ({self.source})"


class SharingLimits(models.Model):
    """The admin's healthy limits (one row, pk=1): how many posts a person makes per day on
    each network, the hours Advocato posts for people, and the guideline's balance between the
    company's content and a person's own posts. Days and hours are the person's own (their
    time zone on their profile): a night is a night where the person is."""

    per_day = models.PositiveSmallIntegerField(
        _("shares per person per day on each network"),
        default=0,
        help_text=_("0: no limit."),
    )
    keep_hours = models.BooleanField(
        _("post for people only within sharing hours"),
        default=False,
        help_text=_(
            "Scheduled and direct posts go out only in these hours, in each person's own "
            "time zone. Posts a person makes through the network's own dialog are theirs."
        ),
    )
    earliest_hour = models.PositiveSmallIntegerField(_("from (hour)"), default=8)
    latest_hour = models.PositiveSmallIntegerField(
        _("until (hour)"), default=20, help_text=_("Posts go out before this hour (24: midnight).")
    )
    weekends = models.BooleanField(_("also at weekends"), default=False)
    company_share = models.PositiveSmallIntegerField(
        _("company content: at most this percentage of a person's posts"),
        default=0,
        help_text=_(
            "The guideline's balance between the company's content and people's own posts. "
            "0: no guideline."
        ),
    )

    class Meta:
        verbose_name = _("sharing limits")
        verbose_name_plural = _("sharing limits")

    def __str__(self) -> str:
        return str(self._meta.verbose_name)

    @classmethod
    def get(cls) -> SharingLimits:
        with acting_as(None):
            return cls.objects.get_or_create(pk=1)[0]


class OwnPostsStatement(models.Model):
    """How many posts of their own (not the company's content) a person says they made in the
    last 30 days: the only own posts Advocato knows of. The newest statement counts."""

    employee = models.ForeignKey(Employee, on_delete=models.CASCADE, related_name="own_posts")
    count = models.PositiveIntegerField(_("posts of your own in the last 30 days"))
    stated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-stated_at"]

    def __str__(self) -> str:
        return f"{self.employee}: {self.count}"
