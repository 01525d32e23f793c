"""The points ledger and the fold that fills it.

**The fold** (`fold()`, run by the worker every minute, by `advocato rewards --fold`, and by
tests) turns events into ledger entries: confirmed shares, human clicks (and the sharer's own,
which earn 0 with the reason shown), conversions, published suggestions and completed weekly
streaks. Every entry has a unique `source` key ("click:<id>", …), so a replay or two
overlapping runs never count an event twice; runs also queue behind one lock row
(`FoldState "ledger"`, `select_for_update`; SQLite's IMMEDIATE transactions serialise them).

*Not skipping events.* Clicks and conversions are read by id. On PostgreSQL ids are handed out
before commit, so a row with a lower id can appear after a higher one: each run records
(time, highest id) marks and starts from a mark at least `SETTLE` (10 minutes) old — far
longer than a click's INSERT transaction plus the minute between runs — and rows seen again
are skipped by their source key. Spooled clicks arrive late with old times but new ids, so
they are found too. Shares are read by `changed_at` (confirming bumps it) with the same
settle window; published suggestions are few and read whole against the ledger.

*Prices.* An event is priced by the rule version in force at the event's own time (share:
confirmed; click, conversion: `at`; suggestion: published; streak: the week's end). A rule
change therefore applies from then on and never rewrites history, and replaying events later
gives the same points. Caps count the events that earned in the same company-local day (the
cap of the version in force at the event); over the cap an event earns 0 with reason "cap".
Anti-spam: only the first click of a visitor on a link per day earns (the visitor hash rotates
daily); sharing the same item again on the same network earns nothing; bots and link previews
make no entries at all. `item.points_override` sets the points for sharing an item (final);
otherwise a featured item's share and click points are multiplied.

*Honest clicks.* A visitor for points is the click's `network` hash (its /24 or /48 network
with the day's salt — one machine with thirty user agents is one visitor; clicks recorded
before it existed fall back to the visitor hash). Only the first human click of such a visitor
on a link per day can pay. A click pays only once it is `CLICK_SETTLE` old (an hour by
default, `ADVOCATO_CLICK_SETTLE_MINUTES`): the fold reads only settled clicks and keeps its
mark below the lowest id of an unsettled one, so a later run reads that one; when a click is
priced, the burst it belongs to is already in the table. Bursts no real audience makes — one
visitor clicking one link `burst_visitor_clicks` times in a day, or more than
`burst_per_minute` clicks on a share within a minute — are *held*: 0 points, reason "held",
on the admins' review list. Clicks
from a browser marked as the sharer's (`links.selfmark`) are "self". Paying clicks are capped
per share per day (`share_click_cap`) as well as per employee per day (`click_cap`).

*Conversions that pay come from the company.* A conversion reported by the company's server
(signed) pays. One reported only by a browser (the snippet — any script can send it) gets 0
points and reason "waiting"; when the signed report of the same click and type arrives, its
entry pays and `resolves` the waiting one (reason "confirmed"); a browser report whose server
report is already in earns nothing more (reason "reported").

*Review.* Held and waiting entries stay on the review list until an admin settles them with
`resolve()`: approving writes a new entry that pays what the event would have earned (reason
"approved"), declining a 0-point entry (reason "declined"); both are audited and `resolves`
the entry they settle, so it leaves the list and is never paid twice.

*Corrections* are reversing entries (`reverse_entry`) dated like the entry they reverse, so
the period it counted in is corrected; redeeming debits at once and a declined redemption is
refunded (see `services.redeem`). `Wallet` and `DailyScore` are updated with every entry, in the
same transaction.
"""

from __future__ import annotations

import logging
from bisect import bisect_left
from collections import Counter, defaultdict, deque
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction
from django.db.models import Case, Exists, F, Min, OuterRef, Q, Sum, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _

from advocato.content.models import ContentItem
from advocato.content.models import Status as ItemStatus
from advocato.core import audit
from advocato.core.models import Organisation
from advocato.lib.periods import day_start, local_day, week_start
from advocato.links.models import Click, Conversion
from advocato.sharing.models import Share

from .models import DailyScore, FoldState, PointEntry, RuleVersion, Wallet

logger = logging.getLogger(__name__)
SETTLE = timedelta(minutes=10)
BATCH = 5000
EPOCH = datetime(2000, 1, 1, tzinfo=UTC)
# Imported history (analytics.history): shares confirmed by "import", clicks whose token
# starts "imp.", conversions from "import". None of it earns points.
IMPORTED = "import"
IMPORTED_CLICK = "imp."
Kind = PointEntry.Kind
Reason = PointEntry.Reason
# Entries with these reasons did not count (earned nothing by a rule); they take no cap slot.
NOT_COUNTED = {
    Reason.CAP, Reason.SELF, Reason.REPEAT, Reason.DUPLICATE, Reason.SHARE_CAP, Reason.HELD,
    Reason.WAITING, Reason.REPORTED, Reason.DECLINED,
}  # fmt: skip
# Clicks and conversions with these reasons are not counted as events in the scores (the
# leaderboards' "clicks" and "conversions"): they are not (yet) a real audience's.
NOT_EVENTS = {Reason.SELF, Reason.HELD, Reason.WAITING, Reason.REPORTED, Reason.DECLINED}
# Entries an admin reviews until a later entry resolves them.
FOR_REVIEW = (Reason.HELD, Reason.WAITING)
MINUTE = timedelta(minutes=1)


def click_settle() -> timedelta:
    """How old a click must be before the fold prices it."""
    return timedelta(minutes=settings.CLICK_SETTLE_MINUTES)


class LedgerError(Exception):
    """A correction that cannot be made; the message says why, for the person asking."""


# --- Rules -----------------------------------------------------------------------------------


def current_rules() -> RuleVersion:
    rules = RuleVersion.objects.filter(effective_from__lte=timezone.now()).first()
    if rules is None:
        rules = RuleVersion.objects.order_by("effective_from").first()
    return rules or default_rules()


def default_rules() -> RuleVersion:
    """The out-of-the-box rules, in force since long before anything happened."""
    from .models import DEFAULT_CONVERSION_POINTS

    first = RuleVersion.objects.order_by("effective_from", "id").first()
    if first is not None:
        return first
    return RuleVersion.objects.create(
        effective_from=EPOCH,
        conversion_by_kind=dict(DEFAULT_CONVERSION_POINTS),
        note="",
    )


def change_rules(by, values: dict, note: str = "", now: datetime | None = None) -> RuleVersion:
    """A new version, in force from now on; earlier events keep their points."""
    fields = {k: v for k, v in values.items() if k not in {"effective_from", "created_by"}}
    default_rules()
    return RuleVersion.objects.create(
        effective_from=now or timezone.now(), created_by=by, note=note, **fields
    )


class RuleBook:
    """All versions, to price each event by the one in force at its time."""

    def __init__(self):
        default_rules()
        self.versions = list(RuleVersion.objects.order_by("effective_from", "id"))

    def at(self, moment: datetime) -> RuleVersion:
        found = self.versions[0]
        for version in self.versions:
            if version.effective_from <= moment:
                found = version
            else:
                break
        return found


def _times(points: int, multiplier: Decimal) -> int:
    return int((Decimal(points) * multiplier).to_integral_value(rounding=ROUND_HALF_UP))


# --- Posting entries -------------------------------------------------------------------------


def _counts(entry: PointEntry, reversed_entry: PointEntry | None = None) -> dict[str, int]:
    """What an entry adds to its DailyScore row."""
    if reversed_entry is not None:
        return {k: -v for k, v in _counts(reversed_entry).items()}
    delta = {"points": entry.points, "shares": 0, "clicks": 0, "conversions": 0}
    if entry.kind == Kind.SHARE and entry.reason not in NOT_COUNTED:
        delta["shares"] = 1
    elif entry.kind == Kind.CLICK and entry.reason not in NOT_EVENTS:
        delta["clicks"] = 1
    elif entry.kind == Kind.CONVERSION and entry.reason not in NOT_EVENTS:
        delta["conversions"] = 1
    return delta


def post(entries: list[PointEntry], tz=None, reversed_by_pk: dict | None = None) -> None:
    """Write entries with their wallet and score updates. Call inside the ledger lock."""
    if not entries:
        return
    tz = tz or Organisation.get().zone
    reversed_by_pk = reversed_by_pk or {}
    PointEntry.objects.bulk_create(entries, batch_size=500)
    wallets: dict[int, int] = defaultdict(int)
    scores: dict[tuple, dict[str, int]] = {}
    for entry in entries:
        wallets[entry.employee_id] += entry.points
        if entry.kind in {Kind.REDEMPTION, Kind.REFUND}:
            continue
        key = (entry.employee_id, local_day(entry.at, tz), entry.goal, entry.network)
        delta = _counts(entry, reversed_by_pk.get(entry.reverses_id))
        total = scores.setdefault(key, dict.fromkeys(delta, 0))
        for name, value in delta.items():
            total[name] += value
    _add_to_wallets(wallets)
    _add_to_scores(scores)


def _add_to_wallets(wallets: dict[int, int]) -> None:
    existing = set(
        Wallet.objects.filter(employee_id__in=wallets).values_list("employee_id", flat=True)
    )
    Wallet.objects.bulk_create(
        [Wallet(employee_id=e, balance=0) for e in wallets if e not in existing],
        ignore_conflicts=True,
    )
    # One relative UPDATE per 200 wallets: redemptions change balances at the same time.
    changes = [(e, p) for e, p in wallets.items() if p]
    for start in range(0, len(changes), 200):
        chunk = changes[start : start + 200]
        Wallet.objects.filter(employee_id__in=[e for e, _p in chunk]).update(
            balance=F("balance")
            + Case(*[When(employee_id=e, then=Value(p)) for e, p in chunk], default=Value(0))
        )


def _add_to_scores(scores: dict[tuple, dict[str, int]]) -> None:
    employees = {k[0] for k in scores}
    days = [k[1] for k in scores]
    rows = {
        (r.employee_id, r.day, r.goal, r.network): r
        for r in DailyScore.objects.filter(
            employee_id__in=employees, day__gte=min(days), day__lte=max(days)
        )
    }
    new, changed = [], []
    for key, delta in scores.items():
        row = rows.get(key)
        if row is None:
            employee_id, day, goal, network = key
            new.append(DailyScore(employee_id=employee_id, day=day, goal=goal, network=network))
            row = new[-1]
        else:
            changed.append(row)
        for name, value in delta.items():
            setattr(row, name, getattr(row, name) + value)
    # Only writers holding the ledger lock touch scores: rewriting changed rows is safe, and
    # much quicker than a bulk UPDATE.
    stale = [r.pk for r in changed]
    for start in range(0, len(stale), 500):
        DailyScore.objects.filter(pk__in=stale[start : start + 500]).delete()
    for row in changed:
        row.pk = None
    DailyScore.objects.bulk_create(new + changed, batch_size=500)


def lock_ledger() -> FoldState:
    """Serialise writers of scores (the fold, corrections). Inside a transaction."""
    FoldState.objects.get_or_create(name="ledger")
    return FoldState.objects.select_for_update().get(name="ledger")


# --- The fold --------------------------------------------------------------------------------


@dataclass
class Run:
    now: datetime
    tz: ZoneInfo
    rules: RuleBook
    counted: dict  # (employee, kind, day) -> events that counted that day
    shared: set  # (employee, item, network) already earning
    share_clicks: dict = field(default_factory=dict)  # (share, day) -> clicks that earned

    def day(self, moment: datetime) -> date:
        return local_day(moment, self.tz)

    def used(self, employee_id: int, kind: str, day: date) -> int:
        key = (employee_id, kind, day)
        if key not in self.counted:
            start = day_start(day, self.tz)
            end = day_start(day + timedelta(days=1), self.tz)
            self.counted[key] = (
                PointEntry.objects.filter(
                    employee_id=employee_id, kind=kind, at__gte=start, at__lt=end
                )
                .exclude(reason__in=NOT_COUNTED)
                .count()
            )
        return self.counted[key]

    def preload(self, kind: str, events: list[tuple[int, datetime]]) -> None:
        """Fill `counted` for the (employee, day)s of a batch with one query."""
        keys = {(e, kind, self.day(at)) for e, at in events} - set(self.counted)
        if not keys:
            return
        days = [k[2] for k in keys]
        for key in keys:
            self.counted[key] = 0
        rows = (
            PointEntry.objects.filter(
                employee_id__in={k[0] for k in keys},
                kind=kind,
                at__gte=day_start(min(days), self.tz),
                at__lt=day_start(max(days) + timedelta(days=1), self.tz),
            )
            .exclude(reason__in=NOT_COUNTED)
            .values_list("employee_id", "at")
        )
        for employee_id, at in rows:
            key = (employee_id, kind, self.day(at))
            if key in keys:
                self.counted[key] += 1

    def preload_shares(self, clicks: list[tuple[int, datetime]]) -> None:
        """Fill `share_clicks` for the (share, day)s of a batch of clicks with one query."""
        keys = {(s, self.day(at)) for s, at in clicks} - set(self.share_clicks)
        if not keys:
            return
        days = [k[1] for k in keys]
        for key in keys:
            self.share_clicks[key] = 0
        rows = (
            PointEntry.objects.filter(
                share_id__in={k[0] for k in keys},
                kind=Kind.CLICK,
                at__gte=day_start(min(days), self.tz),
                at__lt=day_start(max(days) + timedelta(days=1), self.tz),
            )
            .exclude(reason__in=NOT_COUNTED)
            .values_list("share_id", "at")
        )
        for share_id, at in rows:
            key = (share_id, self.day(at))
            if key in keys:
                self.share_clicks[key] += 1

    def over_share_cap(self, share_id: int, moment: datetime, cap: int) -> bool:
        return bool(cap) and self.share_clicks.get((share_id, self.day(moment)), 0) >= cap

    def count_share_click(self, share_id: int, moment: datetime) -> None:
        key = (share_id, self.day(moment))
        self.share_clicks[key] = self.share_clicks.get(key, 0) + 1

    def over_cap(self, employee_id: int, kind: str, moment: datetime, cap: int) -> bool:
        return bool(cap) and self.used(employee_id, kind, self.day(moment)) >= cap

    def count(self, employee_id: int, kind: str, moment: datetime) -> None:
        day = self.day(moment)
        self.counted[(employee_id, kind, day)] = self.used(employee_id, kind, day) + 1


def fold(now: datetime | None = None) -> int:
    """Bring the ledger up to date with the events. Returns how many entries it wrote."""
    from . import badges

    now = now or timezone.now()
    written = 0
    touched: set[int] = set()
    for step in (_fold_shares, _fold_clicks, _fold_conversions, _fold_suggestions):
        cursor = None
        while True:
            # One transaction per batch: a long backlog neither holds the lock for long nor
            # loses its work if a later batch fails.
            with transaction.atomic():
                lock_ledger()
                run = Run(now, Organisation.get().zone, RuleBook(), {}, set())
                entries, cursor = step(run, cursor)
                post(entries, run.tz)
            written += len(entries)
            touched |= {e.employee_id for e in entries}
            if cursor is None:
                break
    with transaction.atomic():
        lock_ledger()
        run = Run(now, Organisation.get().zone, RuleBook(), {}, set())
        entries = _fold_streaks(run)
        post(entries, run.tz)
    written += len(entries)
    touched |= {e.employee_id for e in entries}
    badges.award(touched, now)
    return written


def _state(name: str) -> FoldState:
    return FoldState.objects.get_or_create(name=name)[0]


def _start_id(state: FoldState, now: datetime) -> int:
    """The newest settled mark's id (marks are kept in time order; a mark held below an
    unsettled click may be lower than an older one)."""
    settled = [m[1] for m in state.marks if datetime.fromisoformat(m[0]) <= now - SETTLE]
    return settled[-1] if settled else 0


def _mark(state: FoldState, now: datetime, highest: int) -> None:
    """Remember (now, highest id seen); keep only the newest settled mark and newer ones."""
    marks = sorted(
        [*state.marks, [now.isoformat(), highest]], key=lambda m: datetime.fromisoformat(m[0])
    )
    settled = [m for m in marks if datetime.fromisoformat(m[0]) <= now - SETTLE]
    fresh = [m for m in marks if datetime.fromisoformat(m[0]) > now - SETTLE]
    state.marks = settled[-1:] + fresh[-30:]


def _scan_ids(
    run: Run, name: str, queryset, cursor: int | None, hold_from: int | None = None
) -> tuple[list, int | None]:
    """The next batch of rows by id, from the last settled mark on (`cursor` None) or after
    `cursor`. Returns the rows and the cursor for the next batch (None: done; marks written).
    `hold_from`: the lowest id of rows left out for now (not settled yet); the mark stays
    below it, so a later run reads them (rows read twice are skipped by their source key)."""
    state = _state(name)
    start = _start_id(state, run.now) if cursor is None else cursor
    rows = list(queryset.filter(id__gt=start).order_by("id")[:BATCH])
    if len(rows) == BATCH:
        return rows, rows[-1].id
    highest = max([rows[-1].id if rows else start, *[m[1] for m in state.marks]])
    if hold_from is not None:
        highest = min(highest, hold_from - 1)
    _mark(state, run.now, highest)
    state.save(update_fields=["marks"])
    return rows, None


def _new(rows: list, prefix: str) -> list:
    done = set(
        PointEntry.objects.filter(source__in=[f"{prefix}:{r.pk}" for r in rows]).values_list(
            "source", flat=True
        )
    )
    return [r for r in rows if f"{prefix}:{r.pk}" not in done]


def _fold_shares(run: Run, cursor=None) -> tuple[list[PointEntry], None]:
    state = _state("shares")
    since = (state.scanned_until or EPOCH) - SETTLE
    shares = list(
        Share.objects.filter(confirmed_at__isnull=False, changed_at__gte=since)
        .exclude(confirmed_by=IMPORTED)
        .select_related("item")
        .order_by("changed_at", "id")
    )
    state.scanned_until = run.now
    state.save(update_fields=["scanned_until"])
    shares = sorted(_new(shares, "share"), key=lambda s: (s.confirmed_at, s.pk))
    run.preload(Kind.SHARE, [(s.employee_id, s.confirmed_at) for s in shares])
    earlier = (
        PointEntry.objects.filter(
            kind=Kind.SHARE,
            employee_id__in={s.employee_id for s in shares},
            share__item_id__in={s.item_id for s in shares},
        )
        .exclude(reason__in=NOT_COUNTED)
        .values_list("employee_id", "share__item_id", "network")
    )
    run.shared |= set(earlier)
    return [_price_share(run, s) for s in shares], None


def _imported(share: Share) -> bool:
    """History brought from another platform (`advocato import-history`) was not earned under
    our rules: neither the share nor its clicks and conversions earn points."""
    return share.confirmed_by == IMPORTED


def _already_shared(run: Run, share: Share) -> bool:
    return (share.employee_id, share.item_id, share.network) in run.shared


def _entry_for(run: Run, share: Share, kind: str, at, source: str, **extra) -> PointEntry:
    """A zero-point entry about something that happened to `share` (priced by the caller),
    with the rules in force at `at` and the share's item, goal and network."""
    return PointEntry(
        employee_id=share.employee_id,
        kind=kind,
        at=at,
        source=source,
        rules=run.rules.at(at),
        share=share,
        item=share.item,
        goal=share.item.goal,
        network=share.network,
        points=0,
        **extra,
    )


def _price_share(run: Run, share: Share) -> PointEntry:
    at = share.confirmed_at
    assert at is not None  # only confirmed shares earn
    item = share.item
    entry = _entry_for(run, share, Kind.SHARE, at, f"share:{share.pk}")
    rules = entry.rules
    assert rules is not None  # _entry_for sets them
    if _already_shared(run, share):
        entry.reason = Reason.DUPLICATE
    elif run.over_cap(share.employee_id, Kind.SHARE, at, rules.share_cap):
        entry.reason = Reason.CAP
    else:
        if item.points_override is not None:
            entry.points, entry.reason = item.points_override, Reason.OVERRIDE
        elif item.featured:
            entry.points = _times(rules.share_for(share.network), rules.featured_multiplier)
            entry.reason = Reason.FEATURED
        else:
            entry.points = rules.share_for(share.network)
        run.count(share.employee_id, Kind.SHARE, at)
        run.shared.add((share.employee_id, share.item_id, share.network))
    return entry


def _who(click: Click) -> str:
    """The visitor for points: the network hash (the visitor hash for older clicks)."""
    return click.network or click.visitor


def _fold_clicks(run: Run, cursor: int | None) -> tuple[list[PointEntry], int | None]:
    # Only clicks at least CLICK_SETTLE old; the mark stays below the first younger one.
    settled = run.now - click_settle()
    counted = Click.objects.filter(kind__in=[Click.Kind.HUMAN, Click.Kind.SELF])
    young = counted.filter(at__gt=settled).aggregate(first=Min("id"))["first"]
    rows, more = _scan_ids(run, "clicks", counted.filter(at__lte=settled), cursor, young)
    clicks = _new(rows, "click")
    if not clicks:
        return [], more
    shares = {
        s.link.pk: s
        for s in Share.objects.filter(link__in={c.link_id for c in clicks}).select_related(
            "item", "link"
        )
    }
    link_ids = {c.link_id for c in clicks}
    # A visitor's first human click on a link (per day: the hashes rotate daily) may earn; how
    # often they clicked it tells a burst.
    first: dict[tuple[int, str], tuple] = {}
    times: Counter = Counter()
    networks = {c.network for c in clicks if c.network}
    visitors = {c.visitor for c in clicks if not c.network}
    for link_id, network, visitor, at, pk in Click.objects.filter(
        Q(network__in=networks) | Q(network="", visitor__in=visitors),
        link_id__in=link_ids,
        kind=Click.Kind.HUMAN,
    ).values_list("link_id", "network", "visitor", "at", "id"):
        key = (link_id, network or visitor)
        times[key] += 1
        if key not in first or (at, pk) < first[key]:
            first[key] = (at, pk)
    bursts = _minute_bursts(run, clicks)
    run.preload(
        Kind.CLICK,
        [(shares[c.link_id].employee_id, c.at) for c in clicks if c.link_id in shares],
    )
    run.preload_shares([(shares[c.link_id].pk, c.at) for c in clicks if c.link_id in shares])
    entries = []
    for click in sorted(clicks, key=lambda c: (c.at, c.pk)):
        share = shares.get(click.link_id)
        if share is None or _imported(share) or click.token.startswith(IMPORTED_CLICK):
            continue
        entry = _entry_for(run, share, Kind.CLICK, click.at, f"click:{click.pk}", click=click)
        rules = entry.rules
        key = (click.link_id, _who(click))
        assert rules is not None  # _entry_for sets them
        if click.kind == Click.Kind.SELF:
            entry.reason = Reason.SELF
        elif first.get(key) != (click.at, click.pk):
            entry.reason = Reason.REPEAT
        elif rules.burst_visitor_clicks and times[key] >= rules.burst_visitor_clicks:
            entry.reason = Reason.HELD
            entry.note = _("%(n)d clicks on this link from one visitor in a day") % {
                "n": times[key]
            }
        elif rules.burst_per_minute and bursts.get(click.pk, 0) > rules.burst_per_minute:
            entry.reason = Reason.HELD
            entry.note = _("%(n)d clicks on this share within a minute") % {"n": bursts[click.pk]}
        elif run.over_cap(share.employee_id, Kind.CLICK, click.at, rules.click_cap):
            entry.reason = Reason.CAP
        elif run.over_share_cap(share.pk, click.at, rules.share_click_cap):
            entry.reason = Reason.SHARE_CAP
        else:
            entry.points, entry.reason = click_price(rules, share)
            run.count(share.employee_id, Kind.CLICK, click.at)
            run.count_share_click(share.pk, click.at)
        entries.append(entry)
    return entries, more


def click_price(rules: RuleVersion, share: Share) -> tuple[int, str]:
    """What a paying click on `share` earns under `rules`, and the reason to show."""
    if share.item.featured and share.item.points_override is None:
        return _times(rules.click_points, rules.featured_multiplier), Reason.FEATURED
    return rules.click_points, Reason.NONE


def _minute_bursts(run: Run, clicks: list[Click]) -> dict[int, int]:
    """For clicks of the batch that fall in a minute with unusually many human clicks on their
    link: the most clicks of any 60-second window around them (one pass per link)."""
    found: dict[int, int] = {}
    wanted = {c.pk for c in clicks}
    smallest = min(
        (r.burst_per_minute for r in run.rules.versions if r.burst_per_minute), default=0
    )
    if not smallest:
        return found
    rows_by_link: dict[int, list[tuple]] = defaultdict(list)
    for link_id, at, pk in (
        Click.objects.filter(
            link_id__in={c.link_id for c in clicks},
            kind=Click.Kind.HUMAN,
            at__gte=min(c.at for c in clicks) - MINUTE,
            at__lte=max(c.at for c in clicks) + MINUTE,
        )
        .order_by("link_id", "at", "id")
        .values_list("link_id", "at", "id")
    ):
        rows_by_link[link_id].append((at, pk))
    for rows in rows_by_link.values():
        moments = [at for at, _pk in rows]
        # Window i is [moments[i], moments[i] + 1 minute] = rows i … ends[i] - 1. Both ends move
        # forward with i, so the largest window holding row k comes from a monotonic queue.
        ends = [bisect_left(moments, at + MINUTE + timedelta(microseconds=1)) for at in moments]
        queue: deque[int] = deque()
        for k, (_at, pk) in enumerate(rows):
            while queue and ends[queue[-1]] - queue[-1] <= ends[k] - k:
                queue.pop()
            queue.append(k)
            while ends[queue[0]] <= k:
                queue.popleft()
            most = ends[queue[0]] - queue[0]
            if pk in wanted and most > smallest:
                found[pk] = most
    return found


def _fold_conversions(run: Run, cursor: int | None) -> tuple[list[PointEntry], int | None]:
    rows, more = _scan_ids(run, "conversions", Conversion.objects.all(), cursor)
    conversions = _new(rows, "conversion")
    if not conversions:
        return [], more
    shares = {
        s.link.pk: s
        for s in Share.objects.filter(link__in={c.link_id for c in conversions}).select_related(
            "item", "link"
        )
    }
    click_ids = {c.click_id for c in conversions}
    # What the company's server reported, and the browser reports still waiting for it.
    from_server = set(
        Conversion.objects.filter(click_id__in=click_ids, source="server").values_list(
            "click_id", "kind"
        )
    )
    waiting: dict[tuple[int, str], PointEntry] = {}
    approved: set[tuple[int, str]] = set()
    for entry in PointEntry.objects.filter(
        kind=Kind.CONVERSION, reason=Reason.WAITING, conversion__click_id__in=click_ids
    ).select_related("conversion", "resolved_by"):
        assert entry.conversion is not None  # the filter is on it
        key = (entry.conversion.click_id, entry.conversion.kind)
        resolution = getattr(entry, "resolved_by", None)
        if resolution is None:
            waiting[key] = entry
        elif resolution.reason == Reason.APPROVED:
            approved.add(key)
    run.preload(
        Kind.CONVERSION,
        [(shares[c.link_id].employee_id, c.at) for c in conversions if c.link_id in shares],
    )
    entries = []
    for conversion in sorted(conversions, key=lambda c: (c.at, c.pk)):
        share = shares.get(conversion.link_id)
        if share is None or _imported(share) or conversion.source == IMPORTED:
            continue
        entry = _entry_for(
            run, share, Kind.CONVERSION, conversion.at, f"conversion:{conversion.pk}",
            conversion=conversion, note=conversion.kind[:300],
        )  # fmt: skip
        rules = entry.rules
        assert rules is not None  # _entry_for sets them
        key = (conversion.click_id, conversion.kind)
        if conversion.source != "server":
            # From a browser: any script could have sent it. Paid when the server confirms.
            entry.reason = Reason.REPORTED if key in from_server else Reason.WAITING
        elif key in approved:
            entry.reason = Reason.REPORTED  # an admin already paid the browser's report
        elif run.over_cap(share.employee_id, Kind.CONVERSION, conversion.at, rules.conversion_cap):
            entry.reason = Reason.CAP
        else:
            entry.points = rules.conversion_for(conversion.kind)
            run.count(share.employee_id, Kind.CONVERSION, conversion.at)
            if key in waiting:
                entry.resolves, entry.reason = waiting.pop(key), Reason.CONFIRMED
        entries.append(entry)
    return entries, more


def _fold_suggestions(run: Run, cursor=None) -> tuple[list[PointEntry], int | None]:
    done = PointEntry.objects.filter(item=OuterRef("pk"), kind=Kind.SUGGESTION)
    items = (
        ContentItem.objects.filter(
            suggested_by__isnull=False,
            published_at__isnull=False,
            status__in=[ItemStatus.PUBLISHED, ItemStatus.EXPIRED, ItemStatus.ARCHIVED],
        )
        .filter(~Exists(done))
        .order_by("published_at", "id")
    )
    entries = []
    for item in items[:BATCH]:
        # Both filtered not null above.
        assert item.published_at is not None and item.suggested_by_id is not None
        rules = run.rules.at(item.published_at)
        entries.append(
            PointEntry(
                employee_id=item.suggested_by_id,
                kind=Kind.SUGGESTION,
                at=item.published_at,
                source=f"suggestion:{item.pk}",
                rules=rules,
                item=item,
                goal=item.goal,
                points=rules.suggestion_points,
            )
        )
    existing = _existing({e.source for e in entries})
    entries = [e for e in entries if e.source not in existing]
    return entries, (1 if len(entries) == BATCH else None)


def _existing(sources: set[str]) -> set[str]:
    return set(PointEntry.objects.filter(source__in=sources).values_list("source", flat=True))


def shares_by_week(employee_ids, first: date, last: date) -> dict[int, set[date]]:
    """The weeks (their Mondays) in which each employee had a share that counted."""
    weeks: dict[int, set[date]] = defaultdict(set)
    for employee_id, day in (
        DailyScore.objects.filter(
            employee_id__in=employee_ids, day__gte=first, day__lte=last, shares__gt=0
        )
        .values_list("employee_id", "day")
        .distinct()
    ):
        weeks[employee_id].add(week_start(day))
    return weeks


def streak_length(weeks: set[date], week: date) -> int:
    length = 0
    while week in weeks:
        length += 1
        week -= timedelta(days=7)
    return length


def _fold_streaks(run: Run) -> list[PointEntry]:
    """Every completed week with a share that follows a week with a share earns streak
    points. Looks back two weeks each run (late shares), and over all history on the first."""
    state = _state("streaks")
    this_week = week_start(run.day(run.now))
    if state.scanned_until is None:
        first = PointEntry.objects.filter(kind=Kind.SHARE).order_by("at").first()
        if first is None:
            return []
        start = week_start(run.day(first.at))
    else:
        start = week_start(run.day(state.scanned_until)) - timedelta(days=14)
    state.scanned_until = run.now
    state.save(update_fields=["scanned_until"])
    if start >= this_week:
        return []
    last_day = this_week - timedelta(days=1)
    sharers = DailyScore.objects.filter(day__gte=start, day__lte=last_day, shares__gt=0)
    employee_ids = set(sharers.values_list("employee_id", flat=True))
    weeks = shares_by_week(employee_ids, start - timedelta(days=7 * 60), last_day)
    candidates = []
    week = start
    while week < this_week:
        ends = day_start(week + timedelta(days=7), run.tz) - timedelta(microseconds=1)
        for employee_id in sorted(employee_ids):
            length = streak_length(weeks[employee_id], week)
            if length >= 2:
                rules = run.rules.at(ends)
                candidates.append(
                    PointEntry(
                        employee_id=employee_id,
                        kind=Kind.STREAK,
                        at=ends,
                        source=f"streak:{employee_id}:{week.isoformat()}",
                        rules=rules,
                        points=rules.streak_points,
                        note=str(length),  # weeks in a row; worded when shown
                    )
                )
        week += timedelta(days=7)
    done = _existing({e.source for e in candidates})
    return [e for e in candidates if e.source not in done]


# --- Corrections -----------------------------------------------------------------------------


def reverse_entry(entry: PointEntry, by, reason: str) -> PointEntry:
    """Undo an earning entry with a new, opposite one. The entry itself stays as it was."""

    reason = reason.strip()
    if not reason:
        raise LedgerError(_("Say why the points are taken back."))
    if not entry.earning or entry.kind == Kind.REVERSAL:
        raise LedgerError(_("Only earned points can be taken back."))
    if entry.points == 0:
        raise LedgerError(_("This entry earned no points; there is nothing to take back."))
    with transaction.atomic():
        tz = Organisation.get().zone
        lock_ledger()
        if PointEntry.objects.filter(reverses=entry).exists():
            raise LedgerError(_("These points were already taken back."))
        reversal = PointEntry(
            employee_id=entry.employee_id,
            kind=Kind.REVERSAL,
            points=-entry.points,
            at=entry.at,
            source=f"reverse:{entry.pk}",
            reverses=entry,
            note=reason[:300],
            by=by,
            share_id=entry.share_id,
            click_id=entry.click_id,
            item_id=entry.item_id,
            goal=entry.goal,
            network=entry.network,
        )
        post([reversal], tz, {entry.pk: entry})
        audit.record(
            "create",
            reversal,
            None,
            {"entry": entry.source, "points": reversal.points, "reason": reversal.note},
        )
    return reversal


def review_queue():
    """Held clicks and browser-reported conversions waiting for an admin, oldest first."""
    return (
        PointEntry.objects.filter(reason__in=FOR_REVIEW, resolved_by__isnull=True)
        .select_related("employee", "share__item", "click", "conversion", "item")
        .order_by("at", "id")
    )


def _price_of(entry: PointEntry) -> int:
    """What a held or waiting entry's event earns when approved: its rules' price."""
    rules = entry.rules or RuleBook().at(entry.at)
    if entry.kind == Kind.CONVERSION:
        return rules.conversion_for(entry.conversion.kind if entry.conversion else entry.note)
    share = entry.share
    if share is None:
        return rules.click_points
    return click_price(rules, share)[0]


def resolve(entry: PointEntry, by, approve: bool, note: str = "") -> PointEntry:
    """Settle a held click or a waiting conversion with a new entry (the ledger is
    append-only): approving pays what it would have earned, declining pays nothing. Audited;
    each entry is settled once."""
    if entry.reason not in FOR_REVIEW:
        raise LedgerError(_("Only held or waiting points can be approved or declined."))
    note = note.strip()[:300]
    with transaction.atomic():
        tz = Organisation.get().zone
        lock_ledger()
        if PointEntry.objects.filter(resolves=entry).exists():
            raise LedgerError(_("This was already decided."))
        points = _price_of(entry) if approve else 0
        resolution = PointEntry(
            employee_id=entry.employee_id,
            kind=entry.kind,
            points=points,
            at=entry.at,
            source=f"resolve:{entry.pk}",
            resolves=entry,
            reason=Reason.APPROVED if approve else Reason.DECLINED,
            # A conversion's note is its type (the ledger page words it); a click's, the why.
            note=entry.note if entry.kind == Kind.CONVERSION else note,
            by=by,
            rules=entry.rules,
            share_id=entry.share_id,
            click_id=entry.click_id,
            conversion_id=entry.conversion_id,
            item_id=entry.item_id,
            goal=entry.goal,
            network=entry.network,
        )
        post([resolution], tz)
        audit.record(
            "create",
            resolution,
            None,
            {"entry": entry.source, "points": points, "decision": resolution.reason, "note": note},
        )
    return resolution


# --- Checks ----------------------------------------------------------------------------------


def balance(employee) -> int:
    return PointEntry.objects.filter(employee=employee).aggregate(s=Sum("points"))["s"] or 0


def verify() -> list[str]:
    """Problems where the running sums disagree with the ledger (empty: all agree)."""
    tz = Organisation.get().zone
    problems = []
    sums = dict(PointEntry.objects.values_list("employee_id").annotate(s=Sum("points")).order_by())
    wallets = dict(Wallet.objects.values_list("employee_id", "balance"))
    for employee_id in set(sums) | set(wallets):
        if sums.get(employee_id, 0) != wallets.get(employee_id, 0):
            problems.append(
                f"wallet of employee {employee_id}: {wallets.get(employee_id, 0)} "
                f"≠ ledger {sums.get(employee_id, 0)}"
            )
    expected = _scores_from_ledger(tz)
    actual = {
        (r.employee_id, r.day, r.goal, r.network): {
            "points": r.points,
            "shares": r.shares,
            "clicks": r.clicks,
            "conversions": r.conversions,
        }
        for r in DailyScore.objects.all()
    }
    zero = {"points": 0, "shares": 0, "clicks": 0, "conversions": 0}
    for key in set(expected) | set(actual):
        if expected.get(key, zero) != actual.get(key, zero):
            problems.append(f"daily score {key}: {actual.get(key)} ≠ ledger {expected.get(key)}")
    return problems


def _scores_from_ledger(tz) -> dict:
    entries = PointEntry.objects.exclude(kind__in=[Kind.REDEMPTION, Kind.REFUND]).select_related(
        "reverses"
    )
    scores: dict[tuple, dict[str, int]] = {}
    for entry in entries.iterator(chunk_size=2000):
        key = (entry.employee_id, local_day(entry.at, tz), entry.goal, entry.network)
        delta = _counts(entry, entry.reverses)
        total = scores.setdefault(key, dict.fromkeys(delta, 0))
        for name, value in delta.items():
            total[name] += value
    return scores


def rebuild_scores() -> int:
    """Rebuild wallets and daily scores from the ledger (e.g. after the company's time zone
    changed). Returns the number of score rows."""
    with transaction.atomic():
        tz = Organisation.get().zone
        lock_ledger()
        DailyScore.objects.all().delete()
        scores = _scores_from_ledger(tz)
        DailyScore.objects.bulk_create(
            [
                DailyScore(employee_id=e, day=d, goal=g, network=n, **v)
                for (e, d, g, n), v in scores.items()
            ],
            batch_size=500,
        )
        sums = dict(
            PointEntry.objects.values_list("employee_id").annotate(s=Sum("points")).order_by()
        )
        Wallet.objects.exclude(employee_id__in=sums).update(balance=0)
        for employee_id, total in sums.items():
            Wallet.objects.update_or_create(employee_id=employee_id, defaults={"balance": total})
    return len(scores)
