"""Figures other apps show without owning them (asked through `lib.hooks`): a person's own
results in a week, for the personal digest, and what a success story's evidence — a share,
an item — earned so far. Both read the rollups with the scorecard's definitions."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from django.db.models import Count, Q, Sum

from . import kpis
from .models import ShareDay

FIGURES = ("shares", "reach", "engagement", "clicks", "unique_clicks", "conversions")


def person_results(start: date, end: date) -> dict[int, dict]:
    """Each person's figures in the local days `start` … `end` (`kpis.per_employee`)."""
    return kpis.per_employee(kpis.Filters(start=start, end=end))


def _sums(rows, column: str) -> dict[int, dict]:
    found = (
        rows.values_list(column)
        .annotate(
            sharers=Count("employee", distinct=True, filter=Q(shares__gt=0)),
            **{name: Sum(name) for name in FIGURES},
        )
        .order_by()
    )
    return {
        row[0]: dict(zip(("sharers", *FIGURES), (v or 0 for v in row[1:]), strict=True))
        for row in found
    }


def evidence_figures(
    share_ids: Iterable[int], item_ids: Iterable[int]
) -> tuple[dict[int, dict], dict[int, dict]]:
    """Everything these shares and items earned so far, by id (two queries)."""
    share_ids, item_ids = list(share_ids), list(item_ids)
    shares = _sums(ShareDay.objects.filter(share_id__in=share_ids), "share_id") if share_ids else {}
    items = _sums(ShareDay.objects.filter(item_id__in=item_ids), "item_id") if item_ids else {}
    return shares, items
