"""The shell's own pages: home, the employee's profile, the language switch, the
organisation's settings and the audit log."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.core.paginator import Paginator
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from advocato.analytics.adoption import adoption_funnel
from advocato.content import services as content
from advocato.core.models import AuditEntry, Organisation
from advocato.core.translated import change_default_language
from advocato.enablement import services as enablement
from advocato.enablement import stories
from advocato.lib.permissions import employee_required, has_role, public, role_required
from advocato.people import services as people
from advocato.people.forms import ProfileForm
from advocato.people.models import Employee
from advocato.sharing.forms import GuidelinesForm
from advocato.sharing.models import Guidelines

from . import audit_display, personal_data
from .forms import AuditFilterForm, ForgetForm, OrganisationForm


@employee_required
def home(request):

    employee = request.employee
    latest = list(content.feed_for(employee)[:4])
    shared = content.shared_item_ids(employee)
    context = {
        "reports_count": employee.reports.filter(is_active=True).count(),
        "cards": [
            {"item": i, "text": content.localise(i, employee.language), "shared": i.pk in shared}
            for i in latest
        ],
    }
    context["stories"] = stories.newest(employee, get_language() or "en")
    steps = enablement.checklist(employee)
    if not all(step.done for step in steps):
        context["checklist"] = steps
    if has_role(employee, "curator"):
        context["in_review"] = content.review_count()
    if has_role(employee, "analyst"):
        context["funnel"] = adoption_funnel()
    if has_role(employee, "admin"):
        context["by_department"] = people.adoption_by_department()
    return render(request, "shell/home.html", context)


@employee_required
def profile(request):
    form = ProfileForm(request.POST or None, instance=request.employee)
    if request.method == "POST" and form.is_valid():
        employee = form.save()
        response = redirect("shell:profile")
        if employee.ui_language:
            response.set_cookie(
                settings.LANGUAGE_COOKIE_NAME,
                employee.ui_language,
                secure=settings.LANGUAGE_COOKIE_SECURE,
                httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
                samesite=settings.LANGUAGE_COOKIE_SAMESITE,
            )
        else:
            response.delete_cookie(settings.LANGUAGE_COOKIE_NAME)
        messages.success(request, _("Your profile is saved."))
        return response
    return render(request, "shell/profile.html", {"form": form})


@public
@require_POST
def set_language(request):
    """Switch the interface language. Signed-in employees keep the choice on their profile, so
    it follows them to other browsers; everyone else keeps it in a cookie."""
    code = request.POST.get("language", "")
    next_url = request.POST.get("next", "/")
    if not url_has_allowed_host_and_scheme(next_url, {request.get_host()}, request.is_secure()):
        next_url = "/"
    response = HttpResponseRedirect(next_url)
    if code and code not in dict(settings.LANGUAGES):
        return response
    employee = getattr(request, "employee", None)
    if employee is not None:
        # A preference, not an admin's change of data: written without the audit signals.
        type(employee).objects.filter(pk=employee.pk).update(ui_language=code)
    if code:
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME,
            code,
            max_age=365 * 24 * 3600,
            secure=settings.LANGUAGE_COOKIE_SECURE,
            httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
            samesite=settings.LANGUAGE_COOKIE_SAMESITE,
        )
    else:
        response.delete_cookie(settings.LANGUAGE_COOKIE_NAME)
    return response


@public
def media(request, path: str):
    from django.views.static import serve

    return serve(request, path, document_root=str(settings.MEDIA_ROOT))


@employee_required
def email_managed_by_admins(request):
    messages.info(
        request, _("Your e-mail address is managed by your Advocato admin. Ask them to change it.")
    )
    return redirect("shell:profile")


@role_required("admin")
def organisation_settings(request):

    form = OrganisationForm(request.POST or None, instance=Organisation.get(), prefix="org")
    guidelines = GuidelinesForm(request.POST or None, instance=Guidelines.get(), prefix="rules")
    if request.method == "POST" and form.is_valid() and guidelines.is_valid():
        old_language = Organisation.objects.get(pk=form.instance.pk).default_language
        form.save()
        guidelines.save()
        # Company texts are kept in the default language with translations beside them:
        # a new default language moves them (core.translated).
        change_default_language(old_language, form.instance.default_language)
        messages.success(request, _("Settings saved."))
        return redirect("shell:settings")
    return render(request, "shell/settings.html", {"form": form, "guidelines": guidelines})


@role_required("admin")
def audit_log(request):
    """Every change by an admin or curator, as people read it (see audit_display), filtered by
    who made it, what kind of thing it was and which days (the viewer's days)."""
    actors = (
        AuditEntry.objects.exclude(actor=None)
        .order_by()
        .values_list("actor_id", "actor_label")
        .distinct()
    )
    names = dict(Employee.objects.filter(user_id__in=[a for a, _l in actors]).values_list(
        "user_id", "name"
    ))  # fmt: skip
    people = sorted(
        {user_id: names.get(user_id) or label for user_id, label in actors}.items(),
        key=lambda pair: pair[1].lower(),
    )
    stored_types = AuditEntry.objects.order_by().values_list("object_type", flat=True).distinct()
    form = AuditFilterForm(
        request.GET or None, people=people, types=audit_display.type_choices(stored_types)
    )
    entries = AuditEntry.objects.all()
    filtered = False
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        if data["person"]:
            entries = entries.filter(actor_id=data["person"])
        if data["type"]:
            entries = entries.filter(object_type__iexact=data["type"])
        zone = timezone.get_current_timezone()
        if data["start"]:
            entries = entries.filter(at__gte=datetime.combine(data["start"], time.min, tzinfo=zone))
        if data["end"]:
            after = data["end"] + timedelta(days=1)
            entries = entries.filter(at__lt=datetime.combine(after, time.min, tzinfo=zone))
        filtered = any(data.values())
    elif form.is_bound:
        entries = entries.none()
        filtered = True
    page = Paginator(entries, 50).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    return render(
        request,
        "shell/audit.html",
        {
            "page": page,
            "rows": audit_display.rows(page.object_list),
            "form": form,
            "filtered": filtered,
            "params": params.urlencode(),
        },
    )


# --- My data -------------------------------------------------------------------------------------


@employee_required
def my_data(request):
    return render(
        request,
        "shell/my_data.html",
        {"sections": personal_data.for_page(personal_data.collect(request.employee))},
    )


@employee_required
def my_data_download(request):
    response = HttpResponse(personal_data.archive(request.employee), content_type="application/zip")
    response["Content-Disposition"] = 'attachment; filename="advocato-my-data.zip"'
    return response


@employee_required
def delete_me(request):
    """Delete my account: the person confirms by typing their e-mail address."""
    employee = request.employee
    form = ForgetForm(request.POST or None, email=employee.email)
    if request.method == "POST" and form.is_valid():
        try:
            personal_data.forget(employee, by=employee)
        except personal_data.ForgetError as exc:
            form.add_error(None, str(exc))
        else:
            logout(request)
            messages.success(request, _("Your account and your personal data are deleted."))
            return redirect("account_login")
    return render(
        request, "shell/delete_me.html", {"form": form}, status=400 if form.errors else 200
    )


@role_required("admin")
@require_POST
def forget_person(request, pk: int):
    """An admin deletes a person's data on their request (from the person's page)."""
    person = get_object_or_404(Employee, pk=pk)
    form = ForgetForm(request.POST, email=person.email)
    if not form.is_valid():
        messages.error(request, _("Type the person's e-mail address to confirm."))
        return redirect("people:detail", pk=pk)
    try:
        personal_data.forget(person, by=request.employee)
    except personal_data.ForgetError as exc:
        messages.error(request, str(exc))
        return redirect("people:detail", pk=pk)
    messages.success(
        request, _("The person's personal data is deleted; their figures stay, anonymous.")
    )
    return redirect("people:list")
