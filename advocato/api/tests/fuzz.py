"""Schemathesis over the live OpenAPI document: every operation, with generated valid and
invalid input, called over HTTP with a token that holds every scope; each response must be no
server error and must match the document (status code, content type, headers, body schema).
Used by the test suite (a small budget) and by `make bench-api-fuzz` (a larger one)."""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import hypothesis
import schemathesis
from hypothesis import HealthCheck, Phase
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]


@dataclass
class Outcome:
    operations: int = 0
    cases: int = 0
    seconds: float = 0.0
    failures: list[str] = field(default_factory=list)


def run(base_url: str, secret: str, *, examples: int, seed: int = 18, app=None) -> Outcome:
    """Fuzz every operation with `examples` valid and `examples` invalid cases each: over
    HTTP at `base_url`, or straight into the WSGI `app` when one is given."""
    if app is not None:
        schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    else:
        schema = schemathesis.openapi.from_url(f"{base_url}/api/v1/openapi.json")
    headers = {"Authorization": f"Bearer {secret}"}
    outcome = Outcome()
    started = time.perf_counter()
    for result in schema.get_all_operations():
        operation = result.ok()  # type: ignore[union-attr]  # an invalid schema raises here
        outcome.operations += 1
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            strategy = operation.as_strategy(generation_mode=mode)

            @hypothesis.seed(seed)
            @hypothesis.settings(
                max_examples=examples, deadline=None, database=None, derandomize=False,
                phases=[Phase.explicit, Phase.generate],
                suppress_health_check=list(HealthCheck),
            )  # fmt: skip
            @hypothesis.given(case=strategy)
            def check(case) -> None:
                outcome.cases += 1
                if app is not None:
                    case.call_and_validate(headers=headers, checks=CHECKS)
                else:
                    case.call_and_validate(base_url=base_url, headers=headers, checks=CHECKS)

            try:
                check()
            except (KeyboardInterrupt, SystemExit):
                raise
            except BaseException as exc:  # failed checks (a group): note them, go on
                outcome.failures.append(f"{operation.label} ({mode.value}): {exc}"[:2000])
    outcome.seconds = time.perf_counter() - started
    return outcome
