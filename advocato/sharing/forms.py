from __future__ import annotations

import re
from urllib.parse import urlsplit

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils.translation import gettext_lazy as _

from advocato.content.forms import https_urls
from advocato.lib.fetch import validate_fetchable
from advocato.lib.networks import NETWORKS
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
        label=_("Your Mastodon server"),
        required=False,
        max_length=200,
        help_text=_("For example mastodon.social"),
    )

    # Direct posting through a connected account: the button pressed says when.
    when = forms.ChoiceField(
        required=False,
        choices=[("", ""), ("now", _("Post now")), ("at", _("Schedule")), ("best", _("Best time"))],
    )
    post_at = forms.DateTimeField(
        label=_("Post at"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local", "step": "1"}),
        input_formats=[
            "%Y-%m-%dT%H:%M:%S",
            "%Y-%m-%dT%H:%M",
            "%Y-%m-%d %H:%M:%S",
            "%Y-%m-%d %H:%M",
        ],
    )

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
        assert data is not None  # Form.clean returns cleaned_data
        direct = bool(data.get("when"))
        if data.get("network") == "mastodon" and not data.get("mastodon_instance") and not direct:
            self.add_error("mastodon_instance", _("Which Mastodon server are you on?"))
        if data.get("when") == "at" and not data.get("post_at"):
            self.add_error("post_at", _("Choose when to post."))
        return data


class GuidelinesForm(forms.ModelForm):
    class Meta:
        model = Guidelines
        formfield_callback = https_urls
        fields = [
            "banned_phrases",
            "disclosure_tag",
            "require_disclosure",
            "similar_colleagues",
            "policy_url",
        ]
        widgets = {"banned_phrases": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["similar_colleagues"].validators.append(MinValueValidator(1))
        guard_text_fields(self, ["disclosure_tag"])


class BlueskyConnectForm(forms.Form):
    handle = forms.CharField(
        label=_("Your Bluesky handle"), max_length=253, help_text=_("For example anna.bsky.social")
    )
    app_password = forms.CharField(
        label=_("An app password"),
        max_length=64,
        widget=forms.PasswordInput(render_value=False),
        help_text=_(
            "Make one in Bluesky: Settings → Privacy and security → App passwords. "
            "Never give your main password."
        ),
    )


class MastodonConnectForm(forms.Form):
    instance = forms.CharField(
        label=_("Your Mastodon server"), max_length=300, help_text=_("For example mastodon.social")
    )


class AudienceForm(forms.Form):
    audience = forms.IntegerField(
        label=_("Followers / connections"), min_value=0, max_value=100_000_000
    )


class EngagementForm(forms.Form):
    reactions = forms.IntegerField(
        label=_("Reactions"), min_value=0, max_value=10**9, required=False
    )
    comments = forms.IntegerField(label=_("Comments"), min_value=0, max_value=10**9, required=False)
    reshares = forms.IntegerField(label=_("Reshares"), min_value=0, max_value=10**9, required=False)
    impressions = forms.IntegerField(
        label=_("Impressions"), min_value=0, max_value=10**9, required=False
    )

    def clean(self):
        data = super().clean()
        assert data is not None  # Form.clean returns cleaned_data
        if not self.errors and all(v is None for v in data.values()):
            raise forms.ValidationError(_("Enter at least one figure."))
        return data


class NetworkAppForm(forms.ModelForm):
    client_secret = forms.CharField(
        label=_("client secret"),
        required=False,
        max_length=300,
        widget=forms.PasswordInput(render_value=False),
        help_text=_("Leave empty to keep the secret already saved."),
    )

    class Meta:
        from .models import NetworkApp

        model = NetworkApp
        formfield_callback = https_urls
        fields = [
            "enabled",
            "client_id",
            "base_url",
            "linkedin_openid",
            "linkedin_share",
            "linkedin_analytics",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.network != "linkedin":  # the products are LinkedIn's
            for name in ("linkedin_openid", "linkedin_share", "linkedin_analytics"):
                del self.fields[name]
        # Advocato calls this server: nothing internal is saved (lib.fetch.vet_url).
        self.fields["base_url"].validators.append(validate_fetchable)

    def save(self, commit=True):
        app = super().save(commit=False)
        if self.cleaned_data.get("client_secret"):
            app.client_secret = self.cleaned_data["client_secret"]
        # Saving is how an admin says "fixed": what the network complained about is shown
        # again only if it still does.
        app.problem, app.problem_kind, app.problem_at = "", "", None
        if commit:
            app.save()
        return app


class EngagementImportForm(forms.Form):
    file = forms.FileField(
        label=_("CSV file"),
        help_text=_(
            "Columns: link (the tracked link's code or address), reactions, comments, "
            "reshares, impressions. Empty cells are left as they are."
        ),
    )


class SharingLimitsForm(forms.ModelForm):
    class Meta:
        from .models import SharingLimits

        model = SharingLimits
        fields = [
            "per_day",
            "keep_hours",
            "earliest_hour",
            "latest_hour",
            "weekends",
            "company_share",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        bounds = {"per_day": (0, 100), "earliest_hour": (0, 23), "latest_hour": (1, 24),
                  "company_share": (0, 100)}  # fmt: skip
        for name, (low, high) in bounds.items():
            field = self.fields[name]
            field.validators += [MinValueValidator(low), MaxValueValidator(high)]
            field.widget.attrs.update({"min": low, "max": high})

    def clean(self):
        data = super().clean()
        assert data is not None
        start, end = data.get("earliest_hour"), data.get("latest_hour")
        if start is not None and end is not None and start >= end:
            self.add_error(
                "latest_hour", _("The sharing hours must end after they start (e.g. 8 to 20).")
            )
        return data


class OwnPostsForm(forms.Form):
    count = forms.IntegerField(
        label=_("Posts of your own in the last 30 days"),
        min_value=0,
        max_value=1000,
        help_text=_("Posts you wrote yourself, not shares of the company's content."),
    )
