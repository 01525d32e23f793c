"""Webhook endpoints, the messages queued for them and every delivery attempt."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from advocato.people.models import Employee
from advocato.sharing.crypto import Encrypted


class WebhookEndpoint(models.Model):
    """An address of the company's own systems (CRM, data warehouse) that receives events."""

    url = models.URLField(_("address"), max_length=500)
    description = models.CharField(_("description"), max_length=200, blank=True)
    events = models.JSONField(_("events"), default=list)  # event types, e.g. "share.created"
    # The signing secret ("whsec_…"), encrypted at rest; shown to the admin once.
    secret_enc = models.TextField(default="")
    secret = Encrypted()
    # After a rotation the old secret still signs (a second signature) until this moment, so
    # the receiver can switch over without losing a message.
    previous_secret_enc = models.TextField(default="", blank=True)
    previous_secret = Encrypted()
    previous_secret_until = models.DateTimeField(null=True, blank=True)
    is_active = models.BooleanField(_("enabled"), default=True)
    disabled_reason = models.CharField(_("why it is disabled"), max_length=300, blank=True)
    # The first failed attempt of the current run of failures (None while deliveries succeed).
    failing_since = models.DateTimeField(null=True, blank=True)
    # Messages in a row that used up every retry; a success starts again from 0.
    failed_messages = models.PositiveIntegerField(default=0)
    created_by = models.ForeignKey(
        Employee, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("webhook endpoint")
        verbose_name_plural = _("webhook endpoints")
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.description or self.url


class WebhookMessage(models.Model):
    """One event for one endpoint. The body is fixed when the event happens, so every retry
    and a redelivery send the very same bytes under the same `webhook-id`."""

    class Status(models.TextChoices):
        PENDING = "pending", _("waiting")
        DELIVERED = "delivered", _("delivered")
        FAILED = "failed", _("failed")

    endpoint = models.ForeignKey(WebhookEndpoint, on_delete=models.CASCADE, related_name="messages")
    msg_id = models.CharField(max_length=40)  # "msg_…", the same for every endpoint of an event
    event_type = models.CharField(_("event"), max_length=40)
    body = models.TextField()  # the JSON sent, exactly
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)  # in the current round of retries
    next_attempt_at = models.DateTimeField(null=True, blank=True, db_index=True)
    # Claimed by a worker until then (compare-and-swap), so two workers never send it at once.
    lease_until = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["endpoint", "msg_id"], name="webhook_message_once")
        ]

    def __str__(self) -> str:
        return f"{self.event_type} {self.msg_id}"


class WebhookAttempt(models.Model):
    """One try at delivering a message: what the receiver answered, or why none came."""

    message = models.ForeignKey(WebhookMessage, on_delete=models.CASCADE, related_name="tries")
    endpoint = models.ForeignKey(WebhookEndpoint, on_delete=models.CASCADE, related_name="tries")
    at = models.DateTimeField(default=timezone.now, db_index=True)
    status_code = models.PositiveSmallIntegerField(null=True, blank=True)  # None: no answer
    duration_ms = models.PositiveIntegerField(default=0)
    response = models.CharField(max_length=500, blank=True)  # the start of the answer's body
    error = models.CharField(max_length=300, blank=True)  # why there was no answer
    manual = models.BooleanField(default=False)  # an admin's "Send again"
    ok = models.BooleanField(default=False)

    class Meta:
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.message_id} at {self.at:%Y-%m-%d %H:%M:%S}: {self.status_code or self.error}"
