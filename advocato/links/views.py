"""The redirect: `/l/<code>` → the item's own URL, with UTM parameters and an attribution
token. Link-preview bots get a page of Open Graph tags instead. See `services` for why this
stays fast and never loses a click."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from django.conf import settings
from django.http import HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST, require_safe

from advocato.content import services as content
from advocato.content.models import ContentItem
from advocato.lib.jsonbody import JSONBodyError, parse_json
from advocato.lib.permissions import public
from advocato.people.models import Employee

from . import agents, conversions, selfmark, services
from .models import Click

CODE_RE = re.compile(r"^[A-Za-z0-9_-]{6,16}$")


def _no_store(response: HttpResponse) -> HttpResponse:
    # Browsers must ask us every time, or repeat visits never reach our counts.
    response["Cache-Control"] = "private, no-store"
    response["X-Robots-Tag"] = "noindex"
    response["Referrer-Policy"] = "no-referrer-when-downgrade"
    return response


def _not_found(request) -> HttpResponse:
    translation.activate(translation.get_language_from_request(request))
    return _no_store(render(request, "links/not_found.html", status=404))


@public
def unknown_link(request, *args, **kwargs):
    return _not_found(request)


def _client_ip(request) -> str:
    return request.META.get("REMOTE_ADDR", "")


@public
@require_safe
def follow(request, code: str):
    if not CODE_RE.match(code):
        return _not_found(request)
    info = services.link_info(code)
    if info is None or not info["url"]:
        return _not_found(request)
    meta = request.META
    user_agent = meta.get("HTTP_USER_AGENT", "")
    kind = agents.classify(user_agent, meta)
    token = services.new_token()
    quiet = request.method == "HEAD" or agents.is_prefetch(meta)  # nobody is looking yet
    if kind == agents.Kind.PREVIEW:
        if not quiet:
            _record(request, info, Click.Kind.PREVIEW, token, user_agent)
        return _no_store(preview_page(request, info))
    response = _no_store(HttpResponseRedirect(services.destination(info, token)))
    if quiet:
        return response
    if kind == agents.Kind.BOT:
        _record(request, info, Click.Kind.BOT, token, user_agent)
    elif _is_sharer(request, info):
        _record(request, info, Click.Kind.SELF, token, user_agent)
    else:
        _record(request, info, Click.Kind.HUMAN, token, user_agent)
    return response


def _is_sharer(request, info: dict) -> bool:
    # The sharer's own browser: marked as theirs (`selfmark`: they used the site in it, even
    # if signed out now), or signed in as them. Both lookups cost nothing for visitors
    # without our cookies.
    if info["employee_id"] in selfmark.marked_ids(request):
        return True
    if settings.SESSION_COOKIE_NAME not in request.COOKIES:  # visitors have no session
        return False
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return False

    return Employee.objects.filter(pk=info["employee_id"], user=user).exists()


def _record(request, info: dict, kind: str, token: str, user_agent: str) -> None:
    referrer = urlsplit(request.META.get("HTTP_REFERER", "")).hostname or ""
    today = timezone.localdate()
    services.record_click(
        info,
        kind=kind,
        token=token,
        visitor=services.visitor_hash(_client_ip(request), user_agent, today),
        network=services.network_hash(_client_ip(request), today),
        referrer_domain=referrer,
        device=agents.device_class(user_agent),
        country=services.country(_client_ip(request)),
    )


def preview_page(request, info: dict) -> HttpResponse:

    item = ContentItem.objects.prefetch_related("variants").get(pk=info["item_id"])
    text = content.localise(item, info["language"])
    image = item.picture
    if image and image.startswith("/"):
        image = request.build_absolute_uri(image)
    return render(
        request,
        "links/preview.html",
        {
            "title": text.title,
            "description": text.commentary,
            "image": image,
            "language": text.language,
            "site_name": item.site_name,
            "short_url": request.build_absolute_uri(),
            "destination": info["url"],
        },
    )


def _json(data: dict, status: int = 200, origin: str = "") -> JsonResponse:
    response = JsonResponse(data, status=status)
    if origin:
        response["Access-Control-Allow-Origin"] = origin
        response["Vary"] = "Origin"
    return response


@public
@csrf_exempt
def convert(request):
    """Conversions from the snippet on the company's website (cross-origin JSON)."""
    origin = request.headers.get("Origin", "").rstrip("/")
    allowed = origin in settings.CONVERSION_ORIGINS
    if request.method == "OPTIONS":
        if not allowed:
            return _json({"error": _("Use POST.")}, 403)
        response = HttpResponse(status=204)
        response["Access-Control-Allow-Origin"] = origin
        response["Vary"] = "Origin"
        response["Access-Control-Allow-Methods"] = "POST"
        response["Access-Control-Allow-Headers"] = "Content-Type"
        response["Access-Control-Max-Age"] = "86400"
        return response
    if request.method != "POST":
        return _json({"error": _("Use POST.")}, 405)
    if not allowed:
        return _json(
            {
                "error": _(
                    "This website may not report conversions. "
                    "Add it to ADVOCATO_CONVERSION_ORIGINS."
                )
            },
            403,
        )
    return _record_conversion(request, "snippet", origin)


@public
@csrf_exempt
@require_POST
def convert_server(request):
    """Conversions from the company's own servers, signed with the shared secret."""
    try:
        conversions.check_signature(
            request.body,
            request.headers.get("X-Advocato-Timestamp", ""),
            request.headers.get("X-Advocato-Signature", ""),
        )
    except conversions.ConversionError as exc:
        return _json({"error": str(exc)}, exc.status)
    return _record_conversion(request, "server")


def _record_conversion(request, source: str, origin: str = "") -> JsonResponse:
    try:
        data = parse_json(request.body, max_bytes=10_000)
    except JSONBodyError as exc:
        return _json({"error": exc.message}, exc.status, origin)
    try:
        recorded = conversions.record_conversion(data, source)
    except conversions.ConversionError as exc:
        body = {"error": str(exc), **({"field": exc.field} if exc.field else {})}
        return _json(body, exc.status, origin)
    return _json(
        {"id": recorded.conversion.pk, "counted": recorded.created},
        201 if recorded.created else 200,
        origin,
    )
