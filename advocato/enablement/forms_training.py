"""Forms for training (modules, questions with their answers, the quiz a person hands in) and
for the programme plan. Texts are edited per language side by side."""

from __future__ import annotations

from django import forms
from django.core.validators import MaxLengthValidator, MaxValueValidator, MinValueValidator
from django.forms import inlineformset_factory
from django.utils.translation import gettext_lazy as _

from advocato.core.translated import LANGUAGE_CODES
from advocato.lib.validators import (
    no_control_characters,
    no_control_characters_but_line_breaks,
)
from advocato.people.models import Department, Employee

from . import training
from .models import (
    Option,
    PlanObjective,
    ProgrammePlan,
    QuizQuestion,
    TrainingModule,
)


def _clean_texts(form: forms.BaseForm, long: tuple[str, ...], short: tuple[str, ...]) -> None:
    for name in long:
        for code in LANGUAGE_CODES:
            field = form.fields[f"{name}_{code}"]
            field.validators += [no_control_characters_but_line_breaks, MaxLengthValidator(50_000)]
            field.widget.attrs["maxlength"] = 50_000
    for name in short:
        for code in LANGUAGE_CODES:
            form.fields[f"{name}_{code}"].validators.append(no_control_characters)


class ModuleForm(forms.ModelForm):
    video_url = forms.URLField(
        label=_("video"), required=False, max_length=200, assume_scheme="https",
        help_text=_("A YouTube or Vimeo address is shown in the page; any other as a link."),
    )  # fmt: skip

    class Meta:
        model = TrainingModule
        fields = [
            "title_en", "title_da", "title_nb", "body_en", "body_da", "body_nb", "video_url",
            "minutes", "pass_mark", "attempts_per_day", "points", "position",
        ]  # fmt: skip
        widgets = {f"body_{c}": forms.Textarea(attrs={"rows": 14}) for c in LANGUAGE_CODES}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _clean_texts(self, ("body",), ("title",))
        limits = {"pass_mark": (1, 100), "attempts_per_day": (0, 20), "minutes": (1, 240),
                  "points": (0, training.MAX_POINTS), "position": (0, 1000)}  # fmt: skip
        for name, (low, high) in limits.items():
            self.fields[name].validators += [MinValueValidator(low), MaxValueValidator(high)]
            self.fields[name].widget.attrs.update(min=low, max=high)

    def clean(self):
        data = super().clean()
        assert data is not None
        if not any((data.get(f"title_{c}") or "").strip() for c in LANGUAGE_CODES):
            raise forms.ValidationError(_("Give the module a title in at least one language."))
        return data


class QuestionForm(forms.ModelForm):
    class Meta:
        model = QuizQuestion
        fields = ["kind", "text_en", "text_da", "text_nb", "explanation_en", "explanation_da",
                  "explanation_nb", "position"]  # fmt: skip
        widgets = {f"explanation_{c}": forms.Textarea(attrs={"rows": 3}) for c in LANGUAGE_CODES}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _clean_texts(self, ("explanation",), ("text",))
        self.fields["position"].validators += [MinValueValidator(0), MaxValueValidator(1000)]

    def clean(self):
        data = super().clean()
        assert data is not None
        if not any((data.get(f"text_{c}") or "").strip() for c in LANGUAGE_CODES):
            raise forms.ValidationError(_("Write the question in at least one language."))
        return data


class OptionForm(forms.ModelForm):
    class Meta:
        model = Option
        fields = ["text_en", "text_da", "text_nb", "correct"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _clean_texts(self, (), ("text",))

    def clean(self):
        data = super().clean()
        assert data is not None
        filled = any((data.get(f"text_{c}") or "").strip() for c in LANGUAGE_CODES)
        if not filled and data.get("correct") and not data.get("DELETE"):
            raise forms.ValidationError(_("Write the answer in at least one language."))
        return data

    def is_blank(self) -> bool:
        data = getattr(self, "cleaned_data", {}) or {}
        return not any((data.get(f"text_{c}") or "").strip() for c in LANGUAGE_CODES)


class BaseOptionFormSet(forms.BaseInlineFormSet):
    def clean(self):
        super().clean()
        if any(form.errors for form in self.forms):
            return
        kept = [
            f
            for f in self.forms
            if getattr(f, "cleaned_data", None)
            and not f.cleaned_data.get("DELETE")
            and not f.is_blank()
        ]
        kind = self.instance.kind
        problem = training.question_problem(
            kind, [bool(f.cleaned_data.get("correct")) for f in kept]
        )
        if problem:
            raise forms.ValidationError(problem)


OptionFormSet = inlineformset_factory(
    QuizQuestion, Option, form=OptionForm, formset=BaseOptionFormSet, extra=2, max_num=8,
    validate_max=True, can_delete=True,
)  # fmt: skip


class QuizForm(forms.Form):
    """The quiz of a module: one field per question, its options by id. An id that is not one
    of the question's options, or no answer, is a form error."""

    token = forms.CharField(widget=forms.HiddenInput, max_length=32)

    def __init__(self, module: TrainingModule, language: str, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.questions = list(module.questions.prefetch_related("options"))
        for n, question in enumerate(self.questions, start=1):
            choices = [
                (str(o.pk), training.tr(o, "text", language)) for o in question.options.all()
            ]
            label = f"{n}. {training.tr(question, 'text', language)}"
            if question.kind == QuizQuestion.Kind.MULTIPLE:
                self.fields[f"q{question.pk}"] = forms.MultipleChoiceField(
                    label=label, choices=choices, widget=forms.CheckboxSelectMultiple,
                    help_text=_("Tick every right answer."),
                    error_messages={"required": _("Tick at least one answer.")},
                )  # fmt: skip
            else:
                self.fields[f"q{question.pk}"] = forms.ChoiceField(
                    label=label, choices=choices, widget=forms.RadioSelect,
                    error_messages={"required": _("Choose an answer.")},
                )  # fmt: skip

    def clean(self):
        data = super().clean()
        assert data is not None
        for question in self.questions:
            name = f"q{question.pk}"
            # A radio sends one value; two for a one-answer question is a forged form.
            sent = self.data.getlist(name) if hasattr(self.data, "getlist") else []
            if question.kind == QuizQuestion.Kind.SINGLE and len(sent) > 1:
                self.add_error(name, _("Choose one answer."))
        return data

    def answers(self) -> dict[int, list[int]]:
        found = {}
        for question in self.questions:
            value = self.cleaned_data.get(f"q{question.pk}")
            values = value if isinstance(value, list) else [value]
            found[question.pk] = sorted(int(v) for v in values if v)
        return found


def _people():
    return Employee.objects.filter(is_active=True, user__isnull=False).order_by("name")


class PersonChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.name} ({obj.email})"


class PeopleChoice(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.name} ({obj.email})"


class PlanForm(forms.ModelForm):
    decision_maker = PersonChoice(queryset=_people(), required=False, label=_("decision maker"))
    data_owner = PersonChoice(
        queryset=_people(), required=False, label=_("data owner"),
        help_text=_("Keeps the figures and the targets."),
    )  # fmt: skip
    story_owner = PersonChoice(
        queryset=_people(), required=False, label=_("story owner"),
        help_text=_("Tells the success stories inside the company."),
    )  # fmt: skip
    ambassadors = PeopleChoice(
        queryset=_people(), required=False, label=_("ambassadors"),
        widget=forms.SelectMultiple(attrs={"size": 8}),
        help_text=_("Hold Ctrl (⌘ on a Mac) to choose several."),
    )  # fmt: skip
    departments = forms.ModelMultipleChoiceField(
        queryset=Department.objects.order_by("name"), required=False,
        widget=forms.CheckboxSelectMultiple, label=_("departments taking part"),
    )  # fmt: skip

    class Meta:
        model = ProgrammePlan
        fields = ["purpose_en", "purpose_da", "purpose_nb", "decision_maker", "data_owner",
                  "story_owner", "ambassadors", "departments", "rhythm", "meetings"]  # fmt: skip
        widgets = {f"purpose_{c}": forms.Textarea(attrs={"rows": 6}) for c in LANGUAGE_CODES}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _clean_texts(self, ("purpose",), ())
        self.fields["meetings"].validators.append(no_control_characters)
        for name in ("decision_maker", "data_owner", "story_owner", "ambassadors"):
            self.fields[name].queryset = _people()  # type: ignore[attr-defined]


class ObjectiveForm(forms.ModelForm):
    kpi = forms.ChoiceField(label=_("measured by"), required=False)

    class Meta:
        model = PlanObjective
        fields = ["objective_en", "objective_da", "objective_nb", "kpi"]

    def __init__(self, *args, kpis: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        _clean_texts(self, (), ("objective",))
        keys = {key for key, _label in kpis}
        kept = self.instance.kpi
        # A figure chosen earlier stays choosable even when this quarter has no such target.
        extra = [(kept, kept)] if kept and kept not in keys else []
        self.fields["kpi"].choices = [("", "–"), *kpis, *extra]  # type: ignore[attr-defined]
