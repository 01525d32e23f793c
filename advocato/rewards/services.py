"""Business rules for rewards, the one place views, tasks and commands call: the fold and
corrections (`ledger`), challenges, the rewards catalogue and redemptions, kudos and the
employee of the month. `check_*` validates, `do`-style functions change (STYLE.md).

Redeeming is safe under concurrency: inside one transaction the employee's `Wallet` row is
locked (`select_for_update`; SQLite's IMMEDIATE transactions serialise writers), then the
balance and the stock are taken with conditional UPDATEs (`balance >= price`,
`stock >= 1`) whose row counts are checked — two redemptions at once can never spend the same
points or the last item twice. A decision moves a redemption out of "pending" with a
compare-and-swap, so it is approved or refunded exactly once."""

from __future__ import annotations

import csv
import io
import random
import time
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db import OperationalError, transaction
from django.db.models import Count, F, Max, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from advocato.core import audit
from advocato.core.models import Organisation
from advocato.core.translated import LANGUAGE_CODES, column
from advocato.lib import formatting
from advocato.lib.periods import add_months, day_start, local_day, month_start, week_start
from advocato.lib.validators import spreadsheet_safe
from advocato.people import privacy
from advocato.people.models import Employee

from . import leaderboards, signals
from .ledger import (  # noqa: F401  (the app's facade)
    NOT_COUNTED,
    LedgerError,
    balance,
    change_rules,
    current_rules,
    fold,
    rebuild_scores,
    resolve,
    reverse_entry,
    review_queue,
    verify,
)
from .models import (
    BadgeAward,
    Challenge,
    ChallengeWinner,
    DailyScore,
    EmployeeOfMonth,
    Kudos,
    PointEntry,
    Redemption,
    Reward,
    Wallet,
)


class RewardsError(Exception):
    """A request that cannot be met; the message says why, for the person asking."""


def wallet_balance(employee) -> int:
    wallet = Wallet.objects.filter(employee=employee).first()
    return wallet.balance if wallet else 0


# --- Redemptions -----------------------------------------------------------------------------


def _retrying(write):
    """Run a short write transaction, again if the database was busy (SQLite reports a lock
    instead of waiting in some modes; PostgreSQL may pick it as a deadlock victim)."""
    for attempt in range(6):
        try:
            return write()
        except OperationalError as error:
            if attempt == 5:
                raise RewardsError(_("Many requests at once — please try again.")) from error
            time.sleep(0.02 * (attempt + 1) + random.random() * 0.02)


# A second request for the same reward this soon after the first is taken for a double click
# or a reloaded page, not a wish for two: refused with the time of the first.
REPEAT_WINDOW = timedelta(minutes=10)


@dataclass
class Offer:
    """A reward as one person sees it in the catalogue: can they request it now, and if not,
    why (before they click)."""

    reward: Reward
    balance: int
    recent: Redemption | None

    @property
    def missing(self) -> int:
        return max(0, self.reward.price - self.balance)

    @property
    def reason(self) -> str:
        if self.reward.stock == 0:
            return _("Out of stock.")
        if self.recent is not None:
            return _("You requested this at %(time)s; it is with an admin.") % {
                "time": formatting.format_moment(self.recent.requested_at)
            }
        if self.missing:
            return ngettext(
                "You need %(n)s more point.", "You need %(n)s more points.", self.missing
            ) % {"n": formatting.format_number(self.missing)}
        return ""

    @property
    def can_request(self) -> bool:
        return not self.reason


def offers(employee) -> list[Offer]:
    """The active rewards with what `employee` can request now (balance, stock, a request
    just made), so the catalogue says it before the click."""
    points = wallet_balance(employee)
    since = timezone.now() - REPEAT_WINDOW
    recent: dict[int, Redemption] = {}
    for r in Redemption.objects.filter(employee=employee, requested_at__gte=since).exclude(
        status=Redemption.Status.DECLINED
    ):
        recent.setdefault(r.reward_id, r)
    return [
        Offer(reward=reward, balance=points, recent=recent.get(reward.pk))
        for reward in Reward.objects.filter(is_active=True)
    ]


def redeem(employee, reward: Reward) -> Redemption:
    """Request a reward: the points are taken at once and given back if it is declined. A
    second request for the same reward within REPEAT_WINDOW is refused (a double click)."""
    return _retrying(lambda: _redeem(employee, reward))


def _redeem(employee, reward: Reward) -> Redemption:
    Wallet.objects.get_or_create(employee=employee)  # (copes with a simultaneous create)
    with transaction.atomic():
        Wallet.objects.select_for_update().get(employee=employee)
        reward = Reward.objects.get(pk=reward.pk)
        if not reward.is_active:
            raise RewardsError(_("This reward is no longer offered."))
        # Checked under the wallet's lock (PostgreSQL) or the write lock (SQLite: a request
        # that read before another committed fails to write and is retried), so two clicks
        # at once make one request.
        earlier = (
            Redemption.objects.filter(
                employee=employee,
                reward=reward,
                requested_at__gte=timezone.now() - REPEAT_WINDOW,
            )
            .exclude(status=Redemption.Status.DECLINED)
            .first()
        )
        if earlier is not None:
            raise RewardsError(
                _(
                    "You already requested %(reward)s at %(time)s; it is with an admin. "
                    "Nothing was taken twice."
                )
                % {"reward": reward.name, "time": formatting.format_moment(earlier.requested_at)}
            )
        taken = Wallet.objects.filter(employee=employee, balance__gte=reward.price).update(
            balance=F("balance") - reward.price
        )
        if not taken:
            raise RewardsError(
                _("You need %(price)d points for this; you have %(balance)d.")
                % {"price": reward.price, "balance": wallet_balance(employee)}
            )
        if reward.stock is not None:
            left = Reward.objects.filter(pk=reward.pk, stock__gte=1).update(stock=F("stock") - 1)
            if not left:
                raise RewardsError(_("Sorry, this reward is out of stock."))
        redemption = Redemption.objects.create(employee=employee, reward=reward, price=reward.price)
        # The wallet is already debited above (that was the check); the entry records why.
        PointEntry.objects.create(
            employee=employee,
            kind=PointEntry.Kind.REDEMPTION,
            points=-reward.price,
            at=redemption.requested_at,
            source=f"redeem:{redemption.pk}",
            redemption=redemption,
            note=reward.name[:300],
        )
        signals.reward_requested.send(sender=Redemption, redemption=redemption)
    return redemption


def decide(redemption: Redemption, by, approve: bool, comment: str = "") -> Redemption:
    """Approve, or decline and refund (points and stock). Exactly once per redemption."""
    comment = comment.strip()[:300]
    if not approve and not comment:
        raise RewardsError(_("Say why it is declined; the employee sees it."))
    return _retrying(lambda: _decide(redemption, by, approve, comment))


def _decide(redemption: Redemption, by, approve: bool, comment: str) -> Redemption:
    status = Redemption.Status.APPROVED if approve else Redemption.Status.DECLINED
    now = timezone.now()
    with transaction.atomic():
        moved = Redemption.objects.filter(
            pk=redemption.pk, status=Redemption.Status.PENDING
        ).update(status=status, decided_at=now, decided_by=by, comment=comment)
        if not moved:
            raise RewardsError(_("This request was already decided."))
        redemption.refresh_from_db()
        if not approve:
            Wallet.objects.filter(employee_id=redemption.employee_id).update(
                balance=F("balance") + redemption.price
            )
            PointEntry.objects.create(
                employee_id=redemption.employee_id,
                kind=PointEntry.Kind.REFUND,
                points=redemption.price,
                at=now,
                source=f"refund:{redemption.pk}",
                redemption=redemption,
                by=by,
                note=comment,
            )
            Reward.objects.filter(pk=redemption.reward_id, stock__isnull=False).update(
                stock=F("stock") + 1
            )
        audit.record(
            "update",
            redemption,
            {"status": Redemption.Status.PENDING},
            {"status": status, "comment": comment},
        )
    return redemption


@dataclass
class Evidence:
    """What earned a person's recent points, shown beside their reward request."""

    since: datetime
    totals: list[tuple[str, int, int]]  # (kind label, entries, points), by points
    entries: list[PointEntry]  # the largest earning entries, with their share/click/conversion
    open_reviews: int  # held or waiting entries nobody decided yet
    not_paid: int  # recent entries held, waiting, capped, self or repeat


EVIDENCE_DAYS = 30


def evidence(employee, days: int = EVIDENCE_DAYS, limit: int = 12) -> Evidence:
    """The shares, clicks and conversions that earned `employee`'s points in the last `days`."""
    since = timezone.now() - timedelta(days=days)
    recent = PointEntry.objects.filter(employee=employee, at__gte=since).exclude(
        kind__in=[PointEntry.Kind.REDEMPTION, PointEntry.Kind.REFUND]
    )
    labels = dict(PointEntry.Kind.choices)
    totals = [
        (str(labels.get(kind, kind)), n, points)
        for kind, n, points in recent.exclude(points=0)
        .values_list("kind")
        .annotate(n=Count("id"), s=Sum("points"))
        .order_by("-s")
    ]
    entries = list(
        recent.exclude(points=0)
        .select_related("share__item", "item", "click", "conversion", "by")
        .order_by("-points", "-at")[:limit]
    )
    return Evidence(
        since=since,
        totals=totals,
        entries=entries,
        open_reviews=review_queue().filter(employee=employee).count(),
        not_paid=recent.filter(reason__in=NOT_COUNTED).count(),
    )


def payroll_csv(first: date, last: date) -> str:
    """Approved monetary rewards decided in [first, last] (company days), one row each."""
    tz = Organisation.get().zone
    rows = (
        Redemption.objects.filter(
            status=Redemption.Status.APPROVED,
            reward__value__isnull=False,
            decided_at__gte=day_start(first, tz),
            decided_at__lt=day_start(last + timedelta(days=1), tz),
        )
        .select_related("employee__department", "reward")
        .order_by("employee__name", "decided_at")
    )
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(
        ["employee", "email", "department", "reward", "kind", "value", "currency", "approved"]
    )
    for r in rows:
        assert r.decided_at is not None  # filtered on it
        writer.writerow(
            [
                spreadsheet_safe(r.employee.name),
                r.employee.email,
                spreadsheet_safe(str(r.employee.department or "")),
                spreadsheet_safe(r.reward.local_name),
                r.reward.kind,
                f"{r.reward.value:.2f}",
                r.reward.currency,
                r.decided_at.astimezone(tz).date().isoformat(),
            ]
        )
    return out.getvalue()


# --- Challenges ------------------------------------------------------------------------------


def check_challenge(data: dict) -> None:
    if data["ends_on"] < data["starts_on"]:
        raise RewardsError(_("The last day cannot be before the first day."))


def audience_q(challenge: Challenge) -> Q:
    departments = list(challenge.departments.values_list("pk", flat=True))
    teams = list(challenge.teams.values_list("pk", flat=True))
    groups = list(challenge.groups.values_list("pk", flat=True))
    if not (departments or teams or groups):
        return Q()
    return (
        Q(department_id__in=departments)
        | Q(team_id__in=teams)
        | Q(
            pk__in=Employee.groups.through.objects.filter(group_id__in=groups).values("employee_id")
        )
    )


def in_audience(challenge: Challenge, employee) -> bool:
    return Employee.objects.filter(audience_q(challenge), pk=employee.pk).exists()


def challenge_standings(challenge: Challenge, viewer=None) -> list[leaderboards.Row]:
    """Live progress; ties broken by who reached their score first (then by name)."""
    people = audience_q(challenge) & privacy.ranked(viewer)
    values = leaderboards.totals(
        people,
        challenge.starts_on,
        challenge.ends_on,
        challenge.metric,
        challenge.goal,
        challenge.network,
    )
    names = dict(Employee.objects.filter(pk__in=values).values_list("pk", "name"))
    rows = leaderboards.rank(
        [leaderboards.Row(e, v, name=names.get(e, "")) for e, v in values.items()]
    )
    reached = _reached_at(challenge, [r.employee_id for r in rows if r.tied])
    far = timezone.now() + timedelta(days=36500)
    rows.sort(key=lambda r: (-r.value, reached.get(r.employee_id, far), r.name.casefold()))
    return rows


def _reached_at(challenge: Challenge, employee_ids: list[int]) -> dict[int, datetime]:
    """When each reached their final score: the time of their last entry that counted."""
    if not employee_ids:
        return {}
    tz = Organisation.get().zone
    entries = PointEntry.objects.filter(
        employee_id__in=employee_ids,
        at__gte=day_start(challenge.starts_on, tz),
        at__lt=day_start(challenge.ends_on + timedelta(days=1), tz),
    ).exclude(kind__in=[PointEntry.Kind.REDEMPTION, PointEntry.Kind.REFUND])
    kinds = {"shares": "share", "clicks": "click", "conversions": "conversion"}
    if challenge.metric in kinds:
        entries = entries.filter(kind=kinds[challenge.metric])
    else:
        entries = entries.exclude(points=0)
    if challenge.goal:
        entries = entries.filter(goal=challenge.goal)
    if challenge.network:
        entries = entries.filter(network=challenge.network)
    entries = entries.exclude(reason__in=NOT_COUNTED)
    return dict(entries.values_list("employee_id").annotate(last=Max("at")).order_by())


def settle_challenges(now: datetime | None = None) -> int:
    """Name the winners of challenges whose last day is over. Each is settled once."""
    now = now or timezone.now()
    today = local_day(now, Organisation.get().zone)
    settled = 0
    for challenge in Challenge.objects.filter(status=Challenge.Status.OPEN, ends_on__lt=today):
        with transaction.atomic():
            claimed = Challenge.objects.filter(
                pk=challenge.pk, status=Challenge.Status.OPEN
            ).update(status=Challenge.Status.SETTLED, settled_at=now)
            if not claimed:
                continue
            rows = challenge_standings(challenge)
            ChallengeWinner.objects.bulk_create(
                [
                    ChallengeWinner(
                        challenge=challenge, employee_id=r.employee_id, place=i + 1, score=r.value
                    )
                    for i, r in enumerate(rows[: challenge.winners])
                ]
            )
        settled += 1
    return settled


# --- Kudos -----------------------------------------------------------------------------------

KUDOS_PER_DAY = 10


def give_kudos(giver, receiver, message: str) -> Kudos:
    message = message.strip()
    if receiver is None or not receiver.is_active:
        raise RewardsError(_("Choose a colleague."))
    if receiver.pk == giver.pk:
        raise RewardsError(_("Kudos are for colleagues — you cannot give them to yourself."))
    if not message:
        raise RewardsError(_("Write a few words about what they did."))
    if len(message) > 500:
        raise RewardsError(_("Keep it under 500 characters."))
    since = timezone.now() - timedelta(days=1)
    if Kudos.objects.filter(giver=giver, created_at__gte=since).count() >= KUDOS_PER_DAY:
        raise RewardsError(_("That is a lot of kudos for one day — give more tomorrow."))
    return Kudos.objects.create(giver=giver, receiver=receiver, message=message)


def kudos_wall(viewer):
    """Kudos the viewer may see: to people they may name, plus their own."""
    visible = Employee.objects.filter(privacy.nameable(viewer)).values("pk")
    return (
        Kudos.objects.filter(Q(receiver__in=visible) | Q(receiver=viewer) | Q(giver=viewer))
        .select_related("giver", "receiver")
        .distinct()
    )


def team_kudos(manager):
    """Kudos received by the people below `manager` whom the manager may name; the giver's
    name goes through the privacy gate in the template (`shown_name`)."""
    team = Employee.objects.filter(
        privacy.nameable(manager), pk__in=privacy.managed_ids(manager)
    ).values("pk")
    return Kudos.objects.filter(receiver__in=team).select_related("giver", "receiver")


# --- Employee of the month -------------------------------------------------------------------


@dataclass
class Candidate:
    employee: Employee
    points: int
    weeks: int
    weeks_in_month: int
    conversions: int
    kudos: int
    score: float

    @property
    def consistency(self) -> float:
        return self.weeks / self.weeks_in_month if self.weeks_in_month else 0.0


def month_candidates(month: date, viewer=None, limit: int = 5) -> list[Candidate]:
    """Proposed from the data: points, consistency (weeks with a share), conversions and
    kudos received in the month, each scaled to the month's best, weighted 4:3:2:1. Only
    people who chose to be named and whom `viewer` may name (everyone named, when `viewer`
    is None: the demo choosing on its own) are proposed."""
    tz = Organisation.get().zone
    first = month_start(month)
    last = add_months(first, 1) - timedelta(days=1)
    allowed = privacy.named_candidates(viewer) if viewer is not None else Q(ranking="named")
    people = Employee.objects.filter(allowed, is_active=True)
    scores = DailyScore.objects.filter(day__gte=first, day__lte=last, employee__in=people)
    points = dict(scores.values_list("employee_id").annotate(s=Sum("points")).order_by())
    conversions = dict(scores.values_list("employee_id").annotate(s=Sum("conversions")).order_by())
    weeks: dict[int, set] = {}
    for employee_id, day in scores.filter(shares__gt=0).values_list("employee_id", "day"):
        weeks.setdefault(employee_id, set()).add(week_start(day))
    kudos = dict(
        Kudos.objects.filter(
            receiver__in=people,
            created_at__gte=day_start(first, tz),
            created_at__lt=day_start(last + timedelta(days=1), tz),
        )
        .values_list("receiver_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    weeks_in_month = len({week_start(first + timedelta(days=i)) for i in range(last.day)})
    ids = {e for e, p in points.items() if p > 0} | set(kudos)
    best = {
        "points": max([points.get(e, 0) for e in ids], default=0) or 1,
        "conversions": max([conversions.get(e, 0) for e in ids], default=0) or 1,
        "kudos": max([kudos.get(e, 0) for e in ids], default=0) or 1,
    }
    employees = Employee.objects.in_bulk(ids)
    candidates = []
    for e in ids:
        c = Candidate(
            employee=employees[e],
            points=points.get(e, 0),
            weeks=len(weeks.get(e, ())),
            weeks_in_month=weeks_in_month,
            conversions=conversions.get(e, 0),
            kudos=kudos.get(e, 0),
            score=0.0,
        )
        c.score = round(
            4 * c.points / best["points"]
            + 3 * c.consistency
            + 2 * c.conversions / best["conversions"]
            + c.kudos / best["kudos"],
            2,
        )
        candidates.append(c)
    candidates.sort(key=lambda c: (-c.score, c.employee.name))
    return candidates[:limit]


def confirm_employee_of_month(
    month: date, employee, by, citation: str = "", translations: dict[str, str] | None = None
) -> EmployeeOfMonth:
    """`citation` is in the company's language; `translations` {language: text} beside it."""
    from . import badges

    first = month_start(month)
    if EmployeeOfMonth.objects.filter(month=first).exists():
        raise RewardsError(_("This month's employee of the month is already chosen."))
    if employee is None or employee.ranking != "named":
        raise RewardsError(_("Choose one of the proposed colleagues."))
    with transaction.atomic():
        chosen = EmployeeOfMonth(
            month=first, employee=employee, confirmed_by=by, citation=citation.strip()[:300]
        )
        for code, text in (translations or {}).items():
            if code in LANGUAGE_CODES:
                setattr(chosen, column("citation", code), text.strip()[:300])
        chosen.save()
        badges.give(employee.pk, "employee_of_month", timezone.now(), f"{first:%Y-%m}")
    return chosen


# --- News and profile ------------------------------------------------------------------------


def recent_badges(viewer, days: int = 14, limit: int = 5):
    """Badges lately earned by people the viewer may name: the feed's news."""
    from .models import BadgeAward

    tz = Organisation.get().zone
    since = day_start(local_day(timezone.now(), tz) - timedelta(days=days), tz)
    return (
        BadgeAward.objects.filter(
            employee__in=Employee.objects.filter(privacy.nameable(viewer)).values("pk"),
            awarded_at__gte=since,
        )
        .select_related("employee")
        .order_by("-awarded_at", "-id")[:limit]
    )


# --- A person's own data ------------------------------------------------------------------------


def personal_data(employee) -> dict[str, list[dict]]:
    """What the rewards app keeps about a person: every ledger entry with its why, balance,
    badges, reward requests and kudos."""
    entries = [
        {
            "at": e.at,
            "kind": e.kind,
            "points": e.points,
            "why": e.get_reason_display(),
            "note": e.note,
        }
        for e in PointEntry.objects.filter(employee=employee).order_by("at", "pk")
    ]
    badges = [
        {"badge": b.badge, "awarded": b.awarded_at, "detail": b.detail}
        for b in BadgeAward.objects.filter(employee=employee).order_by("awarded_at")
    ]
    requests = [
        {
            "reward": r.reward.local_name,
            "price": r.price,
            "status": r.status,
            "requested": r.requested_at,
            "decided": r.decided_at,
            "comment": r.comment,
        }
        for r in Redemption.objects.filter(employee=employee).select_related("reward")
    ]
    kudos = [
        {
            "at": k.created_at,
            # Names as everywhere else: a colleague who left rankings is "a colleague".
            "given_by": privacy.shown_name(employee, k.giver),
            "given_to": privacy.shown_name(employee, k.receiver),
            "message": k.message,
        }
        for k in Kudos.objects.filter(Q(giver=employee) | Q(receiver=employee))
        .select_related("giver", "receiver")
        .order_by("created_at")
    ]
    return {
        "points": entries,
        "balance": [{"points": wallet_balance(employee)}],
        "badges": badges,
        "reward_requests": requests,
        "kudos": kudos,
    }


def forget_person(employee, by) -> None:
    """Requests still waiting are declined (points refunded, as the ledger records); kudos to
    and from the person are removed. Points, badges and scores stay, anonymous."""
    waiting = Redemption.objects.filter(employee=employee, status=Redemption.Status.PENDING)
    for redemption in waiting:
        decide(redemption, by, approve=False, comment=_("The person's data was deleted."))
    Kudos.objects.filter(Q(giver=employee) | Q(receiver=employee)).delete()
