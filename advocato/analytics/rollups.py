"""Filling the rollups from the raw events, and proving them against a recount.

The fill is a recount, not an increment. Each run reads the events that arrived since the
last (clicks and conversions by id, shares by `changed_at`), works out which (share, local
day) rows they touch, and recounts exactly those rows from the raw events of that day. So:

- a late or replayed click (the spool writes clicks minutes after they happened) lands in the
  day it happened, because the day comes from the click's own time;
- a run that dies half-way, or two runs over the same events, count nothing twice: a recount
  is the same however often it is done;
- the cost of a run grows with the events since the last run, not with all events.

Ids are read in order from `FillState.last_id`. On PostgreSQL a transaction can commit after
one holding a higher id did; such ids are missing when read past, so they are kept as `gaps`
and looked for on every run until they turn up, or until they are old enough to have been
rolled back (`ON CONFLICT DO NOTHING` in the spool replay also burns ids that never appear).

`expected()` recounts everything in plain Python, in a different way (one pass over the raw
rows, days from zoneinfo), and `compare()` holds the stored rollups against it: the
`advocato rollups --check` command and the tests use it.
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import NamedTuple
from zoneinfo import ZoneInfo

from django.db import connection, transaction
from django.db.models import Max, Q
from django.utils import timezone

from advocato.core.models import Organisation
from advocato.links.models import Click, Conversion, TrackedLink
from advocato.sharing.models import Share

from .models import ConversionDay, FillState, Settings, ShareDay

GAP_SECONDS = 600  # a missing id not seen for this long was rolled back
MAX_GAPS = 20_000
SHARE_MARGIN = timedelta(minutes=10)  # shares changed this long before the last run: re-read
CHUNK = 2000  # ids per IN (...) list

COUNTERS = [
    "shares", "reach", "engaged_shares", "engagement", "rated_engagement", "engaged_reach",
    "reactions", "comments", "reshares", "impressions", "clicks", "unique_clicks", "referrals",
    "previews", "bots", "self_clicks", "conversions",
]  # fmt: skip
CLICK_COUNTER: dict[str, str] = {
    Click.Kind.HUMAN: "clicks",
    Click.Kind.PREVIEW: "previews",
    Click.Kind.BOT: "bots",
    Click.Kind.SELF: "self_clicks",
}

Key = tuple[int, date]  # (share id, local day)

COLUMNS = [
    "share_id", "day", "employee_id", "department_id", "team_id", "item_id", "network",
    "language", "goal", "edited", "posted_on", "posted_weekday", "posted_hour", *COUNTERS,
]  # fmt: skip
CLICKS, CONVERSIONS = Click._meta.db_table, Conversion._meta.db_table
SHARE_DAYS, CONVERSION_DAYS = ShareDay._meta.db_table, ConversionDay._meta.db_table
INSERT_SQL = (
    f"INSERT INTO {ShareDay._meta.db_table} ({', '.join(COLUMNS)}) "  # noqa: S608
    f"VALUES ({', '.join(['%s'] * len(COLUMNS))})"
)


def day_bounds(day: date, tz: ZoneInfo) -> tuple[datetime, datetime]:
    """The moments a local day starts and ends (23 or 25 hours long on DST change days)."""
    start = datetime(day.year, day.month, day.day, tzinfo=tz)
    following = day + timedelta(days=1)
    end = datetime(following.year, following.month, following.day, tzinfo=tz)
    return start.astimezone(ZoneInfo("UTC")), end.astimezone(ZoneInfo("UTC"))


class LocalClock:
    """Local day of many moments, fast: the offset is worked out once per UTC quarter of an
    hour (every time zone's offset is a whole number of quarter hours: +05:30, +05:45)."""

    def __init__(self, tz: ZoneInfo):
        self.tz = tz
        self._hours: dict[int, tuple[date, int, int]] = {}

    def at(self, moment: datetime) -> tuple[date, int, int]:
        """(local date, weekday, hour)."""
        quarter = int(moment.timestamp()) // 900
        found = self._hours.get(quarter)
        if found is None:
            local = moment.astimezone(self.tz)
            found = self._hours[quarter] = (local.date(), local.weekday(), local.hour)
        return found

    def day(self, moment: datetime) -> date:
        return self.at(moment)[0]

    def quarter_day(self, quarter: int) -> date:
        """The local day of a UTC quarter-hour number (epoch seconds // 900)."""
        found = self._hours.get(quarter)
        if found is None:
            local = datetime.fromtimestamp(quarter * 900, self.tz)
            found = self._hours[quarter] = (local.date(), local.weekday(), local.hour)
        return found[0]


def posted_at(share: Share | RolledShare) -> datetime:
    """When the post went out: the network's answer for direct posts, otherwise the moment the
    advocate took the text to the network (the click that may confirm it comes later)."""
    if share.method == Share.Method.API and share.confirmed_at:
        return share.confirmed_at
    return share.created_at


def is_own(url: str, domains: list[str]) -> bool:
    from urllib.parse import urlsplit

    host = (urlsplit(url).hostname or "").lower()
    return any(host == d or host.endswith("." + d) for d in domains)


# --- Filling -----------------------------------------------------------------------------------


@dataclass
class FillResult:
    clicks: int = 0
    conversions: int = 0
    shares: int = 0
    rows: int = 0
    # Shares whose posting day was recounted in this run: the shares pass need not again.
    posted_counted: set = field(default_factory=set, repr=False)

    @property
    def events(self) -> int:
        return self.clicks + self.conversions + self.shares


def fill(*, batch: int = 50_000, now: float | None = None, progress=None) -> FillResult:
    """Bring the rollups up to date with every event written so far."""
    result = FillResult()
    tz = Organisation.get().zone
    state = FillState.objects.filter(source="clicks").first()
    if state and state.time_zone and state.time_zone != str(tz):
        # Days are the company's days: a new time zone moves every boundary.
        reset()
    while True:
        with transaction.atomic():
            clicks = _fill_events("clicks", Click, batch, tz, now, result)
            conversions = _fill_events("conversions", Conversion, batch, tz, now, result)
        if progress is not None:
            progress(clicks)
        if clicks < batch and conversions < batch:
            break
    with transaction.atomic():
        _fill_shares(tz, result)
    return result


def reset() -> None:
    """Forget every rollup; the next fill recounts everything from the raw events."""
    with transaction.atomic():
        ConversionDay.objects.all().delete()
        ShareDay.objects.all().delete()
        FillState.objects.all().delete()


def rebuild(*, progress=None) -> FillResult:
    """Forget the rollups and count every day again from the raw events, one day at a time
    (each day's events are read once), then carry on filling from where the raw events end."""
    from django.db.models import Max, Min

    reset()
    tz = Organisation.get().zone
    result = FillResult()
    marks = {}
    for source, model in (("clicks", Click), ("conversions", Conversion)):
        marks[source] = model.objects.aggregate(last=Max("pk"), first=Min("at"), end=Max("at"))
    shares = Share.objects.aggregate(first=Min("created_at"), end=Max("created_at"),
                                     api=Max("confirmed_at"))  # fmt: skip
    started = timezone.now()
    moments = [m for m in (*(v[k] for v in marks.values() for k in ("first", "end")),
                           *shares.values()) if m is not None]  # fmt: skip
    if moments:
        clock = LocalClock(tz)
        day, last_day = clock.day(min(moments)), clock.day(max(moments))
        counter = DayCounter(tz)
        per_day = Click.objects.count() / max(1, (last_day - day).days + 1)
        while day <= last_day:
            with transaction.atomic():
                result.rows += counter.count(day, None)
            if progress is not None:
                progress(round(per_day))
            day += timedelta(days=1)
    for source in ("clicks", "conversions"):
        FillState.objects.update_or_create(
            source=source,
            defaults={"last_id": marks[source]["last"] or 0, "gaps": {}, "time_zone": str(tz),
                      "filled_at": started},
        )  # fmt: skip
    FillState.objects.update_or_create(
        source="shares",
        defaults={"last_changed_at": started, "time_zone": str(tz), "filled_at": started},
    )
    result.clicks = Click.objects.filter(pk__lte=marks["clicks"]["last"] or 0).count()
    result.conversions = Conversion.objects.filter(
        pk__lte=marks["conversions"]["last"] or 0
    ).count()
    # Whatever arrived while counting is counted now, the usual way.
    later = fill()
    result.rows += later.rows
    return result


def _state(source: str) -> FillState:
    state = FillState.objects.select_for_update().filter(source=source).first()
    if state is None:
        state, _created = FillState.objects.get_or_create(source=source)
    return state


def _fill_events(source, model, batch, tz, now, result) -> int:
    """Count the next batch of clicks or conversions (and any gaps that turned up).

    The batch is read as (link, quarter hour) pairs counted in SQL, not row by row: which
    rows to recount needs only the link and the local day, and a quarter hour is never split
    by a local midnight (time zones are whole quarter hours off UTC)."""
    state = _state(source)
    first = state.last_id
    now = time.time() if now is None else now
    newer = model.objects.filter(pk__gt=first)
    upper = next(iter(newer.order_by("pk").values_list("pk", flat=True)[batch - 1 : batch]), None)
    if upper is None:
        upper = newer.aggregate(last=Max("pk"))["last"]
    gaps = {int(k): v for k, v in state.gaps.items()}
    pairs: set[tuple[int, int]] = set()
    counted = 0
    if upper is not None:
        found, counted = _quarters(model, "id > %s AND id <= %s", [state.last_id, upper])
        pairs |= found
        if counted < upper - state.last_id:
            present = set(
                model.objects.filter(pk__gt=state.last_id, pk__lte=upper).values_list(
                    "pk", flat=True
                )
            )
            for missing in range(state.last_id + 1, upper + 1):
                if missing not in present:
                    gaps[missing] = now
    for chunk in _chunks(sorted(gaps)):
        arrived = list(model.objects.filter(pk__in=chunk).values_list("pk", flat=True))
        if arrived:
            marks = ", ".join(["%s"] * len(arrived))
            found, n = _quarters(model, f"id IN ({marks})", arrived)
            pairs |= found
            counted += n
            for pk in arrived:
                gaps.pop(pk, None)
    gaps = {k: v for k, v in gaps.items() if now - v < GAP_SECONDS}
    if len(gaps) > MAX_GAPS:
        gaps = dict(sorted(gaps.items())[-MAX_GAPS:])
    if pairs:
        clock = LocalClock(tz)
        share_of = _share_of_links({link for link, _q in pairs})
        keys = {(share_of[link], clock.quarter_day(q)) for link, q in pairs if link in share_of}
        result.rows += recount(keys, tz, result.posted_counted)
    if upper is not None:
        state.last_id = upper
    setattr(result, source, getattr(result, source) + counted)
    state.gaps = {str(k): v for k, v in gaps.items()}
    state.time_zone = str(tz)
    state.filled_at = timezone.now()
    state.save()
    return 0 if upper is None else upper - first


def _quarters(model, where: str, params: list) -> tuple[set[tuple[int, int]], int]:
    """(link, UTC quarter-hour number) pairs of the matching events, and how many events."""
    if connection.vendor == "postgresql":
        epoch = "CAST(FLOOR(EXTRACT(EPOCH FROM at)) AS BIGINT)"
    else:
        epoch = "CAST(strftime('%%s', at) AS INTEGER)"
    sql = (
        f"SELECT link_id, {epoch} / 900, COUNT(*) FROM {model._meta.db_table} "  # noqa: S608
        f"WHERE {where} GROUP BY 1, 2"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    return {(link, int(q)) for link, q, _n in rows}, sum(n for _l, _q, n in rows)


def _fill_shares(tz, result) -> None:
    """Shares posted, confirmed or given new figures since the last run."""
    state = _state("shares")
    started = timezone.now()
    changed = Share.objects.all()
    if state.last_changed_at is not None:
        changed = changed.filter(changed_at__gte=state.last_changed_at - SHARE_MARGIN)
    ids = list(changed.values_list("pk", flat=True))
    if ids:
        keys: set[Key] = set()
        clock = LocalClock(tz)
        for chunk in _chunks(ids):
            for share in Share.objects.filter(pk__in=chunk).only(
                "pk", "method", "created_at", "confirmed_at"
            ):
                keys.add((share.pk, clock.day(posted_at(share))))
            # Rows where the share counted before (its posting time may have moved).
            keys |= set(
                ShareDay.objects.filter(share_id__in=chunk, shares__gt=0).values_list(
                    "share_id", "day"
                )
            )
        keys = {key for key in keys if key[0] not in result.posted_counted}
        result.rows += recount(keys, tz)
        result.shares += len(ids)
    state.last_changed_at = started
    state.time_zone = str(tz)
    state.filled_at = started
    state.save()


def _share_of_links(link_ids: set[int]) -> dict[int, int]:
    found: dict[int, int] = {}
    for chunk in _chunks(sorted(link_ids)):
        found.update(TrackedLink.objects.filter(pk__in=chunk).values_list("pk", "share_id"))
    return found


def _chunks(values: list, size: int = CHUNK) -> Iterable[list]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


# --- Recounting ------------------------------------------------------------------------------


def recount(keys: set[Key], tz: ZoneInfo | None = None, posted: set | None = None) -> int:
    """Recount the rollup rows for these (share, day) keys from the raw events (`posted`
    collects the shares whose posting day was among them)."""
    if not keys:
        return 0
    tz = tz or Organisation.get().zone
    shares = _shares({share_id for share_id, _day in keys})
    by_day: dict[date, set[int]] = defaultdict(set)
    for share_id, day in keys:
        if share_id in shares:
            by_day[day].add(share_id)
    counter = DayCounter(tz, shares)
    if posted is not None:
        counter.posted = posted
    return sum(counter.count(day, share_ids) for day, share_ids in sorted(by_day.items()))


class DayCounter:
    """Counts the rows of one local day from the raw events: for some shares, or (`None`)
    for every share with something on that day — the rebuild's way, one pass per day."""

    def __init__(self, tz: ZoneInfo, shares: dict[int, RolledShare] | None = None):
        self.tz = tz
        self.clock = LocalClock(tz)
        self.shares = shares if shares is not None else {}
        self.domains = Settings.get().domains
        self._own_urls: dict[str, bool] = {}
        self.posted: set[int] = set()
        self.link_to_share: dict[int, int] = {
            s.link_id: pk for pk, s in self.shares.items() if s.link_id
        }

    def count(self, day: date, share_ids: set[int] | None) -> int:
        start, end = day_bounds(day, self.tz)
        counts: dict[int, dict] = defaultdict(lambda: dict.fromkeys(COUNTERS, 0))
        kinds: dict[int, dict[str, int]] = defaultdict(dict)
        if share_ids is None:
            link_chunks: list[list | None] = [None]
        else:
            links = sorted(link for pk in share_ids if (link := self.shares[pk].link_id))
            link_chunks = list(_chunks(links))
        adapt_moment = connection.ops.adapt_datetimefield_value
        bounds = [adapt_moment(start), adapt_moment(end)]
        for chunk in link_chunks:
            # Plain SQL: the ORM spent more time building these IN lists than SQLite counting.
            where = "at >= %s AND at < %s"
            params = list(bounds)
            if chunk is not None:
                where += f" AND link_id IN ({', '.join(['%s'] * len(chunk))})"
                params += chunk
            with connection.cursor() as cursor:
                cursor.execute(
                    f"SELECT link_id, kind, COUNT(*), COUNT(DISTINCT visitor) "  # noqa: S608
                    f"FROM {CLICKS} WHERE {where} GROUP BY link_id, kind",
                    params,
                )
                found_clicks = cursor.fetchall()
                cursor.execute(
                    f"SELECT link_id, kind, COUNT(*) FROM {CONVERSIONS} "  # noqa: S608
                    f"WHERE {where} GROUP BY link_id, kind",
                    params,
                )
                found_conversions = cursor.fetchall()
            self._learn({row[0] for row in found_clicks} | {row[0] for row in found_conversions})
            for link_id, kind, n, visitors in found_clicks:
                row = counts[self.link_to_share[link_id]]
                row[CLICK_COUNTER[kind]] += n
                if kind == Click.Kind.HUMAN:
                    row["unique_clicks"] += visitors
            for link_id, kind, n in found_conversions:
                share_id = self.link_to_share[link_id]
                counts[share_id]["conversions"] += n
                kinds[share_id][kind] = kinds[share_id].get(kind, 0) + n
        if share_ids is None:
            share_ids = set(counts) | self._posted_on(start, end)
        adapt = connection.ops.adapt_datefield_value
        the_day = adapt(day)
        rows = []
        for pk in sorted(share_ids):
            share, row = self.shares[pk], counts[pk]
            when = self.clock.at(posted_at(share))
            if when[0] == day:
                self.posted.add(pk)
                if share.status == Share.Status.CONFIRMED:
                    _share_counters(share, row)
            if share.item_url and self._own(share.item_url):
                row["referrals"] = row["clicks"]
            if not any(row.values()):
                continue
            rows.append(
                (pk, the_day, share.employee_id, share.department_id, share.team_id,
                 share.item_id, share.network, share.language, share.goal, share.edited,
                 adapt(when[0]), when[1], when[2], *(row[c] for c in COUNTERS))
            )  # fmt: skip
        # The day's old rows of these shares go, with their conversions by kind (in SQL: the
        # ORM's delete first reads every row to cascade by hand).
        with connection.cursor() as cursor:
            for chunk in _chunks(sorted(share_ids)):
                marks = ", ".join(["%s"] * len(chunk))
                cursor.execute(
                    f"DELETE FROM {CONVERSION_DAYS} WHERE row_id IN "  # noqa: S608
                    f"(SELECT id FROM {SHARE_DAYS} WHERE day = %s AND share_id IN ({marks}))",
                    [the_day, *chunk],
                )
                cursor.execute(
                    f"DELETE FROM {SHARE_DAYS} WHERE day = %s AND share_id IN ({marks})",  # noqa: S608
                    [the_day, *chunk],
                )
        # One plain INSERT for many rows: the ORM's bulk_create spends most of a rebuild
        # preparing 30 fields per row.
        with connection.cursor() as cursor:
            for chunk in _chunks(rows, 500):
                cursor.executemany(INSERT_SQL, chunk)
        by_kind = [
            (kind, n, the_day, pk) for pk in sorted(kinds) for kind, n in sorted(kinds[pk].items())
        ]
        if by_kind:
            # Onto the row just written (none when the row had nothing to count).
            with connection.cursor() as cursor:
                cursor.executemany(
                    f"INSERT INTO {CONVERSION_DAYS} (row_id, kind, count) "  # noqa: S608
                    f"SELECT id, %s, %s FROM {SHARE_DAYS} WHERE day = %s AND share_id = %s",
                    by_kind,
                )
        return len(rows)

    def _own(self, url: str) -> bool:
        found = self._own_urls.get(url)
        if found is None:
            found = self._own_urls[url] = is_own(url, self.domains)
        return found

    def _learn(self, link_ids: set[int]) -> None:
        """Load the shares behind links not seen yet."""
        missing = link_ids - set(self.link_to_share)
        if missing:
            share_ids = set(_share_of_links(missing).values())
            self._add(share_ids)

    def _add(self, share_ids: set[int]) -> None:
        found = _shares(share_ids - set(self.shares))
        self.shares.update(found)
        self.link_to_share.update({s.link_id: pk for pk, s in found.items() if s.link_id})

    def _posted_on(self, start: datetime, end: datetime) -> set[int]:
        """Shares that went out in [start, end) — their reach and engagement count that day."""
        posted = Share.objects.filter(status=Share.Status.CONFIRMED).filter(
            Q(created_at__gte=start, created_at__lt=end) & ~Q(method=Share.Method.API)
            | Q(method=Share.Method.API, confirmed_at__gte=start, confirmed_at__lt=end)
        )
        ids = set(posted.values_list("pk", flat=True))
        self._add(ids)
        return ids


def _share_counters(share, row: dict) -> None:
    row["shares"] = 1
    row["reach"] = share.audience or 0
    engagement = share.engagement
    if engagement is not None:
        row["engaged_shares"] = 1
        row["engagement"] = engagement
        if share.audience is not None:
            row["rated_engagement"] = engagement
            row["engaged_reach"] = share.audience
        row["reactions"] = share.reactions or 0
        row["comments"] = share.comments or 0
        row["reshares"] = share.reshares or 0
    row["impressions"] = share.impressions or 0


class RolledShare(NamedTuple):
    """What a recount needs of a share, its person and its item: read as plain values (in
    the order of FIELDS), since building model instances was a fifth of a catch-up's time."""

    pk: int
    network: str
    edited: bool
    method: str
    status: str
    created_at: datetime
    confirmed_at: datetime | None
    audience: int | None
    reactions: int | None
    comments: int | None
    reshares: int | None
    impressions: int | None
    employee_id: int
    item_id: int
    department_id: int | None
    team_id: int | None
    language: str
    item_url: str
    goal: str
    link_id: int | None

    @property
    def engagement(self) -> int | None:
        parts = [self.reactions, self.comments, self.reshares]
        if all(p is None for p in parts):
            return None
        return sum(p or 0 for p in parts)


SHARE_FIELDS = (
    "pk", "network", "edited", "method", "status", "created_at", "confirmed_at", "audience",
    "reactions", "comments", "reshares", "impressions", "employee_id", "item_id",
    "employee__department_id", "employee__team_id", "employee__language", "item__url",
    "item__goal", "link__id",
)  # fmt: skip


def _shares(ids: set[int]) -> dict[int, RolledShare]:
    found: dict[int, RolledShare] = {}
    for chunk in _chunks(sorted(ids)):
        for values in Share.objects.filter(pk__in=chunk).values_list(*SHARE_FIELDS):
            found[values[0]] = RolledShare(*values)
    return found


# --- Proof -------------------------------------------------------------------------------------


def expected() -> dict[Key, dict]:
    """Every rollup row as it should be, counted from scratch in one pass over the raw rows."""
    tz = Organisation.get().zone
    domains = Settings.get().domains
    shares = {
        s.pk: s
        for s in Share.objects.select_related("item").only(
            "pk", "method", "status", "created_at", "confirmed_at", "audience", "reactions",
            "comments", "reshares", "impressions", "item__url",
        )
    }  # fmt: skip
    share_of = dict(TrackedLink.objects.values_list("pk", "share_id"))
    rows: dict[Key, dict] = defaultdict(lambda: dict.fromkeys(COUNTERS, 0) | {"kinds": {}})
    visitors: dict[Key, set] = defaultdict(set)
    for link_id, kind, visitor, at in Click.objects.values_list(
        "link_id", "kind", "visitor", "at"
    ).iterator(chunk_size=10_000):
        key = (share_of[link_id], at.astimezone(tz).date())
        rows[key][CLICK_COUNTER[kind]] += 1
        if kind == Click.Kind.HUMAN:
            visitors[key].add(visitor)
    for key, seen in visitors.items():
        rows[key]["unique_clicks"] = len(seen)
    for link_id, kind, at in Conversion.objects.values_list("link_id", "kind", "at"):
        row = rows[(share_of[link_id], at.astimezone(tz).date())]
        row["conversions"] += 1
        row["kinds"][kind] = row["kinds"].get(kind, 0) + 1
    for share in shares.values():
        if share.status == Share.Status.CONFIRMED:
            _share_counters(share, rows[(share.pk, posted_at(share).astimezone(tz).date())])
    for (share_id, _day), row in rows.items():
        if is_own(shares[share_id].item.url, domains):
            row["referrals"] = row["clicks"]
    return {key: row for key, row in rows.items() if any(row[c] for c in COUNTERS)}


def stored() -> dict[Key, dict]:
    rows = {}
    kinds: dict[int, dict] = defaultdict(dict)
    for row_id, kind, count in ConversionDay.objects.values_list("row_id", "kind", "count"):
        kinds[row_id][kind] = count
    for values in ShareDay.objects.values("pk", "share_id", "day", *COUNTERS).iterator():
        key = (values.pop("share_id"), values.pop("day"))
        values["kinds"] = kinds.get(values.pop("pk"), {})
        rows[key] = values
    return rows


def compare() -> list[str]:
    """Differences between the stored rollups and a recount from the raw events ([] = agree)."""
    want, have = expected(), stored()
    problems = []
    for key in sorted(set(want) | set(have)):
        a, b = want.get(key), have.get(key)
        if a is None:
            problems.append(f"share {key[0]} on {key[1]}: stored but no events")
        elif b is None:
            problems.append(f"share {key[0]} on {key[1]}: events but no rollup")
        else:
            for field in [*COUNTERS, "kinds"]:
                if a[field] != b[field]:
                    problems.append(
                        f"share {key[0]} on {key[1]}: {field} is {b[field]}, recount {a[field]}"
                    )
    return problems
