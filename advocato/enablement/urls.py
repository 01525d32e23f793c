from django.urls import path

from . import views, views_questions, views_stories, views_training

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
    path("training/", views_training.modules, name="training"),
    path("training/<int:pk>/", views_training.module, name="training_module"),
    path("training/attempt/<int:pk>/", views_training.attempt, name="training_attempt"),
    path("training/manage/", views_training.manage, name="training_manage"),
    path("training/new/", views_training.module_new, name="training_new"),
    path("training/<int:pk>/edit/", views_training.module_edit, name="training_edit"),
    path("training/<int:pk>/questions/new/", views_training.question_new,
         name="training_question_new"),
    path("training/questions/<int:pk>/", views_training.question_edit,
         name="training_question_edit"),
    path("training/questions/<int:pk>/delete/", views_training.question_delete,
         name="training_question_delete"),
    path("training/progress/", views_training.progress, name="training_progress"),
    path("plan/", views_training.plan, name="plan"),
    path("plan/edit/", views_training.plan_edit, name="plan_edit"),
    path("stories/", views_stories.story_list, name="stories"),
    path("stories/<int:pk>/", views_stories.story, name="story"),
    path("stories/manage/", views_stories.manage_stories, name="stories_manage"),
    path("stories/new/", views_stories.edit_story, name="story_new"),
    path("stories/<int:pk>/edit/", views_stories.edit_story, name="story_edit"),
    path("stories/<int:pk>/withdraw/", views_stories.withdraw_story, name="story_withdraw"),
    path("me/e-mails/", views_stories.email_preferences, name="email_preferences"),
    # The one-click way out of an e-mail (RFC 8058): no session, a signed token.
    path("e/unsubscribe/<str:token>/", views_stories.unsubscribe, name="unsubscribe"),
]  # fmt: skip
