"""Tracked links and clicks: minting a link for a share, the redirect's destination with UTM
parameters, and recording a click — fast, and never lost.

The redirect does the least work it can: the link's details come from the cache (one query on
a miss), the click is one INSERT, and when that INSERT cannot happen at once the click goes to
the spool (`spool.py`) and the worker replays it."""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import logging
import secrets
from datetime import date, timedelta
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from django.conf import settings
from django.core.cache import caches
from django.db import DatabaseError, IntegrityError, transaction
from django.utils import timezone
from django.utils.encoding import iri_to_uri
from django.utils.text import slugify

from . import signals, spool
from .models import Click, DailySalt, TrackedLink

logger = logging.getLogger(__name__)
CODE_BYTES = 6  # 8 URL-safe characters, 48 random bits: short, and not guessable
CACHE_SECONDS = 300
UTM_MEDIUM = "employee_advocacy"
ATTRIBUTION_PARAM = "adv"


def mint_link(share) -> TrackedLink:
    for _attempt in range(5):
        code = secrets.token_urlsafe(CODE_BYTES)
        try:
            with transaction.atomic():
                return TrackedLink.objects.create(share=share, code=code)
        except IntegrityError:
            if TrackedLink.objects.filter(share=share).exists():
                raise
    raise RuntimeError("Could not find a free link code.")


def link_url(link: TrackedLink, base_url: str = "") -> str:
    base = (settings.SITE_URL or base_url or "http://localhost:8000").rstrip("/")
    return f"{base}/l/{link.code}"


def _cache():
    """The redirect's own cache: local memory in this process (settings.CACHES["links"]), so
    looking a link up costs no round trip to a shared cache."""
    return caches["links"]


def _cache_key(code: str) -> str:
    return f"advocato:link:{code}"


def link_info(code: str) -> dict | None:
    """What the redirect needs about a link, cached. None: no such (or a revoked) link."""
    key = _cache_key(code)
    info = _cache().get(key)
    if info is None:
        link = (
            TrackedLink.objects.select_related("share__item", "share__employee")
            .filter(code=code)
            .first()
        )
        info = {"missing": True} if link is None else _info(link)
        # Unknown codes are remembered briefly only, so guessing cannot crowd out real links.
        _cache().set(key, info, 30 if link is None else CACHE_SECONDS)
    return None if info.get("missing") or info.get("revoked") else info


def _info(link: TrackedLink) -> dict:
    share = link.share
    item = share.item
    info = {
        "code": link.code,
        "link_id": link.pk,
        "share_id": share.pk,
        "item_id": item.pk,
        "employee_id": share.employee_id,
        # The language version the advocate shared names the campaign.
        "language": share.language or share.employee.language,
        "network": share.network,
        "url": item.url,
        "campaign": slugify(share.version.title if share.language else item.title)[:60]
        or f"item-{item.pk}",
        "confirmed": share.confirmed_at is not None,
        "revoked": link.revoked_at is not None,
    }
    if item.url:
        info["base"] = _destination_base(info)
    return info


def revoke(link: TrackedLink) -> None:
    """Withdraw a link: it answers the friendly 404 from now on (its clicks stay)."""
    TrackedLink.objects.filter(pk=link.pk, revoked_at=None).update(revoked_at=timezone.now())
    forget(link.code)


def forget(code: str) -> None:
    _cache().delete(_cache_key(code))


def destination(info: dict, token: str) -> str:
    """The item's own URL with our UTM parameters and the attribution token added. The URL's
    own query (other than utm_* and adv) and fragment are kept; nothing else is ever a
    destination. The fixed part is worked out once per link and cached with it."""
    base = info.get("base")
    if base is None:
        base = info["base"] = _destination_base(info)
    head, fragment = base
    return f"{head}{ATTRIBUTION_PARAM}={token}{fragment}"


def _destination_base(info: dict) -> tuple[str, str]:
    parts = urlsplit(info["url"])
    netloc = parts.netloc
    if not netloc.isascii():  # an international domain name travels as punycode
        host = (parts.hostname or "").encode("idna").decode("ascii")
        netloc = host + (f":{parts.port}" if parts.port else "")
    url = urlunsplit((parts.scheme, netloc, parts.path or "/", parts.query, parts.fragment))
    parts = urlsplit(iri_to_uri(url))
    query = [
        (key, value)
        for key, value in parse_qsl(parts.query, keep_blank_values=True)
        if not key.lower().startswith("utm_") and key.lower() != ATTRIBUTION_PARAM
    ]
    query += [
        ("utm_source", info["network"]),
        ("utm_medium", UTM_MEDIUM),
        ("utm_campaign", info["campaign"]),
        ("utm_content", info["code"]),
    ]
    head = urlunsplit((parts.scheme, parts.netloc, parts.path, urlencode(query), "")) + "&"
    return head, f"#{parts.fragment}" if parts.fragment else ""


_salts: dict[date, str] = {}
_fallback_salts: dict[date, str] = {}


def daily_salt(day: date) -> str:
    salt = _salts.get(day)
    if salt is None:
        try:
            return _stored_salt(day)
        except DatabaseError:
            # The database is away: a random salt of this process's own, never stored, so
            # these hashes can never be tied to an address either. Only the unique-visitor
            # count of this moment may come out a little high.
            return _fallback_salts.setdefault(day, secrets.token_hex(32))
    return salt


def _stored_salt(day: date) -> str:
    salt = DailySalt.objects.get_or_create(day=day, defaults={"salt": secrets.token_hex(32)})[0]
    _salts.clear()  # only today's is kept in memory
    _salts[day] = salt.salt
    return salt.salt


def visitor_hash(ip: str, user_agent: str, day: date) -> str:
    key = daily_salt(day).encode()
    return hmac.new(key, f"{ip}|{user_agent}".encode(), hashlib.sha256).hexdigest()[:32]


def network_of(ip: str) -> str:
    """The address's network as text: the /24 of an IPv4 address, the /48 of an IPv6 one (an
    IPv4-mapped IPv6 address counts as its IPv4 address). "" when it is not an address."""
    try:
        address = ipaddress.ip_address(ip.strip())
    except ValueError:
        return ""
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    prefix = 24 if address.version == 4 else 48
    return str(ipaddress.ip_network(f"{address}/{prefix}", strict=False))


def network_hash(ip: str, day: date) -> str:
    """The visitor for points: a keyed hash of the address's network with the day's salt, the
    same for every user agent on one machine (or one office). The address is never stored."""
    network = network_of(ip)
    if not network:
        return ""
    key = daily_salt(day).encode()
    return hmac.new(key, f"net|{network}".encode(), hashlib.sha256).hexdigest()[:32]


def forget_old_salts(today: date | None = None) -> int:
    """Delete salts older than yesterday: after that, no stored hash can be tied to an IP."""
    today = today or timezone.localdate()
    deleted, _ = DailySalt.objects.filter(day__lt=today - timedelta(days=1)).delete()
    return deleted


_geo: dict[str, Any] = {"path": None, "reader": None}  # the open database and its path


def country(ip: str) -> str:
    """Two-letter country of an IP address from a GeoLite2-format database, when one is
    configured (ADVOCATO_GEOIP_PATH); "" otherwise or when unknown."""
    path = settings.GEOIP_PATH
    if not path or not ip:
        return ""
    if _geo["path"] != path:
        import maxminddb

        try:
            _geo["reader"] = maxminddb.open_database(path)
        except (OSError, ValueError, maxminddb.InvalidDatabaseError):
            logger.error("The GeoIP database at %s cannot be read.", path)
            _geo["reader"] = None
        _geo["path"] = path
    reader = _geo["reader"]
    if reader is None:
        return ""
    try:
        record = reader.get(ip)
    except ValueError:
        return ""
    found = (record or {}).get("country") or (record or {}).get("registered_country") or {}
    return str(found.get("iso_code", ""))[:2]


def new_token() -> str:
    return secrets.token_urlsafe(12)  # 16 characters


def record_click(info: dict, *, kind: str, visitor: str, token: str, referrer_domain: str = "",
                 device: str = "", country: str = "", network: str = "",
                 at=None) -> bool:  # fmt: skip
    """Spool the click (the default: the worker writes it within two minutes), or — in
    "direct" mode — write it at once and spool it only when the database cannot take it.
    Returns True when it was written to the database now. Never raises: the visitor's
    redirect must not wait on this."""
    record = {
        "link_id": info["link_id"],
        "kind": kind,
        "visitor": visitor,
        "network": network,
        "token": token,
        "referrer_domain": referrer_domain[:255],
        "device": device,
        "country": country,
        "at": (at or timezone.now()).isoformat(),
    }
    if settings.CLICK_WRITE != "direct":
        spool.append(record)
        return False
    try:
        Click.objects.create(**{**record, "at": at or timezone.now()})
    except DatabaseError:
        logger.warning("Click spooled: the database did not take it now.", exc_info=True)
        spool.append(record)
        return False
    if kind == Click.Kind.HUMAN and not info["confirmed"]:
        _first_human_click(info)
    return True


def _first_human_click(info: dict) -> None:
    """The first human click proves the post is out there: tell the apps above (sharing
    confirms the share) and remember it, so the next clicks do not ask again."""
    try:
        signals.human_clicks.send(sender=Click, link_ids={info["link_id"]})
    except DatabaseError:
        return
    info["confirmed"] = True
    forget(info["code"])


def _rows(records) -> list[Click]:
    from datetime import datetime

    rows = []
    for record in records:
        try:
            record["at"] = datetime.fromisoformat(record["at"])
            rows.append(Click(**record))
        except (KeyError, TypeError, ValueError):
            logger.error("Unreadable spooled click skipped: %r", record)
    return rows


def _write(rows: list[Click]) -> int:
    """Insert clicks not yet in the database (idempotent on the token); clicks of links deleted
    meanwhile are dropped. Tells the apps above about links with new human clicks."""
    written = 0
    for start in range(0, len(rows), 500):
        batch = rows[start : start + 500]
        known = set(
            Click.objects.filter(token__in=[r.token for r in batch]).values_list("token", flat=True)
        )
        links = set(
            TrackedLink.objects.filter(pk__in={r.link_id for r in batch}).values_list(
                "pk", flat=True
            )
        )
        fresh = [r for r in batch if r.token not in known and r.link_id in links]
        with transaction.atomic():
            Click.objects.bulk_create(fresh, ignore_conflicts=True)
            human_links = {r.link_id for r in fresh if r.kind == Click.Kind.HUMAN}
            if human_links:
                signals.human_clicks.send(sender=Click, link_ids=human_links)
        written += len(fresh)
    return written


def replay_spool(now: float | None = None) -> int:
    """Write finished spool files to the database, each click exactly once. A file that cannot
    be written is set aside (renamed .failed, logged) so it never blocks the ones after it."""
    written = 0
    for path in spool.finished_files(now):
        try:
            written += _write(_rows(spool.read(path)))
        except DatabaseError:
            logger.exception("Spool file %s could not be written; set aside.", path.name)
            path.rename(path.with_suffix(".failed"))
            continue
        path.unlink(missing_ok=True)
    return written


def find_spooled_click(token: str) -> Click | None:
    """A click still waiting in the spool (its minute not over yet), written now — so a
    conversion that follows its click within seconds finds it."""
    for path in reversed(spool.all_files()):
        for record in spool.read(path):
            if record.get("token") == token:
                _write(_rows([record]))
                return Click.objects.filter(token=token).select_related("link").first()
    return None
