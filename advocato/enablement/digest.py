"""The weekly personal digest: every Monday morning (company time) each advocate gets, in
their language, the new content targeted at them, their own results of last week beside the
week before, the newest success story and one suggestion of what to do next.

Exactly once per week and person: `DigestState.last_period_sent` is claimed with a
compare-and-swap update before the mail goes out and given back if sending fails — the claim
rule of the programme summaries (`analytics.digest`), done for a batch of people with one
UPDATE (rows still unsent for the week get this run's claim token) and one SELECT (which rows
carry it), so two workers or a second run never send a week twice.

Cost: a batch of people costs the same queries whether it holds 3 or 500 (results of all
people are read once per run; new items once per targeting profile — department, team,
location, role and groups — not per person); a test holds it to that.

Every digest carries a one-click way out (RFC 8058): `List-Unsubscribe` with a signed link
and a mailto, and `List-Unsubscribe-Post`. The HTML is tables with inline styles and no SVG or
pictures of text, with a plain-text alternative.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from email.utils import parseaddr
from typing import Any
from urllib.parse import quote

from django.conf import settings
from django.core import signing
from django.core.mail import get_connection
from django.db.models import Q, QuerySet
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from advocato.content import services as content
from advocato.core.models import Organisation
from advocato.lib import hooks, periods
from advocato.people import mail, privacy
from advocato.people.models import EmailKind, Employee
from advocato.sharing.models import NetworkAccount

from . import stories
from .models import DigestState, PolicyAcceptance, SuccessStory
from .services import current_policy

logger = logging.getLogger(__name__)

BATCH = 500
NEW_ITEMS = 3
UNSUBSCRIBE_SALT = "advocato.unsubscribe"
# Sent from Monday 07:00 company time; a worker that was down catches up until Tuesday night.
SEND_FROM_HOUR = 7


# --- The week --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Week:
    start: date  # a Monday
    end: date  # the Sunday after

    def before(self) -> Week:
        return Week(self.start - timedelta(days=7), self.end - timedelta(days=7))

    def bounds(self, tz) -> tuple[datetime, datetime]:
        return periods.day_start(self.start, tz), periods.day_start(self.end + timedelta(1), tz)


def last_week(today: date) -> Week:
    start = periods.week_start(today) - timedelta(days=7)
    return Week(start, start + timedelta(days=6))


def sending_time(now: datetime | None = None) -> bool:
    """Is it the digest's time in the company: Monday from 07:00, or Tuesday (catching up)?"""
    local = (now or timezone.now()).astimezone(Organisation.get().zone)
    return local.weekday() == 1 or (local.weekday() == 0 and local.hour >= SEND_FROM_HOUR)


def period_name(week: Week) -> str:
    year, number, _day = week.start.isocalendar()
    return _("week %(week)s, %(year)s (%(start)s – %(end)s)") % {
        "week": number,
        "year": year,
        "start": formats.date_format(week.start, "SHORT_DATE_FORMAT"),
        "end": formats.date_format(week.end, "SHORT_DATE_FORMAT"),
    }


# --- Links -----------------------------------------------------------------------------------


def absolute(path: str) -> str:
    return f"{(settings.SITE_URL or 'http://localhost:8000').rstrip('/')}{path}"


def unsubscribe_token(employee: Employee, kind: str = EmailKind.DIGEST) -> str:
    """A signed, lasting token for one person and one kind of e-mail: the one-click way out."""
    return signing.Signer(salt=UNSUBSCRIBE_SALT).sign_object([employee.pk, str(kind)])


def read_unsubscribe_token(token: str) -> tuple[Employee, str] | None:
    try:
        pk, kind = signing.Signer(salt=UNSUBSCRIBE_SALT).unsign_object(token)
    except (signing.BadSignature, ValueError, TypeError):
        return None
    if kind not in EmailKind.values:
        return None
    employee = Employee.objects.filter(pk=pk, is_active=True).first()
    return (employee, kind) if employee else None


def unsubscribe_url(employee: Employee, kind: str = EmailKind.DIGEST) -> str:
    return absolute(reverse("enablement:unsubscribe", args=[unsubscribe_token(employee, kind)]))


def unsubscribe_headers(
    employee: Employee, kind: str = EmailKind.DIGEST, token: str = ""
) -> dict[str, str]:
    """RFC 2369 / RFC 8058 headers: a signed one-click link (POST, no session) and a mailto."""
    token = token or unsubscribe_token(employee, kind)
    mailbox = settings.UNSUBSCRIBE_MAILBOX or parseaddr(settings.DEFAULT_FROM_EMAIL)[1]
    url = absolute(reverse("enablement:unsubscribe", args=[token]))
    return {
        "List-Unsubscribe": f"<{url}>, <mailto:{mailbox}?subject={quote('unsubscribe ' + token)}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }


# --- Who gets it, and the claim ---------------------------------------------------------------


def due(week: Week) -> QuerySet[Employee]:
    """Advocates who can get mail, want the digest, joined before the week ended and have not
    had this week's."""
    tz = Organisation.get().zone
    _start, end = week.bounds(tz)
    return (
        Employee.objects.filter(is_active=True, user__isnull=False, user__date_joined__lt=end)
        .exclude(email="")
        .exclude(email_opt_outs__kind=EmailKind.DIGEST)
        .exclude(digest_state__last_period_sent__gte=week.start)
        .order_by("pk")
    )


def claim(ids: list[int], week: Week) -> tuple[str, set[int], dict[int, date | None]]:
    """Claim this week's digest for whichever of `ids` nobody has claimed: (token, the ids
    this run won, what each row held before — to give back on failure)."""
    DigestState.objects.bulk_create(
        [DigestState(employee_id=pk) for pk in ids], ignore_conflicts=True
    )
    previous = dict(
        DigestState.objects.filter(employee_id__in=ids).values_list(
            "employee_id", "last_period_sent"
        )
    )
    token = secrets.token_hex(16)
    DigestState.objects.filter(employee_id__in=ids).filter(
        Q(last_period_sent__isnull=True) | Q(last_period_sent__lt=week.start)
    ).update(last_period_sent=week.start, claim=token, last_sent_at=timezone.now())
    won = set(
        DigestState.objects.filter(employee_id__in=ids, claim=token).values_list(
            "employee_id", flat=True
        )
    )
    return token, won, previous


def give_back(employee_id: int, token: str, previous: date | None) -> None:
    DigestState.objects.filter(employee_id=employee_id, claim=token).update(
        last_period_sent=previous, claim="", last_sent_at=None
    )


# --- What it says ----------------------------------------------------------------------------


@dataclass
class Run:
    """What every digest of one week shares, read once."""

    week: Week
    results: dict[int, dict]
    before: dict[int, dict]
    story: SuccessStory | None
    story_figures: tuple[dict[int, dict], dict[int, dict]]
    new_items: QuerySet
    policy_id: int | None
    default_language: str
    # Which targeting kinds the new items use: people who differ only in others see the same.
    dimensions: frozenset[str] = frozenset()
    profiles: dict[tuple, list] = field(default_factory=dict)
    urls: dict[str, str] = field(default_factory=dict)
    shown: dict[tuple, stories.ShownStory] = field(default_factory=dict)

    @classmethod
    def start(cls, week: Week) -> Run:
        org = Organisation.get()
        start, end = week.bounds(org.zone)
        story = stories.published().first()
        policy = current_policy()
        new_items = (
            content.visible_items()
            .filter(published_at__gte=start, published_at__lt=end)
            .order_by("-featured", "-published_at", "-pk")
        )
        return cls(
            week=week,
            results=hooks.person_results(week.start, week.end),
            before=hooks.person_results(week.before().start, week.before().end),
            story=story,
            story_figures=stories.figures_for([story]) if story else ({}, {}),
            new_items=new_items,
            dimensions=content.targeting_dimensions(new_items),
            policy_id=policy.pk if policy else None,
            default_language=org.default_language,
        )

    def items_for(self, employee: Employee, group_ids: tuple[int, ...]) -> list:
        """New items targeted at `employee` — `content.targeting_q`, asked once per profile
        (people with the same department, team, location, role and groups see the same)."""
        found = {
            "departments": employee.department_id,
            "teams": employee.team_id,
            "locations": employee.location_id,
            "roles": employee.role,
            "groups": group_ids,
        }
        key = tuple(found[kind] if kind in self.dimensions else None for kind in sorted(found))
        if key not in self.profiles:
            self.profiles[key] = list(
                self.new_items.filter(content.targeting_q(employee)).prefetch_related("variants")[
                    :NEW_ITEMS
                ]
            )
        return self.profiles[key]

    def story_for(self, language: str, named_ids: set[int]) -> stories.ShownStory | None:
        """The newest story in `language`, naming `named_ids` (rendered once per variant)."""
        if self.story is None:
            return None
        key = (language, frozenset(named_ids))
        if key not in self.shown:
            self.shown[key] = stories.show(
                self.story, language, named_ids, self.story_figures, self.default_language
            )
        return self.shown[key]

    def url(self, name: str) -> str:
        if name not in self.urls:
            self.urls[name] = absolute(reverse(name))
        return self.urls[name]


FIGURE_KEYS = ("shares", "clicks", "conversions")


def _figures(now: dict, before: dict) -> list[dict]:
    labels = {"shares": _("Shares"), "clicks": _("Clicks"), "conversions": _("Conversions")}
    return [
        {
            "label": labels[key],
            "value": formats.number_format(now.get(key) or 0, use_l10n=True, force_grouping=True),
            "previous": formats.number_format(
                before.get(key) or 0, use_l10n=True, force_grouping=True
            ),
        }
        for key in FIGURE_KEYS
    ]


def _suggestion(
    employee: Employee, *, accepted: bool, connected: bool, shared: bool, items: list, run: Run
) -> dict[str, str]:
    """One thing worth doing next, the first that applies."""
    if run.policy_id and not accepted:
        return {"text": _("Read and accept the social media policy: it takes a few minutes."),
                "url": run.url("enablement:policy")}  # fmt: skip
    if not connected:
        return {"text": _("Connect a network, so Advocato can post for you at the best time."),
                "url": run.url("shell:profile")}  # fmt: skip
    if not shared and items:
        title = content.localise(items[0], mail.language_of(employee)).title
        return {"text": _("Share “%(title)s” — in your own words.") % {"title": title},
                "url": absolute(reverse("content:item", args=[items[0].pk]))}  # fmt: skip
    return {
        "text": _("Rewrite the suggested text in your own voice: your network wants to hear you."),
        "url": run.url("content:feed"),
    }


@dataclass
class Digest:
    employee: Employee
    context: Any  # a callable: the values, computed in the reader's language
    token: str  # the one-click unsubscribe token


def build(run: Run, employees: list[Employee]) -> list[Digest]:
    """The digests of a batch of people (a fixed number of queries for the batch)."""
    ids = [e.pk for e in employees]
    connected = set(
        NetworkAccount.objects.filter(employee_id__in=ids).values_list("employee_id", flat=True)
    )
    accepted = (
        set(
            PolicyAcceptance.objects.filter(
                version_id=run.policy_id, employee_id__in=ids
            ).values_list("employee_id", flat=True)
        )
        if run.policy_id
        else set()
    )
    # Who may read whose name: each person in the story, for the whole batch at once.
    story_people = stories.people_in(run.story) if run.story is not None else []
    allowed = {p.pk: privacy.may_name_among(employees, p) for p in story_people}
    digests = []
    for employee in employees:
        group_ids = tuple(sorted(g.pk for g in employee.groups.all()))
        items = run.items_for(employee, group_ids)
        now, before = run.results.get(employee.pk, {}), run.before.get(employee.pk, {})
        token = unsubscribe_token(employee)
        digests.append(
            Digest(
                employee,
                _context(run, employee, items, now, before,
                         named_ids={pk for pk, who in allowed.items() if employee.pk in who},
                         accepted=employee.pk in accepted,
                         connected=employee.pk in connected, token=token),
                token,
            )
        )  # fmt: skip
    return digests


def _context(run, employee, items, now, before, *, named_ids, accepted, connected, token):
    def values() -> dict:
        language = mail.language_of(employee)
        story = run.story_for(language, named_ids)
        return {
            "week": run.week,
            "period_name": period_name(run.week),
            "items": [
                {
                    "title": content.localise(item, language).title,
                    "url": absolute(reverse("content:item", args=[item.pk])),
                }
                for item in items
            ],
            "figures": _figures(now, before),
            "shared": bool(now.get("shares")),
            "story": story,
            "story_url": absolute(reverse("enablement:story", args=[story.pk])) if story else "",
            "suggestion": _suggestion(
                employee,
                accepted=accepted,
                connected=connected,
                shared=bool(now.get("shares")),
                items=items,
                run=run,
            ),
            "preferences_url": run.url("enablement:email_preferences"),
            "unsubscribe_url": absolute(reverse("enablement:unsubscribe", args=[token])),
            "home_url": run.url("home"),
        }

    return values


def message(digest: Digest, connection=None):
    return mail.compose(
        digest.employee,
        subject=lambda values: render_to_string("enablement/digest/subject.txt", values),
        text_template="enablement/digest/email.txt",
        html_template="enablement/digest/email.html",
        context=digest.context,
        connection=connection,
        headers={
            "Auto-Submitted": "auto-generated",
            **unsubscribe_headers(digest.employee, token=digest.token),
        },
    )


def _batches(people: QuerySet[Employee], size: int) -> Iterable[list[int]]:
    ids: list[int] = list(people.values_list("pk", flat=True))
    for n in range(0, len(ids), size):
        yield ids[n : n + size]


def send_digests(today: date | None = None, *, batch: int = BATCH) -> int:
    """Send last week's digest to everyone it is due; returns how many went out. One failing
    address does not stop the others: its week is given back and tried on the next run."""
    today = today or Organisation.get().today()
    week = last_week(today)
    run: Run | None = None
    sent = 0
    connection = get_connection()
    with connection:
        for ids in _batches(due(week), batch):
            token, won, previous = claim(list(ids), week)
            if not won:
                continue
            run = run or Run.start(week)
            people = list(
                Employee.objects.filter(pk__in=won).prefetch_related("groups").order_by("pk")
            )
            for digest in build(run, people):
                try:
                    message(digest, connection).send()
                except Exception:
                    logger.exception("Digest e-mail to employee %s failed", digest.employee.pk)
                    give_back(digest.employee.pk, token, previous.get(digest.employee.pk))
                    continue
                sent += 1
    return sent


# --- Preferences -----------------------------------------------------------------------------


def choices(employee: Employee) -> dict[str, bool]:
    """Which kinds of e-mail the person gets (every kind; off where they turned it off)."""
    off = set(employee.email_opt_outs.values_list("kind", flat=True))
    return {kind: kind not in off for kind in EmailKind.values}


def save_choices(employee: Employee, wanted: dict[str, bool]) -> None:
    for kind, on in wanted.items():
        mail.set_wanted(employee, kind, on)


def personal_data(employee: Employee) -> dict[str, list[dict]]:
    """E-mail choices and the last digest, for "My data"."""
    labels = dict(EmailKind.choices)
    state = DigestState.objects.filter(employee=employee).first()
    return {
        "email_preferences": [
            {"kind_of_email": str(labels[kind]), "wanted": on}
            for kind, on in choices(employee).items()
        ],
        "digests": [
            {"week": state.last_period_sent, "sent": state.last_sent_at}
            for state in ([state] if state and state.last_period_sent else [])
        ],
    }
