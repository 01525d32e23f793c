"""Forms for the chat channels and the re-activation settings."""

from django import forms
from django.utils.translation import gettext_lazy as _

from advocato.lib.validators import no_control_characters

from .chat.services import ChatError, check_webhook
from .models import ChatChannel, NudgeSettings

CHOICES = ["post_featured", "post_stories", "post_challenges", "post_weekly_top"]


class ChannelForm(forms.ModelForm):
    """Adding a channel: its name, the service, the webhook address and what to post."""

    webhook_url = forms.CharField(
        label=_("Webhook address"),
        max_length=2000,
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
        help_text=_(
            "Slack: an incoming webhook of your Slack app (https://hooks.slack.com/services/…). "
            "Teams: in the channel, Workflows → “Send webhook alerts to a channel”, then copy "
            "the address. It is kept encrypted and shown shortened."
        ),
    )

    class Meta:
        model = ChatChannel
        fields = ["name", "kind", "webhook_url", *CHOICES]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["name"].validators.append(no_control_characters)

    def clean_webhook_url(self) -> str:
        try:
            return check_webhook(self.cleaned_data["webhook_url"])
        except ChatError as exc:
            raise forms.ValidationError(str(exc), code="webhook") from None

    def save(self, commit: bool = True) -> ChatChannel:
        channel = super().save(commit=False)
        channel.webhook_url = self.cleaned_data["webhook_url"]
        if commit:
            channel.save()
        return channel


class ChannelChoicesForm(forms.ModelForm):
    """What an existing channel gets (its address is replaced by adding it again)."""

    class Meta:
        model = ChatChannel
        fields = ["name", *CHOICES]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["name"].validators.append(no_control_characters)


class NudgeSettingsForm(forms.ModelForm):
    class Meta:
        model = NudgeSettings
        fields = ["enabled", "lapsed_after_days", "every_days"]
