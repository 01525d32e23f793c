"""What rewards does when its neighbours report something (signals declared in `lib.signals`)."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction

from . import ledger
from .models import PointEntry


def training_source(module_id: int, employee_id: int) -> str:
    return f"training:{module_id}:{employee_id}"


def pay_training(
    sender, *, employee_id: int, module_id: int, title: str, points: int, at: datetime, **kwargs
) -> PointEntry | None:
    """Points for passing a training module's quiz: once per person and module, whatever
    happens later (a retry, a second pass, the module edited, the signal sent twice). The
    source key is unique in the ledger; the check runs inside the ledger lock."""
    source = training_source(module_id, employee_id)
    with transaction.atomic():
        ledger.lock_ledger()
        if PointEntry.objects.filter(source=source).exists():
            return None
        entry = PointEntry(
            employee_id=employee_id,
            kind=PointEntry.Kind.TRAINING,
            points=max(0, int(points)),
            at=at,
            source=source,
            note=title[:300],
        )
        ledger.post([entry])
    return entry
