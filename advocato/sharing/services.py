"""Business rules for sharing: starting a share (which mints its tracked link and notes how
much the advocate made the text their own) and confirming it."""

from __future__ import annotations

import difflib
import re

from django.db import transaction
from django.utils import timezone

from advocato.links import services as links

from .models import Share

WORDS = re.compile(r"\w+", re.UNICODE)
URLS = re.compile(r"https?://\S+")


def _comparable(text: str) -> list[str]:
    """Words, lower-cased, without links: what a reader perceives as the same text."""
    return WORDS.findall(URLS.sub(" ", text).lower())


def edit_distance(suggested: str, text: str) -> float:
    """0.0 = the suggested text unchanged, 1.0 = nothing of it left (by words)."""
    if not suggested.strip():
        return 1.0 if text.strip() else 0.0
    matcher = difflib.SequenceMatcher(
        None, _comparable(suggested), _comparable(text), autojunk=False
    )
    return round(1.0 - matcher.ratio(), 3)


@transaction.atomic
def start_share(employee, item, network: str, text: str, suggested_text: str = "",
                method: str = Share.Method.DIALOG) -> Share:  # fmt: skip
    """Record the share and mint its tracked link. The text is stored as written; the link is
    put into it by the caller (see `text_with_link`)."""
    distance = edit_distance(suggested_text, text)
    share = Share.objects.create(
        employee=employee,
        item=item,
        network=network,
        text=text,
        suggested_text=suggested_text,
        edited=distance > 0,
        edit_distance=distance,
        method=method,
    )
    links.mint_link(share)
    return share


def confirm(share: Share, by: str = "advocate") -> Share:
    Share.objects.filter(pk=share.pk, confirmed_at=None).update(
        confirmed_at=timezone.now(), confirmed_by=by, status=Share.Status.CONFIRMED
    )
    links.forget(share.link.code)
    share.refresh_from_db()
    return share
