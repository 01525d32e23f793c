"""Two redemptions at the same moment (real threads, real transactions, each its own database
connection) cannot overspend points or stock — on SQLite and on PostgreSQL."""

import threading

import pytest
from django.db import connections

from advocato.rewards import services
from advocato.rewards.conftest import grant
from advocato.rewards.models import PointEntry, Redemption, Reward

pytestmark = pytest.mark.django_db(transaction=True)


def race(calls) -> list:
    """Run the calls at once (a barrier releases them together); their results or errors."""
    barrier = threading.Barrier(len(calls))
    results: list = [None] * len(calls)

    def run(i, call):
        try:
            barrier.wait()
            results[i] = call()
        except Exception as error:
            results[i] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return results


@pytest.mark.parametrize("attempt", range(3))
def test_two_redemptions_cannot_spend_the_same_points(advocate, attempt):
    grant(advocate, 100)
    reward = Reward.objects.create(name="Gift card", price=60, stock=10)
    results = race([lambda: services.redeem(advocate, reward)] * 2)
    made = [r for r in results if isinstance(r, Redemption)]
    refused = [r for r in results if isinstance(r, services.RewardsError)]
    assert len(made) == 1 and len(refused) == 1, results
    assert services.wallet_balance(advocate) == 40
    assert Redemption.objects.count() == 1
    assert PointEntry.objects.filter(kind="redemption").count() == 1
    reward.refresh_from_db()
    assert reward.stock == 9
    assert services.verify() == []


@pytest.mark.parametrize("attempt", range(3))
def test_two_people_cannot_take_the_last_item(advocate, advocate_engineering, attempt):
    grant(advocate, 100)
    grant(advocate_engineering, 100)
    reward = Reward.objects.create(name="Extra day off", price=50, stock=1)
    results = race(
        [
            lambda: services.redeem(advocate, reward),
            lambda: services.redeem(advocate_engineering, reward),
        ]
    )
    made = [r for r in results if isinstance(r, Redemption)]
    assert len(made) == 1, results
    assert all(isinstance(r, Redemption | services.RewardsError) for r in results), results
    reward.refresh_from_db()
    assert reward.stock == 0
    balances = sorted(services.wallet_balance(p) for p in (advocate, advocate_engineering))
    assert balances == [50, 100]
    assert services.verify() == []


def test_an_approval_and_a_decline_at_once_settle_once(advocate, admin):
    grant(advocate, 100)
    reward = Reward.objects.create(name="Mug", price=30, stock=5)
    redemption = services.redeem(advocate, reward)
    results = race(
        [
            lambda: services.decide(redemption, admin, approve=True),
            lambda: services.decide(redemption, admin, approve=False, comment="no"),
        ]
    )
    assert len([r for r in results if isinstance(r, Redemption)]) == 1, results
    redemption.refresh_from_db()
    expected = 70 if redemption.status == "approved" else 100
    assert services.wallet_balance(advocate) == expected
    assert services.verify() == []


@pytest.mark.parametrize("attempt", range(2))
def test_a_double_click_makes_one_request(advocate, attempt):
    """Issue 16: the same reward could be requested twice by accident (a double click, a
    reload). Enough points for both: still one request, the other told why."""
    grant(advocate, 500)
    reward = Reward.objects.create(name="Cinema tickets", price=60)
    results = race([lambda: services.redeem(advocate, reward)] * 2)
    made = [r for r in results if isinstance(r, Redemption)]
    refused = [r for r in results if isinstance(r, services.RewardsError)]
    assert len(made) == 1 and len(refused) == 1, results
    assert "already requested Cinema tickets" in str(refused[0])
    assert services.wallet_balance(advocate) == 440
    assert Redemption.objects.count() == 1
    assert services.verify() == []
