"""`advocato worker` really sends what the web process queues: over the SQLite queue (the
embedded default) and over Redis (when a Redis server answers on 127.0.0.1:6379)."""

import os
import socket
import subprocess
import sys
import time

import pytest

from advocato.shell.tests.test_installation import run_cli

pytestmark = pytest.mark.real_clock  # the worker is another process, on the real clock


def redis_is_up() -> bool:
    with socket.socket() as sock:
        sock.settimeout(0.5)
        return sock.connect_ex(("127.0.0.1", 6379)) == 0


def worker_env(data_dir, sink, extra):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ADVOCATO_", "DJANGO_"))}
    env.pop("DATABASE_URL", None)
    env.update(
        {
            "ADVOCATO_DATA_DIR": str(data_dir),
            "ADVOCATO_EMAIL_HOST": sink.host,
            "ADVOCATO_EMAIL_PORT": str(sink.port),
            **extra,
        }
    )
    return env


QUEUE = {
    "sqlite": {},
    "redis": {"ADVOCATO_REDIS_URL": "redis://127.0.0.1:6379/15"},
}


@pytest.mark.parametrize("queue", list(QUEUE))
def test_worker_sends_the_invitation_the_web_queued(tmp_path, smtp_sink, queue):
    if queue == "redis" and not redis_is_up():
        pytest.skip("no Redis on 127.0.0.1:6379: Redis queue test skipped")
    data_dir = tmp_path / "data"
    env = worker_env(data_dir, smtp_sink, QUEUE[queue])
    assert run_cli("migrate", "--noinput", data_dir=data_dir, extra_env=env).returncode == 0
    if queue == "redis":
        flush = "from huey.contrib.djhuey import HUEY; HUEY.flush()"
        assert run_cli("shell", "-c", flush, data_dir=data_dir, extra_env=env).returncode == 0
    invite = (
        "from advocato.people import services; "
        "services.invite_employee(invited_by=None, email='worker@example.com', name='W', "
        "base_url='http://advocato.example/')"
    )
    queued = run_cli("shell", "-c", invite, data_dir=data_dir, extra_env=env)
    assert queued.returncode == 0, queued.stderr
    assert smtp_sink.messages == []  # queued, not sent by the web process

    worker = subprocess.Popen(
        [sys.executable, "-m", "advocato.cli", "worker"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 30
        while not smtp_sink.messages and time.monotonic() < deadline:
            time.sleep(0.2)
    finally:
        worker.terminate()
        worker.wait(timeout=15)
    (message,) = smtp_sink.messages
    assert message["To"] == "worker@example.com"
    assert "http://advocato.example/invite/" in message.get_body(("plain",)).get_content()
