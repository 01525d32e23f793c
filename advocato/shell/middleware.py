"""Per-request context: the signed-in employee, their chosen language and time zone (times on
pages are shown on the viewer's own clock; analytics count days in the company's zone and say
so), the audit actor, the mark that tells the redirect this browser is theirs
(`links.selfmark`), and the organisation's rule that admins use two-factor authentication."""

from __future__ import annotations

from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.functional import SimpleLazyObject

from advocato.core import audit
from advocato.core.models import Organisation
from advocato.links import selfmark
from advocato.people.models import Employee


def _employee_for(user):
    if not user.is_authenticated:
        return None

    return (
        Employee.objects.select_related("department", "team", "location").filter(user=user).first()
    )


class CurrentEmployeeMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        employee = _employee_for(request.user)
        request.employee = employee
        if employee is not None and employee.ui_language:
            translation.activate(employee.ui_language)
            request.LANGUAGE_CODE = employee.ui_language
        if employee is not None and employee.time_zone:
            try:
                timezone.activate(ZoneInfo(employee.time_zone))
            except (ZoneInfoNotFoundError, ValueError):
                timezone.deactivate()  # an unknown zone: the server's, not an error page
        token = audit.set_actor(SimpleLazyObject(lambda: request.user))
        try:
            response = self.get_response(request)
        finally:
            audit.reset_actor(token)
            timezone.deactivate()
        if employee is not None:
            # Their own clicks stay theirs after they sign out (the redirect reads the mark).
            selfmark.mark(request, response, employee.pk)
        return response


class RequireAdminMFAMiddleware:
    """When the organisation requires it, an admin without an authenticator is sent to set one
    up; only the account pages (to set it up, or to sign out) stay open until then."""

    OPEN_PREFIXES = ("/accounts/", "/static/", "/i18n/", "/invite/")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if self._must_set_up(request):
            return redirect(reverse("mfa_activate_totp"))
        return self.get_response(request)

    def _must_set_up(self, request) -> bool:
        user = request.user
        if not user.is_authenticated or request.path.startswith(self.OPEN_PREFIXES):
            return False
        employee = getattr(request, "employee", None)
        is_admin = user.is_superuser or (employee is not None and employee.role == "admin")
        if not is_admin:
            return False
        from allauth.mfa.utils import is_mfa_enabled

        return Organisation.get().require_mfa_for_admins and not is_mfa_enabled(user)
