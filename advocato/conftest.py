"""Shared test personas and helpers: an admin, a curator, an analyst, a manager and two
advocates in different departments, each a registered employee with a known password."""

from __future__ import annotations

import os
import shutil
import socket
import threading
from collections.abc import Iterator
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import time_machine

PASSWORD = "Persona-Passw0rd-2026"
SHARED_FIXTURES = Path(__file__).resolve().parents[2] / "shared" / "fixtures"


# --- The clock ------------------------------------------------------------------------------
# Every test runs at a fixed moment, so a test that depends on today's date fails on every run
# or on none, not on the first days of a month. `ADVOCATO_TEST_NOW` (ISO 8601) moves the whole
# suite to another moment, to reproduce what a given day would do. The clock ticks on from
# there (code that waits for a deadline still sees time pass).
# Browser tests and tests that start other processes keep the real clock (`real_clock`):
# Chromium and a worker process read the machine's time, not ours.
CPH = ZoneInfo("Europe/Copenhagen")
TEST_NOW = datetime.fromisoformat(os.environ.get("ADVOCATO_TEST_NOW", "2026-06-17T10:15:00+02:00"))

# The days on which date arithmetic goes wrong, as moments in the demo company's time zone.
# Date-sensitive tests take the `moment` fixture and run at each of them.
MOMENTS = {
    # 00:30 on the 1st is still the previous month in UTC.
    "first-of-month": datetime(2026, 12, 1, 0, 30, tzinfo=CPH),
    "last-of-month": datetime(2026, 11, 30, 23, 30, tzinfo=CPH),
    "new-year": datetime(2027, 1, 1, 0, 30, tzinfo=CPH),
    "leap-day": datetime(2028, 2, 29, 12, 0, tzinfo=CPH),
    # Summer time starts: the day has 23 hours. Late in the day, UTC is still the same day.
    "dst-starts": datetime(2026, 3, 29, 23, 30, tzinfo=CPH),
    # Summer time ends: the day has 25 hours, and 00:30 local is the day before in UTC.
    "dst-ends": datetime(2026, 10, 25, 0, 30, tzinfo=CPH),
}


@pytest.fixture(autouse=True)
def fixed_clock(request):
    if request.node.get_closest_marker("browser") or request.node.get_closest_marker("real_clock"):
        yield None
        return
    with time_machine.travel(TEST_NOW, tick=True) as traveller:
        yield traveller


@pytest.fixture(autouse=True)
def _process_memory_forgotten():
    """What a process remembers for itself — the redirect's cache of links, a network's "wait
    before asking again" — does not leak from one test into the next. (The shared cache is
    the database's, which each test's transaction rolls back.)"""
    from django.core.cache import caches

    for alias in ("links", "process"):
        caches[alias].clear()
    yield
    for alias in ("links", "process"):
        caches[alias].clear()


@pytest.fixture(params=list(MOMENTS), ids=list(MOMENTS))
def moment(request, fixed_clock) -> Iterator[datetime]:
    """Runs the test at each of the date-sensitive moments (see MOMENTS)."""
    with time_machine.travel(MOMENTS[request.param], tick=True):
        yield MOMENTS[request.param]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def make_employee(
    email: str, *, role: str = "advocate", department: str = "", name: str = "", **extra
):
    from allauth.account.models import EmailAddress

    from advocato.people import services
    from advocato.people.models import Employee, User

    user = User.objects.create_user(email=email, password=PASSWORD)
    EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    dept = services.department_named(department)
    return Employee.objects.create(
        user=user,
        email=email,
        name=name or email.split("@")[0].replace(".", " ").title(),
        role=role,
        department=dept,
        **extra,
    )


@pytest.fixture
def admin(db):
    return make_employee("admin@example.com", role="admin", department="Communications")


@pytest.fixture
def curator(db):
    return make_employee("curator@example.com", role="curator", department="Communications")


@pytest.fixture
def analyst(db):
    return make_employee("analyst@example.com", role="analyst", department="Finance")


@pytest.fixture
def manager(db):
    return make_employee("manager@example.com", role="manager", department="Sales")


@pytest.fixture
def advocate(db):
    return make_employee("anna@example.com", department="Sales", name="Anna Holm")


@pytest.fixture
def advocate_engineering(db):
    return make_employee("lars@example.com", department="Engineering", name="Lars Berg")


@pytest.fixture
def personas(admin, curator, analyst, manager, advocate, advocate_engineering):
    return {
        "admin": admin,
        "curator": curator,
        "analyst": analyst,
        "manager": manager,
        "advocate": advocate,
        "advocate_engineering": advocate_engineering,
    }


@pytest.fixture
def login(client):
    def _login(employee):
        client.force_login(employee.user)
        return client

    return _login


@pytest.fixture
def smtp_sink():
    """A real SMTP server on 127.0.0.1 that keeps every message it receives."""
    from aiosmtpd.controller import Controller

    class Sink:
        host: str
        port: int

        def __init__(self):
            self.messages: list = []

        async def handle_DATA(self, server, session, envelope):
            from email import message_from_bytes
            from email.policy import default

            self.messages.append(message_from_bytes(envelope.original_content, policy=default))
            return "250 OK"

    sink = Sink()
    controller = Controller(sink, hostname="127.0.0.1", port=free_port())
    controller.start()
    sink.host, sink.port = controller.hostname, controller.port
    try:
        yield sink
    finally:
        controller.stop()


@pytest.fixture
def smtp_settings(settings, smtp_sink):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = smtp_sink.host
    settings.EMAIL_PORT = smtp_sink.port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    return smtp_sink


def chromium_path() -> str | None:
    return (
        os.environ.get("ADVOCATO_CHROMIUM")
        or shutil.which("chromium")
        or shutil.which("chromium-browser")
    )


@pytest.fixture
def browser():
    """Debian's chromium driven by Playwright; the test is skipped when chromium is absent."""
    path = chromium_path()
    if path is None:
        pytest.skip("chromium is not installed (apt-get install chromium): browser test skipped")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(
            executable_path=path,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        try:
            yield instance
        finally:
            instance.close()
            # Inside Playwright's event loop Django keeps a connection of its own; close it, or
            # PostgreSQL cannot drop the test database afterwards.
            from django.db import connections

            connections.close_all()


# --- A local website (a company site, a page to fetch, a feed) -----------------------------


class Site:
    url: str  # set once the server runs

    def __init__(self):
        self.pages: dict[str, tuple[int, str, bytes]] = {}
        self.requests: list[str] = []
        self.sent = 0

    def add(self, path: str, body, content_type="text/html; charset=utf-8", status=200):
        """`body`: bytes or text, or a function returning an iterator of byte chunks."""
        if isinstance(body, str):
            body = body.encode()
        self.pages[path] = (status, content_type, body)


@pytest.fixture
def site(settings):
    """An HTTP server on 127.0.0.1 that Advocato is allowed to fetch from in this test."""
    settings.FETCH_ALLOWED_NETWORKS = ["127.0.0.1/32"]
    state = Site()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            state.requests.append(self.path)
            status, content_type, body = state.pages.get(
                self.path.split("?")[0], (404, "text/plain", b"no")
            )
            if callable(body):  # a stream: send chunks until the client hangs up
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.end_headers()
                try:
                    for chunk in body():
                        self.wfile.write(chunk)
                        state.sent += len(chunk)
                except (BrokenPipeError, ConnectionResetError):
                    pass
                return
            if status in (301, 302):
                self.send_response(status)
                self.send_header("Location", body.decode())
                self.end_headers()
                return
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    state.url = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()
