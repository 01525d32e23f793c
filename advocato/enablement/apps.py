from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from advocato.core import audit
from advocato.lib import hooks


class EnablementConfig(AppConfig):
    """Making people confident: the social media policy and its acceptance, the onboarding
    checklist. Sits beside analytics and rewards, above sharing."""

    name = "advocato.enablement"
    label = "enablement"
    verbose_name = _("Enablement")

    def ready(self) -> None:
        from . import models, services

        hooks.may_share.register(services.may_share)
        for model in (models.PolicyVersion, models.EnablementSettings, models.SuccessStory):
            audit.register(model)
