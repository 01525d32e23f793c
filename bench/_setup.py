"""Shared set-up for benchmarks: a fresh data dir with a migrated SQLite database (or the
PostgreSQL database in DATABASE_URL), a real queue, e-mail kept in memory; and the options
every benchmark takes."""

import argparse
import atexit
import os
import shutil
import tempfile

SMOKE_HELP = (
    "the same run at a tiny size, in seconds: proves the benchmark still works "
    "(`make bench-smoke`, in CI); its figures measure nothing"
)


def arguments(doc: str) -> argparse.ArgumentParser:
    """The command line of a benchmark whose module docstring is `doc`: `--smoke` and `--help`."""
    parser = argparse.ArgumentParser(description=doc.split("\n\n")[0])
    parser.add_argument("--smoke", action="store_true", help=SMOKE_HELP)
    return parser


def setup() -> None:
    if not os.environ.get("ADVOCATO_DATA_DIR"):
        # A data dir of our own, removed when the benchmark ends.
        data_dir = tempfile.mkdtemp(prefix="advocato-bench-")
        atexit.register(shutil.rmtree, data_dir, ignore_errors=True)
        os.environ["ADVOCATO_DATA_DIR"] = data_dir
    # Tasks go to the real (SQLite) queue, as in production: the request pays for enqueuing.
    os.environ["ADVOCATO_HUEY_IMMEDIATE"] = "0"
    os.environ["ADVOCATO_EMAIL_BACKEND"] = "django.core.mail.backends.locmem.EmailBackend"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "advocato.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", "--noinput", verbosity=0)
