from django.urls import path

from . import views, views_chat

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
    path("chat/", views_chat.channels, name="chat_channels"),
    path("chat/new/", views_chat.channel_new, name="chat_new"),
    path("chat/<int:pk>/", views_chat.channel, name="chat_channel"),
    path("chat/<int:pk>/test/", views_chat.channel_test, name="chat_test"),
    path("chat/<int:pk>/remove/", views_chat.channel_remove, name="chat_remove"),
    path("nudges/", views_chat.nudge_settings, name="nudge_settings"),
    path("team/lapsed/", views_chat.lapsed, name="lapsed"),
    path("nudges/off/<str:token>/", views_chat.nudges_off, name="nudges_off"),
]
