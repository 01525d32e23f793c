"""The dashboard's filter form (GET, so every view of the figures has its own address and the
exports carry the same filters), and the admin's and analyst's settings forms."""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from advocato.content.models import Goal, Topic
from advocato.core.models import Organisation
from advocato.lib.networks import NETWORKS
from advocato.lib.periods import in_range
from advocato.lib.validators import no_control_characters
from advocato.people.models import Department, Group, Language, Team

from .kpis import Filters, quarter_bounds, quarter_of
from .models import KPI, Settings, Target

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

MAX_DAYS = 3 * 366


def recent_quarters(today: date, count: int = 6) -> list[tuple[int, int]]:
    year, quarter = quarter_of(today)
    found = []
    for _step in range(count):
        found.append((year, quarter))
        year, quarter = (year, quarter - 1) if quarter > 1 else (year - 1, 4)
    return found


def _choice_field(form: forms.Form, name: str) -> forms.ChoiceField:
    field = form.fields[name]
    assert isinstance(field, forms.ChoiceField)
    return field


def period_choices(today: date) -> list[tuple[str, StrOrPromise]]:
    choices: list[tuple[str, StrOrPromise]] = [
        ("30d", _("Last 30 days")),
        ("week", _("This week")),
        ("last-week", _("Last week")),
        ("month", _("This month")),
        ("last-month", _("Last month")),
    ]
    for year, quarter in recent_quarters(today):
        choices.append((f"{year}-q{quarter}", _("Q%(q)d %(year)d") % {"q": quarter, "year": year}))
    choices.append(("custom", _("Custom dates")))
    return choices


def resolve_period(period: str, today: date) -> tuple[date, date] | None:
    if period == "30d":
        return today - timedelta(days=29), today
    if period == "week":
        start = today - timedelta(days=today.weekday())
        return start, today
    if period == "last-week":
        end = today - timedelta(days=today.weekday() + 1)
        return end - timedelta(days=6), end
    if period == "month":
        return today.replace(day=1), today
    if period == "last-month":
        end = today.replace(day=1) - timedelta(days=1)
        return end.replace(day=1), end
    if "-q" in period:
        year, _sep, quarter = period.partition("-q")
        if year.isdigit() and quarter in {"1", "2", "3", "4"}:
            return quarter_bounds(int(year), int(quarter))
    return None


class FilterForm(forms.Form):
    period = forms.ChoiceField(label=_("Period"), required=False)
    start = forms.DateField(
        label=pgettext_lazy("start of a period", "From"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    end = forms.DateField(
        label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    department = forms.ModelChoiceField(
        label=_("Department"), queryset=Department.objects.all(), required=False,
        empty_label=_("All departments"),
    )  # fmt: skip
    team = forms.ModelChoiceField(
        label=_("Team"), queryset=Team.objects.select_related("department"), required=False,
        empty_label=_("All teams"),
    )  # fmt: skip
    group = forms.ModelChoiceField(
        label=_("Group"), queryset=Group.objects.all(), required=False,
        empty_label=_("All groups"),
    )  # fmt: skip
    network = forms.ChoiceField(label=_("Network"), required=False)
    topic = forms.ModelChoiceField(
        label=_("Topic"), queryset=Topic.objects.all(), required=False,
        empty_label=_("All topics"),
    )  # fmt: skip
    goal = forms.ChoiceField(label=_("Goal"), required=False)
    language = forms.ChoiceField(label=_("Language"), required=False)

    def __init__(self, data=None, *, today: date | None = None, people: bool = True):
        self.today = today or Organisation.get().today()
        super().__init__(data)
        _choice_field(self, "period").choices = period_choices(self.today)
        _choice_field(self, "network").choices = [("", _("All networks")), *NETWORKS]
        _choice_field(self, "goal").choices = [("", _("All goals")), *Goal.choices]
        _choice_field(self, "language").choices = [("", _("All languages")), *Language.choices]
        if not people:
            for name in ("department", "team", "group"):
                del self.fields[name]

    def clean(self):
        data = super().clean()
        assert data is not None  # Form.clean returns cleaned_data
        period = data.get("period") or "30d"
        data["period"] = period
        if period == "custom":
            start, end = data.get("start"), data.get("end")
            if not start or not end:
                raise ValidationError(_("Give both dates for a custom period."))
            if not (in_range(start) and in_range(end)):
                raise ValidationError(_("Choose dates between 2000 and 2100."))
            if end < start:
                raise ValidationError(_("The period ends before it starts."))
            if (end - start).days >= MAX_DAYS:
                raise ValidationError(_("Choose a period of at most three years."))
        else:
            bounds = resolve_period(period, self.today)
            if bounds is None:
                raise ValidationError(_("Choose a period from the list."))
            data["start"], data["end"] = bounds
        return data

    def filters(self) -> Filters:
        """The filters as chosen; the defaults (last 30 days, everything) when the form is not
        valid, so a page always shows something."""
        if not self.is_bound or not self.is_valid():
            bounds = resolve_period("30d", self.today)
            assert bounds is not None  # "30d" is always a period
            return Filters(start=bounds[0], end=bounds[1])
        d = self.cleaned_data
        return Filters(
            start=d["start"], end=d["end"],
            department=d["department"].pk if d.get("department") else None,
            team=d["team"].pk if d.get("team") else None,
            group=d["group"].pk if d.get("group") else None,
            network=d.get("network") or "", topic=d["topic"].pk if d.get("topic") else None,
            goal=d.get("goal") or "", language=d.get("language") or "",
        )  # fmt: skip


class SettingsForm(forms.ModelForm):
    class Meta:
        model = Settings
        fields = ["cpc", "cpm", "currency", "own_domains"]

    def clean_currency(self):
        currency = self.cleaned_data["currency"].strip().upper()
        if len(currency) != 3 or not currency.isalpha():
            raise ValidationError(_("Use a three-letter currency code, e.g. DKK or NOK."))
        return currency

    def clean_own_domains(self):
        lines = []
        for line in self.cleaned_data["own_domains"].splitlines():
            domain = line.strip().lower().removeprefix("https://").removeprefix("http://")
            domain = domain.strip("/").lstrip(".")
            if not domain:
                continue
            no_control_characters(domain)
            labels = domain.split(".")
            if len(labels) < 2 or not all(
                label and len(label) <= 63 and all(c.isalnum() or c == "-" for c in label)
                for label in labels
            ):
                raise ValidationError(
                    _("“%(domain)s” is not a domain name (like nordlys.example).")
                    % {"domain": line.strip()}
                )
            lines.append(domain)
        return "\n".join(dict.fromkeys(lines))


class TargetForm(forms.Form):
    """One quarter's targets, one field per KPI (and per conversion type)."""

    def __init__(self, *args, year: int, quarter: int, kinds: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.year, self.quarter, self.kinds = year, quarter, kinds
        existing = {
            (t.kpi, t.conversion_kind): t.value
            for t in Target.objects.filter(year=year, quarter=quarter)
        }
        for kpi in KPI:
            self.fields[kpi.value] = forms.DecimalField(
                label=kpi.label, required=False, min_value=0, max_digits=14, decimal_places=2,
                initial=existing.get((kpi.value, "")),
                help_text=_("Percent") if kpi.value in {"adoption", "activation",
                            "participation", "engagement_rate"} else "",
            )  # fmt: skip
        for kind in kinds:
            self.fields[f"kind:{kind}"] = forms.DecimalField(
                label=_("Conversions: %(kind)s") % {"kind": kind}, required=False, min_value=0,
                max_digits=14, decimal_places=2, initial=existing.get(("conversions", kind)),
            )  # fmt: skip

    def clean(self):
        data = super().clean()
        assert data is not None  # Form.clean returns cleaned_data
        for name in ("adoption", "activation", "participation", "engagement_rate"):
            value = data.get(name)
            if value is not None and value > 100:
                self.add_error(name, _("A percentage cannot be more than 100."))
        return data
