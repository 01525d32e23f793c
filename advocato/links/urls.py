from django.urls import path

from . import views

app_name = "links"

urlpatterns = [
    path("l/<str:code>", views.follow, name="follow"),
    path("c/convert", views.convert, name="convert"),
    path("api/conversions", views.convert_server, name="convert_server"),
]
