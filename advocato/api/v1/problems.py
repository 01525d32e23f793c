"""Errors as `application/problem+json` (RFC 9457): every refusal the API gives has a status,
a title, a sentence saying what is wrong and, for bad input, the fields at fault."""

from __future__ import annotations

import json
from http import HTTPStatus

from django.http import HttpResponse
from django.utils.translation import gettext as _

CONTENT_TYPE = "application/problem+json"


class Problem(Exception):
    def __init__(
        self,
        status: int,
        detail: str,
        *,
        errors: list[dict] | None = None,
        headers: dict[str, str] | None = None,
    ):
        super().__init__(detail)
        self.status = status
        self.detail = detail
        self.errors = errors or []
        self.headers = headers or {}


def response(problem: Problem) -> HttpResponse:
    body: dict = {
        "type": "about:blank",
        "title": HTTPStatus(problem.status).phrase,
        "status": problem.status,
        "detail": str(problem.detail),
    }
    if problem.errors:
        body["errors"] = problem.errors
    answer = HttpResponse(
        json.dumps(body, ensure_ascii=False), status=problem.status, content_type=CONTENT_TYPE
    )
    for name, value in problem.headers.items():
        answer[name] = value
    return answer


def bad(field: str, message: str, status: int = 422) -> Problem:
    """Bad input in one field: the message, and the field named."""
    return Problem(status, str(message), errors=[{"field": field, "message": str(message)}])


def field_errors(form_errors) -> list[dict]:
    """A Django form's errors as [{field, message}] ("" for the form as a whole)."""
    return [
        {"field": "" if name == "__all__" else name, "message": str(message)}
        for name, messages in form_errors.items()
        for message in messages
    ]


def invalid(form_errors, detail: str = "") -> Problem:
    errors = field_errors(form_errors)
    named = [e["field"] for e in errors if e["field"]]
    if not detail and named:
        detail = _("Check these fields: %(fields)s.") % {"fields": ", ".join(dict.fromkeys(named))}
    elif not detail:
        detail = errors[0]["message"] if errors else _("The input is not valid.")
    return Problem(422, detail, errors=errors)


# The document's shape of a problem (added to every operation's error responses).
SCHEMA = {
    "type": "object",
    "required": ["type", "title", "status", "detail"],
    "properties": {
        "type": {"type": "string"},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {"type": "string"},
        "errors": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["field", "message"],
                "properties": {"field": {"type": "string"}, "message": {"type": "string"}},
            },
        },
    },
}
