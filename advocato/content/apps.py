from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ContentConfig(AppConfig):
    name = "advocato.content"
    label = "content"
    verbose_name = _("Content")

    def ready(self) -> None:
        from advocato.core import audit

        from . import models

        for model in (
            models.Topic,
            models.ContentItem,
            models.ContentVariant,
            models.SuggestedText,
        ):
            audit.register(model)
        audit.register(models.FeedSource, exclude={"etag", "last_modified"})
