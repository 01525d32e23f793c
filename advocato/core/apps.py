from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "advocato.core"
    label = "core"
    verbose_name = _("Advocato")

    def ready(self) -> None:
        from . import audit, models

        audit.register(models.Organisation)
