"""The demo company's measurement: earned-media prices, its own domain, this quarter's and last
quarter's targets, last quarter's written evaluation, the weekly and monthly summary e-mails
— and the rollups filled from the 90 days of sharing, so every dashboard has figures at once.

The targets are set near what the demo programme does (a little above for some, below for
others), so the dashboard shows both targets met and targets missed."""

from __future__ import annotations

import random
from decimal import Decimal

from advocato.core.audit import acting_as
from advocato.core.models import Organisation
from advocato.people.models import Employee

from . import rollups
from .kpis import quarter_of
from .models import Evaluation, Settings, Subscription, Target

STEPS = 2

# (KPI, conversion type, target): rates in percent, counts for the whole quarter.
TARGETS = [
    ("adoption", "", "85"),
    ("activation", "", "60"),
    ("participation", "", "35"),
    ("shares", "", "650"),
    ("reach", "", "250000"),
    ("engagement_rate", "", "3"),
    ("clicks", "", "4500"),
    ("unique_clicks", "", "4000"),
    ("conversions", "", "150"),
    ("conversions", "application", "40"),
    ("conversions", "lead", "45"),
    ("emv", "", "55000"),
]

CONCLUSIONS = {
    "en": (
        "Sharing is steadier than at launch: the ambassadors share every week and the "
        "Tuesday–Thursday mornings carry the programme. Posts in people's own words earn "
        "clearly more clicks than the suggested texts, so we keep suggested texts short and "
        "invite people to add a sentence of their own. Recruitment posts convert best; "
        "Customer Service and Finance are still hardly active."
    ),
    "plan": (
        "1. A monthly 20-minute writing session per department (own voice, one example each).\n"
        "2. Two recruitment campaigns with the Engineering and Operations managers.\n"
        "3. Fewer, better items: at most three new items a week, each with a clear goal.\n"
        "4. Evaluate again in the first week of the next quarter."
    ),
}


def build(rng: random.Random, progress) -> dict:
    with acting_as(None):
        settings = Settings.get()
        settings.cpc, settings.cpm, settings.currency = Decimal("8.00"), Decimal("60.00"), "DKK"
        settings.own_domains = "nordlys.example"
        settings.save()
        analyst = Employee.objects.filter(role="analyst").order_by("pk").first()
        admin = Employee.objects.filter(role="admin").order_by("pk").first()
        year, quarter = quarter_of(Organisation.get().today())
        last = (year, quarter - 1) if quarter > 1 else (year - 1, 4)
        for y, q in ((year, quarter), last):
            for kpi, kind, value in TARGETS:
                Target.objects.update_or_create(
                    year=y, quarter=q, kpi=kpi, conversion_kind=kind,
                    defaults={"value": Decimal(value), "set_by": analyst},
                )  # fmt: skip
        Evaluation.objects.update_or_create(
            year=last[0], quarter=last[1],
            defaults={"conclusions": CONCLUSIONS["en"], "next_plan": CONCLUSIONS["plan"],
                      "updated_by": analyst},
        )  # fmt: skip
        for person, frequency in ((analyst, "weekly"), (admin, "monthly")):
            if person is not None:
                Subscription.objects.get_or_create(employee=person, frequency=frequency)
    progress.update(1)
    result = rollups.rebuild()
    progress.update(1)
    return {"rollup_rows": result.rows}
