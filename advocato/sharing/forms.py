from __future__ import annotations

import re
from urllib.parse import urlsplit

from django import forms
from django.core.validators import MinValueValidator
from django.utils.translation import gettext_lazy as _

from advocato.content.forms import https_urls
from advocato.content.networks import NETWORKS
from advocato.people.forms import guard_text_fields

from .models import Guidelines

HOST_RE = re.compile(r"^(?=.{1,200}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")


class ShareForm(forms.Form):
    network = forms.ChoiceField(choices=NETWORKS, widget=forms.HiddenInput)
    text = forms.CharField(
        label=_("Your post"),
        widget=forms.Textarea(attrs={"rows": 7}),
        max_length=70_000,
        error_messages={"required": _("Write something first.")},
    )
    mastodon_instance = forms.CharField(
        label=_("Your Mastodon server"), required=False, max_length=200,
        help_text=_("For example mastodon.social"),
    )  # fmt: skip

    def clean_mastodon_instance(self):
        # People paste their profile address or handle: keep only the server's name.
        value = self.cleaned_data["mastodon_instance"].strip().lower()
        if "://" in value:
            value = urlsplit(value).hostname or ""
        value = value.split("/")[0]
        if "@" in value:
            value = value.rsplit("@", 1)[-1]
        if value and not HOST_RE.match(value):
            raise forms.ValidationError(_("Give the server's address, e.g. mastodon.social."))
        return value

    def clean(self):
        data = super().clean()
        if data.get("network") == "mastodon" and not data.get("mastodon_instance"):
            self.add_error("mastodon_instance", _("Which Mastodon server are you on?"))
        return data


class GuidelinesForm(forms.ModelForm):
    class Meta:
        model = Guidelines
        formfield_callback = https_urls
        fields = ["banned_phrases", "disclosure_tag", "require_disclosure", "similar_colleagues",
                  "policy_url"]  # fmt: skip
        widgets = {"banned_phrases": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["similar_colleagues"].validators.append(MinValueValidator(1))
        guard_text_fields(self, ["disclosure_tag"])
