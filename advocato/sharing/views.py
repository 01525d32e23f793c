"""Sharing pages: the composer, the hand-off to the network's share dialog, confirming, the
advocate's own shares, and an item's results for curators and analysts."""

from __future__ import annotations

import json

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.db.models.functions import TruncDate
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from advocato.content import networks
from advocato.content import services as content
from advocato.content.models import ContentItem
from advocato.core.permissions import employee_required, role_required
from advocato.links import services as links
from advocato.links.models import Click

from . import services
from .forms import ShareForm
from .models import Guidelines, Share, SharingProfile


def _visible_item(employee, pk: int) -> ContentItem:
    item = content.feed_for(employee).filter(pk=pk).first()
    if item is None:
        raise Http404(_("This item is not in your feed."))
    return item


def _starting_text(item, employee, network: str) -> str:
    texts = content.suggested_texts(item, employee.language)
    if network in texts:
        return texts[network]
    text = content.localise(item, employee.language)
    return f"{text.title}\n\n{item.url}".strip()


@employee_required
def compose(request, pk: int):
    employee = request.employee
    item = _visible_item(employee, pk)
    profile = SharingProfile.objects.filter(employee=employee).first()
    chosen = request.GET.get("network", "linkedin")
    if chosen not in dict(networks.NETWORKS):
        chosen = "linkedin"
    form = ShareForm(
        request.POST or None,
        initial={
            "network": chosen,
            "text": _starting_text(item, employee, chosen),
            "mastodon_instance": profile.mastodon_instance if profile else "",
        },
    )
    checks = []
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        checks = services.check_post(employee, item, data["network"], data["text"])
        if not any(c.level == "error" for c in checks):
            share = services.start_share(
                employee,
                item,
                data["network"],
                data["text"],
                _starting_text(item, employee, data["network"]),
                method=Share.Method.COPY if data["network"] == "instagram" else Share.Method.DIALOG,
            )
            if data["mastodon_instance"]:
                SharingProfile.objects.update_or_create(
                    employee=employee, defaults={"mastodon_instance": data["mastodon_instance"]}
                )
            return redirect("sharing:handoff", pk=share.pk)
    network = form.data.get("network", chosen) if form.is_bound else chosen
    localised = content.localise(item, employee.language)
    return render(
        request,
        "sharing/compose.html",
        {
            "item": item,
            "form": form,
            "network": network,
            "network_label": dict(networks.NETWORKS).get(network, network),
            "limit": networks.LIMITS.get(network),
            "networks": networks.NETWORKS,
            "checks": checks,
            "text": localised,
            "guidelines": Guidelines.get(),
        },
    )


@employee_required
@require_POST
def check(request, pk: int):
    """Live checks for the composer (JSON): the same rules the server applies on sharing."""
    item = _visible_item(request.employee, pk)
    try:
        data = json.loads(request.body or b"{}")
    except ValueError:
        return JsonResponse({"error": _("The body is not valid JSON.")}, status=400)
    if not isinstance(data, dict):
        return JsonResponse({"error": _("Send a network and a text.")}, status=400)
    network, text = data.get("network"), data.get("text")
    if network not in dict(networks.NETWORKS) or not isinstance(text, str) or len(text) > 70_000:
        return JsonResponse({"error": _("Send a network and a text.")}, status=400)
    checks = services.check_post(request.employee, item, network, text)
    return JsonResponse(
        {"checks": [{"code": c.code, "level": c.level, "message": c.message} for c in checks]}
    )


def _own_share(request, pk: int) -> Share:
    return get_object_or_404(
        Share.objects.select_related("item", "link"), pk=pk, employee=request.employee
    )


@employee_required
def handoff(request, pk: int):
    share = _own_share(request, pk)
    link = links.link_url(share.link, request.build_absolute_uri("/"))
    text = services.text_with_link(share.item, share.text, link)
    profile = SharingProfile.objects.filter(employee=request.employee).first()
    return render(
        request,
        "sharing/handoff.html",
        {
            "share": share,
            "post": text,
            "link": link,
            "dialog": services.share_url(
                share.network, text, link, profile.mastodon_instance if profile else ""
            ),
            "network_label": dict(networks.NETWORKS)[share.network],
        },
    )


@employee_required
@require_POST
def confirm(request, pk: int):
    share = _own_share(request, pk)
    services.confirm(share)
    messages.success(request, _("Thank you for sharing! Your link counts its clicks from now on."))
    return redirect("sharing:mine")


def _results(shares):
    """Clicks, unique visitors (per link per day), previews and conversions for shares."""
    ids = [s.link.pk for s in shares if hasattr(s, "link")]
    counts = {
        row["link_id"]: row
        for row in Click.objects.filter(link_id__in=ids)
        .values("link_id")
        .annotate(
            clicks=Count("pk", filter=Q(kind=Click.Kind.HUMAN), distinct=True),
            previews=Count("pk", filter=Q(kind=Click.Kind.PREVIEW), distinct=True),
            conversions=Count("conversions", distinct=True),
        )
    }
    unique: dict[int, int] = {}
    for row in (
        Click.objects.filter(link_id__in=ids, kind=Click.Kind.HUMAN)
        .annotate(day=TruncDate("at"))
        .values("link_id", "day", "visitor")
        .distinct()
    ):
        unique[row["link_id"]] = unique.get(row["link_id"], 0) + 1
    for share in shares:
        row = counts.get(share.link.pk, {}) if hasattr(share, "link") else {}
        share.clicks = row.get("clicks", 0)
        share.previews = row.get("previews", 0)
        share.conversions = row.get("conversions", 0)
        share.unique = unique.get(share.link.pk, 0) if hasattr(share, "link") else 0
    return shares


@employee_required
def mine(request):
    shares = Share.objects.filter(employee=request.employee).select_related("item", "link")
    page = Paginator(shares, 25).get_page(request.GET.get("page"))
    rows = _results(list(page.object_list))
    totals = {
        key: sum(getattr(s, key) for s in rows)
        for key in ("clicks", "unique", "previews", "conversions")
    }
    return render(
        request, "sharing/mine.html", {"page": page, "shares": rows, "totals": totals, "params": ""}
    )


@role_required("curator", "analyst")
def item_results(request, pk: int):
    item = get_object_or_404(ContentItem, pk=pk)
    shares = _results(
        list(
            Share.objects.filter(item=item, confirmed_at__isnull=False).select_related(
                "employee", "link"
            )
        )
    )
    by_network: dict[str, dict] = {}
    by_employee: dict[int, dict] = {}
    for share in shares:
        for bucket, key, label in (
            (by_network, share.network, share.get_network_display()),
            (by_employee, share.employee_id, share.employee.name),
        ):
            row = bucket.setdefault(key, {"label": label, "shares": 0, "clicks": 0, "unique": 0,
                                          "previews": 0, "conversions": 0})  # fmt: skip
            row["shares"] += 1
            for field in ("clicks", "unique", "previews", "conversions"):
                row[field] += getattr(share, field)

    def ordered(rows):
        return sorted(rows.values(), key=lambda r: (-r["clicks"], r["label"]))

    return render(
        request,
        "sharing/item_results.html",
        {"item": item, "by_network": ordered(by_network), "by_employee": ordered(by_employee)[:50],
         "shares": len(shares)},
    )  # fmt: skip
