"""Admin pages for webhooks: the endpoints, adding and editing one, its secret (shown once),
its delivery log, sending a message again, switching it on and off. Thin: the rules are in
`services`."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count, Max, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from advocato.lib.permissions import role_required

from . import events, services
from .forms import EndpointForm
from .models import WebhookAttempt, WebhookEndpoint, WebhookMessage

# The new secret travels from the POST that made it to the one page that shows it, in the
# session, and is removed from it as it is shown.
SHOWN_ONCE = "webhook_secret_once"


@role_required("admin")
def endpoints(request: HttpRequest) -> HttpResponse:
    found = WebhookEndpoint.objects.annotate(
        delivered=Count("messages", filter=Q(messages__status=WebhookMessage.Status.DELIVERED)),
        failed=Count("messages", filter=Q(messages__status=WebhookMessage.Status.FAILED)),
        waiting=Count("messages", filter=Q(messages__status=WebhookMessage.Status.PENDING)),
        last_attempt=Max("tries__at"),
    ).order_by("pk")
    return render(request, "api/webhooks/endpoints.html", {"endpoints": found})


@role_required("admin")
def add(request: HttpRequest) -> HttpResponse:
    form = EndpointForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        endpoint, secret = services.create_endpoint(
            url=form.cleaned_data["url"],
            events_=form.cleaned_data["events"],
            description=form.cleaned_data["description"],
            by=request.employee,  # type: ignore[attr-defined]
        )
        request.session[SHOWN_ONCE] = {"endpoint": endpoint.pk, "secret": secret}
        return redirect("api:webhook", endpoint.pk)
    status = 400 if form.is_bound else 200
    return render(request, "api/webhooks/edit.html", {"form": form}, status=status)


@role_required("admin")
def edit(request: HttpRequest, pk: int) -> HttpResponse:
    endpoint = get_object_or_404(WebhookEndpoint, pk=pk)
    initial = {"url": endpoint.url, "description": endpoint.description, "events": endpoint.events}
    form = EndpointForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        services.update_endpoint(
            endpoint,
            url=form.cleaned_data["url"],
            events_=form.cleaned_data["events"],
            description=form.cleaned_data["description"],
        )
        messages.success(request, _("Saved."))
        return redirect("api:webhook", endpoint.pk)
    status = 400 if form.is_bound else 200
    context = {"form": form, "endpoint": endpoint}
    return render(request, "api/webhooks/edit.html", context, status=status)


@role_required("admin")
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    endpoint = get_object_or_404(WebhookEndpoint, pk=pk)
    once = request.session.pop(SHOWN_ONCE, None)
    secret = once["secret"] if once and once.get("endpoint") == endpoint.pk else ""
    status = request.GET.get("status", "")
    found = endpoint.messages.order_by("-created_at", "-pk")
    if status in WebhookMessage.Status.values:
        found = found.filter(status=status)
    page = Paginator(found, 25).get_page(request.GET.get("page"))
    shown = list(page.object_list)
    tries: dict[int, list[WebhookAttempt]] = {}
    for attempt in WebhookAttempt.objects.filter(message__in=shown).order_by("-at", "-pk"):
        tries.setdefault(attempt.message_id, []).append(attempt)
    for message in shown:
        message.log = tries.get(message.pk, [])
    context = {
        "endpoint": endpoint,
        "secret": secret,
        "page": page,
        "shown": shown,
        "status": status,
        "statuses": WebhookMessage.Status.choices,
        "labels": events.EVENTS,
        "now": timezone.now(),
        "params": urlencode({"status": status}) if status else "",
    }
    return render(request, "api/webhooks/detail.html", context)


@role_required("admin")
@require_POST
def rotate(request: HttpRequest, pk: int) -> HttpResponse:
    endpoint = get_object_or_404(WebhookEndpoint, pk=pk)
    secret = services.rotate_secret(endpoint)
    request.session[SHOWN_ONCE] = {"endpoint": endpoint.pk, "secret": secret}
    messages.success(
        request,
        _("New secret made. The old one keeps signing beside it for 24 hours."),
    )
    return redirect("api:webhook", endpoint.pk)


@role_required("admin")
@require_POST
def switch(request: HttpRequest, pk: int) -> HttpResponse:
    endpoint = get_object_or_404(WebhookEndpoint, pk=pk)
    if request.POST.get("enable") == "1":
        services.enable(endpoint)
        messages.success(request, _("Enabled: new events are sent to it again."))
    else:
        name = request.employee.name  # type: ignore[attr-defined]
        services.disable(endpoint, _("Disabled by %(name)s.") % {"name": name})
        messages.success(request, _("Disabled: nothing is sent to it until you enable it."))
    return redirect("api:webhook", endpoint.pk)


@role_required("admin")
@require_POST
def redeliver(request: HttpRequest, pk: int, message_pk: int) -> HttpResponse:
    message = get_object_or_404(WebhookMessage, pk=message_pk, endpoint_id=pk)
    try:
        services.redeliver(message)
    except services.WebhookError as exc:
        messages.error(request, exc.message)
        return redirect("api:webhook", pk)
    messages.success(request, _("Sent again; the log below shows the answer."))
    return redirect("api:webhook", pk)


@role_required("admin")
@require_POST
def test_message(request: HttpRequest, pk: int) -> HttpResponse:
    endpoint = get_object_or_404(WebhookEndpoint, pk=pk)
    if not endpoint.is_active:
        messages.error(request, _("Enable the endpoint before sending anything to it."))
        return redirect("api:webhook", pk)
    services.send_test(endpoint)
    messages.success(request, _("Test message sent; the log below shows the answer."))
    return redirect("api:webhook", pk)


@role_required("admin")
@require_POST
def delete(request: HttpRequest, pk: int) -> HttpResponse:
    endpoint = get_object_or_404(WebhookEndpoint, pk=pk)
    endpoint.delete()
    messages.success(request, _("Endpoint deleted."))
    return redirect("api:webhooks")
