from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from advocato.core import audit


class ContentConfig(AppConfig):
    name = "advocato.content"
    label = "content"
    verbose_name = _("Content")

    def ready(self) -> None:
        from . import models

        for model in (
            models.Topic,
            models.ContentItem,
            models.ContentVariant,
            models.SuggestedText,
        ):
            audit.register(model)
        audit.register(
            models.FeedSource,
            exclude={"etag", "last_modified", "last_polled_at", "last_success_at"},
        )
        for owner in (models.ContentItem, models.FeedSource):
            for field in ("departments", "teams", "groups", "locations", "topics"):
                audit.register_m2m(getattr(owner, field).through, owner, field)
