from django.urls import path

from . import views, views_questions

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
    path("shares/<int:pk>/ask/", views_questions.ask, name="ask"),
    path("questions/", views_questions.queue, name="questions"),
    path("questions/<int:pk>/", views_questions.detail, name="question"),
    path("questions/<int:pk>/status/", views_questions.set_status, name="question_status"),
]
