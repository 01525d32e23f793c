"""The API object: bearer tokens, errors as problem+json, rate limits, ETags on reads, cursor
pagination, and the OpenAPI document that says all of it.

Nothing here is Django middleware: it runs only for operations under /api/v1/, never for the
redirect (/l/) or any page."""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
from datetime import date, datetime
from typing import Annotated, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotModified
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, NinjaAPI, Path, Swagger
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.security import HttpBearer

from advocato.core import audit
from advocato.lib.permissions import has_role

from .. import tokens
from ..models import ApiToken
from . import problems
from .problems import Problem

ERROR_STATUSES = (400, 401, 403, 404, 409, 422, 429)
ID_MAX = 2**31 - 1  # ids fit every database's integer
Id = Annotated[int, Field(ge=1, le=ID_MAX)]
PathId = Annotated[int, Path(ge=1, le=ID_MAX)]


class TokenAuth(HttpBearer):
    """`Authorization: Bearer adv_…`. Sets `request.employee` to the token's person and makes
    them the audit log's actor, so a change by API is logged as theirs."""

    openapi_scheme = "bearer"

    def authenticate(self, request: HttpRequest, token: str) -> ApiToken | None:
        found = tokens.authenticate(token)
        if found is None:
            return None
        wait = tokens.rate_limited(found)
        if wait is not None:
            raise Problem(
                429,
                _("Too many requests for this token; try again in %(n)d seconds.") % {"n": wait},
                headers={"Retry-After": str(wait)},
            )
        request.employee = found.owner  # type: ignore[attr-defined]
        # The request's middleware resets the actor when the response is done.
        audit.set_actor(found.owner.user)
        return found


class AdvocatoAPI(NinjaAPI):
    def create_response(
        self,
        request: HttpRequest,
        data: Any,
        *,
        status: int | None = None,
        temporal_response: HttpResponse | None = None,
    ) -> HttpResponse:
        response = super().create_response(
            request, data, status=status, temporal_response=temporal_response
        )
        if request.method == "GET" and response.status_code == 200:
            tag = 'W/"' + hashlib.sha256(response.content).hexdigest()[:32] + '"'
            response["ETag"] = tag
            response["Cache-Control"] = "private, no-cache"
            asked = request.headers.get("If-None-Match", "")
            if asked and (asked.strip() == "*" or tag in [t.strip() for t in asked.split(",")]):
                not_modified = HttpResponseNotModified()
                not_modified["ETag"] = tag
                not_modified["Cache-Control"] = "private, no-cache"
                return not_modified
        return response

    def get_openapi_schema(self, *, path_prefix=None, path_params=None):
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        components = schema.setdefault("components", {})
        components.setdefault("schemas", {})["Problem"] = problems.SCHEMA
        problem = {
            "content": {problems.CONTENT_TYPE: {"schema": {"$ref": "#/components/schemas/Problem"}}}
        }
        for path, operations in schema["paths"].items():
            for method, operation in operations.items():
                responses = operation.setdefault("responses", {})
                for status in ERROR_STATUSES:
                    if status == 401 and path.endswith(("/openapi.json", "/docs")):
                        continue
                    entry = dict(problem, description=_phrase(status))
                    if status == 429:
                        entry["headers"] = {
                            "Retry-After": {
                                "description": "Seconds to wait before the next call.",
                                "schema": {"type": "integer"},
                            }
                        }
                    responses.setdefault(str(status), entry)
                if method == "get":
                    responses.setdefault(
                        "304", {"description": "Not modified: the ETag in If-None-Match matches."}
                    )
        return schema


def _phrase(status: int) -> str:
    from http import HTTPStatus

    return HTTPStatus(status).phrase


api = AdvocatoAPI(
    title="Advocato API",
    version="1",
    description=(
        "The programme's people, content, shares, links, results, points and audit log, for "
        "your own systems. Authenticate with a token (`Authorization: Bearer adv_…`) made on "
        "the API tokens page; each token carries scopes and acts with its person's rights. "
        "Errors are `application/problem+json`. Lists are paged with `cursor` (from "
        "`next_cursor`). Reads carry an `ETag`; send it back in `If-None-Match` for a 304."
    ),
    urls_namespace="api:api-v1",
    auth=TokenAuth(),
    docs=Swagger(settings={"persistAuthorization": False}),
)


# --- Errors --------------------------------------------------------------------------------------


@api.exception_handler(Problem)
def _problem(request, exc: Problem):
    return problems.response(exc)


@api.exception_handler(NinjaValidationError)
def _invalid(request, exc: NinjaValidationError):
    errors = []
    for error in exc.errors:
        location = [str(part) for part in error.get("loc", ())]
        # ("body", "payload", "title") → "title"; ("query", "limit") → "limit"
        where = location[2:] if location[:1] == ["body"] and len(location) > 2 else location[1:]
        errors.append({"field": ".".join(where), "message": str(error.get("msg", ""))})
    named = [e["field"] for e in errors if e["field"]]
    detail = _("Check these fields: %(fields)s.") % {"fields": ", ".join(dict.fromkeys(named))}
    return problems.response(Problem(422, detail if named else _("The input is not valid."),
                                     errors=errors))  # fmt: skip


@api.exception_handler(AuthenticationError)
def _unauthenticated(request, exc):
    problem = Problem(
        401,
        _("Send a valid API token: Authorization: Bearer adv_…. It may have expired or been "
          "revoked."),
        headers={"WWW-Authenticate": 'Bearer realm="advocato"'},
    )  # fmt: skip
    return problems.response(problem)


@api.exception_handler(Http404)
def _not_found(request, exc):
    return problems.response(Problem(404, _("Not found, or not yours to see.")))


@api.exception_handler(PermissionDenied)
def _denied(request, exc):
    return problems.response(Problem(403, str(exc) or _("Not allowed.")))


@api.exception_handler(HttpError)
def _http_error(request, exc: HttpError):
    status = exc.status_code if exc.status_code in ERROR_STATUSES else 400
    return problems.response(Problem(status, str(exc)))


# --- Rights --------------------------------------------------------------------------------------


def allow(request, scope: str, *roles: str):
    """The token must carry `scope` and its person must have one of `roles` (admins always;
    no roles: every employee) — the same roles as the pages. Returns the person."""
    token: ApiToken = request.auth
    if scope not in token.scopes:
        raise Problem(403, _("This token does not have the scope “%(scope)s”.") % {"scope": scope})
    employee = request.employee
    if roles and not has_role(employee, *roles):
        raise Problem(403, _("This is not part of your role."))
    return employee


# --- Lists ---------------------------------------------------------------------------------------


def _encode(ordering: str, value, pk: int) -> str:
    if isinstance(value, datetime | date):
        value = value.isoformat()
    raw = json.dumps([ordering, value, pk], separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def page(
    queryset: QuerySet,
    *,
    ordering: str,
    orderings: dict[str, str],
    cursor: str | None,
    limit: int,
) -> tuple[list, str | None]:
    """One page of `queryset` in `ordering` (a key of `orderings`, "-" first for descending),
    after `cursor`: keyset pagination on (field, id), so pages stay right while rows are added.
    Returns the rows and the cursor of the next page (None at the end)."""
    descending = ordering.startswith("-")
    key = ordering.removeprefix("-")
    if key not in orderings:
        choose = _("Choose one of: %(o)s.") % {"o": ", ".join(orderings)}
        raise problems.bad("ordering", choose)
    field = orderings[key]
    sign = "-" if descending else ""
    rows = queryset.order_by(f"{sign}{field}", f"{sign}pk")
    if cursor:
        try:
            padded = cursor + "=" * (-len(cursor) % 4)
            said, value, pk = json.loads(base64.urlsafe_b64decode(padded.encode()))
            if said != ordering or not isinstance(pk, int):
                raise ValueError
            value = queryset.model._meta.get_field(field).to_python(value)
            if isinstance(value, datetime) and timezone.is_naive(value):
                raise ValueError
        except (ValueError, TypeError, binascii.Error, ValidationError, UnicodeDecodeError):
            raise Problem(
                400,
                _("This cursor is not one this list gave, or was for another ordering."),
                errors=[{"field": "cursor", "message": _("Not a cursor of this list.")}],
            ) from None
        after = "lt" if descending else "gt"
        later = Q(**{f"{field}__{after}": value}) | Q(**{field: value, f"pk__{after}": pk})
        rows = rows.filter(later)
    found = list(rows[: limit + 1])
    if len(found) <= limit:
        return found, None
    found = found[:limit]
    last = found[-1]
    return found, _encode(ordering, getattr(last, field), last.pk)
