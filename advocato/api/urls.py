"""The API's URL space. Included by the shell's URL root; nothing here is under `/l/`."""

from django.urls import URLPattern, URLResolver, path, re_path

from . import views
from .v1 import api
from .webhooks import urls as webhook_urls

app_name = "api"

urlpatterns: list[URLPattern | URLResolver] = [
    # Outgoing webhooks: the admin's pages under /settings/webhooks/.
    *webhook_urls.urlpatterns,
    path("api/v1/", api.urls),
    # Anything else under /api/ is answered in the API's terms, not with a page.
    re_path(r"^api/", views.not_found, name="not_found"),
    path("settings/api-tokens/", views.service_tokens, name="service_tokens"),
    path("me/api-tokens/", views.personal_tokens, name="personal_tokens"),
    path("api-tokens/<int:pk>/revoke/", views.revoke, name="revoke"),
]
