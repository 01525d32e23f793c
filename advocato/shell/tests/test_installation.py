"""The installable product: production settings pass Django's deploy check, the data dir is
made on first run with a private secret key, SQLite runs in WAL mode, and the CLI answers."""

import os
import sqlite3
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection


def run_cli(  # also used by test_worker
    *args, data_dir: Path, extra_env: dict | None = None, input_text: str | None = None
):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ADVOCATO_", "DJANGO_"))}
    env.pop("DATABASE_URL", None)
    env.update({"ADVOCATO_DATA_DIR": str(data_dir), **(extra_env or {})})
    return subprocess.run(
        [sys.executable, "-m", "advocato.cli", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        input=input_text,
    )


def test_production_settings_pass_the_deploy_check(tmp_path):
    result = run_cli(
        "check", "--deploy", "--fail-level", "WARNING",
        data_dir=tmp_path / "data",
        extra_env={"ADVOCATO_ALLOWED_HOSTS": "advocato.example.com"},
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_first_run_creates_the_data_dir_and_a_private_secret_key(tmp_path):
    data_dir = tmp_path / "fresh" / "data"
    result = run_cli("migrate", "--noinput", data_dir=data_dir)
    assert result.returncode == 0, result.stderr
    key = data_dir / "secret_key"
    assert len(key.read_text()) >= 50
    assert stat.S_IMODE(key.stat().st_mode) == 0o600
    first = key.read_text()
    assert run_cli("check", data_dir=data_dir).returncode == 0
    assert key.read_text() == first  # kept, not regenerated
    with sqlite3.connect(data_dir / "advocato.sqlite3") as db:
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


@pytest.mark.django_db
def test_the_test_database_uses_wal_on_sqlite():
    if connection.vendor != "sqlite":
        pytest.skip("WAL is a SQLite setting")
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA journal_mode")
        mode = cursor.fetchone()[0]
    assert mode in {"wal", "memory"}  # the in-memory test database cannot use WAL


def test_createadmin_makes_an_admin_who_can_sign_in(tmp_path):
    data_dir = tmp_path / "data"
    assert run_cli("migrate", "--noinput", data_dir=data_dir).returncode == 0
    bad = run_cli(
        "createadmin", "--email", "not-an-email", "--password", "x" * 12, data_dir=data_dir
    )
    assert bad.returncode != 0
    assert "not a valid e-mail address" in bad.stderr
    short = run_cli(
        "createadmin", "--email", "boss@example.com", "--password", "short", data_dir=data_dir
    )
    assert short.returncode != 0 and "at least 8 characters" in short.stderr
    ok = run_cli(
        "createadmin", "--email", "boss@example.com", "--name", "Boss",
        data_dir=data_dir, extra_env={"ADVOCATO_ADMIN_PASSWORD": "Long-enough-2026"},
    )  # fmt: skip
    assert ok.returncode == 0, ok.stderr
    assert "Admin boss@example.com created." in ok.stdout
    again = run_cli(
        "createadmin", "--email", "boss@example.com",
        data_dir=data_dir, extra_env={"ADVOCATO_ADMIN_PASSWORD": "Long-enough-2026"},
    )  # fmt: skip
    assert again.returncode != 0 and "already exists" in again.stderr


def test_the_cli_lists_its_commands(tmp_path):
    result = run_cli("--help", data_dir=tmp_path)
    assert result.returncode == 0
    for command in ("demo", "serve", "worker", "migrate", "createadmin"):
        assert command in result.stdout


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path",
    [
        "/admin/",
        "/admin/people/employee/",
        "/admin/people/user/",
        "/admin/people/user/add/",
        "/admin/people/invitation/",
        "/admin/core/auditentry/",
        "/admin/core/organisation/",
    ],
)
def test_django_admin_pages_open_for_superusers(client, admin, path):
    admin.user.is_staff = admin.user.is_superuser = True
    admin.user.save()
    client.force_login(admin.user)
    assert client.get(path).status_code == 200


@pytest.mark.django_db
def test_django_admin_is_closed_to_other_staff(client, advocate):
    client.force_login(advocate.user)
    assert client.get("/admin/").status_code == 302
