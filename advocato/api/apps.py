from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApiConfig(AppConfig):
    """The public REST API, outgoing webhooks and provisioning: the top domain layer, on top of
    every app's services, below only the shell."""

    name = "advocato.api"
    label = "api"
    verbose_name = _("API and integrations")
