"""Fetching a web page or feed from an address a user typed, without letting that address
reach inside our own network (server-side request forgery).

`fetch()` is the only way Advocato reads from the web. Every hop — the first address and
each redirect — is checked the same way: http or https only, no user name or password, a
valid host and port; the host is resolved once with `resolve()` and refused if any of its
addresses is private, loopback, link-local, multicast, reserved, shared or the cloud
metadata service (unless the address is in ``settings.FETCH_ALLOWED_NETWORKS``). The
connection then goes to that vetted address itself, so a DNS answer that changes between
the check and the connection (DNS rebinding) cannot move it elsewhere. Bodies are streamed
and cut off at ``max_bytes`` after decompression, and the whole fetch has a deadline.

`check_url()` does only the syntax part (scheme, user name, host, port). `vet_url()` does
the whole check a fetch would do before connecting — syntax, odd encodings of an address
(decimal, octal or hex numbers, short forms such as 127.1, a trailing dot), then the host
resolved and every address judged — and is what forms use for every address the server will
fetch or call, so nothing internal is saved. Its `FetchError` names the reason
(loopback, private, link-local, metadata, multicast, reserved …); `validate_fetchable` is the
same as a Django validator.

Exceptions, for intranets and the demo: ``settings.FETCH_ALLOWED_NETWORKS`` (whole networks)
and ``settings.FETCH_ALLOWED_HOSTS`` (exact ``address:port`` pairs — what the demo uses for its
own feeds and fake networks). The metadata service is refused even then.
"""

from __future__ import annotations

import ipaddress
import re
import socket
import time
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from urllib.parse import quote, urljoin, urlsplit

import certifi
import urllib3
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from urllib3 import exceptions as urllib3_errors

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
DEFAULT_PORTS = {"http": 80, "https": 443}
CHUNK_SIZE = 64 * 1024
# The CA bundle is a module attribute so tests can trust a throw-away CA of their own.
CA_BUNDLE = certifi.where()

# Refused even when an administrator allows a network around them: nothing Advocato fetches
# lives at the cloud provider's metadata service, and it hands out credentials.
METADATA_ADDRESSES = frozenset(
    {ipaddress.ip_address("169.254.169.254"), ipaddress.ip_address("fd00:ec2::254")}
)
SHARED_ADDRESS_SPACE = ipaddress.ip_network("100.64.0.0/10")
NAT64_PREFIX = ipaddress.ip_network("64:ff9b::/96")
NUMERIC_LABEL = re.compile(r"^(0x[0-9a-f]*|[0-9]+)$")
# Headers that carry credentials are not sent on to another host after a redirect.
CREDENTIAL_HEADERS = frozenset({"authorization", "cookie", "proxy-authorization"})


class FetchError(Exception):
    """Fetching failed. ``str(exc)`` is a translated sentence to show the user; ``.code`` is
    one of 'scheme', 'host', 'blocked_address', 'dns', 'connect', 'timeout', 'too_large',
    'http_status', 'redirects', 'tls' (and 'not_html' from `metadata.fetch_metadata`)."""

    def __init__(self, message: str, code: str):
        super().__init__(message)
        self.message = message
        self.code = code


@dataclass
class FetchResult:
    url: str  # final URL after redirects
    status: int  # 200..299, or 304 when the server answered Not Modified (body b"")
    content_type: str  # e.g. "text/html" (no parameters), "" if absent
    charset: str | None  # from the Content-Type header, if any
    headers: dict[str, str]  # lower-cased names
    body: bytes


@dataclass(frozen=True)
class _Target:
    """One checked URL, split into what the connection needs."""

    url: str
    scheme: str
    host: str  # ASCII (IDNA) host name or IP address, without brackets
    port: int
    host_header: str
    path: str  # path and query, percent-encoded, never empty


def check_url(url: str) -> None:
    """Raise `FetchError` unless `url` is an http(s) address with a valid host and port and no
    user name or password. Does not look the host up."""
    _parse(url)


def vet_url(url: str) -> None:
    """Raise `FetchError` (its message names the reason) unless the server may fetch or call
    `url`: the checks of `check_url`, then the host resolved and each of its addresses vetted
    as a fetch would. Used when an address is saved, so an internal one never is."""
    _vetted_addresses(_parse(url))


def validate_fetchable(url: str) -> None:
    """`vet_url` as a Django validator (for form and model fields)."""
    if not url:
        return
    try:
        vet_url(url)
    except FetchError as exc:
        raise ValidationError(exc.message, code=exc.code) from None


def resolve(host: str, port: int) -> list[str]:
    """The IP addresses `host` resolves to, in the resolver's order of preference."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


def fetch(
    url: str,
    *,
    max_bytes: int = 5_000_000,
    timeout: float = 10.0,
    max_redirects: int = 5,
    accept: str = "text/html,application/xhtml+xml;q=0.9,*/*;q=0.5",
    headers: dict[str, str] | None = None,
) -> FetchResult:
    """GET `url`, following up to `max_redirects` redirects, each hop checked as described in
    the module docstring. `timeout` applies to connecting and to each read; the whole fetch
    must finish within twice that. Raises `FetchError`."""
    deadline = time.monotonic() + 2 * timeout
    extra_headers = dict(headers or {})
    target = _parse(url)
    redirects = 0
    while True:
        addresses = _vetted_addresses(target)
        response, pool = _request(target, addresses, accept, extra_headers, timeout, deadline)
        try:
            if response.status in REDIRECT_STATUSES and response.headers.get("location"):
                redirects += 1
                if redirects > max_redirects:
                    raise FetchError(
                        _(
                            "The page kept redirecting (more than %(count)s times), so "
                            "Advocato stopped following it."
                        )
                        % {"count": max_redirects},
                        "redirects",
                    )
                next_target = _parse(urljoin(target.url, response.headers["location"]))
                if next_target.host != target.host:
                    extra_headers = {
                        name: value
                        for name, value in extra_headers.items()
                        if name.lower() not in CREDENTIAL_HEADERS
                    }
                target = next_target
                continue
            return _result(target, response, max_bytes, timeout, deadline)
        finally:
            response.close()
            pool.close()


@dataclass
class PostResult:
    status: int  # whatever the server answered, redirects included (they are not followed)
    headers: dict[str, str]  # lower-cased names
    body: bytes  # at most `max_bytes` of it: the rest is not read


def post(
    url: str,
    body: bytes,
    *,
    headers: dict[str, str] | None = None,
    timeout: float = 15.0,
    max_bytes: int = 4096,
) -> PostResult:
    """POST `body` to `url` once, the address vetted as for a fetch and the connection made to
    the vetted IP. Redirects are not followed (a caller that pushes data — a webhook — must not
    be sent elsewhere), and any status is returned rather than raised; only the first
    `max_bytes` of the answer are read. Raises `FetchError` when the address is refused or the
    server cannot be reached in time."""
    deadline = time.monotonic() + 2 * timeout
    target = _parse(url)
    addresses = _vetted_addresses(target)
    response, pool = _request(
        target, addresses, "*/*", dict(headers or {}), timeout, deadline, "POST", body
    )
    try:
        answer = bytearray()
        try:
            while len(answer) < max_bytes:
                chunk = response.read1(min(CHUNK_SIZE, max_bytes - len(answer)))
                if not chunk:
                    break
                answer += chunk
        except (urllib3_errors.HTTPError, OSError):
            pass  # the status arrived; an answer cut short is still an answer
        return PostResult(
            status=response.status,
            headers={name.lower(): response.headers[name] for name in response.headers},
            body=bytes(answer[:max_bytes]),
        )
    finally:
        response.close()
        pool.close()


def _parse(url: str) -> _Target:
    url = url.strip()
    # urlsplit silently drops tabs and newlines; an address carrying them is not what the
    # user meant (spaces, by contrast, are percent-encoded below or refused in the host).
    if any(ord(ch) < 32 or ord(ch) == 127 for ch in url):
        raise FetchError(_("This web address contains control characters."), "host")
    try:
        parts = urlsplit(url)
    except ValueError:
        raise FetchError(_("This is not a valid web address."), "host") from None
    scheme = parts.scheme.lower()
    if scheme not in DEFAULT_PORTS:
        raise FetchError(
            _("Only web addresses that start with http:// or https:// can be fetched."),
            "scheme",
        )
    if parts.username is not None or parts.password is not None or "@" in parts.netloc:
        raise FetchError(
            _("Web addresses with a user name or password in them are not fetched."), "host"
        )
    raw_host = parts.hostname or ""
    if not raw_host:
        raise FetchError(_("This web address has no site name in it."), "host")
    try:
        explicit_port = parts.port
    except ValueError:
        explicit_port = -1
    if explicit_port is not None and not 1 <= explicit_port <= 65535:
        raise FetchError(_("The port number in this web address is not valid."), "host")
    port = explicit_port or DEFAULT_PORTS[scheme]
    host = _ascii_host(raw_host)
    shown_host = f"[{host}]" if ":" in host else host
    host_header = shown_host if explicit_port is None else f"{shown_host}:{port}"
    path = quote(parts.path or "/", safe="/%:@!$&'()*+,;=-._~")
    if parts.query:
        path += "?" + quote(parts.query, safe="/?%:@!$&'()*+,;=-._~")
    return _Target(url, scheme, host, port, host_header, path)


def _ascii_host(host: str) -> str:
    """The host as it goes into DNS and the Host header: an IP address, or an IDNA name."""
    try:
        return str(ipaddress.ip_address(host))
    except ValueError:
        pass
    invalid = FetchError(_("“%(host)s” is not a valid site name.") % {"host": host}, "host")
    try:
        ascii_host = host.rstrip(".").encode("idna").decode("ascii").lower()
    except UnicodeError:
        raise invalid from None
    labels = ascii_host.split(".")
    if labels and NUMERIC_LABEL.match(labels[-1]):
        # No top-level domain is a number: this is an IP address written in another form
        # (2130706433, 0177.0.0.1, 0x7f.1, 127.1, "127.0.0.1."), which resolvers read
        # differently from each other. Only the plain dotted or bracketed form is accepted.
        raise FetchError(
            _(
                "“%(host)s” is an IP address written in an unusual form (a whole number, "
                "octal, hexadecimal or shortened). Write it the usual way, or use the site's name."
            )
            % {"host": host},
            "encoding",
        )
    if len(ascii_host) > 253 or not all(_valid_label(label) for label in labels):
        raise invalid
    return ascii_host


def _valid_label(label: str) -> bool:
    # Underscores are not allowed by the standard but are found on real hosts.
    return (
        0 < len(label) <= 63
        and not label.startswith("-")
        and not label.endswith("-")
        and all(ch.isascii() and (ch.isalnum() or ch in "-_") for ch in label)
    )


def _vetted_addresses(target: _Target) -> list[str]:
    """The target's addresses, refusing the lot if any one of them is off limits: a name that
    resolves to both a public and a private address can be rebound between the two."""
    try:
        addresses = [str(ipaddress.ip_address(target.host))]
    except ValueError:
        try:
            addresses = resolve(target.host, target.port)
        except (OSError, UnicodeError):
            addresses = []
        if not addresses:
            raise FetchError(
                _("The site %(host)s could not be found. Check the address for typos.")
                % {"host": target.host},
                "dns",
            ) from None
    for address in addresses:
        reason = blocked_reason(address, target.port)
        if reason:
            raise FetchError(
                _(
                    "Advocato does not fetch from private or internal addresses "
                    "(%(host)s: %(reason)s)."
                )
                % {
                    "host": target.host if target.host == address else f"{target.host}, {address}",
                    "reason": reason,
                },
                "blocked_address",
            )
    return addresses


def is_blocked_address(address: str, port: int | None = None) -> bool:
    """True if Advocato must not connect to `address` (an IP address as text), on `port`."""
    return blocked_reason(address, port) is not None


def blocked_reason(address: str, port: int | None = None) -> str | None:
    """Why Advocato must not connect to `address` (on `port`), in words; None if it may."""
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        return _("not an IP address")
    if any(candidate in METADATA_ADDRESSES for candidate in _with_embedded(ip)):
        return _("the cloud metadata service")
    if port is not None and _host_port(ip, port) in _allowed_hosts():
        return None
    if any(ip in network for network in _allowed_networks()):
        return None
    for candidate in _with_embedded(ip):
        reason = _internal_reason(candidate)
        if reason:
            return reason
    return None


def _host_port(ip: IPAddress, port: int) -> str:
    return f"[{ip}]:{port}" if ip.version == 6 else f"{ip}:{port}"


def _allowed_hosts() -> frozenset[str]:
    return _parse_hosts(tuple(getattr(settings, "FETCH_ALLOWED_HOSTS", ())))


@cache
def _parse_hosts(pairs: tuple[str, ...]) -> frozenset[str]:
    """``address:port`` pairs, IPv6 in brackets, normalised."""
    found = set()
    for pair in pairs:
        host, sep, port = pair.strip().rpartition(":")
        try:
            if not sep or not 1 <= int(port) <= 65535:
                raise ValueError("a port is needed")
            ip = ipaddress.ip_address(host.strip("[]"))
        except ValueError as exc:
            raise ImproperlyConfigured(
                f"FETCH_ALLOWED_HOSTS: {pair!r} is not an address:port pair ({exc})"
            ) from exc
        found.add(_host_port(ip, int(port)))
    return frozenset(found)


def _with_embedded(ip: IPAddress) -> Iterator[IPAddress]:
    """The address itself and any IPv4 address carried inside an IPv6 one — a mapped, 6to4,
    Teredo or NAT64 address reaches that IPv4 host."""
    yield ip
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            yield ip.ipv4_mapped
        if ip.sixtofour is not None:
            yield ip.sixtofour
        if ip.teredo is not None:
            yield from ip.teredo
        if ip in NAT64_PREFIX:
            yield ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)


def _internal_reason(ip: IPAddress) -> str | None:
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        # Judged by the IPv4 address inside it (see _with_embedded).
        return None
    if ip.is_loopback:
        return _("a loopback address (this server itself)")
    if ip.is_unspecified:
        return _("an unspecified address")
    if ip.is_link_local:
        return _("a link-local address")
    if ip.is_multicast:
        return _("a multicast address")
    if ip in SHARED_ADDRESS_SPACE:
        return _("a shared (carrier-grade NAT) address")
    if ip.is_reserved:
        return _("a reserved address")
    if ip.is_private:
        return _("a private network address")
    if not ip.is_global:
        return _("a reserved address")
    return None


def _allowed_networks() -> list[ipaddress.IPv4Network | ipaddress.IPv6Network]:
    return _parse_networks(tuple(settings.FETCH_ALLOWED_NETWORKS))


@cache
def _parse_networks(
    cidrs: tuple[str, ...],
) -> list[ipaddress.IPv4Network | ipaddress.IPv6Network]:
    try:
        return [ipaddress.ip_network(cidr.strip(), strict=False) for cidr in cidrs]
    except ValueError as exc:
        raise ImproperlyConfigured(f"FETCH_ALLOWED_NETWORKS: {exc}") from exc


def _request(
    target: _Target,
    addresses: list[str],
    accept: str,
    extra_headers: dict[str, str],
    timeout: float,
    deadline: float,
    method: str = "GET",
    body: bytes | None = None,
) -> tuple[urllib3.BaseHTTPResponse, urllib3.HTTPConnectionPool]:
    """Send the request to the first vetted address that accepts a connection."""
    request_headers = {
        "User-Agent": settings.FETCH_USER_AGENT,
        "Accept": accept,
        "Accept-Encoding": "gzip, deflate",
        **extra_headers,
        "Host": target.host_header,
    }
    last_error: FetchError | None = None
    for address in addresses:
        wait = min(timeout, _remaining(target, deadline))
        pool = _pool(target, address)
        try:
            response = pool.urlopen(
                method,
                target.path,
                body=body,
                headers=request_headers,
                retries=False,
                redirect=False,
                assert_same_host=False,
                preload_content=False,
                decode_content=True,
                timeout=urllib3.Timeout(connect=wait, read=wait),
            )
        except urllib3_errors.HTTPError as exc:
            pool.close()
            last_error = _error_for(exc, target)
            if last_error.code == "connect":
                continue  # another address of the same host may answer
            raise last_error from exc
        return response, pool
    assert last_error is not None
    raise last_error


def _pool(target: _Target, address: str) -> urllib3.HTTPConnectionPool:
    # The pool connects to the vetted address; the host name travels only in the Host header
    # and, for HTTPS, in SNI and the certificate check, so urllib3 never resolves it again.
    if target.scheme == "https":
        return urllib3.HTTPSConnectionPool(
            host=address,
            port=target.port,
            maxsize=1,
            cert_reqs="CERT_REQUIRED",
            ca_certs=CA_BUNDLE,
            server_hostname=target.host,
            assert_hostname=target.host,
        )
    return urllib3.HTTPConnectionPool(host=address, port=target.port, maxsize=1)


def _result(
    target: _Target,
    response: urllib3.BaseHTTPResponse,
    max_bytes: int,
    timeout: float,
    deadline: float,
) -> FetchResult:
    status = response.status
    if status != 304 and not 200 <= status <= 299:
        raise FetchError(_status_message(status, target.host), "http_status")
    headers = {name.lower(): response.headers[name] for name in response.headers}
    content_type, charset = _split_content_type(headers.get("content-type", ""))
    body = b"" if status == 304 else _read_body(target, response, max_bytes, timeout, deadline)
    return FetchResult(
        url=target.url,
        status=status,
        content_type=content_type,
        charset=charset,
        headers=headers,
        body=body,
    )


def _read_body(
    target: _Target,
    response: urllib3.BaseHTTPResponse,
    max_bytes: int,
    timeout: float,
    deadline: float,
) -> bytes:
    too_large = FetchError(
        _("The page at %(host)s is larger than %(limit)s, so Advocato did not fetch it.")
        % {"host": target.host, "limit": filesizeformat(max_bytes)},
        "too_large",
    )
    declared = response.headers.get("content-length", "")
    if declared.strip().isdigit() and int(declared) > max_bytes:
        raise too_large
    body = bytearray()
    sock = getattr(getattr(response, "connection", None), "sock", None)
    try:
        while True:
            wait = min(timeout, _remaining(target, deadline))
            if sock is not None:
                # A server dripping a byte at a time never trips the per-read timeout; the
                # socket's timeout shrinks to what is left of the deadline instead.
                sock.settimeout(wait)
            # read1 returns after one read from the socket (and urllib3 bounds how much
            # decompressed output it yields), so neither a slow drip nor a gzip bomb gets
            # past the checks below.
            chunk = response.read1(CHUNK_SIZE)
            if not chunk:
                return bytes(body)
            body += chunk
            if len(body) > max_bytes:
                raise too_large
    except urllib3_errors.HTTPError as exc:
        raise _error_for(exc, target) from exc
    except OSError as exc:
        raise _error_for(exc, target) from exc


def _remaining(target: _Target, deadline: float) -> float:
    left = deadline - time.monotonic()
    if left <= 0:
        raise _timeout_error(target)
    return left


def _timeout_error(target: _Target) -> FetchError:
    return FetchError(
        _("%(host)s took too long to answer. Try again later.") % {"host": target.host},
        "timeout",
    )


def _error_for(exc: Exception, target: _Target) -> FetchError:
    """Translate a urllib3 or socket error into a FetchError a person can act on."""
    if isinstance(exc, urllib3_errors.ProtocolError) and exc.args:
        # urllib3 wraps socket errors raised while reading as ProtocolError(message, cause).
        cause = exc.args[-1]
        if isinstance(cause, Exception) and cause is not exc:
            exc = cause
    if isinstance(exc, urllib3_errors.SSLError):
        return FetchError(
            _(
                "The secure connection to %(host)s could not be verified, so Advocato did not "
                "fetch it."
            )
            % {"host": target.host},
            "tls",
        )
    if isinstance(exc, urllib3_errors.NewConnectionError):
        return FetchError(
            _("Could not connect to %(host)s. The site may be down; try again later.")
            % {"host": target.host},
            "connect",
        )
    if isinstance(exc, urllib3_errors.TimeoutError | socket.timeout | TimeoutError):
        return _timeout_error(target)
    if isinstance(exc, urllib3_errors.DecodeError):
        return FetchError(
            _("%(host)s sent a page that could not be read.") % {"host": target.host},
            "connect",
        )
    return FetchError(
        _("The connection to %(host)s broke off before the page arrived. Try again later.")
        % {"host": target.host},
        "connect",
    )


def _status_message(status: int, host: str) -> str:
    values = {"status": status, "host": host}
    if status in (404, 410):
        return (
            _("The page was not found at %(host)s (HTTP %(status)s). Check the address.") % values
        )
    if status in (401, 403):
        return _("%(host)s refused access to this page (HTTP %(status)s).") % values
    if status == 429:
        return _("%(host)s asked Advocato to slow down (HTTP %(status)s). Try again later.") % (
            values
        )
    if status >= 500:
        return _("%(host)s had a problem answering (HTTP %(status)s). Try again later.") % values
    return _("%(host)s answered with an error (HTTP %(status)s).") % values


def _split_content_type(value: str) -> tuple[str, str | None]:
    media_type, *params = value.split(";")
    charset = None
    for param in params:
        name, _sep, param_value = param.partition("=")
        if name.strip().lower() == "charset":
            charset = param_value.strip().strip("\"'") or None
    return media_type.strip().lower(), charset
