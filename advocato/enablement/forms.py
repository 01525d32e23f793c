from django import forms
from django.core.validators import MaxLengthValidator
from django.utils.translation import gettext_lazy as _

from advocato.lib.validators import (
    no_control_characters,
    no_control_characters_but_line_breaks,
)

from .models import EnablementSettings, PolicyVersion


class PolicyForm(forms.ModelForm):
    """A draft's title and text per language, edited side by side."""

    class Meta:
        model = PolicyVersion
        fields = ["title", "summary", "body_en", "body_da", "body_nb"]
        widgets = {
            f"body_{code}": forms.Textarea(attrs={"rows": 16}) for code in ("en", "da", "nb")
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("title", "summary"):
            self.fields[name].validators.append(no_control_characters)
        for code in ("en", "da", "nb"):
            field = self.fields[f"body_{code}"]
            field.validators += [no_control_characters_but_line_breaks, MaxLengthValidator(50_000)]
            field.widget.attrs["maxlength"] = 50_000

    def clean(self):
        data = super().clean()
        assert data is not None
        if not any((data.get(f"body_{code}") or "").strip() for code in ("en", "da", "nb")):
            raise forms.ValidationError(_("Write the policy in at least one language."))
        return data


class EnablementSettingsForm(forms.ModelForm):
    class Meta:
        model = EnablementSettings
        fields = ["sharing_waits_for_policy"]
