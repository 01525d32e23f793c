from django.contrib import admin
from django.urls import include, path

from advocato.core import views as core_views

urlpatterns = [
    path("", core_views.home, name="home"),
    path("", include("advocato.core.urls")),
    path("", include("advocato.people.urls")),
    path("accounts/", include("allauth.urls")),
    path("admin/", admin.site.urls),
]
