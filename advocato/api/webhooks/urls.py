"""Webhook admin pages, under /settings/webhooks/ (included by `api/urls.py`)."""

from django.urls import path

from . import views

urlpatterns = [
    path("settings/webhooks/", views.endpoints, name="webhooks"),
    path("settings/webhooks/add/", views.add, name="webhook_add"),
    path("settings/webhooks/<int:pk>/", views.detail, name="webhook"),
    path("settings/webhooks/<int:pk>/edit/", views.edit, name="webhook_edit"),
    path("settings/webhooks/<int:pk>/rotate/", views.rotate, name="webhook_rotate"),
    path("settings/webhooks/<int:pk>/switch/", views.switch, name="webhook_switch"),
    path("settings/webhooks/<int:pk>/test/", views.test_message, name="webhook_test"),
    path("settings/webhooks/<int:pk>/delete/", views.delete, name="webhook_delete"),
    path(
        "settings/webhooks/<int:pk>/messages/<int:message_pk>/redeliver/",
        views.redeliver,
        name="webhook_redeliver",
    ),
]
