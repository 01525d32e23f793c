from django.urls import path

from . import views

app_name = "sharing"

urlpatterns = [
    path("feed/<int:pk>/share/", views.compose, name="compose"),
    path("feed/<int:pk>/share/check/", views.check, name="check"),
    path("shares/", views.mine, name="mine"),
    path("shares/<int:pk>/", views.handoff, name="handoff"),
    path("shares/<int:pk>/confirm/", views.confirm, name="confirm"),
    path("library/<int:pk>/results/", views.item_results, name="item_results"),
]
