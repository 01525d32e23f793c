"""Conversions: attributed to the last human click in the window, counted once, and only from
the company's own website or signed requests."""

import json
import time
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
import time_machine
from django.utils import timezone

from advocato.links import conversions
from advocato.links.models import Click, Conversion

pytestmark = pytest.mark.django_db
SITE = "https://www.nordlys.example"
CHROME = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36"


def token_of(response) -> str:
    return parse_qs(urlsplit(response["Location"]).query)["adv"][0]


@pytest.fixture
def click(client, share):
    return Click.objects.get(
        token=token_of(client.get(f"/l/{share.link.code}", HTTP_USER_AGENT=CHROME))
    )


@pytest.fixture
def origins(settings):
    settings.CONVERSION_ORIGINS = [SITE]


def post(client, data, origin=SITE):
    body = data if isinstance(data, str | bytes) else json.dumps(data)
    return client.post("/c/convert", body, content_type="application/json", HTTP_ORIGIN=origin)


def test_a_lead_is_attributed_to_the_click_and_counted_once(client, click, origins):
    first = post(
        client,
        {"token": click.token, "type": "Lead", "value": 1200, "currency": "dkk", "id": "f-1"},
    )
    assert first.status_code == 201 and first.json()["counted"] is True
    assert first["Access-Control-Allow-Origin"] == SITE
    again = post(client, {"token": click.token, "type": "lead", "value": 1200, "id": "f-1"})
    assert again.status_code == 200 and again.json()["counted"] is False
    conversion = Conversion.objects.get()
    assert (conversion.kind, conversion.currency, str(conversion.value)) == (
        "lead",
        "DKK",
        "1200.00",
    )
    assert conversion.link == click.link


def test_without_an_id_the_same_type_from_the_same_click_counts_once(client, click, origins):
    post(client, {"token": click.token, "type": "signup"})
    post(client, {"token": click.token, "type": "signup"})
    post(client, {"token": click.token, "type": "application"})
    assert Conversion.objects.count() == 2


def test_the_attribution_window(client, click, origins, settings):
    settings.ATTRIBUTION_WINDOW_DAYS = 30
    with time_machine.travel(timezone.now() + timedelta(days=29)):
        assert post(client, {"token": click.token, "type": "lead", "id": "a"}).status_code == 201
    with time_machine.travel(timezone.now() + timedelta(days=31)):
        late = post(client, {"token": click.token, "type": "lead", "id": "b"})
    assert late.status_code == 422 and "30 days" in late.json()["error"]


def test_last_click_wins(client, share, origins):
    first = token_of(client.get(f"/l/{share.link.code}", HTTP_USER_AGENT=CHROME))
    last = token_of(client.get(f"/l/{share.link.code}", HTTP_USER_AGENT=CHROME))
    # The snippet keeps only the newest token, so the conversion arrives with the last click's:
    post(client, {"token": last, "type": "lead"})
    assert Conversion.objects.get().click.token == last != first


def test_bot_and_preview_clicks_cannot_convert(client, share, origins):
    token = token_of(client.get(f"/l/{share.link.code}", HTTP_USER_AGENT="curl/8.4.0"))
    assert post(client, {"token": token, "type": "lead"}).status_code == 404


@pytest.mark.parametrize(
    ("body", "words"),
    [
        ("not json", "not valid JSON"),
        ("[1, 2]", "JSON object"),
        ({"type": "lead"}, "token"),
        ({"token": "short", "type": "lead"}, "token"),
        ({"token": "A" * 16, "type": ""}, "type"),
        ({"token": "A" * 16, "type": "x" * 41}, "type"),
        ({"token": "A" * 16, "type": "lead", "value": "lots"}, "value"),
        ({"token": "A" * 16, "type": "lead", "value": -5}, "value"),
        ({"token": "A" * 16, "type": "lead", "value": "NaN"}, "value"),
        ({"token": "A" * 16, "type": "lead", "currency": "kroner"}, "currency"),
        ({"token": "A" * 16, "type": "lead"}, "No tracked click"),
    ],
)
def test_garbage_gets_a_clear_4xx(client, origins, body, words):
    response = post(client, body)
    assert 400 <= response.status_code < 500
    assert words in response.json()["error"]
    assert Conversion.objects.count() == 0


def test_other_websites_cannot_report(client, click, origins):
    response = post(client, {"token": click.token, "type": "lead"}, origin="https://evil.example")
    assert response.status_code == 403
    assert "ADVOCATO_CONVERSION_ORIGINS" in response.json()["error"]
    assert Conversion.objects.count() == 0


def test_the_browser_preflight_is_answered_for_the_company_site(client, origins):
    response = client.options("/c/convert", HTTP_ORIGIN=SITE)
    assert response.status_code == 204 and response["Access-Control-Allow-Origin"] == SITE
    assert client.options("/c/convert", HTTP_ORIGIN="https://evil.example").status_code == 403


def server_post(client, body: bytes, timestamp=None, signature=None, secret="s3cret"):
    timestamp = int(time.time()) if timestamp is None else timestamp
    signature = signature if signature is not None else conversions.sign(body, timestamp, secret)
    return client.post(
        "/api/conversions", body, content_type="application/json",
        HTTP_X_ADVOCATO_TIMESTAMP=str(timestamp), HTTP_X_ADVOCATO_SIGNATURE=signature,
    )  # fmt: skip


def test_signed_server_to_server_conversions(client, click, settings):
    settings.CONVERSION_SECRET = "s3cret"
    body = json.dumps({"token": click.token, "type": "application", "id": "job-311"}).encode()
    assert server_post(client, body).status_code == 201
    assert server_post(client, body).json()["counted"] is False
    assert Conversion.objects.get().source == "server"


def test_a_late_report_keeps_its_own_time_and_day(client, share, settings):
    """The website's server reports on Monday a lead that came in on Saturday evening: it is
    stored, attributed and counted on Saturday (the company's day), not on the day it arrived."""
    from advocato.analytics import rollups
    from advocato.analytics.models import ConversionDay

    settings.CONVERSION_SECRET = "s3cret"
    saturday = timezone.now() - timedelta(days=2, hours=3)
    with time_machine.travel(saturday - timedelta(hours=1)):
        clicked = Click.objects.get(
            token=token_of(client.get(f"/l/{share.link.code}", HTTP_USER_AGENT=CHROME))
        )
    body = json.dumps({"token": clicked.token, "type": "lead", "id": "crm-7",
                       "occurred_at": saturday.isoformat()}).encode()  # fmt: skip
    assert server_post(client, body).status_code == 201
    conversion = Conversion.objects.get()
    assert conversion.at == saturday
    rollups.fill()
    day = ConversionDay.objects.get(kind="lead")
    assert day.row.day == saturday.astimezone(timezone.get_current_timezone()).date()


@pytest.mark.parametrize(
    ("occurred_at", "words"),
    [
        ("yesterday", "ISO 8601 with its offset"),
        ("2026-06-16T10:00:00", "ISO 8601 with its offset"),  # no offset
        (1781600000, "ISO 8601 with its offset"),
        ("in the future", "in the future"),
        ("older than the window", "older than the attribution window"),
        ("before the click", "before the click"),
    ],
)
def test_a_bad_occurred_at_is_refused_naming_the_field(client, click, settings, occurred_at,
                                                       words):  # fmt: skip
    settings.CONVERSION_SECRET = "s3cret"
    moments = {
        "in the future": timezone.now() + timedelta(hours=1),
        "older than the window": timezone.now() - timedelta(days=31),
        "before the click": click.at - timedelta(minutes=5),
    }
    if occurred_at in moments:
        occurred_at = moments[occurred_at].isoformat()
    body = json.dumps({"token": click.token, "type": "lead", "occurred_at": occurred_at})
    response = server_post(client, body.encode())
    assert response.status_code == 400
    assert response.json()["field"] == "occurred_at" and words in response.json()["error"]
    assert not Conversion.objects.exists()


@pytest.mark.parametrize(
    ("kwargs", "words"),
    [
        ({"signature": ""}, "signature does not match"),
        ({"signature": "sha256=" + "0" * 64}, "signature does not match"),
        ({"secret": "wrong"}, "signature does not match"),
        ({"timestamp": 1}, "too old"),
        ({"timestamp": "soon"}, "not a number"),
    ],
)
def test_forged_or_unsigned_requests_are_refused(client, click, settings, kwargs, words):
    settings.CONVERSION_SECRET = "s3cret"
    body = json.dumps({"token": click.token, "type": "lead"}).encode()
    if kwargs.get("timestamp") == "soon":
        response = client.post("/api/conversions", body, content_type="application/json",
                               HTTP_X_ADVOCATO_TIMESTAMP="soon", HTTP_X_ADVOCATO_SIGNATURE="x")  # fmt: skip
    else:
        response = server_post(client, body, **kwargs)
    assert response.status_code == 401 and words in response.json()["error"]
    assert Conversion.objects.count() == 0


def test_server_conversions_are_off_without_a_secret(client, click, settings):
    settings.CONVERSION_SECRET = ""
    body = json.dumps({"token": click.token, "type": "lead"}).encode()
    assert server_post(client, body).status_code == 403
