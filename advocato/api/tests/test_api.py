"""The REST API as its users meet it: tokens and scopes, the figures the dashboard shows,
content made by API, errors as problem+json, rate limits and ETags."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from advocato.api import tokens
from advocato.api.models import ApiToken
from advocato.content.models import ContentItem, Status
from advocato.core.models import AuditEntry

from .conftest import token_for

pytestmark = pytest.mark.django_db

PROBLEM = "application/problem+json"


def test_an_admin_makes_a_scoped_token_on_the_page_and_sees_the_secret_once(client, admin):
    client.force_login(admin.user)
    page = client.post(
        reverse("api:service_tokens"),
        {"name": "Power BI", "scopes": ["read:analytics", "write:content"],
         "expires_in_days": "90"},
    )  # fmt: skip
    assert page.status_code == 200
    token = ApiToken.objects.get(name="Power BI")
    secret = page.context["secret"]
    assert secret.startswith("adv_") and secret.encode() in page.content
    assert token.secret_hash == tokens.hash_secret(secret) and secret not in str(token.__dict__)
    assert token.scopes == ["read:analytics", "write:content"]
    assert token.expires_at == token.created_at + timedelta(days=90)
    assert page["Cache-Control"] == "no-store"
    # Listed later without the secret; the making is in the audit log.
    again = client.get(reverse("api:service_tokens"))
    assert b"Power BI" in again.content and secret.encode() not in again.content
    assert AuditEntry.objects.filter(object_type="api.ApiToken", action="create").exists()


def test_scopes_beyond_a_role_are_refused(advocate):
    with pytest.raises(tokens.TokenError) as refused:
        tokens.create_token(by=advocate, name="x", scopes=["read:audit"], kind="personal",
                            expires_in_days=30)  # fmt: skip
    assert refused.value.field == "scopes"
    with pytest.raises(tokens.TokenError):
        tokens.create_token(by=advocate, name="x", scopes=["read:points"], kind="service",
                            expires_in_days=30)  # fmt: skip


def test_programme_kpis_by_api_equal_the_dashboard(client, api, admin, analyst, shared_world):
    secret = token_for(admin, ["read:analytics"])
    query = "?period=custom&start=2026-06-01&end=2026-06-17"
    answer = api("GET", "kpis/programme" + query, secret)
    assert answer.status_code == 200, answer.content
    client.force_login(analyst.user)
    page = client.get(reverse("analytics:dashboard") + query)
    on_page = {f.key: f.value for f in page.context["figures"]}
    by_api = {f["key"]: f["value"] for f in answer.json()["figures"]}
    assert on_page.keys() == by_api.keys()
    for key, value in on_page.items():
        assert by_api[key] == (float(value) if value is not None else None), key
    assert by_api["clicks"] == 7 and by_api["conversions"] == 1 and by_api["shares"] == 2
    assert answer.json()["people"] == page.context["data"]["people"]


def test_item_and_person_kpis_follow_the_pages(api, analyst, shared_world, personas):
    from advocato.analytics import kpis
    from advocato.analytics.forms import FilterForm

    secret = token_for(analyst, ["read:analytics"])
    item = shared_world["item"]
    answer = api("GET", f"kpis/items/{item.pk}", secret).json()
    row = next(r for r in kpis.content(FilterForm(None).filters()) if r["item_id"] == item.pk)
    assert {k: answer[k] for k in ("shares", "clicks", "reach", "conversions")} == {
        k: row[k] for k in ("shares", "clicks", "reach", "conversions")
    }
    person = api("GET", f"kpis/people/{personas['advocate'].pk}", secret)
    assert person.status_code == 200 and person.json()["totals"]["clicks"] == 4


def test_an_admin_creates_content_by_api(api, admin):
    secret = token_for(admin, ["write:content", "read:content"])
    answer = api("POST", "content", secret, {
        "title": "New turbines", "url": "https://nordlys.example/turbines",
        "commentary": "Twice the output.", "topics": ["Wind"],
        "texts": [{"network": "linkedin", "language": "en", "text": "Proud of our team"}],
        "variants": [{"language": "da", "title": "Nye møller"}],
    })  # fmt: skip
    assert answer.status_code == 201, answer.content
    made = ContentItem.objects.get(pk=answer.json()["id"])
    assert made.status == Status.DRAFT and made.created_by == admin
    assert made.texts.get().text == "Proud of our team"
    assert answer.json()["variants"] == [{"language": "da", "title": "Nye møller",
                                          "commentary": ""}]  # fmt: skip
    assert AuditEntry.objects.filter(object_type="content.ContentItem", action="create",
                                     actor=admin.user).exists()  # fmt: skip
    changed = api("PATCH", f"content/{made.pk}", secret, {"title": "Newer turbines"})
    assert changed.status_code == 200 and changed.json()["title"] == "Newer turbines"
    assert changed.json()["texts"][0]["text"] == "Proud of our team"  # untouched
    archived = api("POST", f"content/{made.pk}/archive", secret)
    assert archived.json()["status"] == "archived"
    listed = api("GET", "content?status=archived", secret).json()
    assert [i["id"] for i in listed["items"]] == [made.pk]


def test_a_missing_scope_is_refused_with_403_problem(api, admin):
    secret = token_for(admin, ["read:analytics"])
    answer = api("POST", "content", secret, {"title": "x", "url": "https://a.example/"})
    assert answer.status_code == 403 and answer["Content-Type"] == PROBLEM
    assert "write:content" in answer.json()["detail"]
    assert not ContentItem.objects.exists()


def test_a_role_is_refused_what_its_pages_refuse(api, advocate):
    secret = token_for(advocate)
    answer = api("GET", "kpis/programme", secret)
    assert answer.status_code == 403 and answer["Content-Type"] == PROBLEM


def test_expired_and_revoked_tokens_get_401(api, admin, fixed_clock):
    secret = token_for(admin, ["read:analytics"], days=30)
    assert api("GET", "shares", secret).status_code == 200
    fixed_clock.shift(timedelta(days=31))
    expired = api("GET", "shares", secret)
    assert expired.status_code == 401 and expired["Content-Type"] == PROBLEM
    assert expired["WWW-Authenticate"].startswith("Bearer")
    other = token_for(admin, ["read:analytics"])
    tokens.revoke_token(ApiToken.objects.get(secret_hash=tokens.hash_secret(other)), by=admin)
    assert api("GET", "shares", other).status_code == 401
    assert api("GET", "shares", None).status_code == 401
    assert api("GET", "shares", "adv_not-a-token").status_code == 401


def test_a_deactivated_admins_service_token_stops(api, admin, personas):
    secret = token_for(admin, ["read:analytics"])
    admin.role = "curator"
    admin.save()
    assert api("GET", "shares", secret).status_code == 401


def test_bad_input_is_422_naming_the_field_and_changes_nothing(api, admin):
    secret = token_for(admin, ["write:content"])
    answer = api("POST", "content", secret, {"title": "Nothing to share", "url": "not a link"})
    assert answer.status_code == 422 and answer["Content-Type"] == PROBLEM
    assert "url" in [e["field"] for e in answer.json()["errors"]]
    too_long = api("POST", "content", secret, {"title": "x" * 301, "url": "https://a.example/"})
    assert too_long.status_code == 422
    assert [e["field"] for e in too_long.json()["errors"]] == ["title"]
    bad_text = api("POST", "content", secret, {
        "title": "Fine", "url": "https://a.example/",
        "texts": [{"network": "x", "language": "en", "text": "y" * 300}],
    })  # fmt: skip
    assert bad_text.status_code == 422
    assert not ContentItem.objects.exists()
    filters = api("GET", "kpis/programme?period=custom&start=2026-06-10", token_for(admin))
    assert filters.status_code == 422


@override_settings(API_RATE_LIMIT=3, API_RATE_WINDOW=60)
def test_too_many_calls_get_429_with_retry_after(api, admin):
    secret = token_for(admin, ["read:analytics"])
    for _n in range(3):
        assert api("GET", "shares", secret).status_code == 200
    answer = api("GET", "shares", secret)
    assert answer.status_code == 429 and answer["Content-Type"] == PROBLEM
    assert 1 <= int(answer["Retry-After"]) <= 60
    # Another token has its own allowance.
    assert api("GET", "shares", token_for(admin, ["read:analytics"])).status_code == 200


def test_reads_carry_an_etag_and_answer_304(api, admin, shared_world):
    secret = token_for(admin, ["read:analytics"])
    first = api("GET", "shares", secret)
    tag = first["ETag"]
    assert tag.startswith('W/"')
    again = api("GET", "shares", secret, if_none_match=tag)
    assert again.status_code == 304 and again["ETag"] == tag and again.content == b""
    shared_world["shares"][0].delete()
    assert api("GET", "shares", secret, if_none_match=tag).status_code == 200


def test_lists_page_with_a_cursor(api, admin):
    from advocato.people.models import Group

    for n in range(5):
        Group.objects.create(name=f"G{n}")
    secret = token_for(admin, ["read:people"])
    seen, cursor = [], None
    for _n in range(4):
        query = "people?limit=2&ordering=name" + (f"&cursor={cursor}" if cursor else "")
        body = api("GET", query, secret).json()
        seen += [p["name"] for p in body["items"]]
        cursor = body["next_cursor"]
        if not cursor:
            break
    from advocato.people.models import Employee

    assert seen == list(Employee.objects.order_by("name", "pk").values_list("name", flat=True))
    wrong = api("GET", "people?cursor=bm9wZQ", secret)
    assert wrong.status_code == 400 and wrong["Content-Type"] == PROBLEM


def test_conversions_by_api_go_through_the_conversion_service(api, admin, shared_world):
    from advocato.links.models import Click, Conversion

    secret = token_for(admin, ["write:conversions"])
    click = Click.objects.filter(kind="human").latest("pk")
    occurred = (click.at + timedelta(hours=3)).isoformat()
    body = {"token": click.token, "type": "signup", "id": "crm-77", "occurred_at": occurred}
    made = api("POST", "conversions", secret, body)
    assert made.status_code == 201 and made.json()["counted"] is True
    conversion = Conversion.objects.get(pk=made.json()["id"])
    assert conversion.source == "server" and conversion.at == click.at + timedelta(hours=3)
    assert api("POST", "conversions", secret, body).status_code == 200  # counted once
    bad = api("POST", "conversions", secret, {**body, "type": "hug", "id": "crm-78"})
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "type"


def test_people_and_groups_by_api_keep_the_pages_rules(api, admin):
    secret = token_for(admin, ["write:people", "read:people"])
    made = api("POST", "people", secret, {"email": "new@example.com", "name": "Nina New",
                                          "department": "Sales"})  # fmt: skip
    assert made.status_code == 201, made.content
    assert made.json()["department"]["name"] == "Sales"
    again = api("POST", "people", secret, {"email": "new@example.com", "name": "Nina"})
    assert again.status_code == 409
    last_admin = api("PATCH", f"people/{admin.pk}", secret, {"role": "advocate"})
    assert last_admin.status_code == 422 and last_admin.json()["errors"][0]["field"] == "role"
    group = api("POST", "groups", secret, {"name": "Ambassadors",
                                           "members": [made.json()["id"]]})  # fmt: skip
    assert group.status_code == 201 and group.json()["members"] == [made.json()["id"]]
    assert api("POST", "groups", secret, {"name": "ambassadors"}).status_code == 409


def test_the_redirect_does_not_run_the_api_auth(client, shared_world, monkeypatch):
    calls = []
    monkeypatch.setattr(tokens, "authenticate", lambda *a, **k: calls.append(a))
    answer = client.get("/l/apilink0", HTTP_AUTHORIZATION="Bearer adv_whatever")
    assert answer.status_code == 302
    assert calls == []
    assert "ETag" not in answer and answer["Cache-Control"] == "private, no-store"
    # Production's lean redirect handler (advocato.wsgi) carries no middleware of the API's,
    # and the API adds none to the full stack either: its checks live in its own operations.
    from django.conf import settings

    from advocato.wsgi import REDIRECT_MIDDLEWARE

    assert not [m for m in [*REDIRECT_MIDDLEWARE, *settings.MIDDLEWARE] if ".api" in m]


def test_the_docs_and_document_are_served_from_the_product(client):
    document = client.get("/api/v1/openapi.json")
    assert document.status_code == 200 and document.json()["openapi"].startswith("3.1")
    docs = client.get("/api/v1/docs")
    assert docs.status_code == 200
    assert b"/static/ninja/swagger-ui-bundle.js" in docs.content
    assert b"cdn" not in docs.content.lower()


def test_personal_tokens_on_ones_profile(client, advocate):
    client.force_login(advocate.user)
    assert client.get(reverse("api:service_tokens")).status_code == 403
    page = client.post(reverse("api:personal_tokens"),
                       {"name": "My script", "scopes": ["read:points"], "expires_in_days": "30"})  # fmt: skip
    token = ApiToken.objects.get(name="My script")
    assert token.kind == "personal" and token.owner == advocate
    assert page.context["secret"]
    never = client.post(reverse("api:personal_tokens"),
                        {"name": "Forever", "scopes": ["read:points"], "expires_in_days": "never"})  # fmt: skip
    assert never.status_code == 200 and not ApiToken.objects.filter(name="Forever").exists()
    client.post(reverse("api:revoke", args=[token.pk]))
    token.refresh_from_db()
    assert token.revoked_at is not None


def test_nobody_revokes_anothers_personal_token(client, advocate, admin):
    secret = token_for(advocate, ["read:points"])
    token = ApiToken.objects.get(secret_hash=tokens.hash_secret(secret))
    client.force_login(admin.user)
    client.post(reverse("api:revoke", args=[token.pk]))
    token.refresh_from_db()
    assert token.revoked_at is None


def test_last_used_is_kept_without_a_write_per_call(api, admin, fixed_clock):
    secret = token_for(admin, ["read:points"])
    token = ApiToken.objects.get(secret_hash=tokens.hash_secret(secret))
    assert token.last_used_at is None
    api("GET", "points", secret)
    token.refresh_from_db()
    first = token.last_used_at
    assert first is not None and abs((first - timezone.now()).total_seconds()) < 1
    fixed_clock.shift(timedelta(seconds=20))
    api("GET", "points", secret)
    token.refresh_from_db()
    assert token.last_used_at == first  # not written again within the minute
    fixed_clock.shift(timedelta(seconds=60))
    api("GET", "points", secret)
    token.refresh_from_db()
    assert token.last_used_at > first
