from django import forms
from django.core.validators import MaxLengthValidator
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from advocato.content.models import ContentItem, Status
from advocato.content.services import localise
from advocato.lib.validators import (
    no_control_characters,
    no_control_characters_but_line_breaks,
)
from advocato.links.models import Conversion
from advocato.people.models import EmailKind
from advocato.sharing.models import Share

from .models import EnablementSettings, PolicyVersion, SuccessStory
from .stories import IMAGE_FORMATS, MAX_IMAGE_BYTES, evidence_labels, unnamed_mentions


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


class StoryForm(forms.ModelForm):
    """A success story: title and text per language side by side, a picture, the evidence.
    The evidence lists offer recent shares, items and conversions; sharers are named in them
    only as the curator may see them."""

    class Meta:
        model = SuccessStory
        fields = [
            "title_en", "title_da", "title_nb", "body_en", "body_da", "body_nb",
            "image", "image_alt", "share", "item", "conversion",
        ]  # fmt: skip
        widgets = {
            f"body_{code}": forms.Textarea(attrs={"rows": 10}) for code in ("en", "da", "nb")
        }

    def __init__(self, *args, viewer=None, language: str = "en", **kwargs):
        super().__init__(*args, **kwargs)
        for code in ("en", "da", "nb"):
            self.fields[f"title_{code}"].validators.append(no_control_characters)
            body = self.fields[f"body_{code}"]
            body.validators += [no_control_characters_but_line_breaks, MaxLengthValidator(20_000)]
            body.widget.attrs["maxlength"] = 20_000
        self.fields["image_alt"].validators.append(no_control_characters)
        shares = list(
            Share.objects.filter(confirmed_at__isnull=False)
            .select_related("employee", "item")
            .prefetch_related("item__variants")
            .order_by("-confirmed_at", "-pk")[:100]
        )
        if self.instance.share_id and all(s.pk != self.instance.share_id for s in shares):
            shares += list(
                Share.objects.filter(pk=self.instance.share_id)
                .select_related("employee", "item")
                .prefetch_related("item__variants")
            )
        labels = evidence_labels(viewer, shares, language) if viewer else {}
        share_field = self.fields["share"]
        share_field.queryset = Share.objects.filter(  # type: ignore[attr-defined]
            pk__in=[s.pk for s in shares]
        ).order_by("-confirmed_at", "-pk")
        share_field.label_from_instance = lambda s: labels.get(s.pk, str(s.pk))  # type: ignore[attr-defined]
        item_field = self.fields["item"]
        item_field.queryset = (  # type: ignore[attr-defined]
            ContentItem.objects.filter(
                Q(status=Status.PUBLISHED) | Q(pk=self.instance.item_id or 0)
            )
            .prefetch_related("variants")
            .order_by("-published_at", "-pk")
        )
        item_field.label_from_instance = lambda i: localise(i, language).title  # type: ignore[attr-defined]
        conversions = Conversion.objects.select_related("link__share__item").order_by("-at", "-pk")
        conversion_field = self.fields["conversion"]
        conversion_field.queryset = conversions  # type: ignore[attr-defined]
        conversion_field.label_from_instance = lambda c: (  # type: ignore[attr-defined]
            f"{c.kind} · {timezone.localtime(c.at).date().isoformat()} · {c.link.share.item.title}"
        )

    def clean_image(self):
        image = self.cleaned_data.get("image")
        if image and getattr(image, "size", 0) > MAX_IMAGE_BYTES:
            raise forms.ValidationError(
                _("The picture is %(size).1f MB; at most 5 MB, please.")
                % {"size": image.size / 1_048_576}
            )
        found = getattr(image, "image", None)  # set by ImageField when a new file was checked
        if found is not None and found.format not in IMAGE_FORMATS:
            raise forms.ValidationError(_("Use a JPEG, PNG, WebP or GIF picture."))
        return image

    def clean(self):
        data = super().clean()
        assert data is not None
        codes = ("en", "da", "nb")
        if not any(
            (data.get(f"title_{c}") or "").strip() and (data.get(f"body_{c}") or "").strip()
            for c in codes
        ):
            raise forms.ValidationError(_("Write a title and a story in at least one language."))
        texts = [data.get(f"title_{c}") or "" for c in codes] + [
            data.get(f"body_{c}") or "" for c in codes
        ]
        if names := unnamed_mentions(*texts):
            raise forms.ValidationError(
                _("%(names)s chose not to be named: take the name out of the story.")
                % {"names": ", ".join(names)}
            )
        if data.get("image") and not (data.get("image_alt") or "").strip():
            self.add_error("image_alt", _("Say in a few words what the picture shows."))
        return data


class EmailPreferencesForm(forms.Form):
    """Which e-mails a person gets: how often the digest comes (weekly or never) and each
    other kind on or off."""

    digest = forms.ChoiceField(
        label=_("Weekly digest: new content for me, my results, a success story"),
        choices=[("weekly", _("Every Monday")), ("never", _("Never"))],
        widget=forms.RadioSelect,
    )

    def __init__(self, *args, wanted: dict[str, bool], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["digest"].initial = "weekly" if wanted.get(EmailKind.DIGEST, True) else "never"
        for kind, label in EmailKind.choices:
            if kind == EmailKind.DIGEST:
                continue
            self.fields[kind] = forms.BooleanField(
                label=label, required=False, initial=wanted.get(kind, True)
            )

    def wanted(self) -> dict[str, bool]:
        found = {EmailKind.DIGEST.value: self.cleaned_data["digest"] == "weekly"}
        for kind in EmailKind.values:
            if kind != EmailKind.DIGEST:
                found[kind] = bool(self.cleaned_data.get(kind))
        return found
