"""Builds the demo organisation, one app after another. Each app that has demo data adds its
builder here: a module with `STEPS` and `build(rng, progress)`."""

from __future__ import annotations

import importlib
import random

from django.db import transaction
from tqdm import tqdm

BUILDERS = [
    "advocato.people.demo",
    "advocato.content.demo",
    "advocato.sharing.demo",
    "advocato.analytics.demo",
    "advocato.rewards.demo",
    "advocato.enablement.demo",
    "advocato.api.demo",
    "advocato.api.webhooks.demo",
    "advocato.sharing.demo_limits",
    "advocato.enablement.demo_questions",
    "advocato.enablement.demo_stories",
    "advocato.enablement.demo_chat",
]
SEED = 20261123


def build_demo(*, seed: int = SEED, quiet: bool = False) -> dict:
    modules = [importlib.import_module(name) for name in BUILDERS]
    rng = random.Random(seed)
    summary: dict = {}
    total = sum(m.STEPS for m in modules)
    bar = tqdm(total=total, desc="Building the demo company", unit="step", disable=quiet)
    with bar, transaction.atomic():
        for module in modules:
            summary.update(module.build(rng, bar))
    return summary


def demo_exists() -> bool:
    from advocato.people.models import Employee

    return Employee.objects.exists()


def clear_demo() -> None:
    """Delete what the demo builders made (everything else hangs off these rows)."""
    from advocato.api.webhooks.models import WebhookEndpoint
    from advocato.content.models import ContentItem, FeedSource, Topic
    from advocato.enablement.models import (
        ChatChannel,
        PlanObjective,
        PolicyAcceptance,
        PolicyVersion,
        ProgrammePlan,
        SuccessStory,
        TrainingModule,
    )
    from advocato.people.models import Department, Employee, Group, Location, Team, User
    from advocato.rewards.models import (
        Challenge,
        EmployeeOfMonth,
        FoldState,
        PointEntry,
        Redemption,
        Reward,
        RuleVersion,
    )

    for model in (
        WebhookEndpoint,  # its messages and their attempts go with it
        # The ledger points at shares, rules and rewards (PROTECT): it goes first.
        PointEntry,
        PolicyAcceptance,
        PolicyVersion,
        TrainingModule,
        ProgrammePlan,
        PlanObjective,
        SuccessStory,
        ChatChannel,
        Redemption,
        Reward,
        Challenge,
        EmployeeOfMonth,
        RuleVersion,
        FoldState,
        ContentItem,
        FeedSource,
        Topic,
        Employee,
        User,
        Team,
        Department,
        Location,
        Group,
    ):
        model.objects.all().delete()
