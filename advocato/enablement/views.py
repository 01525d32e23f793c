"""Enablement pages: the policy to read and accept, the admin's versions and who accepted
them, and the onboarding checklist's completion for the programme team."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from advocato.lib.permissions import employee_required, role_required

from . import services
from .forms import EnablementSettingsForm, PolicyForm
from .models import EnablementSettings, PolicyVersion


@employee_required
def policy(request):
    current = services.current_policy()
    context: dict = {"current": current}
    if current is not None:
        language, html = services.policy_text(current, get_language() or "en")
        earlier = (
            request.employee.acceptances.select_related("version").exclude(version=current).first()
        )
        context.update(
            html=html,
            language=language,
            accepted=services.accepted(request.employee, current),
            earlier=earlier,
            waits=EnablementSettings.get().sharing_waits_for_policy,
        )
    return render(request, "enablement/policy.html", context)


@employee_required
@require_POST
def accept(request, number: int):
    version = get_object_or_404(PolicyVersion, number=number)
    try:
        services.accept(request.employee, version)
    except services.EnablementError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Thank you — you accepted the policy."))
    return redirect("enablement:policy")


@role_required("admin")
def manage(request):
    form = EnablementSettingsForm(request.POST or None, instance=EnablementSettings.get())
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Settings saved."))
        return redirect("enablement:manage")
    current = services.current_policy()
    return render(
        request,
        "enablement/manage.html",
        {
            "form": form,
            "versions": PolicyVersion.objects.all(),
            "current": current,
            "accepted_count": current.accepted.count() if current else 0,
        },
    )


@role_required("admin")
@require_POST
def new_version(request):
    draft = PolicyVersion.objects.filter(published_at__isnull=True).order_by("-number").first()
    if draft is None:
        draft = services.new_draft(request.employee)
    return redirect("enablement:edit", number=draft.number)


@role_required("admin")
def edit(request, number: int):
    version = get_object_or_404(PolicyVersion, number=number)
    if version.is_published:
        messages.info(request, _("A published version cannot change; start a new version."))
        return redirect("enablement:manage")
    form = PolicyForm(request.POST or None, instance=version)
    if request.method == "POST" and form.is_valid():
        form.save()
        if "publish" in request.POST:
            try:
                services.publish(version)
            except services.EnablementError as exc:
                messages.error(request, str(exc))
                return redirect("enablement:edit", number=number)
            messages.success(request, _("Published: everyone is asked to read it."))
            return redirect("enablement:manage")
        messages.success(request, _("Draft saved."))
        return redirect("enablement:edit", number=number)
    previews = [
        (code, label, services.render(version.body(code)))
        for code, label in (("en", _("English")), ("da", _("Danish")), ("nb", _("Norwegian")))
    ]
    status = 400 if form.errors else 200
    return render(
        request,
        "enablement/edit.html",
        {"form": form, "version": version, "previews": previews},
        status=status,
    )


@role_required("admin")
def acceptances(request, number: int):
    version = get_object_or_404(PolicyVersion, number=number, published_at__isnull=False)
    if request.GET.get("format") == "csv":
        response = HttpResponse(services.acceptances_csv(version), content_type="text/csv")
        response["Content-Disposition"] = f'attachment; filename="policy-v{number}.csv"'
        return response
    rows = services.acceptances(version)
    return render(
        request,
        "enablement/acceptances.html",
        {
            "version": version,
            "rows": rows,
            "accepted": sum(1 for r in rows if r["accepted_at"]),
        },
    )


@role_required("admin", "analyst")
def onboarding(request):
    by = "group" if request.GET.get("by") == "group" else "department"
    return render(
        request, "enablement/onboarding.html", {"by": by, "found": services.completion(by)}
    )


@employee_required
@require_POST
def tick(request, step: str):
    try:
        services.tick(request.employee, step)
    except services.EnablementError as exc:
        messages.error(request, str(exc))
    return redirect("home")
