from django.urls import path

from . import views

app_name = "sharing"

urlpatterns = [
    path("feed/<int:pk>/share/", views.compose, name="compose"),
    path("feed/<int:pk>/share/check/", views.check, name="check"),
    path("feed/<int:pk>/copy/", views.copy_text, name="copy"),
    path("shares/", views.mine, name="mine"),
    path("shares/<int:pk>/", views.handoff, name="handoff"),
    path("shares/<int:pk>/confirm/", views.confirm, name="confirm"),
    path("shares/<int:pk>/cancel/", views.cancel, name="cancel"),
    path("shares/<int:pk>/remove/", views.remove, name="remove"),
    path("shares/<int:pk>/refresh/", views.refresh_figures, name="refresh_figures"),
    path("shares/<int:pk>/engagement/", views.enter_engagement, name="enter_engagement"),
    path("shares/engagement/import/", views.engagement_import, name="engagement_import"),
    path("library/<int:pk>/results/", views.item_results, name="item_results"),
    path("profile/networks/", views.networks_page, name="networks"),
    path("profile/networks/<str:network>/connect/", views.network_connect, name="network_connect"),
    path(
        "profile/networks/<str:network>/reconnect/",
        views.network_reconnect,
        name="network_reconnect",
    ),
    path(
        "profile/networks/<str:network>/callback/", views.network_callback, name="network_callback"
    ),
    path(
        "profile/networks/<str:network>/disconnect/",
        views.network_disconnect,
        name="network_disconnect",
    ),
    path(
        "profile/networks/<str:network>/audience/", views.network_audience, name="network_audience"
    ),
    path("networks/apps/", views.network_apps, name="network_apps"),
    path("sharing/limits/", views.limits_settings, name="limits"),
    path("shares/own-posts/", views.own_posts, name="own_posts"),
]
