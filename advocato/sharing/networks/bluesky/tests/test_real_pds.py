"""Bluesky against the AT Protocol's reference PDS (`@atproto/pds` from npm, `make pds`) and a
PLC directory (`@did-plc/server`, in memory), both started by `ci/pds/run.mjs` on loopback
ports with a temporary data folder: an account is made through the PDS (no invite needed in
its dev configuration) with an app password, and Advocato finds it from its handle (the PDS's
`resolveHandle`, then the DID document from the local PLC directory, then `#atproto_pds`),
connects, posts with a link card and facet, reads engagement, renews its session and deletes
the post.

The PDS keeps repositories; the counts of likes and reposts come from an AppView, which the
PDS asks on our behalf for `app.bsky.*` reads (https://docs.bsky.app/docs/advanced-guides/
api-directory). Bluesky's AppView needs PostgreSQL and an indexer of its own, so here a small
stand-in answers `getProfile` and `getPosts` for the PDS, reading the posts back from the
PDS itself. Everything else is the real server.

Skipped, saying why, when Node or the installed PDS is absent (`make pds` installs it)."""

from __future__ import annotations

import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import tempfile
import threading
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from django.utils import timezone

import advocato

pytestmark = [pytest.mark.pds, pytest.mark.real_clock, pytest.mark.django_db]

PDS_DIR = Path(os.environ.get("ADVOCATO_PDS_DIR") or Path(advocato.__file__).parents[1] / "ci/pds")
STARTUP_SECONDS = 90


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class AppView:
    """The stand-in AppView: profiles and post counts, the posts read back from the PDS."""

    def __init__(self):
        self.pds = ""
        self.counts: dict[str, dict[str, int]] = {}
        self.followers = 321
        self.requests: list[str] = []

    def answer(self, path: str, query: dict[str, str]) -> tuple[int, dict]:
        self.requests.append(path)
        if path.endswith("app.bsky.actor.getProfile"):
            actor = query.get("actor", "")
            repo = httpx.get(
                f"{self.pds}/xrpc/com.atproto.repo.describeRepo", params={"repo": actor}
            )
            if repo.status_code != 200:
                return 400, {"error": "InvalidRequest", "message": "Profile not found"}
            return 200, {
                "did": repo.json()["did"],
                "handle": repo.json()["handle"],
                "followersCount": self.followers,
            }
        if path.endswith("app.bsky.feed.getPosts"):
            posts = []
            for uri in query.get("uris", "").split(","):
                owner, collection, rkey = uri.removeprefix("at://").split("/")
                record = httpx.get(
                    f"{self.pds}/xrpc/com.atproto.repo.getRecord",
                    params={"repo": owner, "collection": collection, "rkey": rkey},
                )
                if record.status_code == 200:
                    counts = self.counts.get(uri, {})
                    posts.append(
                        {
                            "uri": uri,
                            "cid": record.json()["cid"],
                            "record": record.json()["value"],
                            "likeCount": counts.get("likes", 0),
                            "repostCount": counts.get("reposts", 0),
                            "replyCount": counts.get("replies", 0),
                            "quoteCount": 0,
                        }
                    )
            return 200, {"posts": posts}
        return 404, {"error": "MethodNotImplemented"}

    def start(self) -> str:
        view = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                parts = urlsplit(self.path)
                query = {k: ",".join(v) for k, v in parse_qs(parts.query).items()}
                status, body = view.answer(parts.path, query)
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return f"http://127.0.0.1:{self.server.server_address[1]}"


@pytest.fixture(scope="module")
def pds():
    node = shutil.which("node")
    if node is None:
        pytest.skip("Node.js is not installed: the test against the real Bluesky PDS skipped")
    if not (PDS_DIR / "node_modules/@atproto/pds").is_dir():
        pytest.skip(
            f"the reference PDS is not installed in {PDS_DIR} (run `make pds`): "
            "the test against the real Bluesky PDS skipped"
        )
    appview = AppView()
    appview_url = appview.start()
    data = tempfile.mkdtemp(prefix="advocato-pds-")
    env = {
        **os.environ,
        "PDS_PORT": str(free_port()),
        "PLC_PORT": str(free_port()),
        "PDS_DATA_DIRECTORY": data,
        "PDS_ADMIN_PASSWORD": secrets.token_hex(8),
        "PDS_BSKY_APP_VIEW_URL": appview_url,
        "PDS_BSKY_APP_VIEW_DID": "did:web:appview.test",
        "PDS_RATE_LIMITS_ENABLED": "true",  # createSession: 30 per 5 minutes, 300 a day
    }
    log = open(Path(data) / "pds.log", "w+")  # noqa: SIM115 - closed below
    process = subprocess.Popen(
        [node, str(PDS_DIR / "run.mjs")],
        cwd=PDS_DIR,
        env=env,
        stdout=subprocess.PIPE,
        stderr=log,
        text=True,
        start_new_session=True,
    )
    try:
        ready = _wait_ready(process, log)
        appview.pds = ready["pds"]
        yield {**ready, "appview": appview}
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(10)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
        appview.server.shutdown()
        log.close()
        shutil.rmtree(data, ignore_errors=True)


def _wait_ready(process, log) -> dict:
    found: dict = {}

    def read():
        line = process.stdout.readline()
        if line.strip().startswith("{"):
            found.update(json.loads(line))

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    reader.join(STARTUP_SECONDS)
    if not found:
        log.seek(0)
        pytest.fail(f"the PDS did not start within {STARTUP_SECONDS} s:\n{log.read()[-3000:]}")
    return found


@pytest.fixture
def bluesky(pds, network_settings):
    """Advocato configured as in production — no company PDS, accounts found from their
    handles — with the directories pointed at the local ones."""
    from ....models import NetworkApp

    settings = network_settings
    settings.FETCH_ALLOWED_NETWORKS = ["127.0.0.1/32", "::1/128"]  # the PDS says "localhost"
    settings.BLUESKY_PLC_URL = pds["plc"]
    settings.BLUESKY_HANDLE_RESOLVER = pds["pds"]  # the PDS resolves its own handles
    # `.test` handles have no web server: the well-known document is not found, quickly.
    settings.BLUESKY_WELL_KNOWN_URL = pds["pds"] + "/_hosts/{host}/.well-known/{name}"
    NetworkApp.objects.create(network="bluesky", base_url="")
    yield pds
    from django.core.cache import cache

    cache.clear()  # the "wait before the next createSession" kept by the adapter


def new_account(pds_url: str) -> tuple[str, str, str]:
    """An account on the PDS (handle, DID) and an app password for Advocato."""
    handle = f"anna-{secrets.token_hex(3)}.test"
    made = httpx.post(
        f"{pds_url}/xrpc/com.atproto.server.createAccount",
        json={"handle": handle, "email": f"{handle}@example.com",
              "password": secrets.token_urlsafe(16)},
    )  # fmt: skip
    assert made.status_code == 200, made.text
    app_password = httpx.post(
        f"{pds_url}/xrpc/com.atproto.server.createAppPassword",
        json={"name": "Advocato"},
        headers={"Authorization": f"Bearer {made.json()['accessJwt']}"},
    )
    assert app_password.status_code == 200, app_password.text
    return handle, made.json()["did"], app_password.json()["password"]


def get_record(pds_url: str, uri: str) -> httpx.Response:
    repo, collection, rkey = uri.removeprefix("at://").split("/")
    return httpx.get(
        f"{pds_url}/xrpc/com.atproto.repo.getRecord",
        params={"repo": repo, "collection": collection, "rkey": rkey},
    )


def test_connect_post_engagement_refresh_and_delete(bluesky, login, advocate, item,
                                                    django_capture_on_commit_callbacks):  # fmt: skip
    from .... import connections, posting
    from ....models import NetworkAccount, PostState
    from ...base import adapter_for
    from ...contract import post_text

    pds_url = bluesky["pds"]
    handle, did, app_password = new_account(pds_url)

    # Connect: found from the handle alone, on the PDS its DID document names.
    response = login(advocate).post(
        "/profile/networks/bluesky/connect/", {"handle": handle, "app_password": app_password}
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    account = NetworkAccount.objects.get()
    assert (account.external_id, account.handle) == (did, "@" + handle)
    assert account.instance == pds_url
    assert account.audience == bluesky["appview"].followers
    assert account.expires_at is not None  # the access token's exp

    # Post: the record on the PDS has the tracked link as a card and as a link facet.
    with django_capture_on_commit_callbacks(execute=True):
        share = posting.schedule_share(advocate, item, "bluesky", post_text(item), "", "now",
                                       None)  # fmt: skip
    share.refresh_from_db()
    assert share.post_state == PostState.POSTED, share.error
    assert share.external_id == f"at://{did}/app.bsky.feed.post/{share.idempotency_key}"
    record = get_record(pds_url, share.external_id).json()["value"]
    link = record["embed"]["external"]["uri"]
    assert link.endswith(f"/l/{share.link.code}")
    facet = record["facets"][0]
    start, end = facet["index"]["byteStart"], facet["index"]["byteEnd"]
    assert record["text"].encode()[start:end].decode() == link
    assert facet["features"][0]["uri"] == link

    # Engagement: read through the PDS from the AppView.
    bluesky["appview"].counts[share.external_id] = {"likes": 5, "reposts": 2, "replies": 1}
    assert posting.refresh_due_engagement(timezone.now() + timedelta(hours=1, seconds=5)) == 1
    share.refresh_from_db()
    assert (share.reactions, share.comments, share.reshares) == (5, 1, 2)

    # The session is renewed with refreshSession: new tokens that the PDS accepts.
    account.refresh_from_db()
    old_refresh = account.refresh_token
    adapter = adapter_for("bluesky")
    connections.refresh(account, adapter)
    account.refresh_from_db()
    # (The access token may come back the same within one second: same claims, same key.)
    assert account.refresh_token != old_refresh
    session = httpx.get(
        f"{pds_url}/xrpc/com.atproto.server.getSession",
        headers={"Authorization": f"Bearer {account.access_token}"},
    )
    assert session.status_code == 200 and session.json()["did"] == did

    # Delete: gone from the repository; deleting again is no error.
    adapter.delete_post(account, share)
    gone = get_record(pds_url, share.external_id)
    assert gone.status_code == 400 and gone.json()["error"] == "RecordNotFound"
    adapter.delete_post(account, share)


def test_a_wrong_app_password_is_refused(bluesky, login, advocate):
    from ....models import NetworkAccount

    handle, _did, _password = new_account(bluesky["pds"])
    response = login(advocate).post(
        "/profile/networks/bluesky/connect/",
        {"handle": handle, "app_password": "aaaa-bbbb-cccc-dddd"},
    )
    assert response.status_code == 400
    assert "did not accept this handle and app password" in response.content.decode()
    assert not NetworkAccount.objects.exists()


def test_an_unknown_handle_is_not_found(bluesky, login, advocate):
    response = login(advocate).post(
        "/profile/networks/bluesky/connect/",
        {"handle": "nobody-here.test", "app_password": "aaaa-bbbb-cccc-dddd"},
    )
    assert response.status_code == 400
    assert "No Bluesky account was found for nobody-here.test" in response.content.decode()


def test_create_session_rate_limit_is_waited_out(bluesky):
    # The PDS's own limit, its own 429 and ratelimit-* headers: Transient with the wait, and
    # no further createSession for that account until then.
    from ...base import Transient, adapter_for
    from ..adapter import BlueskyAdapter

    pds_url = bluesky["pds"]
    handle, _did, app_password = new_account(pds_url)
    for _attempt in range(30):
        wrong = httpx.post(
            f"{pds_url}/xrpc/com.atproto.server.createSession",
            json={"identifier": handle, "password": "wxyz-wxyz-wxyz-wxyz"},
        )
        assert wrong.status_code == 401
    adapter = adapter_for("bluesky")
    assert isinstance(adapter, BlueskyAdapter)
    with pytest.raises(Transient) as limited:
        adapter.create_session(handle, app_password, base=pds_url)
    assert limited.value.status == 429
    assert limited.value.retry_after is not None and 0 < limited.value.retry_after <= 300
    with pytest.raises(Transient) as waiting:  # not sent: the wait is remembered
        adapter.create_session(handle, app_password, base=pds_url)
    assert waiting.value.retry_after is not None
    assert waiting.value.retry_after <= limited.value.retry_after
