from __future__ import annotations

import re
from datetime import date

from django import forms
from django.core.validators import MaxValueValidator
from django.utils.translation import gettext_lazy as _

from advocato.content.models import Goal
from advocato.core.translated import SideBySideLanguages, with_languages
from advocato.lib.networks import NETWORKS
from advocato.lib.validators import no_control_characters, no_formula
from advocato.people.models import Employee
from advocato.people.picker import PersonChoiceField

from .models import Challenge, Reward, RuleVersion

MAX_POINTS = 100_000
SLUG = re.compile(r"[a-z0-9][a-z0-9_-]{0,39}")


class RulesForm(forms.ModelForm):
    """The point rules; per-network share points and per-type conversion points as extra
    fields, kept as JSON on the version."""

    conversion_by_kind = forms.CharField(
        label=_("Points per conversion, by type"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One per line, e.g. “lead: 25”. Other types earn the points below."),
    )

    class Meta:
        model = RuleVersion
        fields = [
            "share_points",
            "featured_multiplier",
            "click_points",
            "conversion_by_kind",
            "conversion_points",
            "suggestion_points",
            "streak_points",
            "share_cap",
            "click_cap",
            "conversion_cap",
            "share_click_cap",
            "burst_visitor_clicks",
            "burst_per_minute",
            "note",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        instance = self.instance
        # Points and caps stay far below what the ledger's columns hold, even multiplied.
        for name in ("share_points", "click_points", "conversion_points", "suggestion_points",
                     "streak_points", "share_cap", "click_cap", "conversion_cap",
                     "share_click_cap", "burst_visitor_clicks", "burst_per_minute"):  # fmt: skip
            field = self.fields[name]
            assert isinstance(field, forms.IntegerField)
            field.max_value = MAX_POINTS
            field.validators.append(MaxValueValidator(MAX_POINTS))
            field.widget.attrs["max"] = MAX_POINTS
        for code, label in NETWORKS:
            self.fields[f"network_{code}"] = forms.IntegerField(
                label=_("Points per share on %(network)s") % {"network": label},
                required=False,
                min_value=0,
                max_value=MAX_POINTS,
                initial=instance.network_points.get(code) if instance.pk else None,
                help_text=_("Empty: the points per share."),
            )
        if instance.pk and not self.is_bound:
            self.initial["conversion_by_kind"] = "\n".join(
                f"{k}: {v}" for k, v in sorted(instance.conversion_by_kind.items())
            )

    def clean_featured_multiplier(self):
        value = self.cleaned_data["featured_multiplier"]
        if value < 0 or value > 10:
            raise forms.ValidationError(_("Between 0 and 10."))
        return value

    def clean_conversion_by_kind(self):
        kinds = {}
        for n, line in enumerate(self.cleaned_data["conversion_by_kind"].splitlines(), 1):
            if not line.strip():
                continue
            name, sep, value = line.partition(":")
            name = name.strip().lower()
            value = value.strip()
            if (
                not sep
                or not name
                or not (value.isascii() and value.isdigit())
                or len(name) > 40
                or int(value) > MAX_POINTS
            ):
                raise forms.ValidationError(
                    _("Line %(n)d: write “type: points”, e.g. “lead: 25” (at most %(max)d).")
                    % {"n": n, "max": MAX_POINTS}
                )
            kinds[name] = int(value)
        return kinds

    def rule_values(self) -> dict:
        data = dict(self.cleaned_data)
        note = data.pop("note", "")
        data["network_points"] = {
            code: data.pop(f"network_{code}")
            for code, _label in NETWORKS
            if data.get(f"network_{code}") is not None
        }
        for code, _label in NETWORKS:
            data.pop(f"network_{code}", None)
        return {"values": data, "note": note}


class ConversionKindsForm(forms.Form):
    """The conversion types the company's website may report, one per line."""

    kinds = forms.CharField(
        label=_("Conversion types your website may report"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "One per line: lowercase letters, digits and hyphens, e.g. “lead”. Reports of "
            "any other type are refused."
        ),
    )

    def clean_kinds(self):
        kinds = []
        for n, line in enumerate(self.cleaned_data["kinds"].splitlines(), 1):
            code = line.strip().lower()
            if not code:
                continue
            if not SLUG.fullmatch(code):
                raise forms.ValidationError(
                    _("Line %(n)d: use lowercase letters, digits and hyphens (at most 40).")
                    % {"n": n}
                )
            kinds.append(code)
        if not kinds:
            raise forms.ValidationError(_("Keep at least one conversion type."))
        return kinds


class ReverseForm(forms.Form):
    reason = forms.CharField(label=_("Why"), max_length=300)


class ChallengeForm(SideBySideLanguages, forms.ModelForm):
    translated_fields = Challenge.TRANSLATED
    goal = forms.ChoiceField(
        label=_("Only content with the goal"),
        choices=[("", _("All content")), *Goal.choices],
        required=False,
    )

    class Meta:
        model = Challenge
        fields = with_languages(
            [
                "title",
                "description",
                "metric",
                "goal",
                "network",
                "starts_on",
                "ends_on",
                "departments",
                "teams",
                "groups",
                "prize",
                "winners",
            ],
            Challenge.TRANSLATED,
        )
        widgets = {
            "starts_on": forms.DateInput(attrs={"type": "date"}),
            "ends_on": forms.DateInput(attrs={"type": "date"}),
            "departments": forms.CheckboxSelectMultiple,
            "teams": forms.CheckboxSelectMultiple,
            "groups": forms.CheckboxSelectMultiple,
        }
        help_texts = {
            "departments": _("Nobody chosen in departments, teams and groups: everyone."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.setup_languages()

    def clean(self):
        data = super().clean()
        assert data is not None  # Form.clean returns cleaned_data
        for name in self.fields:
            if name.startswith(("title", "prize")) and isinstance(data.get(name), str):
                data[name] = data[name].strip()
                try:
                    no_control_characters(data[name])
                except forms.ValidationError as error:
                    self.add_error(name, error)
        starts, ends = data.get("starts_on"), data.get("ends_on")
        if isinstance(starts, date) and isinstance(ends, date) and ends < starts:
            self.add_error("ends_on", _("The last day cannot be before the first day."))
        return data

    def clean_winners(self):
        winners = self.cleaned_data["winners"]
        if not 1 <= winners <= 10:
            raise forms.ValidationError(_("Between 1 and 10."))
        return winners


class RewardForm(SideBySideLanguages, forms.ModelForm):
    translated_fields = Reward.TRANSLATED

    class Meta:
        model = Reward
        fields = with_languages(
            ["name", "description", "kind", "price", "stock", "value", "currency", "is_active"],
            Reward.TRANSLATED,
        )
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.setup_languages()

    def clean_price(self):
        price = self.cleaned_data["price"]
        if price < 1:
            raise forms.ValidationError(_("At least 1 point."))
        return price

    def clean(self):
        data = super().clean()
        assert data is not None  # Form.clean returns cleaned_data
        # Every language's name goes into the payroll CSV: no formulas, no control characters.
        for name in self.fields:
            if name.startswith("name") and isinstance(data.get(name), str):
                data[name] = data[name].strip()
                try:
                    no_control_characters(data[name])
                    no_formula(data[name])
                except forms.ValidationError as error:
                    self.add_error(name, error)
        if data.get("value") is not None and data["value"] < 0:
            self.add_error("value", _("A value cannot be negative."))
        if data.get("value") is not None and not data.get("currency"):
            self.add_error("currency", _("Say which currency the value is in, e.g. DKK."))
        if data.get("currency"):
            data["currency"] = data["currency"].upper()
        return data


class KudosForm(forms.Form):
    receiver = PersonChoiceField(
        scope="colleagues", label=_("To"), empty_label=_("Choose a colleague")
    )
    message = forms.CharField(
        label=_("Your message"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What did they do for the programme? They and their colleagues see it."),
    )

    def __init__(self, *args, giver=None, **kwargs):
        super().__init__(*args, **kwargs)
        receiver = self.fields["receiver"]
        assert isinstance(receiver, PersonChoiceField)
        if giver is not None:
            receiver.for_viewer(giver)


class EmployeeOfMonthForm(SideBySideLanguages, forms.Form):
    translated_fields = ("citation",)
    employee = forms.ModelChoiceField(queryset=Employee.objects.none(), widget=forms.RadioSelect)
    citation = forms.CharField(
        label=_("Why (shown with the award)"), max_length=300, required=False
    )

    def __init__(self, *args, candidates=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.setup_languages()
        employee = self.fields["employee"]
        assert isinstance(employee, forms.ModelChoiceField)
        employee.queryset = Employee.objects.filter(pk__in=[c.employee.pk for c in candidates])
        self.fields["employee"].label = _("Employee of the month")
