"""Reading a CSV of people to invite.

Columns (header row required; names are case-insensitive, in any order, comma or semicolon
separated, UTF-8 — Excel: "CSV UTF-8"):

  email          required
  name           required, or first_name + last_name
  title, department, team (needs a department), location
  language       en, da or nb (default: the organisation's language)
  time_zone      e.g. Europe/Oslo (default: the organisation's time zone)
  manager_email  an existing employee, or someone else in the same file
  groups         group names separated by "|", e.g. "Sales Nordics|Ambassadors"
  role           advocate (default), curator, manager, analyst or admin

The file is checked as a whole before anything is imported: problems with the file itself
raise `InviteCSVError`; problems with single rows are listed in `ParseResult.problems`, each
naming its line, column and why, and those rows are left out of `ParseResult.rows`.
"""

from __future__ import annotations

import csv
import io
import zoneinfo
from collections import Counter
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _

from advocato.lib.validators import formula_problem

from .models import Employee, Language, Role

KNOWN_COLUMNS = [
    "email",
    "name",
    "first_name",
    "last_name",
    "title",
    "department",
    "team",
    "location",
    "language",
    "time_zone",
    "manager_email",
    "groups",
    "role",
]
MAX_LENGTHS = {
    "email": 254,
    "name": 200,
    "title": 200,
    "department": 120,
    "team": 120,
    "location": 120,
    "time_zone": 64,
    "manager_email": 254,
    "groups": 1000,
}
LANGUAGE_ALIASES = {"no": "nb", "nn": "nb", "nob": "nb", "dk": "da", "dan": "da", "eng": "en"}
TIME_ZONES = zoneinfo.available_timezones()


class InviteCSVError(Exception):
    """The file as a whole cannot be read; nothing in it was looked at further."""


@dataclass
class ParseResult:
    rows: list[dict] = field(default_factory=list)
    problems: list[dict] = field(default_factory=list)
    total: int = 0

    @property
    def is_clean(self) -> bool:
        return not self.problems


HEADER_ALIASES = {"e_mail": "email", "firstname": "first_name", "lastname": "last_name"}


def _normalise_header(name: str) -> str:
    key = name.strip().lstrip("\ufeff").strip().lower().replace(" ", "_").replace("-", "_")
    return HEADER_ALIASES.get(key, key)


def _decode(data: bytes) -> str:
    if b"\x00" in data:
        raise InviteCSVError(_("The file contains binary data; it does not look like a CSV file."))
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise InviteCSVError(
            _(
                "The file is not UTF-8 text (unreadable byte on line %(line)d). In Excel, "
                "choose “Save as” → “CSV UTF-8”; in Numbers or Google Sheets, export as CSV."
            )
            % {"line": line}
        ) from exc
    return text


def parse_invite_csv(data: bytes, *, existing_emails: set[str] | None = None) -> ParseResult:
    if len(data) > settings.INVITE_CSV_MAX_BYTES:
        raise InviteCSVError(
            _(
                "The file is %(size).1f MB; the limit is %(limit).0f MB. "
                "Split it into smaller files."
            )
            % {
                "size": len(data) / 1_048_576,
                "limit": settings.INVITE_CSV_MAX_BYTES / 1_048_576,
            }
        )
    text = _decode(data)
    if not text.strip():
        raise InviteCSVError(_("The file is empty."))
    first_line = text.splitlines()[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    try:
        header = next(reader)
    except csv.Error as exc:
        raise InviteCSVError(_("Line 1 is not valid CSV: %(error)s") % {"error": exc}) from exc
    columns = [_normalise_header(h) for h in header]
    _check_columns(columns)

    if existing_emails is None:
        existing_emails = {e.lower() for e in Employee.objects.values_list("email", flat=True)}
    result = ParseResult()
    seen: dict[str, int] = {}
    file_lines: dict[str, int] = {}  # every address in the file, good row or not
    email_at = columns.index("email")
    pending_managers: list[tuple[int, dict]] = []
    try:
        for values in reader:
            line = reader.line_num
            if not any(v.strip() for v in values):
                continue
            result.total += 1
            if result.total > settings.INVITE_CSV_MAX_ROWS:
                raise InviteCSVError(
                    _("The file has more than %(max)d people; split it into smaller files.")
                    % {"max": settings.INVITE_CSV_MAX_ROWS}
                )
            if email_at < len(values):
                file_lines.setdefault(values[email_at].strip().lower(), line)
            row, problems = _check_row(line, columns, values, seen, existing_emails)
            if problems:
                result.problems.extend(problems)
                continue
            seen[row["email"]] = line
            pending_managers.append((line, row))
    except csv.Error as exc:
        raise InviteCSVError(
            _("Line %(line)d is not valid CSV: %(error)s") % {"line": reader.line_num, "error": exc}
        ) from exc
    if result.total == 0:
        raise InviteCSVError(_("The file has a header row but no people in it."))

    result.rows, manager_problems = _check_managers(pending_managers, existing_emails, file_lines)
    result.problems.extend(manager_problems)
    result.problems.sort(key=lambda p: (p["line"], p["column"]))
    return result


def _names(names: list[str]) -> str:
    shown = ", ".join(n[:40] for n in names[:10])
    return shown + (" …" if len(names) > 10 else "")


def _check_managers(
    pending: list[tuple[int, dict]], existing_emails: set[str], file_lines: dict[str, int]
):
    """Keep the rows whose manager exists — in Advocato, or among the rows that are kept.
    Circles of managers are refused first; then, since dropping a row orphans the rows it
    manages, rows are dropped until nothing changes."""
    problems: list[dict] = []
    rows = {row["email"]: (line, row) for line, row in pending}
    kept = dict(pending)
    for line, row in pending:
        manager, visited = row["manager_email"], set()
        while manager in rows and manager not in visited:
            if manager == row["email"]:
                message = (
                    _("A person cannot be their own manager.")
                    if row["manager_email"] == row["email"]
                    else _("The managers form a circle.")
                )
                problems.append(_problem(line, "manager_email", row["manager_email"], message))
                del kept[line]
                break
            visited.add(manager)
            manager = rows[manager][1]["manager_email"]
    changed = True
    while changed:
        changed = False
        for line, row in list(kept.items()):
            manager = row["manager_email"]
            if not manager or manager in existing_emails:
                continue
            if manager in rows and rows[manager][0] in kept:
                continue
            if manager in file_lines:
                message = _("The manager's own line (%(line)d) has a problem.") % {
                    "line": file_lines[manager]
                }
            else:
                message = _("No employee has this e-mail address.")
            problems.append(_problem(line, "manager_email", manager, message))
            del kept[line]
            changed = True
    return list(kept.values()), problems


def _check_columns(columns: list[str]) -> None:
    if len(columns) > 3 * len(KNOWN_COLUMNS):
        raise InviteCSVError(
            _("The header row has %(n)d columns; Advocato reads at most %(max)d.")
            % {"n": len(columns), "max": len(KNOWN_COLUMNS)}
        )
    unknown = [c for c in columns if c not in KNOWN_COLUMNS]
    duplicated = sorted(c for c, n in Counter(columns).items() if n > 1)
    missing = []
    if "email" not in columns:
        missing.append("email")
    if "name" not in columns and not ("first_name" in columns or "last_name" in columns):
        missing.append("name")
    if unknown or missing or duplicated:
        parts = []
        if missing:
            parts.append(_("missing column(s): %(c)s") % {"c": ", ".join(missing)})
        if unknown:
            parts.append(_("unknown column(s): %(c)s") % {"c": _names(unknown)})
        if duplicated:
            parts.append(_("column(s) given twice: %(c)s") % {"c": _names(duplicated)})
        raise InviteCSVError(
            _("The header row does not match: %(parts)s. Allowed columns: %(allowed)s.")
            % {"parts": "; ".join(parts), "allowed": ", ".join(KNOWN_COLUMNS)}
        )


def _problem(line: int, column: str, value: str, message: str) -> dict:
    return {"line": line, "column": column, "value": value[:80], "message": str(message)}


def _check_row(line, columns, values, seen, existing_emails) -> tuple[dict, list[dict]]:
    problems: list[dict] = []
    # Some programs drop empty cells at the end of a line; extra cells are a real mistake.
    if len(values) < len(columns):
        values = values + [""] * (len(columns) - len(values))
    elif len(values) > len(columns) and any(v.strip() for v in values[len(columns) :]):
        return {}, [
            _problem(
                line,
                "",
                "",
                _("Has %(got)d cells; the header has %(want)d.")
                % {"got": len(values), "want": len(columns)},
            )
        ]
    values = values[: len(columns)]
    raw = {c: v.strip() for c, v in zip(columns, values, strict=True)}
    for column, value in raw.items():
        formula = formula_problem(value)
        if formula:
            problems.append(_problem(line, column, value, formula))
        elif len(value) > MAX_LENGTHS.get(column, 200):
            problems.append(
                _problem(
                    line,
                    column,
                    value,
                    _("Longer than %(max)d characters.") % {"max": MAX_LENGTHS.get(column, 200)},
                )
            )
    if problems:
        return {}, problems

    row: dict = {}
    email = raw.get("email", "").lower()
    if not email:
        problems.append(_problem(line, "email", "", _("The e-mail address is missing.")))
    else:
        try:
            validate_email(email)
        except ValidationError:
            problems.append(_problem(line, "email", email, _("Not a valid e-mail address.")))
        else:
            if email in seen:
                problems.append(
                    _problem(
                        line,
                        "email",
                        email,
                        _("The same address is on line %(line)d.") % {"line": seen[email]},
                    )
                )
            elif email in existing_emails:
                problems.append(
                    _problem(line, "email", email, _("This person is already in Advocato."))
                )
    row["email"] = email

    name = raw.get("name") or " ".join(
        p for p in (raw.get("first_name", ""), raw.get("last_name", "")) if p
    )
    if not name:
        problems.append(_problem(line, "name", "", _("The name is missing.")))
    row["name"] = name[:200]

    for column in ("title", "department", "team", "location"):
        row[column] = raw.get(column, "")
    if row["team"] and not row["department"]:
        problems.append(
            _problem(line, "team", row["team"], _("A team needs a department on the same line."))
        )

    language = raw.get("language", "").lower()
    language = LANGUAGE_ALIASES.get(language, language)
    if language and language not in Language.values:
        problems.append(_problem(line, "language", raw["language"], _("Use one of: en, da, nb.")))
    row["language"] = language

    time_zone = raw.get("time_zone", "")
    if time_zone and time_zone not in TIME_ZONES:
        problems.append(
            _problem(line, "time_zone", time_zone, _("Unknown time zone; use e.g. Europe/Oslo."))
        )
    row["time_zone"] = time_zone

    role = raw.get("role", "").lower() or Role.ADVOCATE
    if role not in Role.values:
        problems.append(
            _problem(
                line,
                "role",
                raw["role"],
                _("Use one of: %(roles)s.") % {"roles": ", ".join(Role.values)},
            )
        )
    row["role"] = role

    manager = raw.get("manager_email", "").lower()
    if manager:
        try:
            validate_email(manager)
        except ValidationError:
            problems.append(
                _problem(line, "manager_email", manager, _("Not a valid e-mail address."))
            )
    row["manager_email"] = manager

    groups = [g.strip() for g in raw.get("groups", "").split("|") if g.strip()]
    too_long = [g for g in groups if len(g) > 120]
    if too_long:
        problems.append(
            _problem(line, "groups", too_long[0], _("A group name is longer than 120 characters."))
        )
    row["groups"] = groups
    return row, problems


TEMPLATE_CSV = (
    "email,name,title,department,team,location,language,time_zone,manager_email,groups,role\n"
    "ida.holm@example.com,Ida Holm,Key Account Manager,Sales,Nordics,Copenhagen,da,"
    "Europe/Copenhagen,,Sales Nordics|Ambassadors,advocate\n"
    "lars.berg@example.com,Lars Berg,Recruiter,People & Culture,,Oslo,nb,Europe/Oslo,"
    "ida.holm@example.com,,advocate\n"
)
