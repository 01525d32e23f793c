from django.urls import path

from . import views

app_name = "enablement"

urlpatterns = [
    path("policy/", views.policy, name="policy"),
    path("policy/<int:number>/accept/", views.accept, name="accept"),
    path("policy/manage/", views.manage, name="manage"),
    path("policy/new/", views.new_version, name="new_version"),
    path("policy/<int:number>/edit/", views.edit, name="edit"),
    path("policy/<int:number>/accepted/", views.acceptances, name="acceptances"),
    path("onboarding/", views.onboarding, name="onboarding"),
    path("onboarding/tick/<slug:step>/", views.tick, name="onboarding_tick"),
]
