"""The quarterly evaluation report (page and PDF) and the summary e-mail subscriptions."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from advocato.lib.permissions import role_required
from advocato.people.models import Employee

from . import evaluation as service
from .models import Evaluation, Subscription, Target


def _quarter_or_404(year: int, quarter: int) -> None:
    try:
        service.check_quarter(year, quarter)
    except ValueError:
        raise Http404(_("There is no such quarter to evaluate.")) from None


class EvaluationForm(forms.Form):
    conclusions = forms.CharField(
        label=gettext_lazy("What we conclude"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=gettext_lazy("What worked, what did not, and why — in the team's own words."),
    )
    next_plan = forms.CharField(
        label=gettext_lazy("Our plan for next quarter"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=gettext_lazy("What you will keep, change or try, and who does it."),
    )

    def clean_conclusions(self) -> str:
        return service.check_text(self.cleaned_data["conclusions"])

    def clean_next_plan(self) -> str:
        return service.check_text(self.cleaned_data["next_plan"])


@role_required("analyst")
def evaluations(request):
    quarters = service.recent_quarters()
    written = {
        (e.year, e.quarter): e
        for e in Evaluation.objects.filter(year__in={y for y, _q in quarters})
        if (e.year, e.quarter) in quarters
    }
    targets: dict[tuple[int, int], int] = {}
    for year, quarter in Target.objects.filter(year__in={y for y, _q in quarters}).values_list(
        "year", "quarter"
    ):
        targets[(year, quarter)] = targets.get((year, quarter), 0) + 1
    rows = [
        {
            "year": year,
            "quarter": quarter,
            "name": service.quarter_name(year, quarter),
            "current": index == 0,
            "evaluation": written.get((year, quarter)),
            "targets": targets.get((year, quarter), 0),
            "pdf_name": service.filename(year, quarter),
        }
        for index, (year, quarter) in enumerate(quarters)
    ]
    return render(request, "analytics/evaluations.html", {"quarters": rows})


@role_required("analyst")
@require_http_methods(["GET", "HEAD", "POST"])
def evaluation(request, year: int, quarter: int):
    _quarter_or_404(year, quarter)
    saved = Evaluation.objects.filter(year=year, quarter=quarter).first()
    if request.method == "POST":
        form = EvaluationForm(request.POST)
        if form.is_valid():
            try:
                service.save_evaluation(
                    year,
                    quarter,
                    form.cleaned_data["conclusions"],
                    form.cleaned_data["next_plan"],
                    by=request.employee,
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(
                    request,
                    _("Saved with %(quarter)s.") % {"quarter": service.quarter_name(year, quarter)},
                )
                return redirect(reverse("analytics:evaluation", args=[year, quarter]) + "#written")
    else:
        form = EvaluationForm(
            initial={
                "conclusions": saved.conclusions if saved else "",
                "next_plan": saved.next_plan if saved else "",
            }
        )
    data = service.report(year, quarter)
    context = {
        "data": data,
        "charts": service.report_charts(data),
        "form": form,
        "voice_text": service.voice_text(data["voice"]),
        "best_time_text": service.best_time_text(data["best_time"]["best"]),
        "steadiness_text": service.steadiness_text(data["steadiness"]),
        "targets_text": service.targets_text(data),
        "no_content_text": service.no_content_text(),
        "min_shares": service.MIN_SHARES,
        "previous": service.previous_quarter(year, quarter),
        "pdf_name": service.filename(year, quarter),
    }
    return render(request, "analytics/evaluation.html", context, status=400 if form.errors else 200)


@role_required("analyst")
@require_http_methods(["GET", "HEAD"])
def evaluation_pdf(request, year: int, quarter: int) -> HttpResponse:
    _quarter_or_404(year, quarter)
    data = service.report(year, quarter)
    response = HttpResponse(service.pdf(data), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{service.filename(year, quarter)}"'
    response["Cache-Control"] = "private, no-store"
    return response


# --- Subscriptions to the summary e-mail -----------------------------------------------------


def subscribable():
    """People who can receive the summary: active and registered, with an e-mail address."""
    return Employee.objects.filter(is_active=True, user__isnull=False).exclude(email="")


class SubscriptionForm(forms.Form):
    employee = forms.ModelChoiceField(
        label=gettext_lazy("Person"),
        queryset=Employee.objects.none(),
        help_text=gettext_lazy("Active, registered people only."),
    )
    frequency = forms.ChoiceField(
        label=gettext_lazy("How often"), choices=Subscription.Frequency.choices
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        employee = self.fields["employee"]
        assert isinstance(employee, forms.ModelChoiceField)
        employee.queryset = subscribable().order_by("name", "email")
        # Django's per-field override of a method; mypy types it as a method with self.
        employee.label_from_instance = lambda e: (  # type: ignore[method-assign,assignment]
            f"{e.name} <{e.email}>" if e.name else e.email
        )

    def clean(self):
        cleaned = super().clean()
        assert cleaned is not None  # Form.clean returns cleaned_data
        employee, frequency = cleaned.get("employee"), cleaned.get("frequency")
        exists = Subscription.objects.filter(employee=employee, frequency=frequency).exists
        if employee and frequency and exists():
            raise ValidationError(
                _("%(person)s already gets this summary (%(frequency)s).")
                % {
                    "person": employee.name or employee.email,
                    "frequency": Subscription.Frequency(frequency).label,
                },
                code="duplicate",
            )
        return cleaned


@role_required("analyst")
@require_http_methods(["GET", "HEAD", "POST"])
def subscriptions(request):
    form = SubscriptionForm()
    status = 200
    if request.method == "POST":
        if request.POST.get("action") == "remove":
            found = get_object_or_404(Subscription, pk=_int_or_404(request.POST.get("id")))
            name = found.employee.name or found.employee.email
            found.delete()
            messages.success(
                request, _("%(person)s no longer gets the summary e-mail.") % {"person": name}
            )
            return redirect("analytics:subscriptions")
        form = SubscriptionForm(request.POST)
        if form.is_valid():
            employee = form.cleaned_data["employee"]
            try:
                with transaction.atomic():
                    Subscription.objects.create(
                        employee=employee, frequency=form.cleaned_data["frequency"]
                    )
            except IntegrityError:  # added by someone else a moment ago
                form.add_error(None, _("This person already gets that summary."))
            else:
                messages.success(
                    request,
                    _("%(person)s will get the summary e-mail.")
                    % {"person": employee.name or employee.email},
                )
                return redirect("analytics:subscriptions")
        status = 400
    rows = Subscription.objects.select_related("employee").order_by(
        "employee__name", "employee__email", "frequency"
    )
    return render(
        request, "analytics/subscriptions.html", {"form": form, "rows": rows}, status=status
    )


def _int_or_404(value) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        raise Http404 from None
