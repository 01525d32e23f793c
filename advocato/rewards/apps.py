from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from advocato.core import audit


class RewardsConfig(AppConfig):
    name = "advocato.rewards"
    label = "rewards"
    verbose_name = _("Rewards")

    def ready(self) -> None:
        from . import models

        for model in (
            models.RuleVersion,
            models.Reward,
            models.Challenge,
            models.EmployeeOfMonth,
        ):
            audit.register(model)
        for field in ("departments", "teams", "groups"):
            through = getattr(models.Challenge, field).through
            audit.register_m2m(through, models.Challenge, field)
