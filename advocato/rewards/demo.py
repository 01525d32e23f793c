"""The demo company's rewards (filled in by the rewards work)."""

from __future__ import annotations

import random

STEPS = 1


def build(rng: random.Random, progress) -> dict:
    progress.update(1)
    return {}
