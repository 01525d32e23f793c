"""History for the dashboard benchmark: the demo company's own employees sharing the demo's own
items for longer, so the database holds a given number of clicks in all.

How (fast, and deterministic for a seed):

- Each history share copies a demo share picked at random (who, what, which network, the text,
  edited or not, method, audience and engagement figures) and moves it back a whole number of
  weeks (13 weeks or more, so it lies before the demo's 90 days), keeping its weekday and hour.
  About 64 shares a day; so the history is as long as the wanted clicks need
  (10 M clicks: ~70,000 shares over ~3 years; 10 k: a few dozen shares).
- Clicks per share have a long tail: lognormal, median 40, σ 1.6 (mean ≈ 144; p99 ≈ 1,700;
  the biggest tens of thousands), scaled so the total is exactly what was asked for.
- When: 72 % within 48 h (exponential, 7 h mean), 20 % on days 1–4, 6 % on days 4–21 and 2 %
  a long tail out to a year (log-uniform): an old share still gets the odd click today, so
  the last 30 days also hold rows for old shares. Night hours are thinned as in the demo.
- What: 90 % people, 6 % bots, 3 % link previews, 1 % the sharer's own; 12 % of a person's
  clicks are repeat visits that day (unique clicks < clicks); visitors are 32-hex strings;
  ~3 % of human clicks convert (lead / application / signup by the item's goal).
- Clicks get ids in time order (as the redirect writes them) and unique tokens from a counter
  (18 characters, never the demo's 16). They are built in Python and written with
  `executemany` on the raw SQLite connection, a day at a time, in one transaction.
- Employees whose first history share comes before they joined are moved to have joined
  earlier (as the demo does for its README advocates), so adoption stays coherent.

Shares and links go through the ORM (`bulk_create`); only clicks and conversions are raw.
"""

from __future__ import annotations

import math
import random
import time
from datetime import UTC, datetime, timedelta

SHARES_PER_DAY = 64
MEDIAN_CLICKS = 40
SIGMA = 1.6
MEAN_CLICKS = MEDIAN_CLICKS * math.exp(SIGMA**2 / 2)
REPEAT_VISIT = 0.12
CONVERSION_RATE = 0.03
# Local (CET-ish) hour weights for when people click, from the demo.
CLICK_HOURS = [0.1, 0.05, 0.03, 0.02, 0.03, 0.1, 0.35, 0.7, 0.9, 0.9, 0.8, 0.8,
               1.0, 0.85, 0.7, 0.7, 0.7, 0.6, 0.55, 0.65, 0.8, 0.75, 0.5, 0.25]  # fmt: skip
FLUSH_ROWS = 100_000


def _pools(rng: random.Random) -> dict[str, list[tuple[str, str, str]]]:
    """(referrer, device, country) combinations per network, drawn as the demo draws them."""
    from advocato.sharing.demo import DEVICES, REFERRERS

    countries = {"DK": 0.5, "NO": 0.18, "SE": 0.14, "DE": 0.06, "GB": 0.06, "US": 0.06}
    pools = {}
    for network, (referrer_share, referrers) in REFERRERS.items():
        devices = DEVICES.get(network, DEVICES["default"])
        pool = []
        for _n in range(256):
            referrer = rng.choice(referrers) if rng.random() < referrer_share else ""
            device = rng.choices(list(devices), weights=list(devices.values()))[0]
            country = rng.choices(list(countries), weights=list(countries.values()))[0]
            pool.append((referrer, device, country))
        pools[network] = pool
    return pools


def _counts(rng: random.Random, wanted: int) -> list[int]:
    """Clicks per share: a long tail, adding up to exactly `wanted`."""
    n_shares = max(1, round(wanted / MEAN_CLICKS))
    raw = [rng.lognormvariate(math.log(MEDIAN_CLICKS), SIGMA) for _n in range(n_shares)]
    scale = wanted / sum(raw)
    counts = [max(1, round(x * scale)) for x in raw]
    diff = wanted - sum(counts)
    while diff:
        i = rng.randrange(n_shares)
        if diff > 0:
            counts[i] += 1
            diff -= 1
        elif counts[i] > 1:
            counts[i] -= 1
            diff += 1
    return counts


class _Stamp:
    """'YYYY-MM-DD HH:MM:SS.ffffff' (how Django stores an aware datetime in SQLite, in UTC)
    of epoch seconds, fast: the date and hour are formatted once per hour."""

    def __init__(self):
        self.hours: dict[int, str] = {}

    def __call__(self, t: float) -> str:
        seconds = int(t)
        hour = seconds // 3600
        prefix = self.hours.get(hour)
        if prefix is None:
            prefix = self.hours[hour] = datetime.fromtimestamp(hour * 3600, UTC).strftime(
                "%Y-%m-%d %H:"
            )
        rest = seconds - hour * 3600
        micro = int((t - seconds) * 1_000_000)
        return f"{prefix}{rest // 60:02d}:{rest % 60:02d}.{micro:06d}"


def extend_history(total_clicks: int, *, seed: int = 20261124, log=print) -> dict:
    """Add history until the database holds `total_clicks` clicks. Returns what was made."""
    from django.db import connection, connections, transaction
    from django.utils import timezone

    from advocato.links.models import Click, TrackedLink
    from advocato.people.models import Employee
    from advocato.sharing.demo import _joined_earlier
    from advocato.sharing.models import Share

    started = time.perf_counter()
    existing = Click.objects.count()
    wanted = total_clicks - existing
    if wanted <= 0:
        raise ValueError(f"The demo alone has {existing} clicks, more than {total_clicks}.")
    rng = random.Random(seed)
    templates = list(Share.objects.select_related("item").order_by("pk"))
    cutoff = max(Click.objects.order_by("-at").values_list("at", flat=True).first(),
                 max(t.created_at for t in templates))  # fmt: skip
    cutoff_t = cutoff.timestamp()
    counts = _counts(rng, wanted)
    weeks = max(1, math.ceil(len(counts) / SHARES_PER_DAY / 7))

    # --- Shares and their links (ORM) -------------------------------------------------------
    planned = []
    for n in counts:
        template = rng.choice(templates)
        back = timedelta(weeks=13 + rng.randrange(weeks), seconds=rng.uniform(-1800, 1800))
        planned.append((template.created_at - back, template, n))
    planned.sort(key=lambda p: p[0])
    shares = []
    for at, t, _n in planned:
        confirmed = at + (t.confirmed_at - t.created_at) if t.confirmed_at else None
        engagement_at = at + (t.engagement_at - t.created_at) if t.engagement_at else None
        shares.append(
            Share(
                employee_id=t.employee_id, item_id=t.item_id, network=t.network, text=t.text,
                suggested_text=t.suggested_text, edited=t.edited, edit_distance=t.edit_distance,
                method=t.method, status=t.status, created_at=at, confirmed_at=confirmed,
                confirmed_by=t.confirmed_by, audience=t.audience,
                audience_source=t.audience_source, reactions=t.reactions, comments=t.comments,
                reshares=t.reshares, impressions=t.impressions,
                engagement_source=t.engagement_source, engagement_at=engagement_at,
            )
        )  # fmt: skip
    with transaction.atomic():
        Share.objects.bulk_create(shares, batch_size=500)
        links = [
            TrackedLink(share=s, code=f"h{n:07x}", created_at=s.created_at)
            for n, s in enumerate(shares)
        ]
        TrackedLink.objects.bulk_create(links, batch_size=500)
        # Who shared before they joined has joined earlier.
        first: dict[int, datetime] = {}
        for s in shares:
            first.setdefault(s.employee_id, s.created_at)
        for employee in Employee.objects.filter(pk__in=list(first)).select_related("user"):
            if employee.user and employee.user.date_joined > first[employee.pk]:
                _joined_earlier(employee, first[employee.pk] - timedelta(days=2))
    shares_s = time.perf_counter() - started
    log(f"  {len(shares):,} history shares, {weeks} weeks back, in {shares_s:.1f} s")

    # --- Clicks and conversions (raw executemany) ------------------------------------------
    goal_kind = {"leads": "lead", "recruitment": "application"}
    pools = _pools(rng)
    stamp = _Stamp()
    random_ = rng.random
    bits = rng.getrandbits
    expo = rng.expovariate
    uniform = rng.uniform
    log_tail = math.log(365 / 21)
    next_id = (Click.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1
    counter = {"click": next_id, "token": 0, "conversion": 0, "rows": 0}
    buckets: dict[int, list] = {}  # UTC day number → clicks (t, link, kind, visitor, pool row)

    connection.ensure_connection()
    raw = connection.connection
    # Throw-away database, data generation only: no rollback journal and no fsync while the
    # rows go in (a crash here just means running the benchmark again). The normal settings
    # (WAL, synchronous=NORMAL, default cache) are back before anything is measured.
    raw.execute("PRAGMA journal_mode=OFF")
    raw.execute("PRAGMA synchronous=OFF")
    raw.execute("PRAGMA cache_size=-1000000")
    # Same reason: the secondary indexes are dropped and made again from their own SQL after
    # the load (one sort each instead of 10 M B-tree inserts). The schema ends up as migrated.
    indexes = [
        sql
        for (sql,) in raw.execute(
            "SELECT sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL "
            "AND tbl_name IN ('links_click', 'links_conversion')"
        )
    ]
    for (index,) in raw.execute(
        "SELECT name FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL "
        "AND tbl_name IN ('links_click', 'links_conversion')"
    ).fetchall():
        raw.execute(f'DROP INDEX "{index}"')
    click_sql = (
        "INSERT INTO links_click (id, at, kind, visitor, network, token, referrer_domain, "
        "device, country, link_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
    )
    conversion_sql = (
        "INSERT INTO links_conversion (kind, value, currency, external_id, source, at, "
        "click_id, link_id) VALUES (?, NULL, '', ?, 'snippet', ?, ?, ?)"
    )

    def flush(until_day: int) -> None:
        days = sorted(d for d in buckets if d < until_day)
        if not days:
            return
        rows, conversions = [], []
        for day in days:
            for t, link_id, kind, visitor, (referrer, device, country), goal in sorted(
                buckets.pop(day)
            ):
                click_id = counter["click"]
                counter["click"] += 1
                counter["token"] += 1
                # One network per visitor here (the network hash is for points, not counted).
                rows.append((click_id, stamp(t), kind, visitor, visitor,
                             f"bh{counter['token']:016x}", referrer, device, country,
                             link_id))  # fmt: skip
                if kind == "human" and random_() < CONVERSION_RATE:
                    counter["conversion"] += 1
                    external = f"hist-{counter['conversion']}"
                    converted = stamp(t + uniform(120, 2400))
                    conversions.append((goal, external, converted, click_id, link_id))
        raw.executemany(click_sql, rows)
        if conversions:
            raw.executemany(conversion_sql, conversions)
        counter["rows"] += len(rows)

    pending = 0
    gen_started = time.perf_counter()
    with transaction.atomic():
        for share, link, (at, template, n) in zip(shares, links, planned, strict=True):
            base = at.timestamp() + 120
            day_now = int(base) // 86400
            if pending >= FLUSH_ROWS:
                flush(day_now)
                pending = sum(len(b) for b in buckets.values())
            pool = pools.get(share.network) or pools["linkedin"]
            goal = goal_kind.get(template.item.goal, "signup")
            link_id = link.pk
            seen: dict[int, list[str]] = {}
            for _i in range(n):
                for _try in range(2):
                    r = random_()
                    if r < 0.72:
                        hours = min(expo(1 / 7), 48.0)
                    elif r < 0.92:
                        hours = uniform(24, 96)
                    elif r < 0.98:
                        hours = uniform(96, 504)
                    else:
                        hours = 504 * math.exp(random_() * log_tail)
                    t = base + hours * 3600
                    if t >= cutoff_t:
                        t = uniform(base, cutoff_t)
                    if random_() < CLICK_HOURS[(int(t) // 3600 + 1) % 24]:
                        break
                r = random_()
                if r < 0.90:
                    kind = "human"
                    local_day = (int(t) + 3600) // 86400
                    visitors = seen.get(local_day)
                    if visitors is None:
                        visitors = seen[local_day] = []
                    if visitors and random_() < REPEAT_VISIT:
                        visitor = visitors[int(random_() * len(visitors))]
                    else:
                        visitor = f"{bits(128):032x}"
                        visitors.append(visitor)
                    where = pool[bits(8)]
                elif r < 0.96:
                    kind, visitor, where = "bot", f"{bits(128):032x}", ("", "other", "US")
                elif r < 0.99:
                    kind, visitor, where = "preview", f"{bits(128):032x}", ("", "other", "US")
                else:
                    kind, visitor = "self", f"{bits(128):032x}"
                    where = (pool[0][0] or "", "mobile", "DK")
                bucket = buckets.get(int(t) // 86400)
                if bucket is None:
                    bucket = buckets[int(t) // 86400] = []
                bucket.append((t, link_id, kind, visitor, where, goal))
            pending += n
        flush(10**9)
    insert_s = time.perf_counter() - gen_started
    for sql in indexes:
        raw.execute(sql)
    raw.execute("PRAGMA journal_mode=WAL")
    raw.execute("PRAGMA synchronous=NORMAL")
    connections.close_all()  # the next connection starts with the settings' PRAGMAs
    gen_s = time.perf_counter() - gen_started
    log(f"  {counter['rows']:,} clicks and {counter['conversion']:,} conversions written in "
        f"{gen_s:.1f} s ({gen_s - insert_s:.1f} s of it indexing)")  # fmt: skip
    return {
        "history_shares": len(shares),
        "history_clicks": counter["rows"],
        "history_conversions": counter["conversion"],
        "history_weeks": weeks,
        "history_start": min(s.created_at for s in shares),
        "seconds": time.perf_counter() - started,
        "made_at": timezone.now(),
    }
