"""The URL root: the shell's own pages (home, profile, settings, audit log, language) and
every app's pages below it."""

from django.contrib import admin
from django.urls import include, path

from . import app, views

shell_pages = [
    path("me/", views.profile, name="profile"),
    path("me/data/", views.my_data, name="my_data"),
    path("me/data.zip", views.my_data_download, name="my_data_download"),
    path("me/delete/", views.delete_me, name="delete_me"),
    path("people/<int:pk>/forget/", views.forget_person, name="forget_person"),
    path("settings/", views.organisation_settings, name="settings"),
    path("audit/", views.audit_log, name="audit"),
    path("i18n/language/", views.set_language, name="set_language"),
]

urlpatterns = [
    path("", views.home, name="home"),
    # The installable app: manifest, service worker (at the root, to control every page).
    path("manifest.webmanifest", app.manifest, name="manifest"),
    path("sw.js", app.service_worker, name="service_worker"),
    path("offline/", app.offline, name="offline"),
    path("", include((shell_pages, "shell"))),
    path("", include("advocato.people.urls")),
    path("", include("advocato.content.urls")),
    path("", include("advocato.links.urls")),
    path("", include("advocato.sharing.urls")),
    path("", include("advocato.analytics.urls")),
    path("", include("advocato.rewards.urls")),
    path("", include("advocato.enablement.urls")),
    path("", include("advocato.api.urls")),
    # Uploaded pictures; they are public by nature (link previews show them to anyone).
    path("media/<path:path>", views.media, name="media"),
    # The login address is the employee's e-mail, set by admins: no self-service changes.
    path("accounts/email/", views.email_managed_by_admins, name="account_email"),
    path("accounts/", include("allauth.urls")),
    path("admin/", admin.site.urls),
]
