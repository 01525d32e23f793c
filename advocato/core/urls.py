from django.urls import path

from . import views

app_name = "core"

urlpatterns = [
    path("me/", views.profile, name="profile"),
    path("settings/", views.organisation_settings, name="settings"),
    path("audit/", views.audit_log, name="audit"),
    path("i18n/language/", views.set_language, name="set_language"),
]
