"""The URL configuration of the lean redirect handler (see advocato/wsgi.py): one pattern, so
resolving a tracked link costs one regex match, not a walk through the whole site."""

from django.urls import path

from . import views

urlpatterns = [path("l/<str:code>", views.follow, name="follow")]
