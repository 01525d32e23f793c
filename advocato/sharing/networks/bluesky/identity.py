"""Where a Bluesky account lives: handle → DID → DID document → the account's PDS.

An account is not tied to bsky.social: any server (a PDS) may host it, and the account's
identity says which. We follow the AT Protocol's own steps:

1. The handle to its DID (https://atproto.com/specs/handle, "Handle Resolution"): the HTTPS
   method, ``https://<handle>/.well-known/atproto-did`` answering the DID as plain text. The
   spec's other method, a DNS TXT record at ``_atproto.<handle>``, needs a DNS library we do
   not carry; for handles that only have the TXT record we ask a resolver service's
   ``com.atproto.identity.resolveHandle`` instead (``BLUESKY_HANDLE_RESOLVER``, by default
   Bluesky's public API, which does the DNS lookup; empty: ask no one; see
   https://docs.bsky.app/docs/api/com-atproto-identity-resolve-handle).
2. The DID to its document (https://atproto.com/specs/did): ``did:plc`` from the PLC
   directory, ``<BLUESKY_PLC_URL>/<did>`` (https://web.plc.directory/spec/v0.1/did-plc);
   ``did:web`` from ``https://<host>/.well-known/did.json``.
3. The document must name the handle back (``alsoKnownAs: at://<handle>``: the handle is only
   valid when both directions agree) and carries the PDS as the service ``#atproto_pds`` of
   type ``AtprotoPersonalDataServer``.

Every address is vetted the way all our outbound calls are (`advocato.lib.fetch`): the
documents are read with `fetch.fetch`, and the PDS itself must not be a private, loopback or
internal address unless the operator allowed that network (FETCH_ALLOWED_NETWORKS).

``BLUESKY_WELL_KNOWN_URL`` (``https://{host}/.well-known/{name}``) exists so the tests can
point both well-known documents at a local fake on 127.0.0.1."""

from __future__ import annotations

import ipaddress
import json
import re
from dataclasses import dataclass
from urllib.parse import quote, unquote, urlsplit

from django.conf import settings
from django.utils.translation import gettext as _

from advocato.lib import fetch

from ..base import Permanent, Transient, timeout

PLC_DID = re.compile(r"^did:plc:[a-z2-7]{24}$")
WEB_DID = re.compile(r"^did:web:[a-zA-Z0-9._%-]+$")
HANDLE = re.compile(
    r"^([a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?\.)+[a-zA-Z]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?$"
)
MAX_DOCUMENT = 64 * 1024


@dataclass
class Identity:
    did: str
    handle: str
    pds: str  # the PDS's base URL, e.g. https://morel.us-east.host.bsky.network


def well_known_url(host: str, name: str) -> str:
    template = getattr(settings, "BLUESKY_WELL_KNOWN_URL", "https://{host}/.well-known/{name}")
    return template.format(host=host, name=name)


def plc_url() -> str:
    return getattr(settings, "BLUESKY_PLC_URL", "https://plc.directory").rstrip("/")


def resolver_url() -> str:
    return getattr(settings, "BLUESKY_HANDLE_RESOLVER", "https://public.api.bsky.app").rstrip("/")


def valid_did(did: str) -> bool:
    return bool(PLC_DID.match(did) or WEB_DID.match(did))


def _not_found(handle: str) -> Permanent:
    return Permanent(
        _("No Bluesky account was found for %(handle)s. Check the handle.") % {"handle": handle}
    )


def _get(url: str, accept: str) -> fetch.FetchResult:
    """GET a small identity document; a network failure is transient, a refusal to fetch
    (private address, bad URL) and a missing document are for the caller to judge."""
    return fetch.fetch(url, max_bytes=MAX_DOCUMENT, timeout=timeout(), accept=accept)


def _json(result: fetch.FetchResult) -> dict:
    try:
        data = json.loads(result.body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def resolve_handle(handle: str) -> str:
    """The handle's DID: the HTTPS well-known document first, then the resolver service."""
    try:
        text = _get(well_known_url(handle, "atproto-did"), "text/plain").body
        did = text.decode("utf-8", "replace").strip().splitlines()[0].strip() if text else ""
        if valid_did(did):
            return did
    except fetch.FetchError:
        pass  # no such document (or host): the DNS method, through the resolver, may work
    if not resolver_url():  # the operator asks no resolver service: the well-known only
        raise _not_found(handle)
    url = f"{resolver_url()}/xrpc/com.atproto.identity.resolveHandle?handle={quote(handle)}"
    try:
        did = str(_json(_get(url, "application/json")).get("did", ""))
    except fetch.FetchError as error:
        if error.code == "http_status":  # 400 "Unable to resolve handle"
            raise _not_found(handle) from None
        raise Transient(
            _("Bluesky's directory could not be reached. Try again in a few minutes.")
        ) from None
    if not valid_did(did):
        raise _not_found(handle)
    return did


def did_document(did: str) -> dict:
    """The DID document, from the PLC directory or the did:web host."""
    if PLC_DID.match(did):
        url = f"{plc_url()}/{did}"
    elif WEB_DID.match(did):
        # did:web:<host> with an optional port percent-encoded (did:web:localhost%3A2583).
        url = well_known_url(unquote(did.removeprefix("did:web:")), "did.json")
    else:
        raise Permanent(_("This Bluesky account uses an identity Advocato does not know."))
    try:
        document = _json(_get(url, "application/did+ld+json, application/json"))
    except fetch.FetchError as error:
        if error.code in {"http_status", "blocked_address", "host", "scheme"}:
            raise Permanent(
                _("The identity of this Bluesky account could not be read (%(did)s).")
                % {"did": did}
            ) from None
        raise Transient(
            _("Bluesky's directory could not be reached. Try again in a few minutes.")
        ) from None
    if document.get("id") != did:
        raise Permanent(
            _("The identity of this Bluesky account could not be read (%(did)s).") % {"did": did}
        )
    return document


def pds_endpoint(document: dict) -> str:
    """The ``#atproto_pds`` service's endpoint named in a DID document ("" if none)."""
    did = document.get("id", "")
    for service in document.get("service") or []:
        if not isinstance(service, dict):
            continue
        if (
            service.get("id") in {"#atproto_pds", f"{did}#atproto_pds"}
            and service.get("type") == "AtprotoPersonalDataServer"
        ):
            endpoint = service.get("serviceEndpoint")
            return endpoint if isinstance(endpoint, str) else ""
    return ""


def names_handle(document: dict, handle: str) -> bool:
    """The document claims the handle back (both directions must agree)."""
    claimed = {str(aka).lower() for aka in document.get("alsoKnownAs") or []}
    return f"at://{handle.lower()}" in claimed


def vet_service(url: str) -> str:
    """The PDS's base URL (scheme://host[:port]) if Advocato may connect to it: http(s), no
    credentials, no private or internal address (unless allowed), and https unless the
    server is on an allowed internal network (a company's own PDS, the tests' fake)."""
    refused = Permanent(
        _("This Bluesky account's server (%(server)s) is not one Advocato may connect to.")
        % {"server": url[:100]}
    )
    try:
        fetch.check_url(url)
        parts = urlsplit(url)
        host = (parts.hostname or "").lower()
        port = parts.port or (443 if parts.scheme == "https" else 80)
        addresses = fetch.resolve(host, port)
    except (fetch.FetchError, OSError, UnicodeError, ValueError):
        raise refused from None
    if not addresses or any(fetch.is_blocked_address(a) for a in addresses):
        raise refused
    if parts.scheme == "http" and not all(
        ipaddress.ip_address(a.split("%")[0]).is_private for a in addresses
    ):
        raise refused
    return f"{parts.scheme}://{host}" + (f":{parts.port}" if parts.port else "")


def discover(handle: str) -> Identity:
    """Where the account `handle` lives. Permanent when it cannot be found (or may not be
    reached), Transient when a directory did not answer."""
    handle = handle.strip().lstrip("@").lower()
    if not HANDLE.match(handle) or len(handle) > 253:
        raise Permanent(_("Give your Bluesky handle, e.g. anna.bsky.social."))
    did = resolve_handle(handle)
    document = did_document(did)
    if not names_handle(document, handle):
        raise Permanent(
            _("The Bluesky account %(did)s does not confirm the handle %(handle)s.")
            % {"did": did, "handle": handle}
        )
    endpoint = pds_endpoint(document)
    if not endpoint:
        raise Permanent(
            _("The Bluesky account %(handle)s does not say which server it lives on.")
            % {"handle": handle}
        )
    return Identity(did=did, handle=handle, pds=vet_service(endpoint))
