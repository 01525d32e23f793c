from django.urls import path

from . import views

app_name = "rewards"

urlpatterns = [
    path("points/", views.my_points, name="points"),
    path("points/rules/", views.rules, name="rules"),
    path("points/rules/conversion-types/", views.conversion_kinds, name="conversion_kinds"),
    path("points/review/", views.review, name="review"),
    path("points/review/<int:pk>/", views.review_decide, name="review_decide"),
    path("points/people/<int:pk>/", views.employee_points, name="employee_points"),
    path("points/entries/<int:pk>/reverse/", views.reverse_entry, name="reverse"),
    path("leaderboards/", views.leaderboard, name="leaderboard"),
    path("challenges/", views.challenges, name="challenges"),
    path("challenges/new/", views.challenge_new, name="challenge_new"),
    path("challenges/<int:pk>/", views.challenge, name="challenge"),
    path("challenges/<int:pk>/edit/", views.challenge_edit, name="challenge_edit"),
    path("rewards/", views.catalogue, name="catalogue"),
    path("rewards/<int:pk>/redeem/", views.redeem, name="redeem"),
    path("rewards/manage/", views.manage_rewards, name="manage"),
    path("rewards/manage/new/", views.reward_edit, name="reward_new"),
    path("rewards/manage/<int:pk>/", views.reward_edit, name="reward_edit"),
    path("rewards/redemptions/", views.redemptions, name="redemptions"),
    path("rewards/redemptions/<int:pk>/decide/", views.decide, name="decide"),
    path("rewards/payroll.csv", views.payroll, name="payroll"),
    path("kudos/", views.kudos, name="kudos"),
    path("kudos/team/", views.team_kudos, name="team_kudos"),
    path("kudos/employee-of-the-month/", views.employee_of_month, name="employee_of_month"),
]
