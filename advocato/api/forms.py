from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from advocato.people.models import Employee

from .tokens import EXPIRY_DAYS, scopes_for


class TokenForm(forms.Form):
    name = forms.CharField(
        label=_("Name"),
        max_length=100,
        help_text=_("What uses it, e.g. “Power BI” or “CRM sync”."),
    )
    scopes = forms.MultipleChoiceField(
        label=_("Scopes"), widget=forms.CheckboxSelectMultiple, choices=[]
    )
    expires_in_days = forms.ChoiceField(label=_("Expires"))

    def __init__(self, *args, owner: Employee, service: bool, **kwargs):
        super().__init__(*args, **kwargs)
        scopes = self.fields["scopes"]
        assert isinstance(scopes, forms.MultipleChoiceField)
        scopes.choices = [(code, f"{code} — {label}") for code, label in scopes_for(owner)]
        choices: list[tuple[str, object]] = [
            (str(d), _("In %(n)d days") % {"n": d}) for d in EXPIRY_DAYS
        ]
        if service:
            choices.append(("never", _("Never (revoke it by hand)")))
        expiry = self.fields["expires_in_days"]
        assert isinstance(expiry, forms.ChoiceField)
        expiry.choices = choices
        expiry.initial = "90"

    def expiry(self) -> int | None:
        value = self.cleaned_data["expires_in_days"]
        return None if value == "never" else int(value)
