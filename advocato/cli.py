"""The `advocato` command.

advocato demo [--port 8000] [--reset]   migrate, build the demo company, run web + worker
advocato serve [--bind 127.0.0.1:8000]  run the web server (gunicorn + WhiteNoise)
advocato worker                         run the background worker (Huey)
advocato import-history FILE --kind shares|clicks|conversions [--dry-run]
                                        import past activity from another platform
advocato migrate | createadmin | ...    any Django management command
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

DEMO_PASSWORD = "advocato-demo"  # noqa: S105 - documented in the README; demo data only


def _django(*argv: str) -> None:
    from django.core.management import execute_from_command_line

    execute_from_command_line(["advocato", *argv])


def _setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "advocato.settings")
    import django

    django.setup()


def serve(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="advocato serve", description="Run the web server.")
    parser.add_argument("--bind", default=os.environ.get("ADVOCATO_BIND", "127.0.0.1:8000"))
    parser.add_argument("--workers", type=int, default=int(os.environ.get("WEB_CONCURRENCY", "2")))
    args = parser.parse_args(argv)
    _setup()
    _django("collectstatic", "--noinput", "--verbosity", "0")
    command = [
        sys.executable, "-m", "gunicorn", "advocato.wsgi:application",
        "--bind", args.bind, "--workers", str(args.workers),
        "--access-logfile", "-",
        "--forwarded-allow-ips", os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1"),
    ]  # fmt: skip
    os.execv(sys.executable, command)  # noqa: S606 - replaces this process with gunicorn
    return 0


def worker(argv: list[str]) -> int:
    _setup()
    _django("run_huey", *argv)
    return 0


def demo(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="advocato demo", description="Run the demo company.")
    parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
    parser.add_argument(
        "--reset", action="store_true", help="throw the demo data away and rebuild it"
    )
    parser.add_argument("--no-serve", action="store_true", help="build the data, then stop")
    args = parser.parse_args(argv)
    url = f"http://127.0.0.1:{args.port}"
    os.environ.setdefault("ADVOCATO_DATA_DIR", str(Path.cwd() / ".advocato-demo"))
    os.environ.setdefault("ADVOCATO_HTTPS", "0")
    os.environ.setdefault("ADVOCATO_SITE_URL", url)
    os.environ.setdefault(
        "ADVOCATO_EMAIL_BACKEND", "django.core.mail.backends.filebased.EmailBackend"
    )
    # The demo's feeds are served by the demo itself, on this machine: exactly that address
    # and port may be fetched (and, below, the ports of the fake networks), no other local one.
    os.environ.setdefault("ADVOCATO_FETCH_ALLOWED_HOSTS", f"127.0.0.1:{args.port}")
    _setup()
    from django.conf import settings

    _django("migrate", "--noinput", "--verbosity", "0")
    _django("createcachetable", "--verbosity", "0")
    _django("compiletranslations", "--verbosity", "0")
    seed = ["seeddemo"] + (["--reset"] if args.reset else [])
    _django(*seed)
    if args.no_serve:
        return 0
    from advocato.enablement.chat import demo_fakes as demo_chat
    from advocato.sharing.networks import demo as demo_networks

    fakes = demo_networks.start(args.port)
    chat_fakes = demo_chat.start(args.port)
    allowed = os.environ["ADVOCATO_FETCH_ALLOWED_HOSTS"].split(",") + [
        urlsplit(fake.url).netloc for fake in [*fakes.values(), *chat_fakes.values()]
    ]
    from advocato.api.webhooks import demo as demo_webhooks

    webhook = demo_webhooks.start(args.port)
    if webhook is not None:
        allowed.append(urlsplit(webhook[1]).netloc)
    os.environ["ADVOCATO_FETCH_ALLOWED_HOSTS"] = ",".join(dict.fromkeys(allowed))
    settings.FETCH_ALLOWED_HOSTS = os.environ["ADVOCATO_FETCH_ALLOWED_HOSTS"].split(",")
    demo_chat.configure(chat_fakes)
    print(
        "\n  Fake social networks for connecting and posting (their control pages: /_fake/):\n"
        + "".join(f"    {name:<9} {fake.url}\n" for name, fake in fakes.items())
        + "  Sign in as anna.holm@nordlys.example, open your profile → Connected accounts.\n"
        + (
            f"  Webhook receiver (the demo's CRM, Admin → Webhooks): {webhook[1]}\n"
            if webhook
            else ""
        )
        + "\n  Fake chat services (what the channels received: /_fake/):\n"
        + "".join(f"    {kind:<9} {fake.url}/_fake/\n" for kind, fake in chat_fakes.items())
        + "  As admin@nordlys.example: Admin → Chat channels.",
        flush=True,
    )
    print(
        f"\n  Advocato demo: {url}\n"
        f"  Sign in with one of these (password: {DEMO_PASSWORD}):\n"
        "    admin@nordlys.example      admin (sees the adoption funnel)\n"
        "    curator@nordlys.example    curator (library, review queue, feeds)\n"
        "    analyst@nordlys.example    analyst\n"
        "    manager@nordlys.example    manager of Sales · Key Accounts\n"
        "    anna.holm@nordlys.example  advocate, Sales (Danish)\n"
        "    lars.berg@nordlys.example  advocate, Engineering (Norwegian)\n"
        f"  E-mails the demo sends are written to {settings.EMAIL_FILE_PATH}\n"
        "  Stop with Ctrl+C.\n",
        flush=True,
    )
    env = dict(os.environ)
    worker_process = subprocess.Popen([sys.executable, "-m", "advocato.cli", "worker"], env=env)
    try:
        web = subprocess.Popen(  # noqa: S603
            [sys.executable, "-m", "advocato.cli", "serve", "--bind", f"127.0.0.1:{args.port}"],
            env=env,
        )
        return web.wait()
    except KeyboardInterrupt:
        return 0
    finally:
        for process in (worker_process, locals().get("web")):
            if process is not None and process.poll() is None:
                process.send_signal(signal.SIGTERM)
                try:
                    process.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    process.kill()


COMMANDS = {"serve": serve, "worker": worker, "demo": demo}
# Hyphenated names for management commands (Django's are underscored).
ALIASES = {"import-history": "import_history"}


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv and argv[0] in COMMANDS:
        return COMMANDS[argv[0]](argv[1:])
    if argv and argv[0] in ALIASES:
        argv[0] = ALIASES[argv[0]]
    if not argv or argv[0] in {"-h", "--help"}:
        print(__doc__)
        if not argv:
            return 0
    _setup()
    _django(*argv)
    if argv[0] == "migrate":
        # The shared cache's table (rate limits), for a site that moved from Redis to the
        # database cache after its migrations ran; nothing happens when it exists.
        _django("createcachetable", "--database", _database_option(argv), "--verbosity", "0")
    return 0


def _database_option(argv: list[str]) -> str:
    for i, arg in enumerate(argv):
        if arg.startswith("--database="):
            return arg.split("=", 1)[1]
        if arg == "--database" and i + 1 < len(argv):
            return argv[i + 1]
    return "default"


if __name__ == "__main__":
    sys.exit(main())
