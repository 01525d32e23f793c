"""How fast the tracked-link redirect answers, and whether it keeps every click exactly once.

Builds the demo company in a fresh data dir, starts ~200 shares (each with its tracked link),
then starts the production server (`advocato serve`: gunicorn, sync workers) and, for
comparison, the same gunicorn serving a bare WSGI app that only answers 302
(`_redirect_bare.py`). A load client on this machine (processes × threads, one new connection
per request, as gunicorn's sync workers close each one) sends desktop-browser requests to
`/l/<code>`, round-robin over the codes, to one server at a time: bare, redirect, bare,
redirect; each target's better round counts. Afterwards the servers are stopped, the click
spool is replayed as the worker would, and the clicks in the database are compared with the
302s the client received (the attribution token in each Location must be in the database).

The issue's target: the redirect with click recording keeps ≥ 50 % of the bare throughput
(redirect_ratio ≥ 0.5). Loopback only; the client shares the machine's CPUs with the servers.

Prints: redirect_rps, bare_rps, redirect_ratio, redirect_p50_ms, redirect_p99_ms, bare_p50_ms,
bare_p99_ms, clicks_sent, clicks_recorded, clicks_exactly_once, spooled, redirect_errors,
bare_errors, workers, concurrency, duration_s.
Settings from the environment: BENCH_REDIRECT_WORKERS (2), BENCH_REDIRECT_CONCURRENCY (16),
BENCH_REDIRECT_DURATION (8 s per round, after a 1 s warm-up), BENCH_REDIRECT_ROUNDS (2).
`--smoke`: 20 shares, 4 clients, one round of 1 s after 0.5 s, whatever the environment says.
Exits with 1 when a server sent no 302 at all: then nothing was measured."""

from __future__ import annotations

import math
import multiprocessing
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

from _setup import arguments

BENCH_DIR = Path(__file__).resolve().parent
SMOKE = __name__ == "__main__" and arguments(__doc__).parse_args().smoke
WORKERS = int(os.environ.get("BENCH_REDIRECT_WORKERS", "2"))
if SMOKE:
    CONCURRENCY, DURATION, ROUNDS, WARM_UP, SHARES = 4, 1.0, 1, 0.5, 20
else:
    CONCURRENCY = int(os.environ.get("BENCH_REDIRECT_CONCURRENCY", "16"))
    DURATION = float(os.environ.get("BENCH_REDIRECT_DURATION", "8"))
    ROUNDS = int(os.environ.get("BENCH_REDIRECT_ROUNDS", "2"))
    WARM_UP, SHARES = 1.0, 200
CLIENT_PROCESSES = max(1, min(os.cpu_count() or 1, CONCURRENCY))
REQUEST_TIMEOUT = 10.0
CHROME = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/131.0.0.0 Safari/537.36"
)
# Every header a desktop Chrome sends when someone clicks a link on a social network.
REQUEST = (
    "GET /l/{code} HTTP/1.1\r\n"
    "Host: 127.0.0.1:{port}\r\n"
    "Connection: close\r\n"
    "Upgrade-Insecure-Requests: 1\r\n"
    f"User-Agent: {CHROME}\r\n"
    "Accept: text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,"
    "image/apng,*/*;q=0.8\r\n"
    "Sec-Fetch-Site: cross-site\r\n"
    "Sec-Fetch-Mode: navigate\r\n"
    "Sec-Fetch-User: ?1\r\n"
    "Sec-Fetch-Dest: document\r\n"
    "Referer: https://www.linkedin.com/\r\n"
    "Accept-Encoding: gzip, deflate, br, zstd\r\n"
    "Accept-Language: en-GB,en;q=0.9\r\n"
    "\r\n"
)


# --- Load client ------------------------------------------------------------------------------
def _request(address: tuple[str, int], payload: bytes) -> bytes:
    """One request on a new connection; the whole response (the server closes it)."""
    with socket.create_connection(address, timeout=REQUEST_TIMEOUT) as sock:
        sock.sendall(payload)
        chunks = []
        while chunk := sock.recv(65536):
            chunks.append(chunk)
    return b"".join(chunks)


def _token(response: bytes) -> bytes:
    start = response.find(b"adv=")
    if start < 0:
        return b""
    end = start + 4
    while end < len(response) and response[end : end + 1] not in b"&#\r\n":
        end += 1
    return response[start + 4 : end]


def _client_thread(address, payloads, first, stride, times, want_tokens, out) -> None:
    t_start, t_warm, t_end = times
    latencies, tokens, statuses = [], [], Counter()
    ok = measured = errors = 0
    i = first
    time.sleep(max(0.0, t_start - time.monotonic()))
    while True:
        began = time.monotonic()
        if began >= t_end:
            break
        payload = payloads[i % len(payloads)]
        i += stride
        try:
            response = _request(address, payload)
        except OSError:
            errors += 1
            time.sleep(0.001)
            continue
        ended = time.monotonic()
        if response[:9] not in (b"HTTP/1.1 ", b"HTTP/1.0 "):
            errors += 1
            continue
        status = int(response[9:12])
        if status != 302:
            statuses[status] += 1
            continue
        ok += 1
        if want_tokens:
            tokens.append(_token(response))
        if t_warm <= ended <= t_end:
            measured += 1
            latencies.append(ended - began)
    out.append(
        {
            "ok": ok,
            "measured": measured,
            "errors": errors,
            "statuses": statuses,
            "latencies": latencies,
            "tokens": tokens,
        }
    )


def _client_process(first, threads, address, payloads, times, want_tokens, results) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent stops us
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    cpu = os.times()
    out: list[dict] = []
    workers = [
        threading.Thread(
            target=_client_thread,
            args=(address, payloads, first + n, CONCURRENCY, times, want_tokens, out),
        )
        for n in range(threads)
    ]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    after = os.times()
    merged = {
        "ok": sum(o["ok"] for o in out),
        "measured": sum(o["measured"] for o in out),
        "errors": sum(o["errors"] for o in out),
        "statuses": sum((o["statuses"] for o in out), Counter()),
        "latencies": [x for o in out for x in o["latencies"]],
        "tokens": [x for o in out for x in o["tokens"]],
        "cpu": (after.user - cpu.user) + (after.system - cpu.system),
    }
    results.put(merged)


def _cpu_jiffies() -> list[int]:
    """user, nice, system, idle, iowait, … jiffies of all CPUs since boot ([] off Linux)."""
    try:
        return [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    except (OSError, ValueError):
        return []


def load(port: int, codes: list[str], want_tokens: bool) -> dict:
    """Saturate the server on `port` for WARM_UP + DURATION seconds; what came back."""
    address = ("127.0.0.1", port)
    payloads = [REQUEST.format(code=code, port=port).encode() for code in codes]
    context = multiprocessing.get_context("fork")
    results = context.Queue()
    t_start = time.monotonic() + 0.5
    times = (t_start, t_start + WARM_UP, t_start + WARM_UP + DURATION)
    per_process = [CONCURRENCY // CLIENT_PROCESSES] * CLIENT_PROCESSES
    for n in range(CONCURRENCY % CLIENT_PROCESSES):
        per_process[n] += 1
    processes = []
    jiffies_before = _cpu_jiffies()
    try:
        first = 0  # each thread starts at its own code and strides by CONCURRENCY
        for threads in per_process:
            args = (first, threads, address, payloads, times, want_tokens, results)
            processes.append(context.Process(target=_client_process, args=args, daemon=True))
            first += threads
        for process in processes:
            process.start()
        parts = [results.get(timeout=WARM_UP + DURATION + REQUEST_TIMEOUT + 30) for _ in processes]
    finally:
        _stop_clients(processes)
    jiffies = [b - a for a, b in zip(jiffies_before, _cpu_jiffies(), strict=False)]
    latencies = sorted(x for p in parts for x in p["latencies"])
    total = sum(jiffies) or float("nan")
    return {
        "sent_302": sum(p["ok"] for p in parts),
        "rps": sum(p["measured"] for p in parts) / DURATION,
        "p50_ms": _percentile(latencies, 0.50) * 1000,
        "p99_ms": _percentile(latencies, 0.99) * 1000,
        "errors": sum(p["errors"] for p in parts),
        "statuses": sum((p["statuses"] for p in parts), Counter()),
        "tokens": [x for p in parts for x in p["tokens"]],
        "client_cpu": sum(p["cpu"] for p in parts),
        # The whole machine, other people's processes included: busy, and idle waiting on disk.
        "machine_busy": (sum(jiffies) - sum(jiffies[3:5])) / total if jiffies else float("nan"),
        "machine_iowait": jiffies[4] / total if len(jiffies) > 4 else float("nan"),
    }


def _stop_clients(processes) -> None:
    for process in processes:
        if process.is_alive():
            process.terminate()
    for process in processes:
        if process.pid is not None:
            process.join(timeout=5)
            if process.is_alive():
                process.kill()
                process.join(timeout=5)


def _percentile(ordered: list[float], fraction: float) -> float:
    if not ordered:
        return float("nan")
    return ordered[max(0, math.ceil(fraction * len(ordered)) - 1)]


# --- Servers ----------------------------------------------------------------------------------
def free_ports(count: int) -> list[int]:
    """Ports nothing listens on, chosen by the system (never 5432, 6379 or another server's),
    all held at once so that no two are the same."""
    sockets = [socket.socket() for _n in range(count)]
    try:
        for sock in sockets:
            sock.bind(("127.0.0.1", 0))
        return [sock.getsockname()[1] for sock in sockets]
    finally:
        for sock in sockets:
            sock.close()


def start_server(command: list[str], log: Path, env: dict) -> subprocess.Popen:
    with open(log, "wb") as handle:
        return subprocess.Popen(  # noqa: S603 - our own interpreter, fixed arguments
            command, cwd=BENCH_DIR, env=env, stdout=handle, stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL, start_new_session=True,
        )  # fmt: skip


def wait_until_answering(process: subprocess.Popen, port: int, log: Path, timeout=120.0) -> None:
    # "/l/-" is no link code: a 404 page, never a click.
    probe = f"GET /l/- HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\r\n".encode()
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            tail = log.read_text(errors="replace")[-3000:]
            raise RuntimeError(f"The server on port {port} exited ({process.returncode}):\n{tail}")
        try:
            if _request(("127.0.0.1", port), probe).startswith(b"HTTP/"):
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"The server on port {port} did not answer within {timeout:.0f} s.")


def stop_server(process: subprocess.Popen) -> None:
    """SIGTERM (gunicorn finishes the requests in hand and stops its workers); if it has not
    stopped after 20 s, SIGKILL to its process group (its own session, started here)."""
    if process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)  # the master is not yet reaped: still our group
        process.wait(timeout=10)


def _raise_on_sigterm(signum, frame):
    raise SystemExit(128 + signum)


# --- The benchmark ----------------------------------------------------------------------------
def prepare(data_dir: Path) -> list[str]:
    # A fresh database of our own, whatever the shell says: we count every row in it.
    for name in ("DATABASE_URL", "ADVOCATO_REDIS_URL", "ADVOCATO_DEBUG", "ADVOCATO_SITE_URL"):
        os.environ.pop(name, None)
    os.environ["ADVOCATO_DATA_DIR"] = str(data_dir)
    os.environ["ADVOCATO_HTTPS"] = "0"
    os.environ["ADVOCATO_ALLOWED_HOSTS"] = "127.0.0.1,localhost"
    os.environ["DJANGO_SETTINGS_MODULE"] = "advocato.settings"
    from _setup import setup

    setup()
    from django.db import connections

    from advocato.content.models import ContentItem, Status
    from advocato.lib.networks import NETWORKS
    from advocato.people.models import Employee
    from advocato.sharing.services import start_share
    from advocato.shell.demo import build_demo

    build_demo(quiet=True)
    items = list(ContentItem.objects.filter(status=Status.PUBLISHED).exclude(url="").order_by("pk"))
    employees = list(Employee.objects.filter(user__isnull=False).order_by("pk"))
    if not items or not employees:
        raise RuntimeError("The demo has no published items or no registered employees.")
    networks = [key for key, _label in NETWORKS]
    shares = [
        start_share(
            employees[n % len(employees)], items[n % len(items)], networks[n % len(networks)],
            "Worth a read.",
        )
        for n in range(SHARES)
    ]  # fmt: skip
    codes = [share.link.code for share in shares]
    connections.close_all()
    return codes


def count_clicks(data_dir: Path, tokens_seen: list[bytes], codes: list[str]) -> dict:
    from django.db import connections

    from advocato.links import services
    from advocato.links.models import Click

    connections.close_all()  # a fresh look at what the servers wrote
    spool_dir = data_dir / "spool"
    spooled = sum(
        1
        for path in spool_dir.glob("clicks-*.jsonl")
        for line in path.read_text(encoding="utf-8").splitlines()
        if line.strip()
    )
    replayed = services.replay_spool(now=time.time() + 120)  # every minute is over now
    # Only this run's links: the demo company comes with 90 days of clicks of its own.
    ours = Click.objects.filter(link__code__in=codes)
    tokens = set(ours.values_list("token", flat=True))
    return {
        "spooled": spooled,
        "replayed": replayed,
        "recorded": ours.count(),
        "kinds": Counter(ours.values_list("kind", flat=True)),
        "db_tokens": tokens,
        "seen_tokens_unique": len(set(tokens_seen)) == len(tokens_seen),
        "seen_in_db": {t.decode() for t in tokens_seen} == tokens,
    }


def main() -> int:
    signal.signal(signal.SIGTERM, _raise_on_sigterm)
    signal.signal(signal.SIGINT, signal.default_int_handler)  # even when started in background
    data_dir = Path(tempfile.mkdtemp(prefix="advocato-bench-redirect-"))
    servers: list[subprocess.Popen] = []
    try:
        started = time.perf_counter()
        print(
            "Load average before the run (the client and servers share this machine with "
            f"whatever else runs): {' '.join(f'{x:.2f}' for x in os.getloadavg())}"
        )
        codes = prepare(data_dir)
        print(f"Built the demo and {len(codes)} shares in {time.perf_counter() - started:.1f} s.")
        env = dict(os.environ)
        python = sys.executable
        app_port, bare_port = free_ports(2)
        app_log, bare_log = data_dir / "serve.log", data_dir / "bare.log"
        # The bare app gets gunicorn exactly as `advocato serve` runs it (access log included).
        gunicorn_options = [
            "--workers", str(WORKERS), "--access-logfile", "-",
            "--forwarded-allow-ips", env.get("FORWARDED_ALLOW_IPS", "127.0.0.1"),
        ]  # fmt: skip
        app = start_server(
            [python, "-m", "advocato.cli", "serve", "--bind", f"127.0.0.1:{app_port}",
             "--workers", str(WORKERS)],
            app_log, env,
        )  # fmt: skip
        servers.append(app)
        bare = start_server(
            [python, "-m", "gunicorn", "_redirect_bare:application",
             "--bind", f"127.0.0.1:{bare_port}", *gunicorn_options],
            bare_log, env,
        )  # fmt: skip
        servers.append(bare)
        wait_until_answering(app, app_port, app_log)
        wait_until_answering(bare, bare_port, bare_log)

        runs: dict[str, list[dict]] = {"bare": [], "redirect": []}
        for round_ in range(1, ROUNDS + 1):
            for name, port in (("bare", bare_port), ("redirect", app_port)):
                result = load(port, codes, want_tokens=name == "redirect")
                runs[name].append(result)
                print(
                    f"  round {round_} {name:8}: {result['rps']:7.0f} req/s, "
                    f"p50 {result['p50_ms']:.1f} ms, p99 {result['p99_ms']:.1f} ms, "
                    f"{result['errors']} errors, other statuses {dict(result['statuses'])}; "
                    f"client CPU {result['client_cpu'] / (WARM_UP + DURATION):.2f} cores, "
                    f"machine {result['machine_busy']:.0%} busy, "
                    f"{result['machine_iowait']:.0%} waiting on disk",
                    flush=True,
                )
        for process in servers:
            stop_server(process)

        tokens_seen = [t for run in runs["redirect"] for t in run["tokens"]]
        clicks = count_clicks(data_dir, tokens_seen, codes)
    except KeyboardInterrupt:
        print("Interrupted.", file=sys.stderr)
        return 130
    finally:
        for process in servers:
            stop_server(process)
        shutil.rmtree(data_dir, ignore_errors=True)

    best = {name: max(results, key=lambda r: r["rps"]) for name, results in runs.items()}
    sent = sum(run["sent_302"] for run in runs["redirect"])
    errors = {name: sum(r["errors"] + sum(r["statuses"].values()) for r in rs)
              for name, rs in runs.items()}  # fmt: skip
    exactly_once = (
        clicks["recorded"] == sent
        and len(tokens_seen) == sent
        and clicks["seen_tokens_unique"]
        and clicks["seen_in_db"]
    )
    ratio = best["redirect"]["rps"] / best["bare"]["rps"] if best["bare"]["rps"] else float("nan")
    print(
        f"\nThroughput of GET /l/<code> (desktop Chrome, round-robin over {len(codes)} links) on "
        f"`advocato serve` vs. gunicorn serving a bare 302, {WORKERS} sync workers each, "
        f"{CONCURRENCY} concurrent connections, {DURATION:g} s per round after {WARM_UP:g} s "
        f"warm-up, best of {ROUNDS} interleaved rounds. Clicks by kind: {dict(clicks['kinds'])}; "
        f"{clicks['replayed']} written from the spool. Target: redirect_ratio ≥ 0.5 "
        f"({'met' if ratio >= 0.5 else 'NOT met'})."
        + (" A smoke run: these figures measure nothing." if SMOKE else "")
    )
    print(f"redirect_rps: {best['redirect']['rps']:.0f}")
    print(f"bare_rps: {best['bare']['rps']:.0f}")
    print(f"redirect_ratio: {ratio:.2f}")
    print(f"redirect_p50_ms: {best['redirect']['p50_ms']:.2f}")
    print(f"redirect_p99_ms: {best['redirect']['p99_ms']:.2f}")
    print(f"bare_p50_ms: {best['bare']['p50_ms']:.2f}")
    print(f"bare_p99_ms: {best['bare']['p99_ms']:.2f}")
    print(f"clicks_sent: {sent}")
    print(f"clicks_recorded: {clicks['recorded']}")
    print(f"clicks_exactly_once: {str(exactly_once).lower()}")
    print(f"spooled: {clicks['spooled']}")
    print(f"redirect_errors: {errors['redirect']}")
    print(f"bare_errors: {errors['bare']}")
    print(f"workers: {WORKERS}")
    print(f"concurrency: {CONCURRENCY}")
    print(f"duration_s: {DURATION:g}")
    bare_sent = sum(run["sent_302"] for run in runs["bare"])
    if not sent or not bare_sent:
        print(f"No 302 came back (redirect {sent}, bare {bare_sent}): nothing was measured.",
              file=sys.stderr)  # fmt: skip
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
