from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from advocato.content.signals import content_published
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
        from . import models, nudges, questions, services, signals
        from .chat import events
        from .chat import tasks as chat_tasks

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
        # Chat channels and re-activation (the tasks modules register the worker's tasks).
        audit.register(models.ChatChannel, exclude={"webhook_url_enc"})
        audit.register(models.NudgeSettings)
        content_published.connect(events.on_content_published, dispatch_uid="chat_featured")
        signals.story_published.connect(events.on_story_published, dispatch_uid="chat_story")
        del chat_tasks, nudges
