from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from advocato.core import audit
from advocato.lib import hooks


class SharingConfig(AppConfig):
    name = "advocato.sharing"
    label = "sharing"
    verbose_name = _("Sharing")

    def ready(self) -> None:
        from . import checks, models, receivers, services  # noqa: F401 - checks registers itself

        hooks.shared_item_ids.register(services.shared_item_ids)
        receivers.connect()

        audit.register(models.Guidelines)
        audit.register(models.SharingLimits)
        # The secret never goes into the log; that it changed shows as its row's update.
        audit.register(models.NetworkApp, exclude={"client_secret_enc"})
