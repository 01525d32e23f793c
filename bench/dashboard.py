"""How the programme dashboard and the scorecard hold up as the click history grows, and how
fast the rollups catch up with raw clicks.

Two throw-away data dirs (SQLite, the default a user runs), each with the demo company
(`build_demo`: ~580 shares, ~5,700 clicks over 90 days), then more history — the same employees
sharing the same items, further back in time — until the database holds 10 k clicks in one and
10 M in the other (see `_dashboard_data.py` for how the history is made). Each case runs in a
child process of its own (Django's settings belong to one data dir per process).

In each case:
1. the new raw clicks are folded into the rollups with `rollups.fill()`, timed: the catch-up
   rate (clicks folded per second; the rate reported is the 10 M case's);
2. a logged-in analyst (analyst@nordlys.example) GETs `/analytics/` (the default period, the
   last 30 days) and `/analytics/?period=<this quarter>`, and Anna Holm GETs her `/scorecard/`,
   through Django's test Client: one warm-up, then the median of 7 runs each.
   Pages fill the rollups inline when the last fill is over 60 s old; nothing is waiting here
   (checked), so before every request the fill state is marked fresh, as the worker's
   minute-by-minute fill keeps it, and the pages time reading the rollups, not filling them.

The issue's target: the 10 M dashboard takes at most 2× the 10 k one, and under a second.

The whole run takes ~14 min on 2 shared cores: ~4.5 min making 10 M clicks, ~8.5 min folding
all of them (measured over all 10 M: only `fill()` gives identical rows, so a partial
measurement would not make the run shorter), the rest demo builds and page renders.

Options: `--scale small` (or BENCH_DASHBOARD_SCALE=small): 100 k clicks instead of 10 M, for
development; BENCH_DASHBOARD_CLICKS=<n> sets the big case's clicks; BENCH_DASHBOARD_RUNS (7);
`--profile`: also print a cProfile of one big-case dashboard render; `--smoke`: 20 k clicks and
the median of 2 runs whatever the environment says, in seconds, to prove the benchmark works.

Prints at the end: dashboard_10k_ms, dashboard_10m_ms, dashboard_ratio, scorecard_10k_ms,
scorecard_10m_ms, scorecard_ratio, dashboard_quarter_*, rollup_clicks_per_s and the
sizes behind them (the "10m" names are kept at the smaller scales; clicks_10m says what was run).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _setup import arguments

BENCH_DIR = Path(__file__).resolve().parent
SMALL, FULL = 10_000, 10_000_000
SCALES = {"full": FULL, "small": 100_000, "smoke": 20_000}
ANALYST = "analyst@nordlys.example"
ADVOCATE = "anna.holm@nordlys.example"
RUNS = int(os.environ.get("BENCH_DASHBOARD_RUNS", "7"))
SMOKE_RUNS = 2


# --- One case, in its own process ---------------------------------------------------------------
def run_case(name: str, clicks: int, runs: int, profile: bool) -> dict:
    os.environ.pop("DATABASE_URL", None)  # SQLite: the raw bulk load below is SQLite's
    os.environ["ADVOCATO_EMAIL_BACKEND"] = "django.core.mail.backends.locmem.EmailBackend"
    from _setup import setup

    started = time.perf_counter()
    setup()
    from _dashboard_data import extend_history
    from django.conf import settings
    from django.db import connection, connections
    from django.test import Client, override_settings
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from advocato.analytics import rollups
    from advocato.analytics.kpis import quarter_of
    from advocato.analytics.models import FillState, ShareDay
    from advocato.core.models import Organisation
    from advocato.links.models import Click, Conversion
    from advocato.people.models import User
    from advocato.sharing.models import Share
    from advocato.shell.demo import build_demo

    def say(text: str) -> None:
        print(f"[{name}] {text}", flush=True)

    t = time.perf_counter()
    demo = build_demo(quiet=True)
    say(f"demo built in {time.perf_counter() - t:.1f} s: {demo['clicks']:,} clicks")
    history = extend_history(clicks, log=say)
    before = {"clicks": Click.objects.count(), "shares": Share.objects.count()}

    # --- Catch-up: fold every new raw click into the rollups ----------------------------------
    done = {"batches": 0, "clicks": 0, "first_1m_s": None}

    def progress(n: int) -> None:
        done["batches"] += 1
        done["clicks"] += n
        if done["first_1m_s"] is None and done["clicks"] >= 1_000_000:
            done["first_1m_s"] = time.perf_counter() - t
        if done["batches"] % 20 == 0:
            elapsed = time.perf_counter() - t
            say(f"  filling: {done['clicks']:,} clicks in {elapsed:.0f} s "
                f"({done['clicks'] / elapsed:,.0f}/s)")  # fmt: skip

    t = time.perf_counter()
    filled = rollups.fill(progress=progress)
    fill_s = time.perf_counter() - t
    say(f"fill(): {filled.clicks:,} clicks, {filled.conversions:,} conversions, "
        f"{filled.shares:,} shares → {filled.rows:,} rows written in {fill_s:.1f} s")  # fmt: skip
    state = FillState.objects.get(source="clicks")
    waiting = Click.objects.filter(pk__gt=state.last_id).count()
    if waiting:
        raise RuntimeError(f"{waiting} clicks still wait after fill()")

    # --- Rendering ------------------------------------------------------------------------------
    Path(settings.STATIC_ROOT).mkdir(parents=True, exist_ok=True)  # whitenoise looks there
    static = settings.STORAGES["staticfiles"]["BACKEND"]
    if "Manifest" in static and not (Path(settings.STATIC_ROOT) / "staticfiles.json").exists():
        # No collectstatic in a throw-away data dir: plain static URLs, as in /tmp/render.py.
        storages = {**settings.STORAGES, "staticfiles": {
            "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}  # fmt: skip
        override_settings(STORAGES=storages).enable()
    host = (settings.ALLOWED_HOSTS or ["localhost"])[0].lstrip(".") or "localhost"
    today = Organisation.get().today()
    year, quarter = quarter_of(today)
    pages = {
        "dashboard": (ANALYST, "/analytics/"),
        "dashboard_quarter": (ANALYST, f"/analytics/?period={year}-q{quarter}"),
        "scorecard": (ADVOCATE, "/scorecard/"),
    }
    clients = {}
    for email in {ANALYST, ADVOCATE}:
        clients[email] = Client(HTTP_HOST=host)
        clients[email].force_login(User.objects.get(email=email))

    def mark_fresh() -> None:
        # Nothing waits (checked above and here): the worker would have filled a moment ago.
        assert not Click.objects.filter(pk__gt=state.last_id).exists()
        FillState.objects.filter(source="clicks").update(filled_at=timezone.now())

    def get(email: str, url: str):
        response = clients[email].get(url, secure=True)
        if response.status_code != 200:
            raise RuntimeError(f"GET {url} as {email}: {response.status_code}")
        return response

    timings, minima, queries = {}, {}, {}
    for key, (email, url) in pages.items():
        mark_fresh()
        get(email, url)  # warm up
        samples = []
        for _run in range(runs):
            mark_fresh()
            t = time.perf_counter()
            get(email, url)
            samples.append((time.perf_counter() - t) * 1000)
        timings[key] = statistics.median(samples)
        minima[key] = min(samples)
        mark_fresh()
        with CaptureQueriesContext(connection) as captured:
            get(email, url)
        slow = sorted(captured.captured_queries, key=lambda q: -float(q["time"]))[:4]
        queries[key] = {
            "count": len(captured),
            "sql_ms": sum(float(q["time"]) for q in captured.captured_queries) * 1000,
            "slowest": [(float(q["time"]) * 1000, q["sql"][:300]) for q in slow],
        }
        say(f"{url} as {email.split('@')[0]}: median {timings[key]:.1f} ms "
            f"(min {min(samples):.1f}, max {max(samples):.1f}; {len(captured)} queries, "
            f"{queries[key]['sql_ms']:.0f} ms in SQL)")  # fmt: skip

    if profile:
        import cProfile
        import pstats

        mark_fresh()
        profiler = cProfile.Profile()
        profiler.enable()
        get(ANALYST, pages["dashboard"][1])
        profiler.disable()
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(30)

    db = Path(settings.DATABASES["default"]["NAME"])
    db_bytes = sum(p.stat().st_size for p in db.parent.glob(db.name + "*"))
    connections.close_all()
    return {
        "clicks": before["clicks"],
        "shares": before["shares"],
        "conversions": Conversion.objects.count(),
        "demo_clicks": demo["clicks"],
        "history_shares": history["history_shares"],
        "history_clicks": history["history_clicks"],
        "history_weeks": history["history_weeks"],
        "history_start": history["history_start"].date().isoformat(),
        "datagen_s": history["seconds"],
        "fill_s": fill_s,
        "fill_clicks": filled.clicks,
        "fill_rows": filled.rows,
        "shareday_rows": ShareDay.objects.count(),
        "shareday_rows_30d": ShareDay.objects.filter(
            day__gte=today - timezone.timedelta(days=29)
        ).count(),
        "db_mb": db_bytes / 1e6,
        "timings": timings,
        "minima": minima,
        "fill_first_1m_s": done["first_1m_s"],
        "queries": queries,
        "case_s": time.perf_counter() - started,
    }


# --- The parent: both cases, then the figures -----------------------------------------------------
def run_child(name: str, clicks: int, runs: int, profile: bool, keep: bool) -> dict:
    data_dir = Path(tempfile.mkdtemp(prefix=f"advocato-bench-dashboard-{name}-"))
    env = {**os.environ, "ADVOCATO_DATA_DIR": str(data_dir)}
    command = [sys.executable, str(Path(__file__).resolve()), "--case", name,
               "--clicks", str(clicks), "--runs", str(runs),
               *(["--profile"] if profile else [])]  # fmt: skip
    result = None
    try:
        with subprocess.Popen(command, cwd=BENCH_DIR, env=env, stdout=subprocess.PIPE,  # noqa: S603
                              text=True, bufsize=1) as child:  # fmt: skip
            for line in child.stdout:
                if line.startswith("RESULT "):
                    result = json.loads(line[7:])
                else:
                    print(line, end="", flush=True)
        if child.returncode != 0 or result is None:
            raise RuntimeError(f"The {name} case failed (exit code {child.returncode}).")
    finally:
        if keep:
            print(f"[{name}] data kept in {data_dir}")
        else:
            shutil.rmtree(data_dir, ignore_errors=True)
    return result


def main() -> int:
    parser = arguments(__doc__)
    parser.add_argument("--scale", choices=list(SCALES),
                        default=os.environ.get("BENCH_DASHBOARD_SCALE", "full"))  # fmt: skip
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--keep", action="store_true", help="keep the data dirs")
    parser.add_argument("--case", help=argparse.SUPPRESS)
    parser.add_argument("--clicks", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--runs", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.case:  # a child
        result = run_case(args.case, args.clicks, args.runs, args.profile)
        print("RESULT " + json.dumps(result), flush=True)
        return 0

    if args.smoke:  # whatever the environment says
        scale, big, runs = "smoke", SCALES["smoke"], SMOKE_RUNS
    else:
        scale, runs = args.scale, RUNS
        big = int(os.environ.get("BENCH_DASHBOARD_CLICKS") or SCALES[scale])
    started = time.perf_counter()
    print(f"Load average before the run (2 cores shared with others): "
          f"{' '.join(f'{x:.2f}' for x in os.getloadavg())}", flush=True)  # fmt: skip
    small = run_child("10k", SMALL, runs, False, args.keep)
    large = run_child("10m", big, runs, args.profile, args.keep)
    total_s = time.perf_counter() - started

    for case, r in (("10k", small), ("10m", large)):
        rows = r["shareday_rows"]
        print(f"\nSlowest SQL, {case} case ({r['clicks']:,} clicks, {rows:,} rollup rows):")
        for key, q in r["queries"].items():
            print(f"  {key}: {q['count']} queries, {q['sql_ms']:.0f} ms in SQL")
            for ms, sql in q["slowest"][:2]:
                print(f"    {ms:7.1f} ms  {sql[:160]}")

    def ratio(key: str) -> float:
        return large["timings"][key] / small["timings"][key]

    dash_10k, dash_10m = small["timings"]["dashboard"], large["timings"]["dashboard"]
    met = dash_10m <= 2 * dash_10k and dash_10m < 1000
    fill_rate = large["fill_clicks"] / large["fill_s"] if large["fill_s"] else float("nan")
    print(
        f"\nDashboard (last 30 days): {dash_10k:.0f} ms with {small['clicks']:,} clicks, "
        f"{dash_10m:.0f} ms with {large['clicks']:,} ({ratio('dashboard'):.2f}×); scorecard "
        f"{small['timings']['scorecard']:.0f} → {large['timings']['scorecard']:.0f} ms; rollups "
        f"catch up at {fill_rate:,.0f} clicks/s. Target (≤ 2× and < 1 s): "
        f"{'met' if met else 'NOT met'}."
        + (" A smoke run: these figures measure nothing." if args.smoke else "")
    )
    print(f"scale: {scale if big == SCALES[scale] else 'custom'}")
    print(f"clicks_10k: {small['clicks']}")
    print(f"clicks_10m: {large['clicks']}")
    print(f"shares_10k: {small['shares']}")
    print(f"shares_10m: {large['shares']}")
    print(f"conversions_10m: {large['conversions']}")
    print(f"history_start_10m: {large['history_start']}")
    print(f"shareday_rows_10k: {small['shareday_rows']}")
    print(f"shareday_rows_10m: {large['shareday_rows']}")
    print(f"shareday_rows_last30d_10k: {small['shareday_rows_30d']}")
    print(f"shareday_rows_last30d_10m: {large['shareday_rows_30d']}")
    print(f"db_mb_10m: {large['db_mb']:.0f}")
    print(f"datagen_10m_s: {large['datagen_s']:.1f}")
    print(f"datagen_clicks_per_s: {large['history_clicks'] / large['datagen_s']:.0f}")
    print(f"rollup_clicks_measured: {large['fill_clicks']}")
    print(f"rollup_fill_s: {large['fill_s']:.1f}")
    print(f"rollup_rows_written: {large['fill_rows']}")
    print(f"rollup_clicks_per_s: {fill_rate:.0f}")
    if large["fill_first_1m_s"]:
        print(f"rollup_clicks_per_s_first_1m: {1_000_000 / large['fill_first_1m_s']:.0f}")
    for key in ("dashboard", "dashboard_quarter", "scorecard"):
        print(f"{key}_10k_ms: {small['timings'][key]:.1f}")
        print(f"{key}_10m_ms: {large['timings'][key]:.1f}")
        print(f"{key}_ratio: {ratio(key):.2f}")
        print(f"{key}_10k_min_ms: {small['minima'][key]:.1f}")
        print(f"{key}_10m_min_ms: {large['minima'][key]:.1f}")
    print(f"dashboard_queries_10m: {large['queries']['dashboard']['count']}")
    print(f"dashboard_target_met: {str(met).lower()}")
    print(f"load_average_after: {os.getloadavg()[0]:.2f}")
    print(f"bench_total_s: {total_s:.0f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
