"""Reading JSON that came from outside (a request body, a block in a fetched page) without
letting its size or depth take the server down.

`parse_json()` refuses a body over `max_bytes` or nested deeper than `max_depth` *before*
parsing it (Python's parser recurses once per level: a few thousand `[` end in a
RecursionError), and turns every parse failure into `JSONBodyError`, whose ``status`` is 413
for a body too large and 400 otherwise and whose message is a translated sentence.
`json_error()` is the JSON response every endpoint gives for it. Every JSON endpoint reads its
body through here.
"""

from __future__ import annotations

import json
from typing import Any

from django.http import JsonResponse
from django.utils.translation import gettext as _

MAX_BYTES = 100_000
MAX_DEPTH = 32


class JSONBodyError(ValueError):
    def __init__(self, message: str, status: int = 400):
        super().__init__(message)
        self.message = message
        self.status = status


def parse_json(
    body: bytes | str, *, max_bytes: int = MAX_BYTES, max_depth: int = MAX_DEPTH, empty: Any = None
) -> Any:
    """The JSON value in `body` (`empty` when the body is empty). Raises `JSONBodyError`."""
    if len(body) > max_bytes:
        raise JSONBodyError(_("The request is too large."), 413)
    if isinstance(body, bytes):
        try:
            body = body.decode("utf-8")
        except UnicodeDecodeError:
            raise JSONBodyError(_("The body is not valid JSON.")) from None
    if not body.strip():
        return empty
    if nesting_depth(body) > max_depth:
        raise JSONBodyError(_("The JSON is nested too deeply."))
    try:
        return json.loads(body)
    except (ValueError, RecursionError):
        raise JSONBodyError(_("The body is not valid JSON.")) from None


def nesting_depth(text: str) -> int:
    """How deep arrays and objects nest in `text`, brackets inside strings not counted (a
    cheap scan; the text need not be valid JSON)."""
    depth = deepest = 0
    in_string = escaped = False
    for ch in text:
        if in_string:
            if escaped:
                escaped = False
            elif ch == "\\":
                escaped = True
            elif ch == '"':
                in_string = False
        elif ch == '"':
            in_string = True
        elif ch in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif ch in "]}":
            depth -= 1
    return deepest


def json_error(error: JSONBodyError, **headers: str) -> JsonResponse:
    response = JsonResponse({"error": error.message}, status=error.status)
    for name, value in headers.items():
        response[name] = value
    return response
