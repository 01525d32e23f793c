from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SharingConfig(AppConfig):
    name = "advocato.sharing"
    label = "sharing"
    verbose_name = _("Sharing")

    def ready(self) -> None:
        from advocato.core import audit

        from . import models

        audit.register(models.Guidelines)
        # The secret never goes into the log; that it changed shows as its row's update.
        audit.register(models.NetworkApp, exclude={"client_secret_enc"})
