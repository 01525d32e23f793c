"""Shared set-up for benchmarks: a fresh data dir with a migrated SQLite database (or the
PostgreSQL database in DATABASE_URL), a real queue, e-mail kept in memory."""

import os
import tempfile


def setup() -> None:
    os.environ.setdefault("ADVOCATO_DATA_DIR", tempfile.mkdtemp(prefix="advocato-bench-"))
    # Tasks go to the real (SQLite) queue, as in production: the request pays for enqueuing.
    os.environ["ADVOCATO_HUEY_IMMEDIATE"] = "0"
    os.environ["ADVOCATO_EMAIL_BACKEND"] = "django.core.mail.backends.locmem.EmailBackend"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "advocato.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", "--noinput", verbosity=0)
