"""The social media policy in versions (a text per language), who accepted which version and
when, the programme's enablement settings, and the checklist steps a person ticks themselves."""

from __future__ import annotations

from urllib.parse import urlsplit

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from advocato.content.models import Goal
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


# --- Training: modules, their quizzes, attempts and completions ----------------------------------


class Translated:
    """`text("body", "da")`: a field's text in one language ("" when not written)."""

    def text(self, field: str, language: str) -> str:
        return getattr(self, f"{field}_{language}", "") or ""


class TrainingModule(Translated, models.Model):
    """A lesson (text with images, an optional video) and its quiz. Passing the quiz completes
    the module and earns its points once. Drafts are seen only by curators and admins."""

    title_en = models.CharField(_("title in English"), max_length=200, blank=True)
    title_da = models.CharField(_("title in Danish"), max_length=200, blank=True)
    title_nb = models.CharField(_("title in Norwegian"), max_length=200, blank=True)
    body_en = models.TextField(_("lesson in English"), blank=True, help_text=BODY_HELP)
    body_da = models.TextField(_("lesson in Danish"), blank=True, help_text=BODY_HELP)
    body_nb = models.TextField(_("lesson in Norwegian"), blank=True, help_text=BODY_HELP)
    video_url = models.URLField(
        _("video"),
        blank=True,
        help_text=_("A YouTube or Vimeo address is shown in the page; any other as a link."),
    )
    minutes = models.PositiveSmallIntegerField(_("minutes it takes"), default=10)
    pass_mark = models.PositiveSmallIntegerField(_("pass mark (% of questions right)"), default=80)
    attempts_per_day = models.PositiveSmallIntegerField(
        _("attempts per day"),
        default=3,
        help_text=_("How often a person may try the quiz in one day before passing. 0: no limit."),
    )
    points = models.PositiveSmallIntegerField(
        _("points for passing"), default=20, help_text=_("Paid once per person, at most 200.")
    )
    position = models.PositiveSmallIntegerField(_("order"), default=0)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    created_by = models.ForeignKey(
        Employee, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = _("training module")
        verbose_name_plural = _("training modules")

    def __str__(self) -> str:
        return self.title_en or self.title_da or self.title_nb or f"#{self.pk}"

    @property
    def is_published(self) -> bool:
        return self.published_at is not None


class QuizQuestion(Translated, models.Model):
    class Kind(models.TextChoices):
        SINGLE = "single", _("One right answer")
        MULTIPLE = "multiple", _("Several right answers (tick all)")

    module = models.ForeignKey(TrainingModule, on_delete=models.CASCADE, related_name="questions")
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices, default=Kind.SINGLE)
    text_en = models.CharField(_("question in English"), max_length=500, blank=True)
    text_da = models.CharField(_("question in Danish"), max_length=500, blank=True)
    text_nb = models.CharField(_("question in Norwegian"), max_length=500, blank=True)
    explanation_en = models.TextField(_("explanation in English"), blank=True)
    explanation_da = models.TextField(_("explanation in Danish"), blank=True)
    explanation_nb = models.TextField(_("explanation in Norwegian"), blank=True)
    position = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = _("quiz question")
        verbose_name_plural = _("quiz questions")

    def __str__(self) -> str:
        return self.text_en or self.text_da or self.text_nb or f"#{self.pk}"


class Option(Translated, models.Model):
    question = models.ForeignKey(QuizQuestion, on_delete=models.CASCADE, related_name="options")
    text_en = models.CharField(_("answer in English"), max_length=300, blank=True)
    text_da = models.CharField(_("answer in Danish"), max_length=300, blank=True)
    text_nb = models.CharField(_("answer in Norwegian"), max_length=300, blank=True)
    correct = models.BooleanField(_("right answer"), default=False)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = _("answer option")
        verbose_name_plural = _("answer options")

    def __str__(self) -> str:
        return self.text_en or self.text_da or self.text_nb or f"#{self.pk}"


class QuizAttempt(models.Model):
    """One hand-in of a module's quiz: the options ticked per question, graded when handed in.
    `token` is the form's own key, so pressing "hand in" twice records one attempt."""

    employee = models.ForeignKey(Employee, on_delete=models.CASCADE, related_name="quiz_attempts")
    module = models.ForeignKey(TrainingModule, on_delete=models.CASCADE, related_name="attempts")
    token = models.CharField(max_length=32)
    # {question id: [option ids ticked]}, as handed in.
    answers = models.JSONField(default=dict)
    right = models.PositiveSmallIntegerField(default=0)
    total = models.PositiveSmallIntegerField(default=0)
    score = models.PositiveSmallIntegerField(default=0)  # percent
    passed = models.BooleanField(default=False)
    at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["employee", "token"], name="quiz_attempt_once")
        ]

    def __str__(self) -> str:
        return f"{self.employee_id} {self.module_id} {self.score}%"


class TrainingCompletion(models.Model):
    """The first pass of a module's quiz by a person: one row ever, whatever came after."""

    employee = models.ForeignKey(
        Employee, on_delete=models.CASCADE, related_name="training_completions"
    )
    module = models.ForeignKey(TrainingModule, on_delete=models.CASCADE, related_name="completions")
    attempt = models.ForeignKey(QuizAttempt, on_delete=models.SET_NULL, null=True, related_name="+")
    passed_at = models.DateTimeField(default=timezone.now)
    points = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["-passed_at"]
        constraints = [
            models.UniqueConstraint(fields=["employee", "module"], name="training_passed_once")
        ]

    def __str__(self) -> str:
        return f"{self.employee_id} {self.module_id}"


# --- The programme plan ------------------------------------------------------------------------


class ProgrammePlan(Translated, models.Model):
    """The programme team's one-page plan (one row, pk=1): who does what, why, and how often
    it is evaluated. Objectives per goal are `PlanObjective` rows."""

    class Rhythm(models.TextChoices):
        MONTHLY = "monthly", _("Every month")
        QUARTERLY = "quarterly", _("Every quarter")
        HALF_YEARLY = "half_yearly", _("Every half year")

    purpose_en = models.TextField(_("why we run the programme, in English"), blank=True,
                                  help_text=BODY_HELP)  # fmt: skip
    purpose_da = models.TextField(_("why we run the programme, in Danish"), blank=True,
                                  help_text=BODY_HELP)  # fmt: skip
    purpose_nb = models.TextField(_("why we run the programme, in Norwegian"), blank=True,
                                  help_text=BODY_HELP)  # fmt: skip
    decision_maker = models.ForeignKey(
        Employee, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("decision maker"),
    )  # fmt: skip
    data_owner = models.ForeignKey(
        Employee, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("data owner"), help_text=_("Keeps the figures and the targets."),
    )  # fmt: skip
    story_owner = models.ForeignKey(
        Employee, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("story owner"), help_text=_("Tells the success stories inside the company."),
    )  # fmt: skip
    ambassadors = models.ManyToManyField(
        Employee, blank=True, related_name="+", verbose_name=_("ambassadors")
    )
    departments = models.ManyToManyField(
        "people.Department", blank=True, related_name="+",
        verbose_name=_("departments taking part"),
    )  # fmt: skip
    rhythm = models.CharField(
        _("evaluation rhythm"), max_length=12, choices=Rhythm.choices, default=Rhythm.QUARTERLY
    )
    meetings = models.CharField(
        _("meetings"),
        max_length=300,
        blank=True,
        help_text=_("When the team meets, e.g. every Monday at 9, and a review each month."),
    )
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        Employee, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("programme plan")
        verbose_name_plural = _("programme plan")

    def __str__(self) -> str:
        return str(self._meta.verbose_name)

    @classmethod
    def get(cls) -> ProgrammePlan:
        with acting_as(None):
            return cls.objects.get_or_create(pk=1)[0]


class PlanObjective(Translated, models.Model):
    """What the programme wants for one goal (leads, recruitment, …), measured by a KPI whose
    quarterly target the analysts set."""

    goal = models.CharField(_("goal"), max_length=24, choices=Goal.choices, unique=True)
    objective_en = models.CharField(_("objective in English"), max_length=300, blank=True)
    objective_da = models.CharField(_("objective in Danish"), max_length=300, blank=True)
    objective_nb = models.CharField(_("objective in Norwegian"), max_length=300, blank=True)
    kpi = models.CharField(_("measured by"), max_length=40, blank=True)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("programme objective")
        verbose_name_plural = _("programme objectives")

    def __str__(self) -> str:
        return self.goal


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
