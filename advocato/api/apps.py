from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from advocato.core import audit


class ApiConfig(AppConfig):
    """The public REST API, outgoing webhooks and provisioning: the top domain layer, on top of
    every app's services, below only the shell."""

    name = "advocato.api"
    label = "api"
    verbose_name = _("API and integrations")

    def ready(self) -> None:
        from .webhooks import models as webhook_models
        from .webhooks import receivers, tasks  # noqa: F401 - tasks registers with the worker

        receivers.connect()
        # Secrets never go into the log (that one changed shows as the row's update), nor do
        # the worker's delivery counters.
        audit.register(
            webhook_models.WebhookEndpoint,
            exclude={"secret_enc", "previous_secret_enc", "failing_since", "failed_messages"},
        )
        audit.register(webhook_models.WebhookMessage, exclude={"body", "lease_until"})
