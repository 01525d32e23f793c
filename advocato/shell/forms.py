from datetime import date

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


class AuditFilterForm(forms.Form):
    """The audit log's filters: who made the change, what kind of thing, and from/to which
    day (in the viewer's time zone; the first day not after the last)."""

    person = forms.TypedChoiceField(label=_("Who"), required=False, coerce=int, empty_value=None)
    type = forms.ChoiceField(label=_("What"), required=False)
    start = forms.DateField(
        label=_("First day"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    end = forms.DateField(
        label=_("Last day"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, people=(), types=(), **kwargs):
        super().__init__(*args, **kwargs)
        person, kind = self.fields["person"], self.fields["type"]
        assert isinstance(person, forms.ChoiceField) and isinstance(kind, forms.ChoiceField)
        person.choices = [("", _("Everyone")), *people]
        kind.choices = [("", _("Everything")), *types]

    def clean(self):
        data = super().clean()
        assert data is not None
        start, end = data.get("start"), data.get("end")
        earliest = date(2000, 1, 1)
        for name in ("start", "end"):
            if data.get(name) and data[name] < earliest:
                self.add_error(name, _("Choose a day in 2000 or later."))
        if start and end and start > end:
            self.add_error("end", _("The last day cannot be before the first."))
        return data
