"""A hook: a question a lower layer asks and a higher layer answers.

Imports point down the layers only. When a lower app needs something only a higher one knows
(the feed in `content` marks what a person has shared; posting in `sharing` asks `analytics`
for the best time), the lower app declares a `Hook` with the answer it gives on its own, and
the higher app registers its answer in its `AppConfig.ready()`. Every such question is
declared here, so the whole list of them is in one place. Events (something happened) go the
other way through Django signals instead (`links.signals`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Generic, ParamSpec, TypeVar

P = ParamSpec("P")
R = TypeVar("R")


class Hook(Generic[P, R]):
    def __init__(self, name: str, default: Callable[P, R]) -> None:
        self.name = name
        self.default = default
        self._answer: Callable[P, R] | None = None

    def register(self, answer: Callable[P, R]) -> Callable[P, R]:
        """Set the answer (one per hook: a second registration replaces the first)."""
        self._answer = answer
        return answer

    @property
    def registered(self) -> bool:
        return self._answer is not None

    def __call__(self, *args: P.args, **kwargs: P.kwargs) -> R:
        return (self._answer or self.default)(*args, **kwargs)

    def __repr__(self) -> str:
        return f"<Hook {self.name}: {'registered' if self.registered else 'default'}>"


# --- The questions ---------------------------------------------------------------------------

# content asks, sharing answers: ids of the items a person has shared (confirmed). On its own,
# content knows no shares: nobody has shared anything.
shared_item_ids: Hook[[Any], set[int]] = Hook("shared_item_ids", default=lambda employee: set())

# sharing asks, enablement answers: why this person may not share yet (e.g. the social media
# policy must be accepted first), or None. On its own, sharing lets everyone share.
may_share: Hook[[Any], str | None] = Hook("may_share", default=lambda employee: None)


# sharing asks, enablement answers: more to show on a share's page for the person viewing it
# (the questions the advocate asked the comms team about it and their answers), as HTML made
# safe by its renderer. On its own, sharing shows nothing more.
share_page_sections: Hook[[Any, Any], str] = Hook(
    "share_page_sections", default=lambda request, share: ""
)


# sharing asks, analytics answers: (weekday, hour) whose shares on a network earned the best
# click-through, measured from the programme's own clicks, or None while there is too little
# data. On its own, sharing has no measurements (None: it uses the network's usual good slot).
def _no_best_slot(network: Any, now: Any = None) -> tuple[int, int] | None:
    return None


best_slot_from_data: Hook[..., tuple[int, int] | None] = Hook(
    "best_slot_from_data", default=_no_best_slot
)


# enablement asks, analytics answers: the programme's KPIs for a quarter so far, each as a
# dict with `key`, `label`, `value_text`, `target_text`, `of_target_text`, `reached` and
# `target` (None: no target set) — what the programme plan shows beside its objectives. On its
# own, enablement knows no KPIs (an empty list: the plan shows the objectives alone).
quarter_figures: Hook[[int, int], list[dict]] = Hook(
    "quarter_figures", default=lambda year, quarter: []
)


# enablement asks, analytics answers: each person's own results in a period of local days
# (both included) — {employee id: {"shares", "clicks", "unique_clicks", "reach",
# "conversions", …}} for everyone with a row, from the rollups (the scorecard's figures).
# On its own, enablement knows no results: nobody has any.
person_results: Hook[[Any, Any], dict[int, dict]] = Hook(
    "person_results", default=lambda start, end: {}
)


# enablement asks, analytics answers: what some shares and some items earned so far (shares,
# reach, engagement, clicks, unique clicks, conversions), by id — a success story's evidence,
# read live. On its own, enablement has no figures ({}, {}: the evidence shows none).
def _no_figures(share_ids: Any, item_ids: Any) -> tuple[dict[int, dict], dict[int, dict]]:
    return {}, {}


evidence_figures: Hook[[Any, Any], tuple[dict[int, dict], dict[int, dict]]] = Hook(
    "evidence_figures", default=_no_figures
)


# enablement asks, rewards answers (they sit side by side, so neither imports the other): the
# challenges whose first day is between `first` and `last` (dates), each a dict with id, title,
# description, prize, starts_on, ends_on, audience (words: "Everyone", "Sales, Oslo") and path
# (the challenge's page). For the chat channels. On its own, enablement knows no challenges.
challenges_starting: Hook[[Any, Any], list[dict]] = Hook(
    "challenges_starting", default=lambda first, last: []
)

# enablement asks, rewards answers: the week's top by points, [(employee, points)], best first,
# at most `limit`, without people who left rankings (whether a person may be *named* is the
# asker's business: `people.privacy.named_to_everyone`). For the chat channels' weekly top.
weekly_top: Hook[[Any, Any, int], list[tuple[Any, int]]] = Hook(
    "weekly_top", default=lambda first, last, limit: []
)
