from django.urls import path

from . import views, views_evaluation, views_history

app_name = "analytics"

urlpatterns = [
    path("analytics/", views.dashboard, name="dashboard"),
    path("analytics/content/", views.content, name="content"),
    path("analytics/best-time/", views.best_time, name="best_time"),
    path("analytics/targets/", views.targets, name="targets"),
    path("analytics/settings/", views.settings, name="settings"),
    path("analytics/export/<slug:name>.<str:fmt>", views.export, name="export"),
    path("analytics/evaluation/", views_evaluation.evaluations, name="evaluations"),
    path(
        "analytics/evaluation/<int:year>/q<int:quarter>/",
        views_evaluation.evaluation,
        name="evaluation",
    ),
    path(
        "analytics/evaluation/<int:year>/q<int:quarter>.pdf",
        views_evaluation.evaluation_pdf,
        name="evaluation_pdf",
    ),
    path("analytics/subscriptions/", views_evaluation.subscriptions, name="subscriptions"),
    path("analytics/history/", views_history.upload, name="history"),
    path("analytics/history/<slug:kind>.csv", views_history.sample, name="history_sample"),
    path("analytics/history/<int:pk>/", views_history.report, name="history_report"),
    path("team/", views.team, name="team"),
    path("adoption/", views.adoption, name="adoption"),
    path("scorecard/", views.scorecard, name="scorecard"),
    path("scorecard/<int:pk>/", views.scorecard, name="scorecard_of"),
]
