"""Sharing pages: the composer, the hand-off to the network's share dialog, confirming, the
advocate's own shares, and an item's results for curators and analysts."""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.db.models.functions import TruncDate
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from advocato.content import services as content
from advocato.content.models import ContentItem
from advocato.core.models import Organisation
from advocato.lib import hooks, networks
from advocato.lib.jsonbody import JSONBodyError, json_error, parse_json
from advocato.lib.permissions import employee_required, role_required
from advocato.links import services as links
from advocato.links.models import Click
from advocato.people import privacy
from advocato.people.models import Employee

from . import connections, limits, posting, services
from .forms import (
    AudienceForm,
    BlueskyConnectForm,
    EngagementForm,
    EngagementImportForm,
    MastodonConnectForm,
    NetworkAppForm,
    OwnPostsForm,
    ShareForm,
    SharingLimitsForm,
)
from .models import (
    DIRECT_NETWORKS,
    Guidelines,
    NetworkApp,
    PostState,
    Share,
    SharingLimits,
    SharingProfile,
    Source,
)
from .networks.base import Engagement, adapter_class

# Each language named in itself: the version switch is for readers of that language.
LANGUAGE_NAMES = [("en", "English"), ("da", "Dansk"), ("nb", "Norsk bokmål")]


def _visible_item(employee, pk: int) -> ContentItem:
    item = content.feed_for(employee).filter(pk=pk).first()
    if item is None:
        raise Http404(_("This item is not in your feed."))
    return item


def _starting_text(item, language: str, network: str) -> str:
    """The suggested text for `network` in the chosen language version (or its title)."""
    texts = content.suggested_texts(item, language)
    if network in texts:
        return texts[network]
    text = content.localise(item, language)
    return f"{text.title}\n\n{item.url}".strip()


def _version_choices(item) -> list[tuple[str, str]]:
    """(code, name in its own language) of each language the item is written in."""
    names = dict(LANGUAGE_NAMES)
    return [(code, names.get(code, code)) for code in content.versions(item)]


@employee_required
def compose(request, pk: int):
    employee = request.employee
    item = _visible_item(employee, pk)
    profile = SharingProfile.objects.filter(employee=employee).first()
    chosen = request.GET.get("network", "linkedin")
    if chosen not in dict(networks.NETWORKS):
        chosen = "linkedin"
    # The language version the advocate picked (on the item page or here), kept on the share.
    language = content.chosen_version(
        item, request.POST.get("language") or request.GET.get("language"), employee.language
    )
    form = ShareForm(
        request.POST or None,
        initial={
            "network": chosen,
            "text": _starting_text(item, language, chosen),
            "mastodon_instance": profile.mastodon_instance if profile else "",
        },
    )
    checks = []
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        checks = services.check_post(employee, item, data["network"], data["text"])
        if not any(c.level == "error" for c in checks) and data.get("when"):
            post_at = data.get("post_at")
            if post_at is not None and timezone.is_naive(post_at):
                post_at = timezone.make_aware(post_at, _employee_zone(employee))
            try:
                share = posting.schedule_share(
                    employee, item, data["network"], data["text"],
                    _starting_text(item, language, data["network"]), data["when"], post_at,
                    language=language,
                )  # fmt: skip
            except posting.PostingError as error:
                form.add_error(None, str(error))
            else:
                return redirect("sharing:handoff", pk=share.pk)
        elif not any(c.level == "error" for c in checks):
            try:
                share = services.start_share(
                    employee,
                    item,
                    data["network"],
                    data["text"],
                    _starting_text(item, language, data["network"]),
                    method=Share.Method.COPY
                    if data["network"] == "instagram"
                    else Share.Method.DIALOG,
                    language=language,
                )
            except limits.LimitReached as error:
                form.add_error(None, str(error))
            else:
                if data["mastodon_instance"]:
                    SharingProfile.objects.update_or_create(
                        employee=employee,
                        defaults={"mastodon_instance": data["mastodon_instance"]},
                    )
                return redirect("sharing:handoff", pk=share.pk)
    network = form.data.get("network", chosen) if form.is_bound else chosen
    localised = content.localise(item, language)
    return render(
        request,
        "sharing/compose.html",
        {
            "item": item,
            "form": form,
            "network": network,
            "network_label": dict(networks.NETWORKS).get(network, network),
            "limit": connections.text_limits(employee, network)[0] or networks.LIMITS.get(network),
            "url_length": connections.text_limits(employee, network)[1],
            "networks": networks.NETWORKS,
            "checks": checks,
            "text": localised,
            "language": language,
            "versions": _version_choices(item),
            "guidelines": Guidelines.get(),
            "account": connections.account_for(employee, network)
            if network in dict(connections.offered_networks())
            else None,
            "direct_networks": dict(DIRECT_NETWORKS),
            "best": posting.best_time_for(employee, network)
            if network in dict(DIRECT_NETWORKS)
            else None,
            "limits": SharingLimits.get(),
            "sharing_hours": limits.hours_text(SharingLimits.get()),
            "balance": services.content_balance(employee),
        },
    )


@employee_required
@require_POST
def check(request, pk: int):
    """Live checks for the composer (JSON): the same rules the server applies on sharing."""
    item = _visible_item(request.employee, pk)
    try:
        data = parse_json(request.body, max_bytes=300_000, empty={})
    except JSONBodyError as exc:
        return json_error(exc)
    if not isinstance(data, dict):
        return JsonResponse({"error": _("Send a network and a text.")}, status=400)
    network, text = data.get("network"), data.get("text")
    if network not in dict(networks.NETWORKS) or not isinstance(text, str) or len(text) > 70_000:
        return JsonResponse({"error": _("Send a network and a text.")}, status=400)
    checks = services.check_post(request.employee, item, network, text)
    return JsonResponse(
        {"checks": [{"code": c.code, "level": c.level, "message": c.message} for c in checks]}
    )


@employee_required
@require_POST
def copy_text(request, pk: int):
    """ "Copy text" on an item's page: the ready-made text with the advocate's own tracked link
    (made once per item, network and language version, then reused). With JavaScript the
    text comes back as JSON for the clipboard; without, the share's page shows it to copy."""
    item = _visible_item(request.employee, pk)
    network = request.POST.get("network", "")
    if network not in dict(networks.NETWORKS):
        raise Http404(_("Unknown network."))
    wants_json = request.headers.get("Accept", "").startswith("application/json")
    try:
        share = services.copy_share(request.employee, item, network, request.POST.get("language"))
    except limits.LimitReached as error:
        if wants_json:
            return JsonResponse({"error": str(error)}, status=409)
        messages.error(request, str(error))
        return redirect("content:item", pk=item.pk)
    if wants_json:
        link = links.link_url(share.link, request.build_absolute_uri("/"))
        return JsonResponse({"text": services.text_with_link(item, share.text, link)})
    return redirect("sharing:handoff", pk=share.pk)


def _own_share(request, pk: int) -> Share:
    return get_object_or_404(
        Share.objects.select_related("item", "link", "employee"), pk=pk, employee=request.employee
    )


@employee_required
def handoff(request, pk: int):
    share = _own_share(request, pk)
    if share.method == Share.Method.API:
        return _direct_share(request, share)
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
            "sections": hooks.share_page_sections(request, share),
        },
    )


@employee_required
@require_POST
def confirm(request, pk: int):
    share = _own_share(request, pk)
    if share.method == Share.Method.API:
        # A direct post is confirmed by the network's answer, never by hand.
        messages.error(request, _("Advocato posts this one for you; it counts once it is out."))
        return redirect("sharing:mine")
    services.confirm(Share.objects.filter(pk=share.pk), by=services.BY_ADVOCATE)
    messages.success(request, _("Thank you for sharing! Your link counts its clicks from now on."))
    return redirect("sharing:mine")


def _results(shares):
    """Clicks, unique clicks (visitors per link per day of the company's time zone — the
    analytics' definition), previews and conversions for shares."""
    ids = [s.link.pk for s in shares if hasattr(s, "link")]
    counts = {
        row["link_id"]: row
        # After values() the name is free (django-stubs sees Click.conversions, the relation).
        for row in Click.objects.filter(link_id__in=ids)  # type: ignore[no-redef]
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
        .annotate(day=TruncDate("at", tzinfo=Organisation.get().zone))
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
    # Each share under the title of the language version it shared.
    shares = (
        Share.objects.filter(employee=request.employee)
        .select_related("item", "link", "employee")
        .prefetch_related("item__variants")
    )
    page = Paginator(shares, 25).get_page(request.GET.get("page"))
    rows = _results(list(page.object_list))
    totals = {
        key: sum(getattr(s, key) for s in rows)
        for key in ("clicks", "unique", "previews", "conversions")
    }
    return render(
        request,
        "sharing/mine.html",
        {"page": page, "shares": rows, "totals": totals, "params": "",
         "balance": services.content_balance(request.employee), "own_form": OwnPostsForm()},
    )  # fmt: skip


@role_required("curator", "analyst")
def item_results(request, pk: int):
    item = get_object_or_404(ContentItem.objects.prefetch_related("variants"), pk=pk)
    shares = _results(
        list(
            Share.objects.filter(item=item, confirmed_at__isnull=False).select_related(
                "employee", "link"
            )
        )
    )
    names = dict(LANGUAGE_NAMES)
    by_network: dict[Any, dict] = {}  # by network code
    by_employee: dict[Any, dict] = {}  # by employee id, 0 for everyone not named
    by_language: dict[Any, dict] = {}
    # Names through the privacy gate; everyone the viewer may not name is one row, so the
    # totals still add up.
    named = set(
        Employee.objects.filter(
            privacy.nameable(request.employee), pk__in={s.employee_id for s in shares}
        ).values_list("pk", flat=True)
    )
    others = _("Others, not named")
    for share in shares:
        share.item = item  # the one item, its versions prefetched
        language = share.version.language
        person = share.employee_id if share.employee_id in named else 0
        for bucket, key, label in (
            (by_network, share.network, share.get_network_display()),
            (by_employee, person, share.employee.name if person else others),
            (by_language, language, names.get(language, language)),
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
         "by_language": ordered(by_language), "shares": len(shares)},
    )  # fmt: skip


# --- Connected networks ----------------------------------------------------------------------


def _employee_zone(employee):
    try:
        return ZoneInfo(employee.time_zone)
    except (ValueError, KeyError):
        return timezone.get_current_timezone()


def _direct_share(request, share: Share):
    form = EngagementForm()
    return render(
        request,
        "sharing/direct_share.html",
        {
            "share": share,
            "post": posting.post_text(share)[0],
            "network_label": dict(networks.NETWORKS)[share.network],
            "engagement_form": form,
            "pending": share.post_state in {PostState.SCHEDULED, PostState.POSTING},
            "deletes_on_network": adapter_class(share.network).deletes,
            # "Post now" is scheduled for the moment it was asked: going out, not waiting.
            "going_now": share.post_state == PostState.SCHEDULED
            and share.scheduled_for is not None
            and share.scheduled_for <= timezone.now() + timedelta(seconds=1),
            "readings": share.readings.all()[:10],
            "sections": hooks.share_page_sections(request, share),
        },
    )


@employee_required
@require_POST
def cancel(request, pk: int):
    share = _own_share(request, pk)
    if posting.cancel(share):
        messages.success(request, _("The post is cancelled; nothing was posted."))
    else:
        messages.error(request, _("This post can no longer be cancelled."))
    return redirect("sharing:handoff", pk=share.pk)


@employee_required
@require_POST
def remove(request, pk: int):
    """The advocate removes a post we made for them — and, if they ask, deletes it on the
    network too."""
    share = _own_share(request, pk)
    outcome = posting.withdraw(share, on_network=request.POST.get("on_network") == "on")
    values = {"network": share.get_network_display()}
    if outcome == "deleted":
        messages.success(request, _("Removed, and deleted on %(network)s.") % values)
    elif outcome == "removed":
        messages.success(request, _("Removed here. The post is still on %(network)s.") % values)
    elif outcome == "refused":
        messages.error(request, _("%(network)s did not delete the post; it is kept.") % values)
    else:
        messages.error(request, _("Only a post Advocato made for you can be removed here."))
    return redirect("sharing:handoff", pk=share.pk)


@employee_required
@require_POST
def refresh_figures(request, pk: int):
    """Read the post's figures from the network now (at most once a minute)."""
    share = _own_share(request, pk)
    if share.post_state != PostState.POSTED:
        raise Http404(_("This post is not out yet."))
    if share.engagement_at and share.engagement_at > timezone.now() - posting.MANUAL_REFRESH:
        messages.info(request, _("The figures were read less than a minute ago."))
    elif posting.refresh_engagement(share):
        messages.success(request, _("The figures are up to date."))
    else:
        messages.error(request, _("The network did not give the figures just now."))
    return redirect("sharing:handoff", pk=share.pk)


@employee_required
@require_POST
def enter_engagement(request, pk: int):
    """The advocate states the figures the network does not give us."""
    share = _own_share(request, pk)
    form = EngagementForm(request.POST)
    if share.engagement_source == Source.API:
        messages.error(request, _("These figures come from the network and update by themselves."))
        return redirect("sharing:handoff", pk=share.pk)
    if not form.is_valid():
        if share.method == Share.Method.API:
            return render(
                request,
                "sharing/direct_share.html",
                {"share": share, "post": posting.post_text(share)[0], "engagement_form": form,
                 "network_label": dict(networks.NETWORKS)[share.network],
                 "readings": share.readings.all()[:10],
                 "sections": hooks.share_page_sections(request, share),
                 "deletes_on_network": adapter_class(share.network).deletes},
                status=400,
            )  # fmt: skip
        for error in form.non_field_errors() + [e for f in form.errors.values() for e in f]:
            messages.error(request, str(error))  # already a str: ErrorList yields messages
        return redirect("sharing:mine")
    posting.save_engagement(share, Engagement(**form.cleaned_data), Source.ADVOCATE)
    messages.success(request, _("Thank you — your figures are saved."))
    return redirect("sharing:handoff", pk=share.pk)


def _networks_context(employee, **forms):
    accounts = {a.network: a for a in employee.networks.all()}
    offered = dict(connections.offered_networks())
    rows = []
    for code, label in DIRECT_NETWORKS:
        account = accounts.get(code)
        rows.append({
            "code": code, "label": label, "account": account, "offered": code in offered,
            "expiring": account is not None and account.expires_at is not None
            and not account.refresh_token_enc and not account.app_password_enc
            and account.expires_at < timezone.now() + connections.REMIND_BEFORE,
        })  # fmt: skip
    return {
        "network_rows": rows,
        "mastodon_form": forms.get("mastodon_form")
        or MastodonConnectForm(initial={"instance": connections.demo_instance()}),
        "bluesky_form": forms.get("bluesky_form") or BlueskyConnectForm(),
        "audience_form": AudienceForm(),
    }


@employee_required
def networks_page(request):
    return render(request, "sharing/networks.html", _networks_context(request.employee))


def _known_network(network: str) -> str:
    if network not in dict(DIRECT_NETWORKS):
        raise Http404(_("No such network."))
    return network


@employee_required
@require_POST
def network_connect(request, network: str):
    network = _known_network(network)
    employee = request.employee
    base = request.build_absolute_uri("/")
    try:
        form: BlueskyConnectForm | MastodonConnectForm
        if network == "bluesky":
            form = BlueskyConnectForm(request.POST)
            if not form.is_valid():
                context = _networks_context(employee, bluesky_form=form)
                return render(request, "sharing/networks.html", context, status=400)
            connections.connect_bluesky(
                employee, form.cleaned_data["handle"], form.cleaned_data["app_password"]
            )
            messages.success(request, _("Bluesky is connected."))
            return redirect("sharing:networks")
        instance = ""
        if network == "mastodon":
            form = MastodonConnectForm(request.POST)
            if not form.is_valid():
                context = _networks_context(employee, mastodon_form=form)
                return render(request, "sharing/networks.html", context, status=400)
            instance = form.cleaned_data["instance"]
        return redirect(connections.begin(request.session, employee, network, base, instance))
    except connections.ConnectError as error:
        if network == "mastodon":
            form = MastodonConnectForm(request.POST)
            form.is_valid()
            form.add_error("instance", str(error))
            context = _networks_context(employee, mastodon_form=form)
        elif network == "bluesky":
            form = BlueskyConnectForm(request.POST)
            form.is_valid()
            form.add_error(None, str(error))
            context = _networks_context(employee, bluesky_form=form)
        else:
            messages.error(request, str(error))
            return redirect("sharing:networks")
        return render(request, "sharing/networks.html", context, status=400)


@employee_required
def network_reconnect(request, network: str):
    """One click from the reminder e-mail: straight to the network's "allow" page."""
    network = _known_network(network)
    account = connections.account_for(request.employee, network)
    if network == "bluesky" or (network == "mastodon" and account is None):
        return redirect("sharing:networks")
    try:
        url = connections.begin(
            request.session, request.employee, network, request.build_absolute_uri("/"),
            account.instance if account else "",
        )  # fmt: skip
    except connections.ConnectError as error:
        messages.error(request, str(error))
        return redirect("sharing:networks")
    return redirect(url)


@employee_required
def network_callback(request, network: str):
    network = _known_network(network)
    try:
        account = connections.finish(request.session, request.employee, network, request.GET)
    except connections.ConnectError as error:
        messages.error(request, str(error))
        return redirect("sharing:networks")
    messages.success(
        request,
        _("%(network)s is connected as %(handle)s.")
        % {"network": account.get_network_display(), "handle": account.handle},
    )
    return redirect("sharing:networks")


@employee_required
@require_POST
def network_disconnect(request, network: str):
    network = _known_network(network)
    if connections.disconnect(request.employee, network):
        messages.success(request, _("Disconnected. Advocato no longer holds your tokens."))
    return redirect("sharing:networks")


@employee_required
@require_POST
def network_audience(request, network: str):
    network = _known_network(network)
    account = connections.account_for(request.employee, network)
    form = AudienceForm(request.POST)
    if account is None:
        raise Http404(_("This network is not connected."))
    if not form.is_valid():
        messages.error(request, _("Give your number of followers as a whole number."))
        return redirect("sharing:networks")
    connections.state_audience(account, form.cleaned_data["audience"])
    messages.success(request, _("Saved."))
    return redirect("sharing:networks")


@role_required("admin")
def network_apps(request):
    """The company's apps on each network (client id and secret), entered by an admin."""
    forms: list[dict[str, Any]] = []
    saved = False
    for code, label in DIRECT_NETWORKS:
        instance = NetworkApp.objects.filter(network=code).first() or NetworkApp(network=code)
        form = NetworkAppForm(
            request.POST if request.method == "POST" and request.POST.get("network") == code
            else None, instance=instance, prefix=code,
        )  # fmt: skip
        if form.is_bound and form.is_valid():
            form.save()
            saved = True
        forms.append({"code": code, "label": label, "form": form,
                      "has_secret": bool(instance.client_secret_enc),
                      "problem": instance.problem, "problem_at": instance.problem_at})  # fmt: skip
    if saved:
        messages.success(request, _("Saved."))
        return redirect("sharing:network_apps")
    bound = any(f["form"].is_bound for f in forms)
    return render(request, "sharing/network_apps.html", {"apps": forms},
                  status=400 if bound else 200)  # fmt: skip


@role_required("analyst", "curator")
def engagement_import(request):
    """An analyst imports engagement figures a network gives no API for (CSV)."""
    form = EngagementImportForm(request.POST or None, request.FILES or None)
    problems: list[str] = []
    if request.method == "POST" and form.is_valid():
        rows, problems = posting.parse_engagement_csv(form.cleaned_data["file"].read())
        if not problems:
            count = posting.import_engagement(rows)
            messages.success(request, _("Imported figures for %(n)d shares.") % {"n": count})
            return redirect("sharing:engagement_import")
    status = 400 if request.method == "POST" else 200
    return render(request, "sharing/engagement_import.html", {"form": form, "problems": problems},
                  status=status)  # fmt: skip


# --- Healthy limits and the content balance ----------------------------------------------------


@role_required("admin")
def limits_settings(request):
    """The admin's healthy limits: shares per day, sharing hours, the content balance."""
    form = SharingLimitsForm(request.POST or None, instance=SharingLimits.get())
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Settings saved."))
        return redirect("sharing:limits")
    return render(
        request,
        "sharing/limits.html",
        {"form": form, "zone": Organisation.get().time_zone},
        status=400 if form.errors else 200,
    )


@employee_required
@require_POST
def own_posts(request):
    """The advocate tells us how many posts of their own they made (for the balance)."""
    form = OwnPostsForm(request.POST)
    if form.is_valid():
        services.state_own_posts(request.employee, form.cleaned_data["count"])
        messages.success(request, _("Thank you — your balance is updated."))
    else:
        messages.error(request, _("Give the number of your own posts as a whole number."))
    return redirect(reverse("sharing:mine") + "#balance")
