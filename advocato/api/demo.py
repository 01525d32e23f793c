"""The demo company's API tokens: the data warehouse reading results, the website's server
reporting conversions (both service tokens, used recently), an old one revoked, and Anna's
personal token for her own spreadsheet. Their secrets were shown once and are gone, as in
real life."""

from __future__ import annotations

import random
from datetime import timedelta

from django.utils import timezone

from advocato.core.audit import acting_as
from advocato.people.models import Employee

from . import tokens
from .models import ApiToken

STEPS = 1


def build(rng: random.Random, progress) -> dict:
    now = timezone.now().replace(second=0, microsecond=0)
    admin = Employee.objects.get(email="admin@nordlys.example")
    anna = Employee.objects.get(email="anna.holm@nordlys.example")
    made = []
    with acting_as(None):
        for name, owner, kind, scopes, days, used in [
            ("Power BI (data warehouse)", admin, "service",
             ["read:analytics", "read:content", "read:people"], 365, timedelta(hours=2)),
            ("Website conversions (CRM)", admin, "service", ["write:conversions"], None,
             timedelta(minutes=rng.randint(5, 50))),
            ("Old Zapier test", admin, "service", ["read:content"], 90, timedelta(days=40)),
            ("My spreadsheet", anna, "personal", ["read:analytics", "read:points"], 90,
             timedelta(days=3)),
        ]:  # fmt: skip
            token = tokens.create_token(
                by=owner, name=name, scopes=scopes, kind=kind, expires_in_days=days,
                now=now - timedelta(days=60),
            ).token  # fmt: skip
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=now - used)
            made.append(token)
        ApiToken.objects.filter(pk=made[2].pk).update(revoked_at=now - timedelta(days=30))
    progress.update(1)
    return {"api_tokens": len(made)}
