from django import forms
from django.utils.translation import gettext_lazy as _

from advocato.core.models import Organisation
from advocato.lib.validators import no_control_characters, no_formula
from advocato.people.models import time_zone_choices


class OrganisationForm(forms.ModelForm):
    time_zone = forms.ChoiceField(label=_("Time zone"), choices=time_zone_choices)

    class Meta:
        model = Organisation
        fields = [
            "name",
            "default_language",
            "time_zone",
            "require_mfa_for_admins",
            "individual_results",
        ]
        widgets = {"individual_results": forms.RadioSelect}

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        no_control_characters(name)
        no_formula(name)
        return name


class ForgetForm(forms.Form):
    """Deleting a person's data cannot be undone: confirmed by typing their e-mail address."""

    confirm = forms.CharField(
        label=_("Type the e-mail address to confirm"), max_length=254, strip=True
    )

    def __init__(self, *args, email: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.email = email

    def clean_confirm(self) -> str:
        value = self.cleaned_data["confirm"]
        if value.lower() != self.email.lower():
            raise forms.ValidationError(_("That is not the e-mail address of this account."))
        return value
