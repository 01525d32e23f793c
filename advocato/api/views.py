"""The API token pages: admins make and revoke service tokens; everyone may make personal
tokens for their own scripts, on a page reached from their profile. The secret is shown
once, on the page the token was made on."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from advocato.lib.permissions import employee_required, public, role_required

from . import tokens
from .forms import TokenForm
from .models import ApiToken
from .v1 import problems


@public
@csrf_exempt
def not_found(request, *args, **kwargs):
    return problems.response(problems.Problem(404, _("No such address in the API.")))


def _tokens_page(request, *, service: bool):
    owner = request.employee
    form = TokenForm(request.POST or None, owner=owner, service=service)
    secret = None
    made = None
    if request.method == "POST" and form.is_valid():
        try:
            result = tokens.create_token(
                by=owner,
                name=form.cleaned_data["name"],
                scopes=form.cleaned_data["scopes"],
                kind=ApiToken.Kind.SERVICE if service else ApiToken.Kind.PERSONAL,
                expires_in_days=form.expiry(),
            )
        except tokens.TokenError as exc:
            form.add_error(exc.field or None, str(exc))
        else:
            secret, made = result.secret, result.token
            form = TokenForm(owner=owner, service=service)
    listed = tokens.service_tokens() if service else tokens.personal_tokens(owner)
    response = render(
        request,
        "api/tokens.html",
        {
            "form": form,
            "tokens": listed,
            "service": service,
            "secret": secret,
            "made": made,
            "scopes": tokens.scopes_for(owner),
        },
    )
    if secret:
        response["Cache-Control"] = "no-store"
    return response


@role_required("admin")
def service_tokens(request):
    return _tokens_page(request, service=True)


@employee_required
def personal_tokens(request):
    return _tokens_page(request, service=False)


@require_POST
@employee_required
def revoke(request, pk: int):
    token = get_object_or_404(ApiToken, pk=pk)
    if not tokens.may_manage(request.employee, token):
        messages.error(request, _("You may not revoke this token."))
    else:
        tokens.revoke_token(token, by=request.employee)
        messages.success(request, _("The token “%(name)s” is revoked.") % {"name": token.name})
    if token.kind == ApiToken.Kind.SERVICE:
        return redirect("api:service_tokens")
    return redirect("api:personal_tokens")
