"""Who may open which page. Every view in the product is wrapped in exactly one of these, and a
test walks the URL configuration to prove it (`test_every_view_declares_its_access`).

Admins may do everything; the other roles see the pages written for them plus every
employee's own pages.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

EVERYONE = "everyone"  # any signed-in, active employee


def role_required(*roles: str) -> Callable:
    allowed = frozenset(roles) | {"admin"}

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            employee = getattr(request, "employee", None)
            if employee is None or not employee.is_active:
                raise PermissionDenied(
                    _("Your account has no active employee profile. Ask an admin to invite you.")
                )
            if EVERYONE not in roles and employee.role not in allowed:
                raise PermissionDenied(_("This page is not part of your role."))
            return view(request, *args, **kwargs)

        wrapper.access = tuple(sorted(allowed))  # type: ignore[attr-defined]
        return wrapper

    return decorator


def employee_required(view: Callable) -> Callable:
    return role_required(EVERYONE)(view)


def public(view: Callable) -> Callable:
    """Open to anyone, signed in or not (the invitation link, the language switch)."""
    view.access = ("public",)  # type: ignore[attr-defined]
    return view


def has_role(employee, *roles: str) -> bool:
    return employee is not None and (employee.role == "admin" or employee.role in roles)
