"""Pages for the chat channels (admins), the re-activation settings (admins), who lapsed
(managers for their reporting line, the programme team for everyone) and turning nudges off
from the e-mail (anyone holding the link)."""

from __future__ import annotations

from datetime import timedelta

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from advocato.lib.permissions import public, role_required

from . import nudges
from .chat import services as chat
from .forms_chat import ChannelChoicesForm, ChannelForm, NudgeSettingsForm
from .models import ChatChannel, Nudge, NudgeSettings


@role_required("admin")
def channels(request):
    return render(
        request, "enablement/chat/channels.html", {"channels": chat.channels_with_status()}
    )


@role_required("admin")
def channel_new(request):
    form = ChannelForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        channel = form.save(commit=False)
        channel.created_by = request.employee
        channel.save()
        messages.success(request, _("Channel added. Send a test message to see it arrive."))
        return redirect("enablement:chat_channel", pk=channel.pk)
    status = 400 if form.errors else 200
    return render(request, "enablement/chat/new.html", {"form": form}, status=status)


@role_required("admin")
def channel(request, pk: int):
    found = get_object_or_404(ChatChannel, pk=pk)
    form = ChannelChoicesForm(request.POST or None, instance=found)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Saved."))
        return redirect("enablement:chat_channel", pk=pk)
    return render(
        request,
        "enablement/chat/channel.html",
        {"channel": found, "form": form, "posts": found.posts.all()[:20]},
        status=400 if form.errors else 200,
    )


@role_required("admin")
@require_POST
def channel_test(request, pk: int):
    found = get_object_or_404(ChatChannel, pk=pk)
    chat.send_test(found, by=request.employee)
    messages.success(request, _("Test message sent to the worker; its status shows below."))
    return redirect("enablement:chat_channel", pk=pk)


@role_required("admin")
@require_POST
def channel_remove(request, pk: int):
    found = get_object_or_404(ChatChannel, pk=pk)
    name = found.name
    found.delete()
    messages.success(request, _("%(name)s removed: nothing more is posted there.") % {"name": name})
    return redirect("enablement:chat_channels")


@role_required("admin")
def nudge_settings(request):
    form = NudgeSettingsForm(request.POST or None, instance=NudgeSettings.get())
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Settings saved."))
        return redirect("enablement:nudge_settings")
    since = timezone.now() - timedelta(days=30)
    return render(
        request,
        "enablement/chat/nudge_settings.html",
        {
            "form": form,
            "lapsed": nudges.lapsed().count(),
            "nudged": Nudge.objects.filter(last_sent_at__gte=since).count(),
        },
        status=400 if form.errors else 200,
    )


@role_required("manager", "analyst")
def lapsed(request):
    return render(request, "enablement/chat/lapsed.html", nudges.for_viewer(request.employee))


@public
@csrf_exempt  # a mail program's one-click POST (RFC 8058) carries no cookie: the token is the key
def nudges_off(request, token: str):
    employee = nudges.employee_from_token(token)
    if employee is None:
        return render(request, "enablement/chat/nudges_off.html", {"invalid": True}, status=404)
    if request.method == "POST":
        nudges.turn_off(employee)
        if request.POST.get("List-Unsubscribe") == "One-Click":
            return HttpResponse(_("Nudges turned off."), content_type="text/plain")
        return render(request, "enablement/chat/nudges_off.html", {"done": True})
    return render(request, "enablement/chat/nudges_off.html", {"token": token})
