"""The API's own data: the tokens that call it (and, beside them, the outgoing webhooks)."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from advocato.people.models import Employee


class ApiToken(models.Model):
    """A bearer token for the REST API. Only a SHA-256 of the secret is kept: the secret is
    shown once, when the token is made. A token acts for `owner` — a service token for the
    admin who made it, a personal token for its person — so it can never do more than that
    person may do on the pages, and its scopes narrow that further."""

    class Kind(models.TextChoices):
        SERVICE = "service", _("Service token")
        PERSONAL = "personal", _("Personal token")

    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices)
    owner = models.ForeignKey(
        Employee, on_delete=models.CASCADE, related_name="api_tokens", verbose_name=_("acts as")
    )
    # The first characters of the secret, to recognise a token in a list; never enough to use.
    prefix = models.CharField(_("starts with"), max_length=16)
    secret_hash = models.CharField(max_length=64, unique=True)
    scopes = models.JSONField(_("scopes"), default=list)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    def is_usable(self, now=None) -> bool:
        now = now or timezone.now()
        if self.revoked_at is not None:
            return False
        return self.expires_at is None or self.expires_at > now

    @property
    def state(self) -> str:
        if self.revoked_at is not None:
            return "revoked"
        if self.expires_at is not None and self.expires_at <= timezone.now():
            return "expired"
        return "active"


from .webhooks.models import WebhookAttempt, WebhookEndpoint, WebhookMessage  # noqa: E402, F401
