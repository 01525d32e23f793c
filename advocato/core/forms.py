from django import forms

from advocato.people.models import time_zone_choices

from .models import Organisation


class OrganisationForm(forms.ModelForm):
    time_zone = forms.ChoiceField(choices=time_zone_choices)

    class Meta:
        model = Organisation
        fields = ["name", "default_language", "time_zone", "require_mfa_for_admins"]
