"""The API app's models. Webhooks keep theirs in `webhooks/models.py`."""

from .webhooks.models import WebhookAttempt, WebhookEndpoint, WebhookMessage  # noqa: F401
