from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from advocato.core import audit
from advocato.lib import hooks


class EnablementConfig(AppConfig):
    """Making people confident: the social media policy and its acceptance, the onboarding
    checklist, training with quizzes, the programme plan. Sits beside analytics and rewards,
    above sharing."""

    name = "advocato.enablement"
    label = "enablement"
    verbose_name = _("Enablement")

    def ready(self) -> None:
        from . import models, questions, services

        hooks.may_share.register(services.may_share)
        hooks.share_page_sections.register(questions.share_section)
        for model in (
            models.PolicyVersion,
            models.EnablementSettings,
            models.Question,
            models.TrainingModule,
            models.QuizQuestion,
            models.Option,
            models.ProgrammePlan,
            models.PlanObjective,
            models.SuccessStory,
        ):
            audit.register(model)
        for field in ("ambassadors", "departments"):
            through = getattr(models.ProgrammePlan, field).through
            audit.register_m2m(through, models.ProgrammePlan, field)
