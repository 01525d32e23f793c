"""Success stories (the page, one story, the curators' list and editor), a person's e-mail
preferences, and the one-click unsubscribe link from e-mails."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from advocato.lib.permissions import employee_required, public, role_required
from advocato.people import mail
from advocato.people.models import EmailKind

from . import digest, stories
from .forms import EmailPreferencesForm, StoryForm
from .models import SuccessStory
from .services import EnablementError


@employee_required
def story_list(request):
    page = Paginator(stories.published(), 10).get_page(request.GET.get("page"))
    shown = stories.shown_to(request.employee, page.object_list, get_language() or "en")
    return render(request, "enablement/stories/list.html", {"page": page, "stories": shown})


@employee_required
def story(request, pk: int):
    found = stories.published().filter(pk=pk).first()
    if found is None:
        raise Http404
    [shown] = stories.shown_to(request.employee, [found], get_language() or "en")
    return render(request, "enablement/stories/detail.html", {"story": shown})


@role_required("curator")
def manage_stories(request):
    return render(
        request,
        "enablement/stories/manage.html",
        {"stories": SuccessStory.objects.select_related("created_by").order_by("-created_at")},
    )


@role_required("curator")
def edit_story(request, pk: int | None = None):
    instance = get_object_or_404(SuccessStory, pk=pk) if pk else SuccessStory()
    form = StoryForm(
        request.POST or None,
        request.FILES or None,
        instance=instance,
        viewer=request.employee,
        language=get_language() or "en",
    )
    if request.method == "POST" and form.is_valid():
        found = form.save(commit=False)
        if found.pk is None:
            found.created_by = request.employee
        found.save()
        if "publish" in request.POST and not found.is_published:
            try:
                stories.publish(found)
            except EnablementError as exc:
                messages.error(request, str(exc))
                return redirect("enablement:story_edit", pk=found.pk)
            messages.success(request, _("Published: everyone can read the story now."))
            return redirect("enablement:story", pk=found.pk)
        messages.success(request, _("Story saved."))
        return redirect("enablement:story_edit", pk=found.pk)
    return render(
        request,
        "enablement/stories/edit.html",
        {"form": form, "story": instance if instance.pk else None},
        status=400 if form.errors else 200,
    )


@role_required("curator")
@require_POST
def withdraw_story(request, pk: int):
    found = get_object_or_404(SuccessStory, pk=pk)
    try:
        stories.withdraw(found)
    except EnablementError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("The story is no longer shown."))
    return redirect("enablement:stories_manage")


@employee_required
def email_preferences(request):
    employee = request.employee
    form = EmailPreferencesForm(request.POST or None, wanted=digest.choices(employee))
    if request.method == "POST" and form.is_valid():
        digest.save_choices(employee, form.wanted())
        messages.success(request, _("Your e-mail choices are saved."))
        return redirect("enablement:email_preferences")
    return render(
        request,
        "enablement/digest/preferences.html",
        {"form": form},
        status=400 if form.errors else 200,
    )


@public
@csrf_exempt  # RFC 8058: the mail program posts without a session or a form of ours
@require_http_methods(["GET", "POST"])
def unsubscribe(request, token: str):
    """GET shows a button (link checkers and previews open links: they must change nothing);
    POST — the button, or a mail program's one-click request — turns the e-mail off at once."""
    found = digest.read_unsubscribe_token(token)
    if found is None:
        return render(request, "enablement/digest/unsubscribe.html", {"invalid": True}, status=400)
    employee, kind = found
    label = dict(EmailKind.choices)[kind]
    if request.method == "POST":
        mail.set_wanted(employee, kind, False)
        return render(request, "enablement/digest/unsubscribe.html", {"done": True, "label": label})
    return render(request, "enablement/digest/unsubscribe.html", {"label": label})
