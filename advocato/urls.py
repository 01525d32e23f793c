from django.contrib import admin
from django.urls import include, path

from advocato.core import views as core_views

urlpatterns = [
    path("", core_views.home, name="home"),
    path("", include("advocato.core.urls")),
    path("", include("advocato.people.urls")),
    path("", include("advocato.content.urls")),
    path("", include("advocato.links.urls")),
    path("", include("advocato.sharing.urls")),
    path("", include("advocato.analytics.urls")),
    path("", include("advocato.rewards.urls")),
    # Uploaded pictures; they are public by nature (link previews show them to anyone).
    path("media/<path:path>", core_views.media, name="media"),
    # The login address is the employee's e-mail, set by admins: no self-service changes.
    path("accounts/email/", core_views.email_managed_by_admins, name="account_email"),
    path("accounts/", include("allauth.urls")),
    path("admin/", admin.site.urls),
]
