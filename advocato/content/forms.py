from __future__ import annotations

from typing import Any

from django import forms
from django.core.validators import MaxLengthValidator
from django.db.models import Q
from django.forms.models import ModelChoiceIterator
from django.utils.translation import gettext_lazy as _

from advocato.core.translated import LANGUAGE_CODES, SideBySideLanguages, with_languages
from advocato.lib import networks
from advocato.lib.fetch import validate_fetchable
from advocato.people.forms import guard_text_fields
from advocato.people.models import Department, Group, Language, Location, Role, Team

from .models import ContentItem, FeedSource, Goal, Status, Topic

MAX_IMAGE_BYTES = 10 * 1024 * 1024
# Lengths people can write (the title column holds 300): long enough for a story, short enough
# that a paste of a whole page is refused rather than saved into the library's table.
TITLE_MAX = 300
COMMENTARY_MAX = 3000


def limit(field, length: int) -> None:
    """At most `length` characters: checked by the form, and counted as one types
    (app.js shows "n / length" beside every field with data-count)."""
    field.max_length = length
    if not any(isinstance(v, MaxLengthValidator) and v.limit_value == length
               for v in field.validators):  # fmt: skip
        field.validators.append(MaxLengthValidator(length))
    field.widget.attrs.update({"maxlength": str(length), "data-count": ""})


def check_image_size(image) -> None:
    if image and getattr(image, "size", 0) > MAX_IMAGE_BYTES:
        raise forms.ValidationError(
            _("The picture is %(size).1f MB; the limit is 10 MB.")
            % {"size": image.size / 1_048_576}
        )


def https_urls(field, **kwargs):
    """Links typed without a scheme are https (Django 6's default, chosen now)."""
    from django.db import models

    if isinstance(field, models.URLField):
        kwargs["assume_scheme"] = "https"
    return field.formfield(**kwargs)


class TargetingFields(forms.ModelForm):
    """The "who sees it" part shared by items and feeds."""

    role_choices = forms.MultipleChoiceField(
        label=_("Roles"), choices=Role.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    topic_names = forms.CharField(
        label=_("Topics"),
        required=False,
        max_length=500,
        help_text=_("Separate with commas, e.g. Wind, Careers."),
        widget=forms.TextInput(attrs={"list": "topics"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, queryset in (
            ("departments", Department.objects.all()),
            ("teams", Team.objects.select_related("department")),
            ("groups", Group.objects.all()),
            ("locations", Location.objects.all()),
        ):
            field = self.fields[name]
            assert isinstance(field, forms.ModelMultipleChoiceField)  # a many-to-many field
            field.queryset = queryset
            choices = field.choices
            assert isinstance(choices, ModelChoiceIterator)
            field.widget = forms.CheckboxSelectMultiple(choices=choices)
            field.required = False
        if self.instance.pk:
            self.initial["role_choices"] = self.instance.role_list
            self.initial["topic_names"] = ", ".join(
                t.local_name for t in self.instance.topics.all()
            )

    def clean(self):
        data = super().clean()
        assert data is not None  # Form.clean returns cleaned_data
        if not data.get("target_everyone") and not any(
            data.get(f) for f in ("departments", "teams", "groups", "locations", "role_choices")
        ):
            self.add_error(
                None,
                _(
                    "Choose who sees it: everyone, or at least one department, team, group, "
                    "location or role."
                ),
            )
        return data

    def topic_list(self) -> list[str]:
        names = [n.strip() for n in self.cleaned_data.get("topic_names", "").split(",")]
        return list(dict.fromkeys(n[:80] for n in names if n))

    def update_fields(self) -> list[str]:
        """Only what the form edits: a status moved meanwhile (by a reviewer or the worker) is
        not overwritten by this older copy of the row."""
        m2m = {"departments", "teams", "groups", "locations"}
        assert self._meta.fields is not None  # every form here lists its fields
        return [f for f in self._meta.fields if f not in m2m] + ["roles"]

    def save(self, commit=True):
        obj = super().save(commit=False)
        obj.set_roles(self.cleaned_data.get("role_choices") or [])
        if commit:
            if obj.pk and not obj._state.adding:
                obj.save(update_fields=self.update_fields())
            else:
                obj.save()
            self.save_m2m()
            topics = []
            for name in self.topic_list():
                topic = find_topic(name) or Topic.objects.create(name=name)
                topics.append(topic)
            obj.topics.set(topics)
        return obj


def find_topic(name: str) -> Topic | None:
    """The topic called `name` in any language (the curator may type the one she reads)."""
    found = Topic.objects.filter(name__iexact=name).first()
    if found is None:
        query = Q()
        for code in LANGUAGE_CODES:
            query |= Q(**{f"name_{code}__iexact": name})
        found = Topic.objects.filter(query).order_by("pk").first()
    return found


TARGETING = ["target_everyone", "departments", "teams", "groups", "locations"]


class SafeDateTimeField(forms.DateTimeField):
    """Years a calendar widget can produce but time zones cannot convert are a form error."""

    def to_python(self, value):
        try:
            result = super().to_python(value)
        except (OverflowError, ValueError) as exc:
            raise forms.ValidationError(_("Enter a date between 2000 and 2100.")) from exc
        if result and not 2000 <= result.year <= 2100:
            raise forms.ValidationError(_("Enter a date between 2000 and 2100."))
        return result


def dates_as_safe_fields(field, **kwargs):
    from django.db import models

    if isinstance(field, models.DateTimeField):
        kwargs["form_class"] = SafeDateTimeField
    return https_urls(field, **kwargs)


class ContentItemForm(TargetingFields):
    class Meta:
        model = ContentItem
        formfield_callback = dates_as_safe_fields
        fields = [
            "title", "commentary", "url", "image", "image_url", "site_name", "language", "goal",
            "featured", "points_override", "publish_at", "expire_at",
            "reshare_on_company_channels", *TARGETING,
        ]  # fmt: skip
        widgets = {
            "publish_at": forms.DateTimeInput(
                attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"
            ),
            "expire_at": forms.DateTimeInput(
                attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"
            ),
            "commentary": forms.Textarea(attrs={"rows": 4}),
        }

    field_order = [
        "title", "commentary", "url", "image", "image_url", "site_name", "language", "topic_names",
        "goal", "featured", "points_override", "publish_at", "expire_at",
        "reshare_on_company_channels", "target_everyone", "departments", "teams", "groups",
        "locations", "role_choices",
    ]  # fmt: skip

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        guard_text_fields(self, ["title", "site_name"])
        limit(self.fields["title"], TITLE_MAX)
        limit(self.fields["commentary"], COMMENTARY_MAX)
        for name in ("publish_at", "expire_at"):
            field = self.fields[name]
            assert isinstance(field, forms.DateTimeField)
            field.input_formats = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d"]

    def update_fields(self) -> list[str]:
        return [*super().update_fields(), "canonical_url", "updated_at"]

    def save(self, commit=True):
        if "url" in self.changed_data or not self.instance.pk:
            from .feeds import canonicalise_url

            url = self.cleaned_data.get("url", "")
            self.instance.canonical_url = canonicalise_url(url) if url else ""
        return super().save(commit)

    def clean_image(self):
        image = self.cleaned_data.get("image")
        check_image_size(image)
        return image

    def clean(self):
        data = super().clean()
        assert data is not None  # Form.clean returns cleaned_data
        if self.instance.status == Status.SCHEDULED and not data.get("publish_at"):
            self.add_error("publish_at", _("A scheduled item needs its publishing time."))
        publish, expire = data.get("publish_at"), data.get("expire_at")
        if publish and expire and expire <= publish:
            self.add_error("expire_at", _("The expiry must come after the publishing time."))
        if not data.get("url") and not data.get("commentary"):
            self.add_error("url", _("Give a link, or write the story in the commentary."))
        return data


class FromURLForm(forms.Form):
    url = forms.URLField(
        label=_("Link to a page"),
        max_length=1000,
        assume_scheme="https",
        validators=[validate_fetchable],
    )


class TextsForm(forms.Form):
    """Language variants and per-network suggested texts, one field each:
    `<lang>-title`, `<lang>-commentary` and `<lang>-<network>`."""

    def __init__(self, *args, item: ContentItem, **kwargs):
        super().__init__(*args, **kwargs)
        self.item = item
        variants = {v.language: v for v in item.variants.all()}
        texts = {(t.network, t.language): t.text for t in item.texts.all()}
        self.languages: list[dict[str, Any]] = []
        for code, label in Language.choices:
            own = code == item.language
            fields = []
            if not own:
                title = forms.CharField(label=_("Title"), max_length=300, required=False)
                commentary = forms.CharField(
                    label=_("Commentary"), required=False, widget=forms.Textarea(attrs={"rows": 3})
                )
                limit(title, TITLE_MAX)
                limit(commentary, COMMENTARY_MAX)
                self.fields[f"{code}-title"] = title
                self.fields[f"{code}-commentary"] = commentary
                variant = variants.get(code)
                self.initial[f"{code}-title"] = variant.title if variant else ""
                self.initial[f"{code}-commentary"] = variant.commentary if variant else ""
                fields += [f"{code}-title", f"{code}-commentary"]
            for network, network_label in networks.NETWORKS:
                name = f"{code}-{network}"
                self.fields[name] = forms.CharField(
                    label=network_label,
                    required=False,
                    widget=forms.Textarea(
                        attrs={
                            "rows": 3,
                            "data-network": network,
                            "data-limit": networks.LIMITS[network],
                            "data-counter": f"count-{name}",
                        }
                    ),
                )
                self.initial[name] = texts.get((network, code), "")
                fields.append(name)
            self.languages.append({"code": code, "label": label, "own": own, "fields": fields})

    def clean(self):
        data = super().clean()
        assert data is not None  # Form.clean returns cleaned_data
        for code, _label in Language.choices:
            for network, label in networks.NETWORKS:
                text = data.get(f"{code}-{network}", "")
                if text:
                    result = networks.check(network, text)
                    if result["over"]:
                        self.add_error(
                            f"{code}-{network}",
                            _("%(count)d of %(limit)d characters as %(network)s counts them: "
                              "%(over)d too many.")
                            % {"count": result["count"], "limit": result["limit"],
                               "network": label, "over": -result["remaining"]},
                        )  # fmt: skip
            if (
                code != self.item.language
                and data.get(f"{code}-commentary")
                and not data.get(f"{code}-title")
            ):
                self.add_error(f"{code}-title", _("A translation needs a title."))
        return data

    def bound_languages(self):
        for language in self.languages:
            fields = [
                {
                    "field": self[name],
                    "counter": self.fields[name].widget.attrs.get("data-counter", ""),
                }
                for name in language["fields"]
            ]
            yield {**language, "fields": fields}

    def variants(self) -> dict[str, dict]:
        return {
            code: {
                "title": self.cleaned_data.get(f"{code}-title", ""),
                "commentary": self.cleaned_data.get(f"{code}-commentary", ""),
            }
            for code, _label in Language.choices
            if code != self.item.language
        }

    def texts(self) -> dict[tuple[str, str], str]:
        return {
            (network, code): self.cleaned_data.get(f"{code}-{network}", "")
            for code, _label in Language.choices
            for network, _n in networks.NETWORKS
        }


class FeedSourceForm(TargetingFields):
    class Meta:
        model = FeedSource
        formfield_callback = https_urls
        fields = ["name", "url", "auto_publish", "goal", "is_active", *TARGETING]

    field_order = ["name", "url", "auto_publish", "topic_names", "goal", "is_active"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        guard_text_fields(self, ["name"])
        # Advocato fetches this address: nothing internal is saved (lib.fetch.vet_url). A
        # validator (not clean_url) so its reason shows beside URLField's own complaint.
        self.fields["url"].validators.append(validate_fetchable)


class SuggestionForm(forms.Form):
    title = forms.CharField(label=_("Headline"), max_length=300)
    url = forms.URLField(
        label=_("Link (optional)"), max_length=1000, required=False, assume_scheme="https"
    )
    story = forms.CharField(
        label=_("Your story"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("What happened, and why colleagues and customers would care."),
    )
    image = forms.ImageField(
        label=_("A picture (optional)"), required=False, validators=[check_image_size]
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        guard_text_fields(self, ["title"])
        limit(self.fields["title"], TITLE_MAX)
        limit(self.fields["story"], COMMENTARY_MAX)

    def clean(self):
        data = super().clean()
        assert data is not None  # Form.clean returns cleaned_data
        if not data.get("url") and not (data.get("story") or "").strip():
            raise forms.ValidationError(_("Add a link or a few words about your story."))
        return data


class ReviewForm(forms.Form):
    comment = forms.CharField(
        label=_("Comment"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class FeedFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    topic = forms.ChoiceField(label=_("Topic"), required=False)
    goal = forms.ChoiceField(
        label=_("Goal"), required=False, choices=[("", _("All")), *Goal.choices]
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        topic = self.fields["topic"]
        assert isinstance(topic, forms.ChoiceField)
        # Only topics an advocate can find something under: those of published items (a topic
        # typed into a draft, or left on archived items only, is no use as a filter).
        used = Topic.objects.filter(items__status=Status.PUBLISHED).distinct()
        # The value is the topic's own name (stable in links); the label is the reader's.
        named = sorted(((t.name, t.local_name) for t in used), key=lambda c: c[1].casefold())
        topic.choices = [("", _("All")), *named]


class TopicForm(SideBySideLanguages, forms.ModelForm):
    """A topic's name in the company's language and its translations, side by side."""

    translated_fields = Topic.TRANSLATED

    class Meta:
        model = Topic
        fields = with_languages(["name"], Topic.TRANSLATED)

    def __init__(self, *args, default_language: str | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.setup_languages(default_language)
        guard_text_fields(self, list(self.fields))


TopicFormSet = forms.modelformset_factory(Topic, form=TopicForm, extra=0, can_delete=False)
