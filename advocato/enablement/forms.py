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


class QuestionForm(forms.Form):
    """An advocate's question about a comment their post received."""

    comment = forms.CharField(
        label=_("The comment you received"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Paste the comment's text (at most 2,000 characters)."),
        validators=[no_control_characters_but_line_breaks],
    )
    comment_link = forms.CharField(
        label=_("Link to the comment"),
        max_length=500,
        required=False,
        help_text=_("Optional: the comment's address on the network, starting with https://."),
        widget=forms.URLInput(),
    )
    question = forms.CharField(
        label=_("Your question to the comms team"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        validators=[no_control_characters_but_line_breaks],
    )

    def clean_comment_link(self):
        from .questions import QuestionError, check_link

        try:
            return check_link(self.cleaned_data["comment_link"])
        except QuestionError as error:
            raise forms.ValidationError(str(error)) from None


class AnswerForm(forms.Form):
    answer = forms.CharField(
        label=_("Your answer"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 5}),
        validators=[no_control_characters_but_line_breaks],
        error_messages={"required": _("Write the answer first.")},
    )
