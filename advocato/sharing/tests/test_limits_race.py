"""Two shares at the same moment (real threads, each its own connection and transaction)
cannot pass the daily limit together — on SQLite and on PostgreSQL."""

import threading

import pytest
from django.db import connections

from advocato.sharing import limits, services
from advocato.sharing.models import Share, SharingLimits

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
def test_two_shares_at_once_cannot_both_take_the_last_one_of_the_day(advocate, item, attempt):
    rules = SharingLimits.get()
    rules.per_day = 1
    rules.save()
    results = race([lambda: services.start_share(advocate, item, "linkedin", "Hi", "")] * 3)
    made = [r for r in results if isinstance(r, Share)]
    refused = [r for r in results if isinstance(r, limits.LimitReached)]
    assert len(made) == 1 and len(refused) == 2, results
    assert Share.objects.filter(employee=advocate, network="linkedin").count() == 1
