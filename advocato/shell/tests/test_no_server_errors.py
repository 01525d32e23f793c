"""No 500 from input: every public or form endpoint that takes JSON, a date or a month gets
generated input — deeply nested and broken JSON, dates from year 1 to 9999, months as long
numbers — and answers with a 2xx, a 3xx or a 4xx (a JSON error body where it speaks JSON),
never a server error. Kept small (a few seconds each)."""

from __future__ import annotations

import json
import time
from datetime import date

import pytest
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from advocato.lib.jsonbody import JSONBodyError, nesting_depth, parse_json

FUZZ = settings(
    max_examples=20,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=20,
)
nested = st.one_of(st.integers(1, 50), st.integers(900, 60_000)).flatmap(
    lambda n: st.sampled_from(["[" * n + "]" * n, '{"a":' * n + "1" + "}" * n, "[" * n])
)
bodies = st.one_of(
    json_values.map(lambda v: json.dumps(v).encode()),
    nested.map(str.encode),
    st.binary(max_size=200),
    st.text(max_size=200).map(str.encode),
)


def test_the_helper_refuses_depth_and_size_before_parsing():
    with pytest.raises(JSONBodyError) as deep:
        parse_json("[" * 10_000 + "]" * 10_000)
    assert deep.value.status == 400
    with pytest.raises(JSONBodyError) as large:
        parse_json(b"1" * 20, max_bytes=10)
    assert large.value.status == 413
    with pytest.raises(JSONBodyError):
        parse_json(b"\xff\xfe")
    assert parse_json(b"", empty={}) == {}
    assert parse_json('{"a": ["[", "{"]}') == {"a": ["[", "{"]}
    assert nesting_depth('["[[[[", {"b": "}}}"}]') == 2


def _no_error(response):
    assert response.status_code < 500, response.content[:300]
    if response.status_code >= 400 and response.get("Content-Type", "").startswith(
        "application/json"
    ):
        assert "error" in response.json()


@FUZZ
@given(body=bodies)
def test_the_conversion_snippet_endpoint(client, settings, db, body):
    settings.CONVERSION_ORIGINS = ["https://www.example.com"]
    response = client.post(
        reverse("links:convert"),
        body,
        content_type="application/json",
        HTTP_ORIGIN="https://www.example.com",
    )
    _no_error(response)


@FUZZ
@given(body=bodies)
def test_the_signed_conversion_endpoint(client, settings, db, body):
    from advocato.links.conversions import sign

    settings.CONVERSION_SECRET = "s3cret"
    stamp = int(time.time())
    response = client.post(
        reverse("links:convert_server"),
        body,
        content_type="application/json",
        HTTP_X_ADVOCATO_TIMESTAMP=str(stamp),
        HTTP_X_ADVOCATO_SIGNATURE=sign(body, stamp, "s3cret"),
    )
    _no_error(response)


@pytest.fixture
def published(db):
    from advocato.content.models import ContentItem, Status

    return ContentItem.objects.create(
        title="Wind", url="https://nordlys.example/wind", status=Status.PUBLISHED,
        published_at=timezone.now(),
    )  # fmt: skip


@FUZZ
@given(body=bodies)
def test_the_composers_check(client, advocate, published, body):
    client.force_login(advocate.user)
    response = client.post(
        reverse("sharing:check", args=[published.pk]), body, content_type="application/json"
    )
    _no_error(response)


def _clamped(ordinal: int) -> date:
    return date.fromordinal(min(max(ordinal, 1), date.max.toordinal()))


odd_days = st.sampled_from(["2026-02-30", "", "x", "99999-01-01", "2026-1-1", "٢٠٢٦-٠١-٠١"])
# Short periods anywhere in year 1 … 9999, the edges most often (where neighbours overflow).
periods = st.one_of(
    st.tuples(
        st.one_of(
            st.sampled_from([date.min, date.max, date(2000, 1, 1), date(2100, 12, 31)]),
            st.dates(),
        ),
        st.integers(-40, 40),
    ).map(lambda t: tuple(sorted(str(_clamped(t[0].toordinal() + d)) for d in (0, t[1])))),
    st.tuples(odd_days | st.text(max_size=12), odd_days | st.dates().map(str)),
)


@FUZZ
@given(period=periods, page=st.sampled_from(["dashboard", "scorecard", "export"]))
def test_custom_periods_on_the_dashboard_exports_and_scorecard(client, admin, period, page):
    client.force_login(admin.user)
    start, end = period
    query = {"period": "custom", "start": start, "end": end}
    if page == "export":
        url = reverse("analytics:export", args=["contributors", "csv"])
    else:
        url = reverse(f"analytics:{page}")
    response = client.get(url, query)
    assert response.status_code in {200, 400}, (start, end, response.status_code)


months = st.one_of(
    st.integers(-(10**30), 10**30).map(str),
    st.tuples(st.integers(-(10**20), 10**20), st.integers(-99, 99)).map(lambda t: f"{t[0]}-{t[1]}"),
    st.text(max_size=30),
    st.sampled_from(["0001-01", "9999-12", "2026-13", "99999999999999999999-01", "2026-6"]),
)


@FUZZ
@given(month=months, page=st.sampled_from(["payroll", "employee_of_month"]))
def test_months_on_the_payroll_and_the_employee_of_the_month(client, admin, month, page):
    client.force_login(admin.user)
    response = client.get(reverse(f"rewards:{page}"), {"month": month})
    assert response.status_code in {200, 400}, (month, response.status_code)


@pytest.mark.parametrize("page", ["payroll", "employee_of_month"])
def test_a_month_that_is_not_one_is_a_bad_request_not_another_month(client, admin, page):
    client.force_login(admin.user)
    for month in ["2026-13", "0001-01", "9999-12", "99999999999999999999-01", "x"]:
        assert client.get(reverse(f"rewards:{page}"), {"month": month}).status_code == 400
    assert client.get(reverse(f"rewards:{page}"), {"month": "2026-05"}).status_code == 200
    assert client.get(reverse(f"rewards:{page}")).status_code == 200


def test_dates_outside_2000_to_2100_are_a_form_error(client, admin):
    client.force_login(admin.user)
    html = client.get(
        reverse("analytics:dashboard"),
        {"period": "custom", "start": "0001-01-01", "end": "0001-01-31"},
    ).content.decode()
    assert "between 2000 and 2100" in html
