from django.urls import path

from . import views

app_name = "content"

urlpatterns = [
    path("feed/", views.feed, name="feed"),
    path("feed/<int:pk>/", views.item_detail, name="item"),
    path("suggest/", views.suggest, name="suggest"),
    path("share-target/", views.share_target, name="share_target"),
    path("library/", views.library, name="library"),
    path("library/new/", views.item_new, name="new"),
    path("library/<int:pk>/", views.item_edit, name="edit"),
    path("library/<int:pk>/status/", views.item_transition, name="transition"),
    path("library/topics/", views.topics, name="topics"),
    path("review/", views.review_queue, name="review"),
    path("review/approve/", views.review_approve, name="review_approve"),
    path("sources/", views.sources, name="sources"),
    path("sources/<int:pk>/", views.source_detail, name="source"),
    path("sources/<int:pk>/poll/", views.source_poll, name="source_poll"),
]
