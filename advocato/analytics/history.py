"""Importing past activity from another platform: shares, clicks and conversions, dated.

A file (CSV, comma or semicolon, UTF-8 with or without BOM; or XLSX, the first sheet) holds
one kind of history. Its header row names the columns; other platforms' names are mapped by
`HEADER_SYNONYMS` (the table in the README). The file is streamed twice: first every row is
checked (nothing is written); then, when no row is bad (or the admin chose to import the good
rows), the good rows are written in batches and the rollups of the affected days recounted.

Re-importing the same file changes nothing: a share is (employee, item, network, shared_at), a
click carries a token derived from its row's content (keyed with the site's secret, so a
visitor key cannot be read back from it), a conversion is (click, kind, external id — or one
derived from the row). Imported shares are confirmed by "import"; the points ledger pays
nothing for them, their clicks or their conversions (history from another platform was not
earned under our rules).
"""

from __future__ import annotations

import base64
import csv
import hashlib
import hmac
import io
import secrets
import zipfile
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import IO, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import load_workbook

from advocato.content.models import ContentItem, Status
from advocato.core.models import Organisation
from advocato.lib.networks import NETWORKS
from advocato.links import agents
from advocato.links.models import Click, Conversion, ConversionKind, DailySalt, TrackedLink
from advocato.links.services import CODE_BYTES
from advocato.people.models import Employee
from advocato.sharing.models import Share, Source

from . import rollups

KINDS = ("shares", "clicks", "conversions")
IMPORTED = "import"  # Share.confirmed_by, the figures' source, Conversion.source
TOKEN_PREFIX = "imp."  # noqa: S105 - imported clicks ("." never occurs in our random tokens)
BATCH = 5000
MAX_LISTED = 1000  # problems kept for the report; the count goes on

# The columns of each kind: (name, required).
COLUMNS: dict[str, list[tuple[str, bool]]] = {
    "shares": [
        ("email", True), ("item", True), ("title", False), ("network", True),
        ("shared_at", True), ("text", False), ("post", False), ("audience", False),
        ("reactions", False), ("comments", False), ("reshares", False), ("impressions", False),
    ],
    "clicks": [("share", True), ("at", True), ("user_agent", False), ("visitor", False)],
    "conversions": [
        ("ref", True), ("kind", True), ("value", False), ("currency", False), ("at", True),
        ("external_id", False),
    ],
}  # fmt: skip

# Header names of other platforms' exports → our column (lower case, spaces/dashes as "_").
HEADER_SYNONYMS: dict[str, str] = {
    "e_mail": "email", "user_email": "email", "employee_email": "email", "employee": "email",
    "advocate_email": "email", "user": "email",
    "url": "item", "link": "item", "content_url": "item", "article_url": "item",
    "content": "item", "item_title": "item", "article": "item",
    "content_title": "title",
    "channel": "network", "platform": "network", "social_network": "network",
    "date": "shared_at", "shared": "shared_at", "shared_on": "shared_at", "posted_at": "shared_at",
    "share_date": "shared_at", "time": "shared_at", "timestamp": "shared_at",
    "message": "text", "post_text": "text", "comment": "text", "commentary": "text",
    "post_url": "post", "post_ref": "post", "permalink": "post", "post_id": "post",
    "reference": "post", "ref": "post", "share_ref": "post", "share_reference": "post",
    "followers": "audience", "likes": "reactions", "shares": "reshares", "reposts": "reshares",
    "views": "impressions",
    "clicked_at": "at", "click_time": "at", "click_date": "at", "converted_at": "at",
    "occurred_at": "at", "useragent": "user_agent", "browser": "user_agent",
    "visitor_key": "visitor", "visitor_id": "visitor", "session": "visitor",
    "link_code": "share", "tracked_link": "share",
    "click": "ref", "click_ref": "ref", "click_token": "ref", "conversion_type": "kind",
    "type": "kind", "amount": "value", "revenue": "value", "id": "external_id",
    "order_id": "external_id", "conversion_id": "external_id",
}  # fmt: skip
# Where a kind reads the same header as another column.
KIND_RENAMES = {
    "clicks": {"post": "share", "shared_at": "at", "item": "share"},
    "conversions": {"post": "ref", "share": "ref", "shared_at": "at"},
}
NETWORK_NAMES = {code: code for code, _label in NETWORKS} | {
    label.lower(): code for code, label in NETWORKS
} | {"twitter": "x", "x (twitter)": "x", "twitter/x": "x", "fb": "facebook", "ig": "instagram",
     "linked_in": "linkedin", "linked in": "linkedin", "bsky": "bluesky"}  # fmt: skip

SAMPLES = {
    "shares": (
        "email,url,title,network,shared_at,text,post_url,audience\n"
        "ida.holm@example.com,https://example.com/news/launch,Our launch,linkedin,"
        "2026-03-02T09:15:00+01:00,Proud of the team!,https://www.linkedin.com/feed/update/1,850\n"
        "lars.berg@example.com,Our launch,,x,2026-03-02T12:00:00+01:00,New today,x-post-77,\n"
    ),
    "clicks": (
        "share,clicked_at,user_agent,visitor\n"
        "https://www.linkedin.com/feed/update/1,2026-03-02T10:01:00+01:00,"
        "Mozilla/5.0 (Windows NT 10.0) Firefox/124.0,v-1\n"
        "x-post-77,2026-03-03T08:30:00+01:00,Googlebot/2.1,\n"
    ),
    "conversions": (
        "share,kind,value,converted_at,external_id\n"
        "https://www.linkedin.com/feed/update/1,lead,,2026-03-02T10:20:00+01:00,crm-4711\n"
    ),
}


class HistoryError(Exception):
    """The file as a whole cannot be read; no row was looked at further."""


@dataclass
class Report:
    kind: str
    total: int = 0
    good: int = 0
    written: int = 0
    problem_count: int = 0
    problems: list[dict] = field(default_factory=list)
    imported: bool = False

    @property
    def is_clean(self) -> bool:
        return not self.problem_count

    def problem(self, line: int, column: str, value: Any, message: str) -> None:
        self.problem_count += 1
        if len(self.problems) < MAX_LISTED:
            self.problems.append(
                {"line": line, "column": column, "value": str(value)[:80], "message": str(message)}
            )


# --- Reading -----------------------------------------------------------------------------------


def _normalise(name: str, kind: str) -> str:
    key = str(name or "").strip().lstrip("\ufeff").strip().lower()
    key = key.replace(" ", "_").replace("-", "_")
    key = HEADER_SYNONYMS.get(key, key)
    return KIND_RENAMES.get(kind, {}).get(key, key)


def _columns(header: list, kind: str) -> list[str]:
    columns = [_normalise(h, kind) for h in header]
    known = {name for name, _required in COLUMNS[kind]}
    missing = [name for name, required in COLUMNS[kind] if required and name not in columns]
    twice = sorted({c for c in columns if c and columns.count(c) > 1})
    if missing or twice:
        parts = []
        if missing:
            parts.append(_("missing column(s): %(c)s") % {"c": ", ".join(missing)})
        if twice:
            parts.append(_("column(s) given twice: %(c)s") % {"c": ", ".join(twice)})
        raise HistoryError(
            _("The header row does not match: %(parts)s. Columns for %(kind)s: %(allowed)s.")
            % {"parts": "; ".join(parts), "kind": kind, "allowed": ", ".join(sorted(known))}
        )
    # Columns we do not read are ignored: other platforms export many.
    return [c if c in known else "" for c in columns]


def read_rows(source: str | Path | IO[bytes], kind: str, filename: str = "") -> Iterator[tuple]:
    """(line, {column: value}) for every non-empty row, streamed. Values are str, or datetime
    / numbers from XLSX cells."""
    name = filename or str(getattr(source, "name", source))
    if name.lower().endswith(".xlsx"):
        yield from _xlsx_rows(source, kind)
    else:
        yield from _csv_rows(source, kind)


def _csv_rows(source, kind: str) -> Iterator[tuple]:
    raw = open(source, "rb") if isinstance(source, str | Path) else source  # noqa: SIM115
    try:
        text = io.TextIOWrapper(raw, encoding="utf-8-sig", newline="")
        try:
            first = text.readline()
        except UnicodeDecodeError as exc:
            raise HistoryError(_("The file is not UTF-8 text.")) from exc
        if not first.strip():
            raise HistoryError(_("The file is empty."))
        if "\x00" in first:
            raise HistoryError(_("The file contains binary data; it is not a CSV file."))
        delimiter = ";" if first.count(";") > first.count(",") else ","
        header = next(csv.reader([first], delimiter=delimiter))
        columns = _columns(header, kind)
        reader = csv.reader(text, delimiter=delimiter)
        line = 1
        try:
            for values in reader:
                line = reader.line_num + 1
                if not any(values):
                    continue
                yield line, {c: v.strip() for c, v in zip(columns, values, strict=False) if c}
        except UnicodeDecodeError as exc:
            raise HistoryError(
                _("The file is not UTF-8 text (after line %(line)d).") % {"line": line}
            ) from exc
        except csv.Error as exc:
            raise HistoryError(
                _("Line %(line)d is not valid CSV: %(error)s") % {"line": line, "error": exc}
            ) from exc
        text.detach()
    finally:
        if isinstance(source, str | Path):
            raw.close()


def _xlsx_rows(source, kind: str) -> Iterator[tuple]:
    try:
        book = load_workbook(source, read_only=True, data_only=True)
    except (zipfile.BadZipFile, OSError, KeyError, ValueError) as exc:
        raise HistoryError(_("The file is not an XLSX workbook.")) from exc
    try:
        rows = book.worksheets[0].iter_rows(values_only=True)
        header = next(rows, None)
        if not header:
            raise HistoryError(_("The file is empty."))
        columns = _columns(list(header), kind)
        for line, values in enumerate(rows, start=2):
            if not any(v not in (None, "") for v in values):
                continue
            yield (
                line,
                {
                    c: (v.strip() if isinstance(v, str) else ("" if v is None else v))
                    for c, v in zip(columns, values, strict=False)
                    if c
                },
            )
    finally:
        book.close()


# --- Checking one row --------------------------------------------------------------------------


def _moment(value, tz) -> datetime:
    """A time with its offset (XLSX cells, which have none, are in the company's time zone)."""
    if isinstance(value, datetime):
        return value.replace(tzinfo=tz) if value.tzinfo is None else value
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day, tzinfo=tz)
    moment = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    if moment.tzinfo is None:
        raise ValueError("no offset")
    return moment


def _when(report, line, column, row, tz, now) -> datetime | None:
    value = row.get(column, "")
    if value in ("", None):
        report.problem(line, column, "", _("The time is missing."))
        return None
    try:
        moment = _moment(value, tz)
    except ValueError:
        report.problem(
            line, column, value,
            _("Not a time with its offset; write e.g. 2026-03-02T09:15:00+01:00."),
        )  # fmt: skip
        return None
    if moment > now:
        report.problem(line, column, value, _("This time is in the future."))
        return None
    return moment


def _count(report, line, column, row) -> int | None:
    value = row.get(column, "")
    if value in ("", None):
        return None
    try:
        number = int(str(value).replace(" ", "").split(".")[0])
    except ValueError:
        report.problem(line, column, value, _("Not a whole number."))
        return None
    if number < 0:
        report.problem(line, column, value, _("Not a whole number."))
        return None
    return number


def _text(report, line, column, row, limit) -> str:
    value = row.get(column, "")
    value = "" if value is None else str(value)
    if len(value) > limit:
        report.problem(line, column, value, _("Longer than %(max)d characters.") % {"max": limit})
    return value


def _key(*parts) -> bytes:
    return hmac.new(
        settings.SECRET_KEY.encode(), "|".join(str(p) for p in parts).encode(), hashlib.sha256
    ).digest()


def click_token(share_ref: str, at: datetime, user_agent: str, visitor: str, key=None) -> str:
    """The imported click's token: the same row gives the same token, however often imported.
    The click's second in hex, then a keyed BLAKE2b of the row (one C call; the key comes from
    the site's secret): a time-ordered file adds to the end of the token index instead of
    all over it."""
    content = f"{share_ref}|{at.timestamp()}|{user_agent}|{visitor}".encode()
    digest = hashlib.blake2b(content, key=key or _token_key(), digest_size=9).digest()
    return (
        f"{TOKEN_PREFIX}{int(at.timestamp()):09x}{base64.urlsafe_b64encode(digest).decode()[:11]}"
    )


def _token_key() -> bytes:
    return hashlib.sha256(b"advocato.history.click|" + settings.SECRET_KEY.encode()).digest()


_url = URLValidator(schemes=["http", "https"])


def _is_url(value: str) -> bool:
    return value.lower().startswith(("http://", "https://"))


# --- The kinds ---------------------------------------------------------------------------------


class _Kind(ABC):
    """One kind of history file: `check` turns a row into what `write` stores (or records the
    row's problems on the report); `write` stores a batch and says how many were new."""

    def __init__(self, report: Report):
        self.report = report
        self.org = Organisation.get()
        self.tz = self.org.zone
        self.now = timezone.now()

    @abstractmethod
    def check(self, line: int, row: dict) -> Any: ...

    @abstractmethod
    def write(self, batch: list) -> int: ...


class _Shares(_Kind):
    def __init__(self, report):
        super().__init__(report)
        self.people = {e.lower(): pk for e, pk in Employee.objects.values_list("email", "pk")}
        self.refs: dict[str, int] = {}
        self.keys: dict[tuple, int] = {}
        self.items: dict[str, int] = {}

    def check(self, line, row):
        r = self.report
        email = str(row.get("email", "")).lower()
        employee = self.people.get(email)
        if not email:
            r.problem(line, "email", "", _("The e-mail address is missing."))
        elif employee is None:
            r.problem(line, "email", email, _("No employee has this e-mail address."))
        item = str(row.get("item", ""))
        if not item:
            r.problem(line, "item", "", _("Give the item's address or title."))
        elif _is_url(item):
            try:
                _url(item)
            except ValidationError:
                r.problem(line, "item", item, _("Not a valid web address."))
            if len(item) > 1000:
                r.problem(line, "item", item, _("Longer than %(max)d characters.") % {"max": 1000})
        elif len(item) > 300:
            r.problem(line, "item", item, _("Longer than %(max)d characters.") % {"max": 300})
        title = _text(r, line, "title", row, 300)
        given = str(row.get("network", ""))
        network = NETWORK_NAMES.get(given.strip().lower())
        if network is None:
            names = ", ".join(c for c, _l in NETWORKS)
            r.problem(
                line, "network", given, _("Unknown network; use one of: %(n)s.") % {"n": names}
            )
        at = _when(r, line, "shared_at", row, self.tz, self.now)
        text = _text(r, line, "text", row, 10_000)
        post = _text(r, line, "post", row, 200)
        figures = {c: _count(r, line, c, row) for c in
                   ("audience", "reactions", "comments", "reshares", "impressions")}  # fmt: skip
        if employee is None or network is None or at is None:
            return None
        key = (employee, item.lower(), network, at)
        if post:
            seen = self.refs.setdefault(post, line)
            if seen != line and self.keys.get(key) != seen:
                r.problem(
                    line, "post", post,
                    _("The same post reference is on line %(line)d.") % {"line": seen},
                )  # fmt: skip
                return None
        self.keys.setdefault(key, line)
        return (line, employee, item, title, network, at, text, post, figures)

    def _items(self, names: set[str]) -> None:
        wanted = names - set(self.items)
        urls = [n for n in wanted if _is_url(n)]
        titles = [n for n in wanted if not _is_url(n)]
        for i in range(0, len(urls), 500):
            for pk, url in ContentItem.objects.filter(url__in=urls[i : i + 500]).values_list(
                "pk", "url"
            ):
                self.items.setdefault(url.lower(), pk)
        for i in range(0, len(titles), 500):
            for pk, title in ContentItem.objects.filter(title__in=titles[i : i + 500]).values_list(
                "pk", "title"
            ):
                self.items.setdefault(title.lower(), pk)

    def write(self, batch):
        self._items({row[2] for row in batch} | {row[2].lower() for row in batch})
        for _line, _employee, item, title, *_rest in batch:
            if item.lower() not in self.items:
                url = item if _is_url(item) else ""
                created = ContentItem.objects.create(
                    title=(title or item)[:300], url=url, status=Status.ARCHIVED
                )
                self.items[item.lower()] = created.pk
        existing = set(
            Share.objects.filter(
                employee_id__in={row[1] for row in batch},
                created_at__in={row[5] for row in batch},
            ).values_list("employee_id", "item_id", "network", "created_at")
        )
        new = []
        for _line, employee, item, _title, network, at, text, post, figures in batch:
            key = (employee, self.items[item.lower()], network, at)
            if key in existing:
                continue
            existing.add(key)
            engaged = any(figures[c] is not None for c in ("reactions", "comments", "reshares"))
            new.append(
                Share(
                    employee_id=employee, item_id=key[1], network=network, text=text,
                    method=Share.Method.DIALOG, status=Share.Status.CONFIRMED,
                    created_at=at, confirmed_at=at, confirmed_by=IMPORTED,
                    external_id=post, permalink=post if _is_url(post) and len(post) <= 500 else "",
                    audience=figures["audience"],
                    audience_source=Source.IMPORT if figures["audience"] is not None else "",
                    reactions=figures["reactions"], comments=figures["comments"],
                    reshares=figures["reshares"], impressions=figures["impressions"],
                    engagement_source=Source.IMPORT if engaged else "",
                    engagement_at=at if engaged else None,
                )
            )  # fmt: skip
        Share.objects.bulk_create(new)
        TrackedLink.objects.bulk_create(
            [TrackedLink(share=s, code=secrets.token_urlsafe(CODE_BYTES), created_at=s.created_at)
             for s in new]
        )  # fmt: skip
        return len(new)


def share_references() -> dict[str, int]:
    """Every reference a history file may give for a share → its tracked link: the post
    URL/ref of imported shares, and every tracked link's code."""
    refs = dict(TrackedLink.objects.values_list("code", "pk"))
    for external_id, permalink, link in Share.objects.filter(
        confirmed_by=IMPORTED, link__isnull=False
    ).values_list("external_id", "permalink", "link__pk"):
        for ref in (external_id, permalink):
            if ref:
                refs[ref] = link
    return refs


def _sqlite_moment(value: datetime) -> str:
    """What Django's SQLite backend stores for an aware time (naive UTC text), without its
    per-value checks: the clicks import writes millions."""
    return str(value.astimezone(UTC).replace(tzinfo=None))


class _Clicks(_Kind):
    COLUMNS = ["link_id", "at", "kind", "visitor", "network", "token", "referrer_domain",
               "device", "country"]  # fmt: skip

    def __init__(self, report):
        super().__init__(report)
        self.refs = share_references()
        self.agents: dict[str, tuple[str, str]] = {}
        self.salts: dict[date, bytes] = {}
        self.hashes: dict[tuple, str] = {}
        self.clock = rollups.LocalClock(self.tz)
        self.adapt = (
            _sqlite_moment
            if connection.vendor == "sqlite"
            else connection.ops.adapt_datetimefield_value
        )
        table = Click._meta.db_table
        self.sql = (
            f"INSERT INTO {table} ({', '.join(self.COLUMNS)}) "  # noqa: S608
            f"VALUES ({', '.join(['%s'] * len(self.COLUMNS))}) ON CONFLICT (token) DO NOTHING"
        )

    def check(self, line, row):
        r = self.report
        ref = str(row.get("share", ""))
        link = self.refs.get(ref)
        if link is None:
            if ref:
                r.problem(
                    line, "share", ref,
                    _("No imported share has this post reference, and no tracked link this "
                      "code. Import the shares first."),
                )  # fmt: skip
            else:
                r.problem(line, "share", "", _("The share reference is missing."))
        at = _when(r, line, "at", row, self.tz, self.now)
        agent = row.get("user_agent") or ""
        visitor = row.get("visitor") or ""
        if len(agent) > 1000:
            r.problem(
                line, "user_agent", agent, _("Longer than %(max)d characters.") % {"max": 1000}
            )
            return None
        if link is None or at is None:
            return None
        return (link, at, str(agent), str(visitor), ref)

    def _salt(self, day: date) -> bytes:
        salt = self.salts.get(day)
        if salt is None:
            stored = DailySalt.objects.get_or_create(
                day=day, defaults={"salt": secrets.token_hex(32)}
            )[0]
            salt = self.salts[day] = stored.salt.encode()
        return salt

    def _hash(self, day: date, seed: str) -> str:
        key = (day, seed)
        found = self.hashes.get(key)
        if found is None:
            found = hmac.digest(self._salt(day), seed.encode(), "sha256").hex()[:32]
            if len(self.hashes) > 50_000:
                self.hashes.clear()
            self.hashes[key] = found
        return found

    def _agent(self, agent: str) -> tuple[str, str]:
        found = self.agents.get(agent)
        if found is None:
            if agent:
                kind = agents.classify(agent)
                if kind not in (Click.Kind.BOT, Click.Kind.PREVIEW):
                    kind = Click.Kind.HUMAN
                found = (kind, agents.device_class(agent))
            else:
                found = (Click.Kind.HUMAN, "")
            if len(self.agents) < 10_000:
                self.agents[agent] = found
        return found

    def write(self, batch):
        rows = []
        day, adapt, key = self.clock.day, self.adapt, _token_key()
        blake2b, b64, hashes = hashlib.blake2b, base64.urlsafe_b64encode, self.hashes
        for link, at, agent, visitor, ref in batch:
            kind, device = self.agents.get(agent) or self._agent(agent)
            # As click_token(), inline: this loop runs once per click of the file.
            second = at.timestamp()
            digest = blake2b(f"{ref}|{second}|{agent}|{visitor}".encode(), key=key, digest_size=9)
            token = f"{TOKEN_PREFIX}{int(second):09x}{b64(digest.digest()).decode()[:11]}"
            # Hashed like ours: the visitor key and user agent with the day's salt (a click
            # without a visitor key is a visitor of its own).
            when = day(at)
            seed = f"{visitor}|{agent}" if visitor else token
            hashed = hashes.get((when, seed))
            if hashed is None:
                hashed = self._hash(when, seed)
            rows.append((link, adapt(at), kind, hashed, "", token, "", device, ""))
        with connection.cursor() as cursor:
            cursor.executemany(self.sql, rows)
            written = cursor.rowcount
        return written if written is not None and written >= 0 else len(rows)


class _Conversions(_Kind):
    def __init__(self, report):
        super().__init__(report)
        self.refs = share_references()
        self.kinds = set(ConversionKind.objects.values_list("code", flat=True))

    def check(self, line, row):
        r = self.report
        ref = str(row.get("ref", ""))
        if not ref:
            r.problem(line, "ref", "", _("The share or click reference is missing."))
        kind = str(row.get("kind", "")).strip().lower()
        if kind not in self.kinds:
            r.problem(
                line, "kind", kind,
                _("Not one of the company's conversion types: %(kinds)s.")
                % {"kinds": ", ".join(sorted(self.kinds)) or "—"},
            )  # fmt: skip
        value = row.get("value", "")
        amount = None
        if value not in ("", None):
            try:
                amount = Decimal(str(value).replace(" ", "").replace(",", "."))
                if not amount.is_finite() or abs(amount) >= Decimal(10) ** 13:
                    raise InvalidOperation
                amount = amount.quantize(Decimal("0.01"))
            except InvalidOperation:
                r.problem(line, "value", value, _("Not an amount."))
                amount = None
        currency = str(row.get("currency", "") or "").upper()
        if currency and len(currency) != 3:
            r.problem(line, "currency", currency, _("Use a three-letter currency code."))
        at = _when(r, line, "at", row, self.tz, self.now)
        external = _text(r, line, "external_id", row, 200)
        if not ref or kind not in self.kinds or at is None:
            return None
        return [line, ref, kind, amount, currency, at, external]

    def resolve(self, batch) -> list:
        """The click of each row: a click token, or a share's latest click up to that time."""
        tokens = dict(
            Click.objects.filter(token__in={row[1] for row in batch}).values_list("token", "pk")
        )
        links = {self.refs[row[1]] for row in batch if row[1] in self.refs}
        clicks: dict[int, list] = {}
        for link, at, pk in (
            Click.objects.filter(link_id__in=links)
            .order_by("at", "pk")
            .values_list("link_id", "at", "pk")
        ):
            clicks.setdefault(link, []).append((at, pk))
        link_of = dict(Click.objects.filter(pk__in=tokens.values()).values_list("pk", "link_id"))
        found = []
        for row in batch:
            line, ref, _kind, _amount, _currency, at, _external = row
            if ref in tokens:
                found.append((row, tokens[ref], link_of[tokens[ref]]))
                continue
            found_link = self.refs.get(ref)
            if found_link is None:
                self.report.problem(line, "ref", ref, _("No share or click has this reference."))
                continue
            before = [pk for when, pk in clicks.get(found_link, []) if when <= at]
            if not before:
                self.report.problem(
                    line, "ref", ref,
                    _("This share has no click before this time; import its clicks first."),
                )  # fmt: skip
                continue
            found.append((row, before[-1], found_link))
        return found

    def write(self, batch):
        new = []
        for row, click, link in self.resolve(batch):
            _line, ref, kind, amount, currency, at, external = row
            external = (
                external
                or "import:"
                + _key("conversion", ref, kind, at.astimezone(UTC).isoformat(), amount).hex()[:32]
            )
            new.append(
                Conversion(click_id=click, link_id=link, kind=kind, value=amount,
                           currency=currency, external_id=external, source=IMPORTED, at=at)
            )  # fmt: skip
        before = Conversion.objects.count()
        Conversion.objects.bulk_create(new, ignore_conflicts=True)
        return Conversion.objects.count() - before


HANDLERS: dict[str, type[_Kind]] = {
    "shares": _Shares,
    "clicks": _Clicks,
    "conversions": _Conversions,
}


# --- The whole run -----------------------------------------------------------------------------


class _Discard(Exception):
    """A row was bad: everything written in this run is rolled back."""


def _pass(source, kind, filename, handler, report, progress, batch_size, writing, good_rows):
    """One pass over the file: every row checked; while writing, the good rows written in
    batches — until a bad row is found without `good_rows` (then only checking goes on)."""
    batch: list = []

    def flush() -> None:
        nonlocal writing
        writing = writing and (good_rows or not report.problem_count)
        before = report.problem_count
        if writing:
            report.written += handler.write(batch)
        elif isinstance(handler, _Conversions):
            # Which click a conversion lands on needs the database: checked per batch.
            handler.resolve(batch)
        report.good -= report.problem_count - before
        if progress is not None:
            progress(len(batch))
        batch.clear()

    for line, row in read_rows(source, kind, filename):
        report.total += 1
        before = report.problem_count
        checked = handler.check(line, row)
        if checked is None or report.problem_count > before:
            continue
        report.good += 1
        batch.append(checked)
        if len(batch) >= batch_size:
            flush()
    if batch:
        flush()


def import_history(
    source: str | Path | IO[bytes],
    *,
    kind: str,
    filename: str = "",
    dry_run: bool = False,
    good_rows: bool = False,
    progress: Callable[[int], None] | None = None,
    batch_size: int = BATCH,
) -> Report:
    """Check every row of the file and, unless it is a dry run, write the good rows in one
    transaction — rolled back when a row is bad and `good_rows` is not set — then recount the
    rollups of the days they touch. The file is read once, in batches: memory stays flat."""
    if kind not in KINDS:
        raise HistoryError(
            _("Unknown kind %(kind)s; use one of: %(kinds)s.")
            % {"kind": kind, "kinds": ", ".join(KINDS)}
        )
    report = Report(kind=kind)
    handler = HANDLERS[kind](report)
    try:
        with transaction.atomic():
            _pass(source, kind, filename, handler, report, progress, batch_size,
                  writing=not dry_run, good_rows=good_rows)  # fmt: skip
            if report.total == 0:
                raise HistoryError(_("The file has a header row but no rows in it."))
            if report.problem_count and not good_rows:
                raise _Discard
    except _Discard:
        report.written = 0
        return report
    if dry_run or (not report.written and not report.good):
        return report
    rollups.fill()
    report.imported = True
    return report
