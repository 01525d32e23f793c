from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from advocato.core import audit
from advocato.lib import hooks


class AnalyticsConfig(AppConfig):
    name = "advocato.analytics"
    label = "analytics"
    verbose_name = _("Analytics")

    def ready(self) -> None:
        from . import evaluation, evidence, models, services

        hooks.best_slot_from_data.register(services.best_slot)
        hooks.quarter_figures.register(evaluation.quarter_figures)
        hooks.person_results.register(evidence.person_results)
        hooks.evidence_figures.register(evidence.evidence_figures)

        for model in (models.Settings, models.Target, models.Evaluation, models.Subscription):
            audit.register(model)
