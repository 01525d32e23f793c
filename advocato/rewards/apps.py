from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from advocato.core import audit
from advocato.lib import hooks, signals


class RewardsConfig(AppConfig):
    name = "advocato.rewards"
    label = "rewards"
    verbose_name = _("Rewards")

    def ready(self) -> None:
        from . import announcements, models, receivers

        signals.training_passed.connect(receivers.pay_training, dispatch_uid="rewards.training")
        hooks.challenges_starting.register(announcements.challenges_starting)
        hooks.weekly_top.register(announcements.weekly_top)

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
