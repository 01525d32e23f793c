"""The demo's recognition works end to end and agrees with the ledger."""

import pytest
from django.urls import reverse

from advocato.people.models import Employee
from advocato.rewards import services
from advocato.rewards.models import (
    BadgeAward,
    Challenge,
    Kudos,
    PointEntry,
    Redemption,
    RuleVersion,
)
from advocato.shell.demo import build_demo

pytestmark = pytest.mark.django_db


def test_demo_rewards_agree_with_the_ledger(client):
    summary = build_demo(quiet=True)
    assert summary["ledger_entries"] > 1000
    assert services.verify() == []
    assert RuleVersion.objects.count() == 2
    assert PointEntry.objects.filter(kind="reversal").count() == 1
    assert (
        PointEntry.objects.filter(reason="cap").exists()
        or PointEntry.objects.filter(reason="self").exists()
    )
    assert BadgeAward.objects.filter(badge="first_share").count() > 50
    assert BadgeAward.objects.filter(badge="streak_4").exists()
    running = Challenge.objects.get(status="open")
    assert services.challenge_standings(running)
    assert Challenge.objects.filter(status="settled", results__isnull=False).exists()
    assert Redemption.objects.filter(status="pending").count() >= 3
    assert Kudos.objects.count() >= 20

    anna = Employee.objects.get(email="anna.holm@nordlys.example")
    client.force_login(anna.user)
    for name in ["rewards:points", "rewards:leaderboard", "rewards:catalogue", "rewards:kudos",
                 "rewards:challenges", "content:feed", "shell:profile"]:  # fmt: skip
        assert client.get(reverse(name)).status_code == 200, name
    assert client.get(reverse("rewards:challenge", args=[running.pk])).status_code == 200
    page = client.get(reverse("rewards:points")).content.decode()
    assert f"data-balance>{services.wallet_balance(anna)}<" in page
    admin = Employee.objects.get(email="admin@nordlys.example")
    client.force_login(admin.user)
    for name in ["rewards:redemptions", "rewards:rules", "rewards:employee_of_month",
                 "rewards:manage"]:  # fmt: skip
        assert client.get(reverse(name)).status_code == 200, name
    assert "Anna Holm" in client.get(reverse("rewards:redemptions")).content.decode()
