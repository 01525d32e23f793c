"""People pages: the directory, inviting, CSV import, employee records, groups, a manager's
team, the adoption funnel and accepting an invitation. Rules live in `services`."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import login, logout
from django.core.paginator import Paginator
from django.db.models import Count, Exists, OuterRef, Q
from django.http import HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from advocato.core.models import Organisation
from advocato.lib.permissions import employee_required, public, role_required

from . import forms, picker, services
from .invite_csv import KNOWN_COLUMNS, TEMPLATE_CSV, InviteCSVError
from .models import Department, Employee, Group, Invitation, InviteImport, Role


def _base_url(request) -> str:
    return request.build_absolute_uri("/")


STATUS_FILTERS = {
    "registered": Q(user__isnull=False, is_active=True),
    "invited": Q(user__isnull=True, is_active=True, open_invitation=True),
    "withdrawn": Q(user__isnull=True, is_active=True, open_invitation=False),
    "inactive": Q(is_active=False),
}


@employee_required
def search_people(request):
    """The people picker's search (people/picker.py): JSON, only whom the scope lets the
    viewer find; 403 for a scope they may not search."""
    query = request.GET.get("q", "")[:100]
    try:
        found = picker.search(request.GET.get("scope", "colleagues"), request.employee, query)
    except picker.ScopeRefused:
        return JsonResponse({"error": _("You cannot search these people.")}, status=403)
    return JsonResponse({"results": found})


@role_required("admin")
def employee_list(request):
    employees = Employee.objects.select_related("department", "team", "location", "user").annotate(
        open_invitation=Exists(
            Invitation.objects.filter(employee=OuterRef("pk"), accepted_at=None, revoked_at=None)
        )
    )
    query = request.GET.get("q", "").strip()
    if query:
        employees = employees.filter(
            Q(name__icontains=query) | Q(email__icontains=query) | Q(title__icontains=query)
        )
    status = request.GET.get("status", "")
    if status in STATUS_FILTERS:
        employees = employees.filter(STATUS_FILTERS[status])
    department = request.GET.get("department", "")
    if department.isascii() and department.isdigit() and len(department) < 12:
        employees = employees.filter(department_id=int(department))
    role = request.GET.get("role", "")
    if role in Role.values:
        employees = employees.filter(role=role)
    page = Paginator(employees.order_by("name"), 50).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    return render(
        request,
        "people/list.html",
        {
            "page": page,
            "query": query,
            "status": status,
            "department": department,
            "role": role,
            "departments": Department.objects.all(),
            "roles": Role.choices,
            "filtered": bool(query or status or department or role),
            "params": params.urlencode(),
        },
    )


@role_required("admin")
def invite(request):
    form = forms.InviteForm(request.POST or None, initial=_invite_initial())
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            employee = services.invite_employee(
                invited_by=request.employee,
                email=data["email"],
                name=data["name"],
                title=data["title"],
                department=data["department"].strip(),
                team=data["team"].strip(),
                location=data["location"].strip(),
                language=data["language"],
                time_zone=data["time_zone"],
                manager=data["manager"],
                groups=list(data["groups"]),
                role=data["role"],
                base_url=_base_url(request),
            )
        except services.PeopleError as exc:
            form.add_error("email", str(exc))
        else:
            messages.success(
                request,
                _("Invitation sent to %(name)s <%(email)s>.")
                % {"name": employee.name, "email": employee.email},
            )
            if "another" in request.POST:
                return redirect("people:invite")
            return redirect("people:detail", pk=employee.pk)
    return render(request, "people/invite.html", {"form": form, **forms.datalists()})


def _invite_initial() -> dict:

    org = Organisation.get()
    return {"language": org.default_language, "time_zone": org.time_zone}


@role_required("admin")
def import_upload(request):
    form = forms.CSVUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        data = upload.read(services.settings.INVITE_CSV_MAX_BYTES + 1)
        try:
            staged = services.stage_invite_import(
                uploaded_by=request.employee, filename=upload.name, data=data
            )
        except InviteCSVError as exc:
            form.add_error("file", str(exc))
        else:
            return redirect("people:import_report", pk=staged.pk)
    recent = InviteImport.objects.select_related("uploaded_by")[:5]
    return render(
        request,
        "people/import_upload.html",
        {"form": form, "columns": KNOWN_COLUMNS, "recent": recent},
    )


@role_required("admin")
def import_template(request):
    response = HttpResponse(TEMPLATE_CSV, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="advocato-invitations.csv"'
    return response


@role_required("admin")
def import_report(request, pk: int):
    staged = get_object_or_404(InviteImport, pk=pk)
    if request.method == "POST":
        try:
            count = services.run_invite_import(
                staged, invited_by=request.employee, base_url=_base_url(request)
            )
        except services.PeopleError as exc:
            messages.error(request, str(exc))
            return redirect("people:import_report", pk=staged.pk)
        messages.success(
            request,
            _("%(count)d people invited. Their e-mails are on their way.") % {"count": count},
        )
        return redirect("people:list")
    return render(
        request,
        "people/import_report.html",
        {
            "staged": staged,
            "good": len(staged.rows),
            "bad_lines": len({p["line"] for p in staged.problems}),
        },
    )


@role_required("admin")
def employee_detail(request, pk: int):
    employee = get_object_or_404(
        Employee.objects.select_related("department", "team", "location", "manager", "user"), pk=pk
    )
    form = forms.EmployeeForm(request.POST or None, instance=employee)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Saved."))
        return redirect("people:detail", pk=employee.pk)
    return render(
        request,
        "people/detail.html",
        {
            "subject": employee,
            "form": form,
            "invitations": employee.invitations.select_related("invited_by"),
            **forms.datalists(),
        },
    )


def _employee_action(request, pk: int, action) -> HttpResponse:
    employee = get_object_or_404(Employee, pk=pk)
    try:
        message = action(employee)
    except services.PeopleError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, message)
    return redirect("people:detail", pk=employee.pk)


@require_POST
@role_required("admin")
def resend(request, pk: int):
    def action(employee):
        services.resend_invitation(
            employee, invited_by=request.employee, base_url=_base_url(request)
        )
        return _("Invitation sent again to %(email)s.") % {"email": employee.email}

    return _employee_action(request, pk, action)


@require_POST
@role_required("admin")
def revoke(request, pk: int):
    def action(employee):
        services.revoke_invitation(employee)
        return _("Invitation withdrawn; the link no longer works.")

    return _employee_action(request, pk, action)


@require_POST
@role_required("admin")
def set_active(request, pk: int):
    active = request.POST.get("active") == "1"

    def action(employee):
        if employee == request.employee and not active:
            raise services.PeopleError(_("You cannot deactivate yourself."))
        services.set_active(employee, active)
        message = _("%(name)s is active again.") if active else _("%(name)s is deactivated.")
        return message % {"name": employee.name}

    return _employee_action(request, pk, action)


@role_required("admin")
def groups(request):
    form = forms.GroupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        group = form.save()
        messages.success(request, _("Group “%(name)s” created.") % {"name": group.name})
        return redirect("people:groups")
    all_groups = Group.objects.annotate(size=Count("members"))
    return render(request, "people/groups.html", {"form": form, "groups": all_groups})


@role_required("admin")
def group_edit(request, pk: int):
    group = get_object_or_404(Group, pk=pk)
    if request.method == "POST" and "delete" in request.POST:
        name = group.name
        group.delete()
        messages.success(request, _("Group “%(name)s” deleted.") % {"name": name})
        return redirect("people:groups")
    form = forms.GroupForm(request.POST or None, instance=group)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Saved."))
        return redirect("people:groups")
    members = group.members.select_related("department").order_by("name")[:200]
    return render(
        request, "people/group_edit.html", {"form": form, "group": group, "members": members}
    )


@public
def accept(request, token: str):
    check = services.check_invitation_token(token)
    if check.problem:
        status = 410 if check.problem in {"expired", "revoked"} else 404
        if check.problem == "accepted":
            status = 200
        return render(
            request, "people/accept_problem.html", {"problem": check.problem}, status=status
        )
    invitation = check.invitation
    assert invitation is not None  # no problem: the token names an invitation
    employee = invitation.employee
    form = forms.AcceptInvitationForm(request.POST or None, employee=employee)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.accept_invitation(invitation, form.cleaned_data["password1"])
        except services.PeopleError as exc:
            form.add_error(None, str(exc))
        else:
            if request.user.is_authenticated:
                logout(request)
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(request, _("Welcome to Advocato, %(name)s!") % {"name": employee.name})
            return redirect(reverse("home"))
    return render(request, "people/accept.html", {"form": form, "invitee": employee})
