"""Re-activation: a friendly e-mail to advocates who have not shared for a while, and who
lapsed for their managers.

*Lapsed* = registered and active, shared at least once (people who never shared are the
onboarding checklist's business), and no share made in the last `lapsed_after_days` (a share
started or scheduled in that time counts as taking part). A lapsed person gets at most one
nudge per `every_days`, in their language, through `people.mail.send(kind=NUDGE)` — nothing
to a person who turned nudges off. Each nudge is claimed first with a compare-and-swap update
of `Nudge.last_sent_at` (as the summary e-mails claim their period), so two workers, a retry
or a second run never nudge a person twice; a send that fails gives the claim back.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from django.db.models import Exists, F, Max, OuterRef, Q, QuerySet, Subquery
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from advocato.content.services import feed_for, localise
from advocato.core.models import Organisation
from advocato.people import mail, privacy
from advocato.people.models import EmailKind, EmailOptOut, Employee
from advocato.people.services import in_programme
from advocato.sharing.models import Share
from advocato.sharing.services import shared_since, sharers_since

from . import digest
from .chat.services import absolute
from .models import Nudge, NudgeSettings

logger = logging.getLogger(__name__)


def cutoffs(now: datetime, rules: NudgeSettings) -> tuple[datetime, datetime]:
    return now - timedelta(days=rules.lapsed_after_days), now - timedelta(days=rules.every_days)


def lapsed(now: datetime | None = None, rules: NudgeSettings | None = None) -> QuerySet[Employee]:
    """Everyone who lapsed, with `last_shared` (their newest confirmed share) and
    `nudged_at` (their last nudge, or None)."""
    now = now or timezone.now()
    rules = rules or NudgeSettings.get()
    since, _every = cutoffs(now, rules)
    confirmed = Share.objects.filter(confirmed_at__isnull=False, employee=OuterRef("pk"))
    recent = Share.objects.filter(
        Q(created_at__gte=since) | (Q(confirmed_at__isnull=False) & shared_since(since))
    ).values("employee_id")
    return (
        in_programme()
        .filter(user__isnull=False, pk__in=sharers_since(None))
        .exclude(pk__in=recent)
        .annotate(
            last_shared=Subquery(
                confirmed.values("employee_id").annotate(m=Max("created_at")).values("m")[:1]
            ),
            nudged_at=Subquery(
                Nudge.objects.filter(employee=OuterRef("pk")).values("last_sent_at")[:1]
            ),
        )
        .select_related("department", "team")
        .order_by("last_shared", "name", "pk")
    )


def due(now: datetime | None = None, rules: NudgeSettings | None = None) -> QuerySet[Employee]:
    """Lapsed people to nudge now: not nudged within `every_days`, nudges not turned off."""
    now = now or timezone.now()
    rules = rules or NudgeSettings.get()
    _since, every = cutoffs(now, rules)
    turned_off = EmailOptOut.objects.filter(employee=OuterRef("pk"), kind=EmailKind.NUDGE)
    return (
        lapsed(now, rules)
        .exclude(Exists(turned_off))
        .exclude(email="")
        .filter(Q(nudged_at__isnull=True) | Q(nudged_at__lt=every))
    )


def unsubscribe_token(employee: Employee) -> str:
    """The digest's signed one-click token, for the nudge kind: one token scheme for every
    e-mail a person can turn off."""
    return digest.unsubscribe_token(employee, EmailKind.NUDGE)


def employee_from_token(token: str) -> Employee | None:
    found = digest.read_unsubscribe_token(token)
    if found is None or found[1] != EmailKind.NUDGE:
        return None
    return found[0]


def _context(employee: Employee, last_shared) -> dict:
    language = get_language() or "en"
    items = list(feed_for(employee).prefetch_related("variants")[:3])
    off = absolute(reverse("enablement:nudges_off", args=[unsubscribe_token(employee)]))
    return {
        "last_shared": last_shared,
        "items": [
            {
                "title": localise(item, language).title,
                "url": absolute(reverse("content:item", args=[item.pk])),
            }
            for item in items
        ],
        "feed_url": absolute(reverse("content:feed")),
        "off_url": off,
    }


def nudge(employee: Employee, now: datetime, rules: NudgeSettings) -> bool:
    """Claim, then send, one nudge. Returns whether it went out."""
    _since, every = cutoffs(now, rules)
    Nudge.objects.get_or_create(employee=employee)
    before = Nudge.objects.filter(employee=employee).values("last_sent_at", "sent_count").get()
    claimed = (
        Nudge.objects.filter(employee=employee)
        .filter(Q(last_sent_at__isnull=True) | Q(last_sent_at__lt=every))
        .update(last_sent_at=now, sent_count=F("sent_count") + 1)
    )
    if claimed != 1:  # another worker nudged them a moment ago
        return False
    last_shared = getattr(employee, "last_shared", None)
    off = absolute(reverse("enablement:nudges_off", args=[unsubscribe_token(employee)]))
    try:
        went = mail.send(
            employee,
            kind=EmailKind.NUDGE,
            subject=lambda values: _("We miss your posts, %(name)s") % {"name": employee.name},
            text_template="enablement/email/nudge.txt",
            html_template="enablement/email/nudge.html",
            context=lambda: _context(employee, last_shared),
            headers={
                "Auto-Submitted": "auto-generated",
                "List-Unsubscribe": f"<{off}>",
                "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            },
        )
    except Exception:
        Nudge.objects.filter(employee=employee, last_sent_at=now).update(**before)
        raise
    if not went:  # turned off meanwhile: no nudge was sent, so none is recorded
        Nudge.objects.filter(employee=employee, last_sent_at=now).update(**before)
    return went


def send_nudges(now: datetime | None = None) -> int:
    """Nudge everyone due; one failing address does not stop the others."""
    rules = NudgeSettings.get()
    if not rules.enabled:
        return 0
    now = now or timezone.now()
    sent = 0
    for employee in due(now, rules):
        try:
            sent += nudge(employee, now, rules)
        except Exception:
            logger.exception(
                "Nudge to employee %s failed; tried again on the next run", employee.pk
            )
    return sent


def turn_off(employee: Employee) -> None:
    mail.set_wanted(employee, EmailKind.NUDGE, False)


def for_viewer(viewer: Employee, now: datetime | None = None) -> dict:
    """Who lapsed, as `viewer` may see them: a manager their reporting line, the programme
    team everyone. People the viewer may not name (their privacy choice) are counted, not
    listed."""
    people = lapsed(now)
    if viewer.role not in ("admin", "analyst"):
        people = people.filter(pk__in=privacy.managed_ids(viewer))
    rows = list(people)
    named_ids = set(
        Employee.objects.filter(privacy.nameable(viewer), pk__in=[p.pk for p in rows]).values_list(
            "pk", flat=True
        )
    )
    return {
        "rows": [p for p in rows if p.pk in named_ids],
        "hidden": len([p for p in rows if p.pk not in named_ids]),
        "total": len(rows),
        "rules": NudgeSettings.get(),
    }


@db_periodic_task(crontab(minute="30", hour="*"))
def send_nudges_task() -> None:
    """Hourly on weekdays between 9 and 17, company time (nobody is reminded at night);
    each person is claimed once, so which hour it runs does not matter."""
    local = timezone.localtime(timezone.now(), Organisation.get().zone)
    if local.weekday() >= 5 or not 9 <= local.hour < 17:
        return
    sent = send_nudges()
    if sent:
        logger.info("Nudges: %d sent", sent)
