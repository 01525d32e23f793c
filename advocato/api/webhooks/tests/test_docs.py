"""The receiver shown in docs/webhooks.md, run against a real delivery."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from advocato.api.webhooks import services

DOC = Path(__file__).resolve().parents[4] / "docs" / "webhooks.md"


def documented_verifier() -> dict:
    text = DOC.read_text()
    block = re.search(
        r"<!-- verifier:start -->\s*```python\n(.*?)```\s*<!-- verifier:end -->", text, re.S
    )
    assert block, "docs/webhooks.md lost its verifier"
    namespace: dict = {}
    exec(compile(block.group(1), str(DOC), "exec"), namespace)  # noqa: S102 - our own docs
    return namespace


@pytest.mark.django_db
def test_the_documented_receiver_verifies_a_real_delivery(endpoint, receiver):
    docs = documented_verifier()
    services.rotate_secret(endpoint)  # two signatures: the old secret still verifies
    services.deliver(services.send_test(endpoint).pk)
    headers, body = receiver.requests[0]
    event = docs["verify"](endpoint.plain_secret, headers, body)
    assert event["type"] == "webhook.test"
    with pytest.raises(docs["InvalidWebhook"]):
        docs["verify"](endpoint.plain_secret, headers, body + b" ")
    with pytest.raises(docs["InvalidWebhook"]):
        stale = {**headers, "webhook-timestamp": str(int(headers["webhook-timestamp"]) - 301)}
        docs["verify"](endpoint.plain_secret, stale, body)


def test_the_documented_retry_schedule_is_the_one_used():
    text = DOC.read_text()
    assert "5 s, 5 min, 30 min, 2 h, 5 h, 10 h,\n10 h, 14 h, 14 h and 16 h" in text
    hours = [d.total_seconds() / 3600 for d in services.RETRY_DELAYS[3:]]
    assert hours == [2, 5, 10, 10, 14, 14, 16]
