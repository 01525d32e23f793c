"""Safe fetching: internal addresses are refused on every hop, connections are pinned to the
address that was checked, and big, slow or compressed answers cannot tie up a worker."""

from __future__ import annotations

import datetime
import gzip
import http.server
import socket
import ssl
import threading
import time
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from advocato.lib import fetch as fetch_module
from advocato.lib.fetch import FetchError, check_url, fetch, is_blocked_address

PAGE = b"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Hello from the test server</title></head>
<body><h1>Hello</h1></body></html>"""
STREAM_BYTES = 100 * 1024 * 1024


@dataclass
class RecordedRequest:
    path: str
    headers: dict[str, str]  # lower-cased names

    @property
    def host(self) -> str:
        return self.headers.get("host", "")


@cache
def gzip_bomb() -> bytes:
    """20 MB of zeros, about 20 KB on the wire."""
    return gzip.compress(bytes(20 * 1024 * 1024), compresslevel=9)


class LocalServer:
    """An HTTP(S) server on 127.0.0.1 in a thread with the routes these tests need. `pages`
    adds routes: path → (Content-Type, body). Slow routes wait on `release`, which is set
    when the server stops, so no test sleeps."""

    def __init__(
        self,
        pages: dict[str, tuple[str, bytes]] | None = None,
        ssl_context: ssl.SSLContext | None = None,
    ):
        self.pages = {"/page": ("text/html; charset=utf-8", PAGE), **(pages or {})}
        self.ssl_context = ssl_context
        self.requests: list[RecordedRequest] = []
        self.bytes_streamed = 0
        self.stream_finished = threading.Event()
        self.release = threading.Event()

    def __enter__(self) -> LocalServer:
        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self.httpd.owner = self  # type: ignore[attr-defined]
        if self.ssl_context is not None:
            self.httpd.socket = self.ssl_context.wrap_socket(self.httpd.socket, server_side=True)
        self.port = self.httpd.server_address[1]
        self.thread = threading.Thread(target=self.httpd.serve_forever, args=(0.05,), daemon=True)
        self.thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.release.set()
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join(timeout=5)

    def url(self, path: str, host: str = "127.0.0.1", scheme: str = "http") -> str:
        return f"{scheme}://{host}:{self.port}{path}"


class _Handler(http.server.BaseHTTPRequestHandler):
    server: http.server.ThreadingHTTPServer

    def log_message(self, format: str, *args: object) -> None:
        pass  # keep the test output clean

    def do_GET(self) -> None:
        owner: LocalServer = self.server.owner  # type: ignore[attr-defined]
        owner.requests.append(
            RecordedRequest(self.path, {k.lower(): v for k, v in self.headers.items()})
        )
        parts = urlsplit(self.path)
        query = {key: values[0] for key, values in parse_qs(parts.query).items()}
        route = getattr(self, "route_" + parts.path.strip("/").replace("-", "_"), None)
        if parts.path in owner.pages:
            content_type, body = owner.pages[parts.path]
            self.answer(200, body, {"Content-Type": content_type})
        elif route is not None:
            route(owner, query)
        else:
            self.answer(404, b"<h1>Not found</h1>", {"Content-Type": "text/html"})

    def answer(self, status: int, body: bytes, headers: dict[str, str]) -> None:
        self.send_response(status)
        for name, value in {"Content-Length": str(len(body)), **headers}.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def route_redirect(self, owner: LocalServer, query: dict[str, str]) -> None:
        self.answer(int(query.get("status", "302")), b"", {"Location": query["to"]})

    def route_loop(self, owner: LocalServer, query: dict[str, str]) -> None:
        self.answer(302, b"", {"Location": "/loop"})

    def route_etag(self, owner: LocalServer, query: dict[str, str]) -> None:
        if self.headers.get("If-None-Match") == '"v1"':
            self.answer(304, b"", {"ETag": '"v1"', "Content-Length": "0"})
        else:
            self.answer(200, b"<rss/>", {"ETag": '"v1"', "Content-Type": "application/rss+xml"})

    def route_stream(self, owner: LocalServer, query: dict[str, str]) -> None:
        """100 MB without a Content-Length, as fast as the client will take it."""
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.end_headers()
        chunk = b"x" * 65536
        try:
            while owner.bytes_streamed < STREAM_BYTES and not owner.release.is_set():
                self.wfile.write(chunk)
                owner.bytes_streamed += len(chunk)
        except OSError:
            pass  # the client hung up, as it should
        finally:
            owner.stream_finished.set()

    def route_drip(self, owner: LocalServer, query: dict[str, str]) -> None:
        """A byte every 50 ms: never slow enough for a read timeout, forever in total."""
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.end_headers()
        try:
            while not owner.release.wait(0.05):
                self.wfile.write(b"x")
                self.wfile.flush()
        except OSError:
            pass

    def route_slow(self, owner: LocalServer, query: dict[str, str]) -> None:
        owner.release.wait(10)

    def route_huge_declared(self, owner: LocalServer, query: dict[str, str]) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "application/octet-stream")
        self.send_header("Content-Length", "100000000")
        self.end_headers()
        self.wfile.write(b"x" * 1024)
        owner.release.wait(10)

    def route_gzip_bomb(self, owner: LocalServer, query: dict[str, str]) -> None:
        self.answer(200, gzip_bomb(), {"Content-Type": "text/html", "Content-Encoding": "gzip"})

    def route_gzip_page(self, owner: LocalServer, query: dict[str, str]) -> None:
        self.answer(
            200,
            gzip.compress(PAGE),
            {"Content-Type": "text/html; charset=UTF-8", "Content-Encoding": "gzip"},
        )

    def route_server_error(self, owner: LocalServer, query: dict[str, str]) -> None:
        self.answer(503, b"down", {"Content-Type": "text/plain"})


@pytest.fixture
def server():
    with LocalServer() as local_server:
        yield local_server


@pytest.fixture
def allow_local(settings):
    """127.0.0.1 is refused like any internal address unless a test allows it."""
    settings.FETCH_ALLOWED_NETWORKS = ["127.0.0.1/32"]


@pytest.fixture
def dns(monkeypatch):
    """Fake DNS for `fetch.resolve`: `dns["news.example"] = ["127.0.0.1"]`; other names do
    not exist."""
    records: dict[str, list[str]] = {}

    def fake_resolve(host: str, port: int) -> list[str]:
        if host not in records:
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        return records[host]

    monkeypatch.setattr(fetch_module, "resolve", fake_resolve)
    return records


def refusal(url: str, **kwargs) -> FetchError:
    with pytest.raises(FetchError) as caught:
        fetch(url, **kwargs)
    return caught.value


# --- addresses -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1/",
        "http://[::1]/",
        "http://10.1.2.3/",
        "http://169.254.169.254/latest/meta-data/",
        "http://[fd00:ec2::254]/",
        "http://192.168.1.1/admin",
        "http://172.16.0.1/",
        "http://100.64.0.1/",
        "http://0.0.0.0/",
        "http://224.0.0.1/",
        "http://[fe80::1]/",
        "http://[::ffff:127.0.0.1]/",
        "http://[2002:a9fe:a9fe::1]/",  # 6to4 wrapping 169.254.169.254
        "http://[64:ff9b::a00:1]/",  # NAT64 wrapping 10.0.0.1
    ],
)
def test_internal_address_is_refused(url):
    error = refusal(url)

    assert error.code == "blocked_address"
    assert "private or internal addresses" in str(error)


def test_localhost_by_name_is_refused():
    error = refusal("http://localhost/")

    assert error.code == "blocked_address"
    assert "localhost" in str(error)


def test_hostname_resolving_to_a_private_address_is_refused(dns):
    dns["intranet.example"] = ["10.0.0.7"]

    error = refusal("https://intranet.example/wiki")

    assert error.code == "blocked_address"
    assert "intranet.example" in str(error)
    assert "10.0.0.7" in str(error)


def test_hostname_with_one_private_address_among_public_ones_is_refused(dns, allow_local):
    dns["mixed.example"] = ["127.0.0.1", "10.0.0.7"]

    assert refusal("http://mixed.example/").code == "blocked_address"


def test_metadata_address_is_refused_even_inside_an_allowed_network(settings):
    settings.FETCH_ALLOWED_NETWORKS = ["169.254.0.0/16"]

    assert refusal("http://169.254.169.254/latest/meta-data/").code == "blocked_address"
    assert not is_blocked_address("169.254.1.1")


def test_public_addresses_are_not_blocked():
    assert not is_blocked_address("93.184.215.14")
    assert not is_blocked_address("2606:4700:4700::1111")


def test_unknown_host_is_a_dns_error(dns):
    error = refusal("https://no-such-site.example/")

    assert error.code == "dns"
    assert "could not be found" in str(error)


# --- addresses that are not web addresses -----------------------------------------------


@pytest.mark.parametrize(
    ("url", "code"),
    [
        ("ftp://example.com/file.txt", "scheme"),
        ("file:///etc/passwd", "scheme"),
        ("gopher://example.com/", "scheme"),
        ("example.com/page", "scheme"),
        ("http://user:secret@example.com/", "host"),
        ("http://user@example.com/", "host"),
        ("http:///path-only", "host"),
        ("http://example.com:0/", "host"),
        ("http://example.com:65536/", "host"),
        ("http://exa mple.com/", "host"),
        ("http://example.com\n.evil/", "host"),
    ],
)
def test_address_that_is_not_a_plain_web_address_is_refused(url, code):
    with pytest.raises(FetchError) as caught:
        check_url(url)
    assert caught.value.code == code
    assert refusal(url).code == code


def test_ordinary_web_addresses_pass_the_syntax_check():
    check_url("https://example.com/")
    check_url("http://blog.example.co.uk:8080/2024/post?utm_source=x#top")
    check_url("https://bücher.example/")
    check_url("https://[2606:4700:4700::1111]/")


def test_refusals_are_plain_sentences():
    assert str(refusal("file:///etc/passwd")) == (
        "Only web addresses that start with http:// or https:// can be fetched."
    )


# --- fetching from the local server ------------------------------------------------------


def test_page_is_fetched_with_our_user_agent(server, allow_local, settings):
    result = fetch(server.url("/page"))

    assert result.status == 200
    assert result.body == PAGE
    assert result.content_type == "text/html"
    assert result.charset == "utf-8"
    assert result.headers["content-type"] == "text/html; charset=utf-8"
    assert result.url == server.url("/page")
    request = server.requests[-1]
    assert request.headers["user-agent"] == settings.FETCH_USER_AGENT
    assert request.headers["accept"].startswith("text/html")
    assert request.host == f"127.0.0.1:{server.port}"


def test_gzip_page_is_decoded(server, allow_local):
    result = fetch(server.url("/gzip-page"))

    assert result.body == PAGE
    assert "gzip" in server.requests[-1].headers["accept-encoding"]


def test_connection_is_pinned_to_the_address_that_was_checked(server, allow_local, monkeypatch):
    # DNS rebinding: the first answer passes the check, a second one would point inside.
    answers = iter([["127.0.0.1"], ["10.0.0.7"]])
    resolved: list[str] = []

    def rebinding_resolve(host: str, port: int) -> list[str]:
        resolved.append(host)
        return next(answers)

    monkeypatch.setattr(fetch_module, "resolve", rebinding_resolve)
    looked_up: list[object] = []
    real_getaddrinfo = socket.getaddrinfo

    def recording_getaddrinfo(host, *args, **kwargs):
        looked_up.append(host)
        return real_getaddrinfo(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", recording_getaddrinfo)

    result = fetch(server.url("/page", host="rebind.example"))

    assert result.status == 200
    assert resolved == ["rebind.example"]
    assert "rebind.example" not in looked_up  # urllib3 connected to the vetted IP
    assert server.requests[-1].host == f"rebind.example:{server.port}"


def test_redirect_is_followed_to_a_relative_location(server, allow_local):
    result = fetch(server.url("/redirect?to=/page&status=301"))

    assert result.status == 200
    assert result.url == server.url("/page")
    assert [request.path for request in server.requests] == [
        "/redirect?to=/page&status=301",
        "/page",
    ]


@pytest.mark.parametrize(
    "target",
    ["http://169.254.169.254/latest/meta-data/", "http://10.0.0.1/"],
)
def test_redirect_to_a_private_address_is_refused(server, allow_local, dns, target):
    dns["news.example"] = ["127.0.0.1"]

    error = refusal(server.url(f"/redirect?to={target}", host="news.example"))

    assert error.code == "blocked_address"
    assert urlsplit(target).hostname in str(error)
    assert len(server.requests) == 1


def test_redirect_to_a_hostname_resolving_inside_is_refused(server, allow_local, dns):
    dns["news.example"] = ["127.0.0.1"]
    dns["intranet.example"] = ["192.168.0.10"]

    error = refusal(server.url("/redirect?to=https://intranet.example/", host="news.example"))

    assert error.code == "blocked_address"
    assert "intranet.example" in str(error)


def test_redirect_to_a_file_address_is_refused(server, allow_local):
    assert refusal(server.url("/redirect?to=file:///etc/passwd")).code == "scheme"


def test_endless_redirects_stop(server, allow_local):
    error = refusal(server.url("/loop"), max_redirects=3)

    assert error.code == "redirects"
    assert len(server.requests) == 4


def test_credentials_are_not_carried_to_another_host(server, allow_local, dns):
    dns["feeds.example"] = ["127.0.0.1"]

    fetch(
        server.url(f"/redirect?to={server.url('/page', host='feeds.example')}"),
        headers={"Authorization": "Bearer secret", "If-None-Match": '"v0"'},
    )

    first, second = server.requests
    assert first.headers["authorization"] == "Bearer secret"
    assert "authorization" not in second.headers
    assert second.headers["if-none-match"] == '"v0"'


def test_not_modified_is_passed_through(server, allow_local):
    result = fetch(server.url("/etag"), headers={"If-None-Match": '"v1"'})

    assert result.status == 304
    assert result.body == b""
    assert result.headers["etag"] == '"v1"'


def test_missing_page_says_so(server, allow_local):
    error = refusal(server.url("/no-such-page"))

    assert error.code == "http_status"
    assert "not found" in str(error)
    assert "404" in str(error)


def test_server_error_says_try_later(server, allow_local):
    error = refusal(server.url("/server-error"))

    assert error.code == "http_status"
    assert "503" in str(error)
    assert "Try again later" in str(error)


def test_hundred_megabyte_stream_is_cut_off_early(server, allow_local):
    started = time.monotonic()

    error = refusal(server.url("/stream"), max_bytes=1_000_000)

    assert error.code == "too_large"
    assert time.monotonic() - started < 5
    assert server.stream_finished.wait(10)
    assert server.bytes_streamed < STREAM_BYTES / 4


def test_declared_size_above_the_limit_is_refused_before_reading(server, allow_local):
    started = time.monotonic()

    error = refusal(server.url("/huge-declared"), max_bytes=1_000_000, timeout=5)

    assert error.code == "too_large"
    assert "larger than" in str(error)
    assert time.monotonic() - started < 2


def test_gzip_bomb_is_refused(server, allow_local):
    error = refusal(server.url("/gzip-bomb"), max_bytes=1_000_000)

    assert error.code == "too_large"


def test_server_that_never_answers_times_out(server, allow_local):
    started = time.monotonic()

    error = refusal(server.url("/slow"), timeout=0.3)

    assert error.code == "timeout"
    assert "took too long" in str(error)
    assert time.monotonic() - started < 2


def test_slow_drip_body_hits_the_overall_deadline(server, allow_local):
    started = time.monotonic()

    error = refusal(server.url("/drip"), timeout=0.4)

    assert error.code == "timeout"
    # The whole fetch may take about twice the timeout, however steadily bytes arrive.
    assert time.monotonic() - started < 1.5


def test_closed_port_is_a_connection_error(allow_local):
    with socket.socket() as unused:
        unused.bind(("127.0.0.1", 0))
        port = unused.getsockname()[1]

    error = refusal(f"http://127.0.0.1:{port}/")

    assert error.code == "connect"


def test_https_to_a_server_without_tls_is_refused(server, allow_local):
    assert refusal(server.url("/page", scheme="https"), timeout=2).code == "tls"


# --- HTTPS with a certificate for the host name -----------------------------------------


@pytest.fixture
def tls_server(tmp_path, monkeypatch):
    """An HTTPS server on 127.0.0.1 with a certificate for news.example, signed by a CA that
    fetch trusts for this test only."""
    ca_file, context = _certificates(tmp_path, "news.example")
    monkeypatch.setattr(fetch_module, "CA_BUNDLE", str(ca_file))
    with LocalServer(ssl_context=context) as local_server:
        yield local_server


def test_https_connects_to_the_vetted_address_with_the_host_name_for_tls(
    tls_server, allow_local, dns
):
    dns["news.example"] = ["127.0.0.1"]

    result = fetch(tls_server.url("/page", host="news.example", scheme="https"))

    assert result.body == PAGE
    assert tls_server.requests[-1].host == f"news.example:{tls_server.port}"


def test_https_certificate_for_another_name_is_refused(tls_server, allow_local, dns):
    dns["other.example"] = ["127.0.0.1"]

    error = refusal(tls_server.url("/page", host="other.example", scheme="https"))

    assert error.code == "tls"
    assert "could not be verified" in str(error)


def test_https_certificate_from_an_unknown_authority_is_refused(
    tls_server, allow_local, dns, monkeypatch
):
    monkeypatch.setattr(fetch_module, "CA_BUNDLE", fetch_module.certifi.where())
    dns["news.example"] = ["127.0.0.1"]

    error = refusal(tls_server.url("/page", host="news.example", scheme="https"))

    assert error.code == "tls"


def _certificates(directory: Path, hostname: str) -> tuple[Path, ssl.SSLContext]:
    """A throw-away CA and a server certificate for `hostname`."""
    pytest.importorskip("cryptography")
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    # OpenSSL checks validity on the machine's clock, not the suite's fixed one: cover both.
    validity = {"not_valid_before": datetime.datetime(2000, 1, 1, tzinfo=datetime.UTC)}
    validity["not_valid_after"] = datetime.datetime(2099, 12, 31, tzinfo=datetime.UTC)

    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Advocato test CA")])
    ca_cert = (
        x509.CertificateBuilder()
        .subject_name(ca_name)
        .issuer_name(ca_name)
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(validity["not_valid_before"])
        .not_valid_after(validity["not_valid_after"])
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(
            x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), critical=False
        )
        .sign(ca_key, hashes.SHA256())
    )
    key = ec.generate_private_key(ec.SECP256R1())
    cert = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, hostname)]))
        .issuer_name(ca_name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(validity["not_valid_before"])
        .not_valid_after(validity["not_valid_after"])
        .add_extension(x509.SubjectAlternativeName([x509.DNSName(hostname)]), critical=False)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()),
            critical=False,
        )
        .add_extension(
            x509.ExtendedKeyUsage([x509.oid.ExtendedKeyUsageOID.SERVER_AUTH]), critical=False
        )
        .sign(ca_key, hashes.SHA256())
    )
    ca_file = directory / "ca.pem"
    ca_file.write_bytes(ca_cert.public_bytes(serialization.Encoding.PEM))
    cert_file = directory / "server.pem"
    cert_file.write_bytes(
        cert.public_bytes(serialization.Encoding.PEM)
        + key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert_file)
    return ca_file, context
