"""Content pages: the advocate's feed and suggestions; the curator's library, review queue
and feeds. Rules live in `services`."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from advocato.core import translated
from advocato.core.models import Organisation
from advocato.lib import networks
from advocato.lib.fetch import FetchError
from advocato.lib.permissions import employee_required, public, role_required

from . import forms, services
from .metadata import fetch_metadata
from .models import ContentItem, FeedSource, Status, Topic


def _cards(items, employee):
    shared = services.shared_item_ids(employee)
    return [
        {
            "item": item,
            "text": services.localise(item, employee.language),
            "shared": item.pk in shared,
        }
        for item in items
    ]


@employee_required
def feed(request):
    employee = request.employee
    form = forms.FeedFilterForm(request.GET or None)
    form.is_valid()  # an unknown topic drops that filter only; the others still apply
    filters = getattr(form, "cleaned_data", {})
    items = services.feed_for(
        employee,
        topic=filters.get("topic", ""),
        goal=filters.get("goal", ""),
        query=filters.get("q", "").strip(),
    )
    page = Paginator(items, 20).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    return render(
        request,
        "content/feed.html",
        {
            "form": form,
            "page": page,
            "cards": _cards(page.object_list, employee),
            "filtered": any(filters.values()) if filters else False,
            "params": params.urlencode(),
        },
    )


# Each language named in itself: the version switch is for readers of that language.
LANGUAGE_NAMES = {"en": "English", "da": "Dansk", "nb": "Norsk bokmål"}


@employee_required
def item_detail(request, pk: int):
    employee = request.employee
    item = services.feed_for(employee).filter(pk=pk).first()
    if item is None:
        raise Http404(_("This item is not in your feed."))
    # The language version the advocate reads (or picked): its title, texts and share links.
    language = services.chosen_version(item, request.GET.get("language"), employee.language)
    texts = services.suggested_texts(item, language)
    rows = [
        {
            "network": code,
            "label": label,
            "text": texts[code],
            "check": networks.check(code, texts[code]),
        }
        for code, label in networks.NETWORKS
        if code in texts
    ]
    return render(
        request,
        "content/item.html",
        {
            "item": item,
            "text": services.localise(item, language),
            "language": language,
            "versions": [
                (code, LANGUAGE_NAMES.get(code, code)) for code in services.versions(item)
            ],
            "texts": rows,
            "shared": item.pk in services.shared_item_ids(employee),
        },
    )


@public
@csrf_exempt  # the phone's share sheet cannot send a token; this view only fills a form
@require_POST
def share_target(request):
    """ "Share → Advocato" from any app on a phone (the manifest's share target): what was
    shared is kept in the session and "Suggest content" opens with it filled in. Nothing is
    created here — the person still sends the form, with its CSRF token — so a page elsewhere
    posting here can at most fill in a form. Signed out, they sign in first and keep it."""
    request.session[SHARED_KEY] = services.from_share_sheet(
        request.POST.get("title", ""), request.POST.get("text", ""), request.POST.get("url", "")
    )
    target = reverse("content:suggest") + "?shared=1"
    if not request.user.is_authenticated:
        return redirect_to_login(target)
    return HttpResponseRedirect(target, status=303)


SHARED_KEY = "advocato-shared-to-app"


@employee_required
def suggest(request):
    initial = request.session.pop(SHARED_KEY, None) if request.method == "GET" else None
    form = forms.SuggestionForm(request.POST or None, request.FILES or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.suggest(
                request.employee,
                title=data["title"],
                url=data["url"],
                story=data["story"],
                image=data["image"],
            )
        except services.ContentError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request, _("Thank you! Your suggestion is with the communications team for review.")
            )
            return redirect("content:feed")
    mine = ContentItem.objects.filter(suggested_by=request.employee).order_by("-created_at")[:10]
    return render(request, "content/suggest.html", {"form": form, "mine": mine})


@role_required("curator")
def library(request):
    items = ContentItem.objects.select_related("suggested_by", "source").prefetch_related("topics")
    status = request.GET.get("status", "")
    if status in Status.values:
        items = items.filter(status=status)
    query = request.GET.get("q", "").strip()[:100]
    if query:
        items = items.filter(Q(title__icontains=query) | Q(commentary__icontains=query))
    reshare = request.GET.get("reshare") == "1"
    if reshare:
        items = items.filter(reshare_on_company_channels=True)
    page = Paginator(items.order_by("-created_at", "-pk"), 30).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    return render(
        request,
        "content/library.html",
        {
            "page": page,
            "status": status,
            "query": query,
            "statuses": Status.choices,
            "reshare": reshare,
            "filtered": bool(status or query or reshare),
            "params": params.urlencode(),
            "in_review": services.review_count(),
        },
    )


@role_required("curator")
def topics(request):
    """Every topic's name in each language, side by side: advocates see the one they read
    (the company language's where a translation is missing)."""
    default = Organisation.get().default_language
    queryset = Topic.objects.annotate(items_count=Count("items")).order_by("name")
    formset = forms.TopicFormSet(
        request.POST or None, queryset=queryset, form_kwargs={"default_language": default}
    )
    if request.method == "POST" and formset.is_valid():
        formset.save()
        messages.success(request, _("Topics saved."))
        return redirect("content:topics")
    others = [code for code in translated.LANGUAGE_CODES if code != default]
    return render(
        request,
        "content/topics.html",
        {
            "formset": formset,
            "default_language": translated.LANGUAGE_NAMES[default],
            "other_languages": [translated.LANGUAGE_NAMES[code] for code in others],
        },
    )


def _topic_names():
    """For the topics field's suggestions: each topic as the curator reads it."""
    return sorted({t.local_name for t in Topic.objects.all()}, key=str.casefold)


@role_required("curator")
def item_new(request):
    url_form = forms.FromURLForm(request.GET if "url" in request.GET else None)
    initial = {}
    if url_form.is_bound and url_form.is_valid():
        try:
            meta = fetch_metadata(url_form.cleaned_data["url"])
        except FetchError as exc:
            url_form.add_error("url", str(exc))
        else:
            initial = {
                "title": meta.title,
                "commentary": meta.description,
                "url": meta.canonical_url or meta.url,
                "image_url": meta.image,
                "site_name": meta.site_name,
                "language": meta.language if meta.language in {"en", "da", "nb"} else "en",
            }
            messages.info(request, _("Filled in from the page. Check it and make it your own."))
    form = forms.ContentItemForm(request.POST or None, request.FILES or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        form.instance.created_by = request.employee
        item = form.save()
        services.start_history(item, request.employee)
        messages.success(
            request, _("Saved as a draft. Add texts for each network, then submit it for review.")
        )
        return redirect("content:edit", pk=item.pk)
    return render(
        request,
        "content/item_form.html",
        {"form": form, "url_form": url_form, "topics": _topic_names(), "creating": True},
    )


@role_required("curator")
def item_edit(request, pk: int):
    item = get_object_or_404(ContentItem, pk=pk)
    form = forms.ContentItemForm(request.POST or None, request.FILES or None, instance=item)
    texts = forms.TextsForm(request.POST or None, item=item, prefix="t")
    if request.method == "POST" and form.is_valid() and texts.is_valid():
        form.save()
        services.save_texts(item, texts.variants(), texts.texts())
        before = item.status
        item = services.after_edit(item, request.employee, set(form.changed_data))
        if item.status != before:
            messages.warning(
                request, _("Saved. It changed after approval, so it is back in review.")
            )
        else:
            messages.success(request, _("Saved."))
        return redirect("content:edit", pk=item.pk)
    back_to_draft: dict[str, str] = {
        Status.IN_REVIEW: _("Send back"),
        Status.SCHEDULED: _("Unschedule"),
        Status.ARCHIVED: _("Restore as draft"),
    }
    labels: dict[str, str] = {
        Status.IN_REVIEW: _("Submit for review"),
        Status.PUBLISHED: _("Approve"),
        Status.ARCHIVED: _("Archive"),
        Status.DRAFT: back_to_draft.get(item.status, _("Back to draft")),
    }
    moves = [
        {"to": to, "label": labels[to], "secondary": to in {Status.DRAFT, Status.ARCHIVED}}
        for (frm, to), who in services.MOVES.items()
        if frm == item.status and who != "system" and to != Status.SCHEDULED
    ]
    return render(
        request,
        "content/item_form.html",
        {
            "form": form,
            "texts": texts,
            "item": item,
            "moves": moves,
            "history": item.history.select_related("by"),
            "topics": _topic_names(),
            "review_form": forms.ReviewForm(),
        },
    )


@require_POST
@role_required("curator")
def item_transition(request, pk: int):
    item = get_object_or_404(ContentItem, pk=pk)
    to = request.POST.get("to", "")
    comment = request.POST.get("comment", "")[:2000]
    if to not in Status.values:
        messages.error(request, _("Unknown status."))
    else:
        try:
            item = services.transition(item, to, request.employee, comment)
        except services.ContentError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(
                request,
                _("“%(title)s” is now %(status)s.")
                % {"title": item.title, "status": Status(item.status).label},
            )
    if request.POST.get("back") == "review":
        return redirect("content:review")
    return redirect("content:edit", pk=pk)


@role_required("curator")
def review_queue(request):
    """What waits for review: first what this curator may act on (someone else submitted it),
    oldest first; "Waiting for me" shows only that. Several can be approved at once."""
    items = services.waiting_for(
        list(
            ContentItem.objects.filter(status=Status.IN_REVIEW)
            .select_related("suggested_by", "source", "created_by")
            .prefetch_related(services.submissions(), "texts")
        ),
        request.employee,
    )
    mine = [item for item in items if item.can_review]
    show = request.GET.get("show", "")
    return render(
        request,
        "content/review.html",
        {
            "items": mine if show == "mine" else items,
            "show": show,
            "waiting_for_me": len(mine),
            "total": len(items),
            "review_form": forms.ReviewForm(),
        },
    )


@require_POST
@role_required("curator")
def review_approve(request):
    """Approve the ticked items of the review queue, each checked as if approved alone."""
    pks = [int(pk) for pk in request.POST.getlist("items") if pk.isdigit()]
    approved, refused = services.approve_many(pks, request.employee)
    if approved:
        messages.success(
            request,
            ngettext("%(count)d item approved.", "%(count)d items approved.", len(approved))
            % {"count": len(approved)},
        )
    titles = dict(ContentItem.objects.filter(pk__in=[pk for pk, _w in refused]).values_list(
        "pk", "title"
    ))  # fmt: skip
    for pk, why in refused:
        messages.error(request, f"“{titles.get(pk, pk)}”: {why}")
    if not pks:
        messages.error(request, _("Tick the items to approve first."))
    return redirect(reverse("content:review") + ("?show=mine" if request.POST.get("mine") else ""))


@role_required("curator")
def sources(request):
    form = forms.FeedSourceForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        form.instance.created_by = request.employee
        source = form.save()
        from .tasks import poll_source

        poll_source(source.pk)
        messages.success(request, _("Feed added; it is being read now."))
        return redirect("content:source", pk=source.pk)
    return render(
        request,
        "content/sources.html",
        {"form": form, "sources": FeedSource.objects.all(), "topics": _topic_names()},
    )


@role_required("curator")
def source_detail(request, pk: int):
    source = get_object_or_404(FeedSource, pk=pk)
    form = forms.FeedSourceForm(request.POST or None, instance=source)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Saved."))
        return redirect("content:source", pk=source.pk)
    recent = source.items.order_by("-created_at")[:10]
    return render(
        request,
        "content/source.html",
        {"form": form, "source": source, "recent": recent, "topics": _topic_names()},
    )


@require_POST
@role_required("curator")
def source_poll(request, pk: int):
    source = get_object_or_404(FeedSource, pk=pk)
    created = services.poll_source(source)
    source.refresh_from_db()
    if source.last_error_at and source.last_error_at == source.last_polled_at:
        messages.error(request, source.last_error)
    else:
        messages.success(request, _("Feed read: %(n)d new entries.") % {"n": created})
    return redirect("content:source", pk=source.pk)
