"""Advocato as an app on the phone's home screen: the web app manifest, the service worker and
the page it shows when there is no network.

- The manifest names the company's programme, starts at the feed, opens standalone, and
  declares a share target: "Share → Advocato" in any app posts to `content:share_target`,
  which fills "Suggest content".
- The service worker (served from the root so it controls every page) keeps the app's own
  files, and a copy of the feed pages the person last opened, so the feed can be read without
  a network. Every other page is fetched from the network; without one, the offline page says
  that reading the feed works and sharing needs the network. Nothing else is stored, and
  signing out empties the store (app.js), so a shared device keeps no one's feed.
"""

from __future__ import annotations

import hashlib
import json

from django.contrib.staticfiles.storage import staticfiles_storage
from django.http import HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

from advocato.core.models import Organisation
from advocato.lib.permissions import public

THEME = "#1f5f8b"
BACKGROUND = "#f5f7fa"
ICONS = [
    ("advocato/icons/icon-192.png", "192x192", "any"),
    ("advocato/icons/icon-512.png", "512x512", "any"),
    ("advocato/icons/icon-maskable-512.png", "512x512", "maskable"),
]
# The app's own files the worker keeps from its first start.
SHELL_FILES = ["advocato/app.css", "advocato/app.js", "advocato/icon.svg"]


def manifest_data() -> dict:
    organisation = Organisation.get()
    return {
        "id": "/",
        "name": _("%(organisation)s on Advocato") % {"organisation": organisation.name},
        "short_name": "Advocato",
        "description": _("Share your company's news in your own words, and see what it did."),
        "lang": get_language(),
        "start_url": reverse("content:feed") + "?source=app",
        "scope": "/",
        "display": "standalone",
        "theme_color": THEME,
        "background_color": BACKGROUND,
        "icons": [
            {
                "src": staticfiles_storage.url(path),
                "sizes": sizes,
                "type": "image/png",
                "purpose": purpose,
            }
            for path, sizes, purpose in ICONS
        ],
        "share_target": {
            "action": reverse("content:share_target"),
            "method": "POST",
            "enctype": "multipart/form-data",
            "params": {"title": "title", "text": "text", "url": "url"},
        },
    }


@public
@require_GET
@cache_control(max_age=3600)
def manifest(request):
    return HttpResponse(
        json.dumps(manifest_data(), ensure_ascii=False, indent=1),
        content_type="application/manifest+json; charset=utf-8",
    )


@public
@require_GET
@cache_control(no_cache=True)
def service_worker(request):
    """The worker's script. Its version is a hash of what it keeps, so a new release (new
    static file names) installs a new worker and drops the old store."""
    files = [staticfiles_storage.url(path) for path in SHELL_FILES]
    offline = reverse("offline")
    feed = reverse("content:feed")
    version = hashlib.sha256(json.dumps([files, offline, feed]).encode()).hexdigest()[:12]
    script = render_to_string(
        "shell/sw.js",
        {
            "config": json.dumps(
                {"version": version, "files": files, "offline": offline, "keep": [feed]}
            )
        },
    )
    response = HttpResponse(script, content_type="text/javascript; charset=utf-8")
    response["Service-Worker-Allowed"] = "/"
    return response


@public
@require_GET
def offline(request):
    return render(request, "shell/offline.html")
