"""Schemathesis over the live document, on a small budget (`make bench-api-fuzz` runs more)."""

from __future__ import annotations

import pytest

from .conftest import token_for


@pytest.mark.real_clock
@pytest.mark.django_db(transaction=True)
def test_every_operation_answers_as_its_document_says(live_server, personas, settings):
    from .fuzz import run

    settings.API_RATE_LIMIT = 100_000
    admin = personas["admin"]
    outcome = run(live_server.url, token_for(admin), examples=2)
    assert outcome.operations >= 25
    assert outcome.cases > 100
    assert outcome.failures == [], "\n\n".join(outcome.failures)
