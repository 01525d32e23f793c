"""The admin's form for an endpoint: its address (vetted as for feeds), a description and the
events it receives."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from . import events
from .services import WebhookError, check_events, check_url


class EndpointForm(forms.Form):
    url = forms.URLField(
        label=_("Address"),
        max_length=500,
        assume_scheme="https",
        help_text=_("Where Advocato sends the events, e.g. https://crm.example.com/hooks/advocato"),
    )
    description = forms.CharField(label=_("Description"), max_length=200, required=False)
    events = forms.MultipleChoiceField(
        label=_("Events to send"),
        choices=[(code, f"{code} — {label}") for code, label in events.EVENTS.items()],
        widget=forms.CheckboxSelectMultiple,
    )

    def clean_url(self) -> str:
        try:
            return check_url(self.cleaned_data["url"])
        except WebhookError as exc:
            raise forms.ValidationError(exc.message) from None

    def clean_events(self) -> list[str]:
        try:
            return check_events(self.cleaned_data["events"])
        except WebhookError as exc:
            raise forms.ValidationError(exc.message) from None
