"""The demo company's healthy limits: three shares a day per network, Advocato posting for
people on weekdays between 08:00 and 20:00 (their own time), and the guideline that at most
40% of a person's posts are the company's content. Anna has told us of her own posts, so her
balance shows; others see the honest "we know of none"."""

from __future__ import annotations

import random
from datetime import timedelta

from django.utils import timezone

from advocato.core.audit import acting_as
from advocato.people.models import Employee

from .models import OwnPostsStatement, SharingLimits

STEPS = 1


def build(rng: random.Random, progress) -> dict:
    with acting_as(None):
        rules = SharingLimits.get()
        rules.per_day, rules.keep_hours, rules.earliest_hour, rules.latest_hour = 3, True, 8, 20
        rules.weekends, rules.company_share = False, 40
        rules.save()
        anna = Employee.objects.get(email="anna.holm@nordlys.example")
        OwnPostsStatement.objects.create(
            employee=anna, count=4, stated_at=timezone.now() - timedelta(days=3)
        )
    progress.update(1)
    return {"shares_per_day": rules.per_day}
