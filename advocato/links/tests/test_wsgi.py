"""The production WSGI application sends tracked links through its lean handler: the redirect,
the friendly 404 and the sharer's own click all work there."""

from io import BytesIO
from typing import Any
from wsgiref.util import setup_testing_defaults

import pytest
from django.conf import settings

from advocato.links.models import Click

pytestmark = pytest.mark.django_db(transaction=True)
CHROME = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36"


def call(path: str, **headers):
    from advocato.wsgi import application

    environ = {"PATH_INFO": path, "HTTP_USER_AGENT": CHROME, "wsgi.input": BytesIO(), **headers}
    setup_testing_defaults(environ)
    environ["HTTP_HOST"] = "localhost"
    result: dict[str, Any] = {}

    def start_response(status, response_headers, exc_info=None):
        result["status"] = int(status.split()[0])
        result["headers"] = dict(response_headers)

    body = b"".join(application(environ, start_response))
    return result["status"], result["headers"], body.decode()


def test_the_lean_handler_redirects_and_records(share):
    status, headers, _body = call(f"/l/{share.link.code}")
    assert status == 302 and headers["Location"].startswith("https://nordlys.example/")
    assert headers["Cache-Control"] == "private, no-store"
    assert Click.objects.get().kind == "human"


def test_the_lean_handler_answers_unknown_codes_with_the_friendly_page(db):
    status, _headers, body = call("/l/nope1234")
    assert status == 404 and "does not lead anywhere" in body


def test_the_sharers_own_click_is_recognised_by_the_lean_handler(share, client):
    client.force_login(share.employee.user)
    cookie = f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"
    call(f"/l/{share.link.code}", HTTP_COOKIE=cookie)
    assert Click.objects.get().kind == "self"


def test_other_pages_still_get_the_full_stack(db):
    status, headers, _body = call("/")
    assert status == 302 and "/accounts/login/" in headers["Location"]
