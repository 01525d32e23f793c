"""Validators for text people type about people (names, titles, departments, groups)."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

# A value starting with one of these is run as a formula by spreadsheet programs when the data
# is exported again ("CSV injection"); no real name, title or department starts with them.
FORMULA_PREFIXES = ("=", "+", "-", "@")


def formula_problem(value: str) -> str:
    """The reason `value` is refused, or "" when it is fine."""
    stripped = value.strip()
    if stripped.startswith(FORMULA_PREFIXES):
        return _("Starts with “%(char)s”, which spreadsheets run as a formula.") % {
            "char": stripped[0]
        }
    return ""


def spreadsheet_safe(value):
    """A cell for a CSV or XLSX file we write: text a spreadsheet would run as a formula
    (people's names are their own text) gets a leading apostrophe; anything else as it is."""
    if isinstance(value, str) and value[:1] in (*FORMULA_PREFIXES, "\t", "\r"):
        return "'" + value
    return value


def no_formula(value: str) -> None:
    problem = formula_problem(value or "")
    if problem:
        raise ValidationError(problem, code="formula")


def no_control_characters(value: str) -> None:
    if any(ord(c) < 32 or 0x7F <= ord(c) < 0xA0 for c in value or ""):
        raise ValidationError(_("Line breaks and control characters are not allowed here."))


def no_control_characters_but_line_breaks(value: str) -> None:
    """For text of several paragraphs: line breaks and tabs are fine, other control
    characters (pasted from odd places, or written to break exports) are not."""
    if any((ord(c) < 32 and c not in "\n\r\t") or 0x7F <= ord(c) < 0xA0 for c in value or ""):
        raise ValidationError(
            _("Control characters are not allowed here (line breaks are)."), code="control"
        )
