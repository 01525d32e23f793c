"""Helpers for the API tests: a token for a person, and calls that carry it."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.utils import timezone

from advocato.api import tokens


def token_for(employee, scopes=None, *, kind="service", days=90) -> str:
    scopes = scopes if scopes is not None else [c for c, _l in tokens.scopes_for(employee)]
    if employee.role != "admin":
        kind = "personal"
    return tokens.create_token(
        by=employee, name="Tests", scopes=scopes, kind=kind, expires_in_days=days
    ).secret


class Api:
    def __init__(self, client):
        self.client = client

    def __call__(self, method: str, path: str, secret: str | None, body=None, **headers):
        extra = {f"HTTP_{k.upper().replace('-', '_')}": v for k, v in headers.items()}
        if secret:
            extra["HTTP_AUTHORIZATION"] = f"Bearer {secret}"
        call = getattr(self.client, method.lower())
        url = path if path.startswith("/") else f"/api/v1/{path}"
        if body is not None:
            return call(url, data=json.dumps(body), content_type="application/json", **extra)
        return call(url, **extra)


@pytest.fixture
def api(client):
    return Api(client)


@pytest.fixture
def shared_world(personas):
    """An item shared by two advocates, with human clicks, a bot, a preview and a conversion,
    rolled up as the dashboard reads it."""
    from advocato.analytics import rollups
    from advocato.content.models import ContentItem, Status
    from advocato.links.models import Click, Conversion, TrackedLink
    from advocato.sharing.models import Share

    now = timezone.now()
    item = ContentItem.objects.create(
        title="Wind farm opens", url="https://nordlys.example/wind", status=Status.PUBLISHED,
        published_at=now - timedelta(days=6),
    )  # fmt: skip
    shares = []
    people = [personas["advocate"], personas["advocate_engineering"]]
    for n, person in enumerate(people):
        at = now - timedelta(days=4, hours=n)
        share = Share.objects.create(
            employee=person, item=item, network="linkedin", text="Proud of this",
            suggested_text="Proud", edited=True, method=Share.Method.DIALOG,
            status=Share.Status.CONFIRMED, created_at=at, confirmed_at=at,
            confirmed_by="advocate", audience=300 + n * 100,
        )  # fmt: skip
        link = TrackedLink.objects.create(share=share, code=f"apilink{n}")
        for v in range(4 - n):
            Click.objects.create(link=link, at=at + timedelta(hours=1 + v),
                                 kind=Click.Kind.HUMAN, visitor=f"v{n}{v}", token=f"tok{n}{v}xyz")  # fmt: skip
        Click.objects.create(link=link, at=at + timedelta(hours=2), kind=Click.Kind.BOT,
                             visitor="bot", token=f"bot{n}xyzab")  # fmt: skip
        shares.append(share)
    first = Click.objects.filter(link__share=shares[0], kind="human").earliest("pk")
    Conversion.objects.create(click=first, link=first.link, kind="lead", external_id="c1",
                              source="server", at=first.at + timedelta(hours=1))  # fmt: skip
    rollups.fill()
    return {"item": item, "shares": shares}
