from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AnalyticsConfig(AppConfig):
    name = "advocato.analytics"
    label = "analytics"
    verbose_name = _("Analytics")

    def ready(self) -> None:
        from advocato.core import audit

        from . import models

        for model in (models.Settings, models.Target, models.Evaluation, models.Subscription):
            audit.register(model)
