"""The API's URL space. Included by the shell's URL root; nothing here is under `/l/`."""

from django.urls import URLPattern, URLResolver

from .webhooks import urls as webhook_urls

app_name = "api"

urlpatterns: list[URLPattern | URLResolver] = []

# Outgoing webhooks: the admin's pages under /settings/webhooks/.
urlpatterns += webhook_urls.urlpatterns
