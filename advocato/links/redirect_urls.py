"""The URL configuration of the lean redirect handler (see advocato/wsgi.py): one pattern, so
resolving a tracked link costs one regex match, not a walk through the whole site."""

from django.urls import path, re_path

from . import views

urlpatterns = [
    path("l/<str:code>", views.follow, name="follow"),
    re_path(r"^", views.unknown_link),  # anything else under /l/: the friendly page, never a 500
]
