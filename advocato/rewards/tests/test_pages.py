"""Every rewards page for every role (allowed or 403), and bad input: a clear message, nothing
changed, never a 500."""

from datetime import date, datetime, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from advocato.core.models import AuditEntry
from advocato.rewards import services
from advocato.rewards.conftest import grant, make_click, make_item, make_share
from advocato.rewards.models import (
    Challenge,
    Kudos,
    PointEntry,
    Redemption,
    Reward,
    RuleVersion,
)

pytestmark = pytest.mark.django_db
ROLES = ["admin", "curator", "manager", "analyst", "advocate"]
PAGES = [
    ("rewards:points", None, ROLES),
    ("rewards:leaderboard", None, ROLES),
    ("rewards:challenges", None, ROLES),
    ("rewards:challenge", "challenge", ROLES),
    ("rewards:challenge_new", None, ["admin", "curator", "manager"]),
    ("rewards:challenge_edit", "challenge", ["admin", "curator", "manager"]),
    ("rewards:catalogue", None, ROLES),
    ("rewards:kudos", None, ROLES),
    ("rewards:team_kudos", None, ["admin", "manager"]),
    ("rewards:rules", None, ["admin"]),
    ("rewards:review", None, ["admin"]),
    ("rewards:employee_points", "employee", ["admin"]),
    ("rewards:manage", None, ["admin"]),
    ("rewards:reward_new", None, ["admin"]),
    ("rewards:reward_edit", "reward", ["admin"]),
    ("rewards:redemptions", None, ["admin"]),
    ("rewards:payroll", None, ["admin"]),
    ("rewards:employee_of_month", None, ["admin"]),
]


@pytest.fixture
def objects(personas):
    today = timezone.localdate()
    return {
        "employee": personas["advocate"],
        "reward": Reward.objects.create(name="Gift card", price=50, stock=3),
        "challenge": Challenge.objects.create(
            title="Spring", starts_on=today, ends_on=today + timedelta(days=30), prize="Cake"
        ),
    }


@pytest.mark.parametrize(("name", "needs", "allowed"), PAGES)
def test_each_role_opens_its_pages_and_no_other(client, personas, objects, name, needs, allowed):
    url = reverse(name, args=[objects[needs].pk] if needs else [])
    for role in ROLES:
        client.force_login(personas[role].user)
        response = client.get(url)
        assert response.status_code == (200 if role in allowed else 403), (role, url)


def test_pages_show_points_with_their_reason(login, advocate, org):
    share = make_share(advocate, make_item("Wind jobs"))
    make_click(share, kind="self")
    services.fold()
    html = login(advocate).get(reverse("rewards:points")).content.decode()
    assert "You shared “Wind jobs” on LinkedIn" in html
    assert "your own click" in html
    assert "data-balance>10<" in html
    # The profile and the feed carry the badge.
    assert "First share" in login(advocate).get(reverse("shell:profile")).content.decode()
    assert (
        'data-badge-news="first_share"'
        in login(advocate).get(reverse("content:feed")).content.decode()
    )


def test_redeeming_without_enough_points_changes_nothing(login, advocate):
    reward = Reward.objects.create(name="Day off", price=500, stock=1)
    grant(advocate, 100)
    response = login(advocate).post(reverse("rewards:redeem", args=[reward.pk]), follow=True)
    assert "You need 500 points for this; you have 100." in response.content.decode()
    assert not Redemption.objects.exists()
    reward.refresh_from_db()
    assert reward.stock == 1 and services.wallet_balance(advocate) == 100


def test_redeeming_out_of_stock_is_refused(login, advocate):
    reward = Reward.objects.create(name="Mug", price=10, stock=0)
    grant(advocate, 100)
    response = login(advocate).post(reverse("rewards:redeem", args=[reward.pk]), follow=True)
    assert "out of stock" in response.content.decode()
    assert (
        services.wallet_balance(advocate) == 100
        and not PointEntry.objects.filter(kind="redemption").exists()
    )


def test_a_request_and_its_decision(client, advocate, admin):
    reward = Reward.objects.create(name="Mug", price=30, stock=2, value=80, currency="DKK")
    grant(advocate, 100)
    client.force_login(advocate.user)
    client.post(reverse("rewards:redeem", args=[reward.pk]))
    redemption = Redemption.objects.get()
    assert services.wallet_balance(advocate) == 70
    client.force_login(admin.user)
    response = client.post(
        reverse("rewards:decide", args=[redemption.pk]), {"decision": "decline"}, follow=True
    )
    assert "Say why it is declined" in response.content.decode()
    client.post(
        reverse("rewards:decide", args=[redemption.pk]),
        {"decision": "decline", "comment": "Mugs are gone"},
    )
    redemption.refresh_from_db()
    reward.refresh_from_db()
    assert redemption.status == "declined" and reward.stock == 2
    assert services.wallet_balance(advocate) == 100
    # Deciding again changes nothing (no second refund).
    response = client.post(
        reverse("rewards:decide", args=[redemption.pk]), {"decision": "approve"}, follow=True
    )
    assert "already decided" in response.content.decode()
    assert services.wallet_balance(advocate) == 100
    assert AuditEntry.objects.filter(object_type="rewards.Redemption").exists()
    assert services.verify() == []


def test_payroll_lists_approved_monetary_rewards(client, advocate, admin):
    reward = Reward.objects.create(name="=Gift card", price=30, value=250, currency="DKK")
    grant(advocate, 100)
    redemption = services.redeem(advocate, reward)
    services.decide(redemption, admin, approve=True)
    client.force_login(admin.user)
    month = timezone.localdate().strftime("%Y-%m")
    response = client.get(reverse("rewards:payroll") + f"?month={month}")
    body = response.content.decode()
    assert response["Content-Type"].startswith("text/csv")
    assert "anna@example.com" in body and "250.00,DKK" in body
    assert "'=Gift card" in body  # never a formula in a spreadsheet


def test_kudos_bad_input_and_the_wall(client, advocate, advocate_engineering, manager):
    client.force_login(advocate.user)
    url = reverse("rewards:kudos")
    response = client.post(url, {"receiver": advocate.pk, "message": "Me!"})
    assert response.status_code == 200 and not Kudos.objects.exists()
    response = client.post(url, {"receiver": advocate_engineering.pk, "message": "   "})
    assert response.status_code == 200 and not Kudos.objects.exists()
    assert "This field is required" in response.content.decode()
    client.post(url, {"receiver": advocate_engineering.pk, "message": "Great post on wind!"})
    assert Kudos.objects.get().receiver == advocate_engineering
    client.force_login(advocate_engineering.user)
    assert "Great post on wind!" in client.get(url).content.decode()
    assert "Great post on wind!" in client.get(reverse("shell:profile")).content.decode()
    # A manager sees the kudos in their team.
    advocate_engineering.manager = manager
    advocate_engineering.save()
    client.force_login(manager.user)
    assert "Great post on wind!" in client.get(reverse("rewards:team_kudos")).content.decode()


def test_kudos_to_yourself_is_refused_by_the_service(advocate):
    with pytest.raises(services.RewardsError):
        services.give_kudos(advocate, advocate, "Well done me")


def test_challenge_ending_before_it_starts_is_refused(client, curator):
    client.force_login(curator.user)
    response = client.post(
        reverse("rewards:challenge_new"),
        {
            "title": "March madness",
            "metric": "clicks",
            "starts_on": "2026-03-31",
            "ends_on": "2026-03-01",
            "prize": "Cake",
            "winners": 1,
        },
    )
    assert response.status_code == 200
    assert "cannot be before the first day" in response.content.decode()
    assert not Challenge.objects.exists()
    response = client.post(
        reverse("rewards:challenge_new"),
        {
            "title": "March madness",
            "metric": "clicks",
            "goal": "recruitment",
            "starts_on": "2026-03-01",
            "ends_on": "2026-03-31",
            "prize": "Cake",
            "winners": 1,
        },
    )
    assert response.status_code == 302
    assert AuditEntry.objects.filter(object_type="rewards.Challenge", action="create").exists()
    challenge = Challenge.objects.get()
    edit = reverse("rewards:challenge_edit", args=[challenge.pk])
    data = {"title": "March madness", "metric": "clicks", "starts_on": "2026-03-01",
            "ends_on": "2026-02-01", "prize": "Cake", "winners": 1}  # fmt: skip
    assert "cannot be before" in client.post(edit, data).content.decode()
    data["ends_on"] = "2026-03-15"
    assert client.post(edit, data).status_code == 302
    challenge.refresh_from_db()
    assert challenge.ends_on == date(2026, 3, 15)
    services.settle_challenges()
    response = client.get(edit, follow=True)
    assert "cannot be changed" in response.content.decode()


def test_rule_change_by_admin_is_a_new_audited_version(client, admin, org):
    client.force_login(admin.user)
    url = reverse("rewards:rules")
    page = client.get(url)
    assert page.status_code == 200
    form = page.context["form"]
    data = {k: ("" if v is None else v) for k, v in form.initial.items() if k in form.fields}
    data.update({"click_points": 3, "conversion_by_kind": "lead 25", "note": "More for clicks"})
    response = client.post(url, data)
    assert response.status_code == 200 and "Line 1" in response.content.decode()
    assert RuleVersion.objects.count() == 1
    data["conversion_by_kind"] = "lead: 40\napplication: 30"
    data["network_instagram"] = 2
    assert client.post(url, data).status_code == 302
    rules = services.current_rules()
    assert RuleVersion.objects.count() == 2
    assert rules.click_points == 3 and rules.conversion_for("lead") == 40
    assert rules.share_for("instagram") == 2 and rules.share_for("linkedin") == 10
    assert AuditEntry.objects.filter(object_type="rewards.RuleVersion").exists()


def test_admin_takes_points_back_with_a_reason(client, admin, advocate, org):
    share = make_share(advocate, make_item())
    services.fold()
    entry = PointEntry.objects.get(share=share)
    client.force_login(admin.user)
    url = reverse("rewards:reverse", args=[entry.pk])
    client.post(url, {"reason": ""})
    assert PointEntry.objects.count() == 1
    client.post(url, {"reason": "Shared by mistake"})
    client.post(url, {"reason": "Twice"})
    assert PointEntry.objects.filter(kind="reversal").count() == 1
    assert services.wallet_balance(advocate) == 0
    assert AuditEntry.objects.filter(object_type="rewards.PointEntry").exists()


def test_employee_of_the_month_is_proposed_and_confirmed(client, admin, advocate, org):
    last_month = (timezone.localdate().replace(day=1) - timedelta(days=1)).replace(day=15)
    at = timezone.make_aware(datetime.combine(last_month, datetime.min.time()))
    make_share(advocate, make_item(), at=at)
    services.fold()
    client.force_login(admin.user)
    url = reverse("rewards:employee_of_month") + f"?month={last_month:%Y-%m}"
    page = client.get(url)
    assert advocate.name in page.content.decode()
    client.post(url, {"employee": admin.pk})  # not a candidate
    client.post(url, {"employee": advocate.pk, "citation": "Kept sharing"})
    assert advocate.badges.filter(badge="employee_of_month").exists()
    assert AuditEntry.objects.filter(object_type="rewards.EmployeeOfMonth").count() == 1
    from advocato.rewards.models import EmployeeOfMonth

    chosen = EmployeeOfMonth.objects.get()
    assert chosen.employee == advocate and chosen.month == date(
        last_month.year, last_month.month, 1
    )


@pytest.mark.parametrize(
    "query",
    [
        "rewards:leaderboard?date=0001-01-01&period=week",
        "rewards:leaderboard?date=9999-12-31&period=quarter",
        "rewards:leaderboard?scope=team&id=99999999999999999999",
        "rewards:leaderboard?scope=group&id=-3",
        "rewards:redemptions?status=nope",
    ],
)
def test_odd_parameters_never_break_a_page(client, admin, query):
    name, _sep, params = query.partition("?")
    client.force_login(admin.user)
    assert client.get(reverse(name) + "?" + params).status_code == 200


def test_deciding_without_a_decision_is_a_decline_that_needs_a_reason(client, admin, advocate):
    grant(advocate, 50)
    redemption = services.redeem(advocate, Reward.objects.create(name="Mug", price=20))
    client.force_login(admin.user)
    response = client.post(reverse("rewards:decide", args=[redemption.pk]), follow=True)
    assert "Say why it is declined" in response.content.decode()
    redemption.refresh_from_db()
    assert redemption.status == "pending"
    assert client.post(reverse("rewards:redeem", args=[999999])).status_code == 404
