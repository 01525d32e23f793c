from django.urls import path

from . import views

app_name = "people"

urlpatterns = [
    path("people/", views.employee_list, name="list"),
    path("people/search.json", views.search_people, name="search"),
    path("people/invite/", views.invite, name="invite"),
    path("people/import/", views.import_upload, name="import"),
    path("people/import/template.csv", views.import_template, name="import_template"),
    path("people/import/<int:pk>/", views.import_report, name="import_report"),
    path("people/<int:pk>/", views.employee_detail, name="detail"),
    path("people/<int:pk>/resend/", views.resend, name="resend"),
    path("people/<int:pk>/revoke/", views.revoke, name="revoke"),
    path("people/<int:pk>/active/", views.set_active, name="set_active"),
    path("groups/", views.groups, name="groups"),
    path("groups/<int:pk>/", views.group_edit, name="group_edit"),
    path("invite/<str:token>/", views.accept, name="accept"),
]
