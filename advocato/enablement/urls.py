from django.urls import path

from . import views, views_stories

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
    path("stories/", views_stories.story_list, name="stories"),
    path("stories/<int:pk>/", views_stories.story, name="story"),
    path("stories/manage/", views_stories.manage_stories, name="stories_manage"),
    path("stories/new/", views_stories.edit_story, name="story_new"),
    path("stories/<int:pk>/edit/", views_stories.edit_story, name="story_edit"),
    path("stories/<int:pk>/withdraw/", views_stories.withdraw_story, name="story_withdraw"),
    path("me/e-mails/", views_stories.email_preferences, name="email_preferences"),
    # The one-click way out of an e-mail (RFC 8058): no session, a signed token.
    path("e/unsubscribe/<str:token>/", views_stories.unsubscribe, name="unsubscribe"),
]
