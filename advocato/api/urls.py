"""The API's URL space. Included by the shell's URL root; nothing here is under `/l/`."""

from django.urls import URLPattern, URLResolver

app_name = "api"

urlpatterns: list[URLPattern | URLResolver] = []
