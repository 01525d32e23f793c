"""The adoption funnel: invited → registered → activated (shared at least once) → active (shared
in the last 30 days). People are counted by the people app; the sharing steps are measured
here, a layer above both."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from advocato.people import services as people
from advocato.sharing import services as sharing


@dataclass(frozen=True)
class Funnel:
    invited: int
    registered: int
    activated: int
    active_30d: int

    @staticmethod
    def _rate(part: int, whole: int) -> float | None:
        return part / whole if whole else None

    @property
    def adoption_rate(self) -> float | None:
        """Registered ÷ invited."""
        return self._rate(self.registered, self.invited)

    @property
    def activation_rate(self) -> float | None:
        """Employees with ≥ 1 share ÷ registered."""
        return self._rate(self.activated, self.registered)

    @property
    def active_rate(self) -> float | None:
        """Employees with ≥ 1 share in the last 30 days ÷ registered."""
        return self._rate(self.active_30d, self.registered)

    def steps(self) -> list[dict]:
        return [
            {"key": "invited", "label": _("Invited"), "count": self.invited, "rate": None},
            {
                "key": "registered",
                "label": _("Registered"),
                "count": self.registered,
                "rate": self.adoption_rate,
                "rate_label": _("of invited"),
            },
            {
                "key": "activated",
                "label": _("Activated (shared at least once)"),
                "count": self.activated,
                "rate": self.activation_rate,
                "rate_label": _("of registered"),
            },
            {
                "key": "active",
                "label": _("Active in the last 30 days"),
                "count": self.active_30d,
                "rate": self.active_rate,
                "rate_label": _("of registered"),
            },
        ]


def adoption_funnel(employees=None) -> Funnel:
    employees = employees if employees is not None else people.in_programme()
    counts = employees.aggregate(
        invited=Count("pk"), registered=Count("pk", filter=Q(user__isnull=False))
    )
    registered = employees.filter(user__isnull=False)
    activated = registered.filter(pk__in=sharing.sharers_since(None)).count()
    active = registered.filter(
        pk__in=sharing.sharers_since(timezone.now() - timedelta(days=30))
    ).count()
    return Funnel(counts["invited"], counts["registered"], activated, active)
