"""Rewards, challenges and the employee of the month speak the reader's language: the
translation where the company wrote one, the company's own text where it did not, on every
page and export that shows them; the admin and curator write them side by side."""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from advocato.conftest import make_employee
from advocato.core.models import AuditEntry
from advocato.rewards import services
from advocato.rewards.conftest import grant
from advocato.rewards.models import Challenge, EmployeeOfMonth, Reward

pytestmark = pytest.mark.django_db
WORDS = {
    "da": {"reward": "En ekstra fridag", "about": "Aftal dagen med din leder.",
           "title": "Fire ugers rekrutteringsklik", "prize": "En flaske akvavit",
           "why": "Delte hver eneste uge"},
    "nb": {"reward": "En ekstra fridag i året", "about": "Avtal dagen med lederen din.",
           "title": "Fire uker med rekrutteringsklikk", "prize": "En flaske akevitt",
           "why": "Delte hver eneste uke"},
}  # fmt: skip


def reader(language):
    person = make_employee(f"reader-{language}@example.com", name="Reader", department="Sales")
    person.ui_language = language
    person.save()
    return person


def make_challenge(**texts):
    today = timezone.localdate()
    values = {
        "title": "Four weeks of recruitment clicks",
        "description": "Share our open positions in your own words.",
        "prize": "A bottle of aquavit",
        **texts,
    }
    return Challenge.objects.create(
        starts_on=today - timedelta(days=3), ends_on=today + timedelta(days=25), **values
    )


@pytest.mark.parametrize("language", ["da", "nb"])
def test_the_catalogue_shows_the_reward_in_the_readers_language(login, language):
    words = WORDS[language]
    Reward.objects.create(
        name="Extra day off", description="Agree the day with your manager.", price=10,
        **{f"name_{language}": words["reward"], f"description_{language}": words["about"]},
    )  # fmt: skip
    Reward.objects.create(name="Lunch with the CEO", description="Bring your ideas.", price=20)
    person = reader(language)
    grant(person, 50)
    html = login(person).get(reverse("rewards:catalogue")).content.decode()
    assert words["reward"] in html and words["about"] in html
    assert "Extra day off" not in html and "Agree the day" not in html
    # Not translated: the company's own text rather than nothing.
    assert "Lunch with the CEO" in html and "Bring your ideas." in html

    # Requested: the message, the request list and the points history say it the same way.
    reward = Reward.objects.get(name="Extra day off")
    response = login(person).post(reverse("rewards:redeem", args=[reward.pk]), follow=True)
    assert words["reward"] in response.content.decode()
    history = login(person).get(reverse("rewards:points")).content.decode()
    assert words["reward"] in history and "Extra day off" not in history


@pytest.mark.parametrize("language", ["da", "nb"])
def test_challenges_show_title_text_and_prize_in_the_readers_language(login, language):
    words = WORDS[language]
    translated = make_challenge(
        **{f"title_{language}": words["title"], f"prize_{language}": words["prize"]}
    )
    plain = make_challenge(title="Spring clicks", prize="Cake")
    person = reader(language)
    html = login(person).get(reverse("rewards:challenges")).content.decode()
    assert words["title"] in html and words["prize"] in html
    assert "Four weeks of recruitment clicks" not in html and "aquavit" not in html
    assert "Spring clicks" in html and "Cake" in html  # no translation: the company's text
    page = login(person).get(reverse("rewards:challenge", args=[translated.pk])).content.decode()
    assert words["title"] in page and words["prize"] in page
    assert "Share our open positions" in page  # the description was not translated
    page = login(person).get(reverse("rewards:challenge", args=[plain.pk])).content.decode()
    assert "Spring clicks" in page


@pytest.mark.parametrize("language", ["da", "nb"])
def test_the_employee_of_the_month_citation_in_the_readers_language(
    login, admin, advocate, language
):
    advocate.ranking = "named"
    advocate.save()
    services.confirm_employee_of_month(
        date(2026, 5, 1), advocate, admin, "Shared every single week",
        {language: WORDS[language]["why"]},
    )  # fmt: skip
    person = reader(language)
    html = login(person).get(reverse("rewards:leaderboard")).content.decode()
    assert WORDS[language]["why"] in html and "Shared every single week" not in html
    # Without a translation, the company's words.
    EmployeeOfMonth.objects.update(**{f"citation_{language}": ""})
    html = login(person).get(reverse("rewards:leaderboard")).content.decode()
    assert "Shared every single week" in html


def test_the_admin_writes_a_reward_in_each_language_side_by_side(login, admin, org):
    org.default_language = "da"
    org.save()
    page = login(admin).get(reverse("rewards:reward_new")).content.decode()
    assert page.count("data-languages") == 2  # name and description
    assert 'name="name_en"' in page and 'name="name_nb"' in page and 'name="name_da"' not in page
    response = login(admin).post(
        reverse("rewards:reward_new"),
        {"name": "En ekstra fridag", "name_en": "Extra day off", "name_nb": "En ekstra fridag",
         "description": "Aftal dagen.", "description_en": "Agree the day.",
         "description_nb": "", "kind": "time_off", "price": "1500", "is_active": "on"},
    )  # fmt: skip
    assert response.status_code == 302
    reward = Reward.objects.get()
    assert (reward.name, reward.name_en, reward.description_nb) == (
        "En ekstra fridag", "Extra day off", "",
    )  # fmt: skip
    entry = AuditEntry.objects.get(object_type="rewards.Reward")
    assert entry.after is not None
    assert entry.after["name_en"] == "Extra day off"


def test_the_curator_writes_a_challenge_in_each_language(login, curator):
    today = timezone.localdate()
    response = login(curator).post(
        reverse("rewards:challenge_new"),
        {"title": "Spring clicks", "title_da": "Forårsklik", "title_nb": "Vårklikk",
         "description": "", "description_da": "", "description_nb": "",
         "metric": "clicks", "goal": "", "network": "",
         "starts_on": today.isoformat(), "ends_on": (today + timedelta(days=9)).isoformat(),
         "prize": "Cake", "prize_da": "Kage", "prize_nb": "Kake\x07", "winners": "1"},
    )  # fmt: skip
    assert response.status_code == 200  # a control character in one language: refused
    assert not Challenge.objects.exists()
    assert "prize_nb" in response.context["form"].errors


@pytest.mark.parametrize("language", ["da", "nb"])
def test_the_payroll_export_names_the_reward_in_the_admins_language(
    client, advocate, admin, language
):
    reward = Reward.objects.create(
        name="Gift card", price=30, value=250, currency="DKK",
        **{f"name_{language}": "Gavekort"},
    )  # fmt: skip
    grant(advocate, 100)
    services.decide(services.redeem(advocate, reward), admin, approve=True)
    admin.ui_language = language
    admin.save()
    client.force_login(admin.user)
    month = timezone.localdate().strftime("%Y-%m")
    csv = client.get(reverse("rewards:payroll") + f"?month={month}").content.decode()
    assert "Gavekort" in csv and "Gift card" not in csv
