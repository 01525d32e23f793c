"""Company texts in the reader's language: the translation where there is one, else the text
in the company's language; edited side by side; moved when the default language changes."""

from datetime import date

import pytest
from django.utils import translation

from advocato.content.forms import TopicForm
from advocato.content.models import Topic
from advocato.core.models import Organisation
from advocato.core.translated import change_default_language, columns_for, translated
from advocato.rewards import services
from advocato.rewards.forms import RewardForm
from advocato.rewards.models import EmployeeOfMonth, Reward

pytestmark = pytest.mark.django_db


def test_the_readers_language_then_the_company_language():
    reward = Reward.objects.create(
        name="Extra day off", name_da="En ekstra fridag", description="Agree it.", price=10
    )
    with translation.override("da"):
        assert reward.local_name == "En ekstra fridag"
        assert reward.local_description == "Agree it."  # not translated: the company's text
        assert str(reward) == "En ekstra fridag"
    with translation.override("nb"):
        assert reward.local_name == "Extra day off"
    assert translated(reward, "name", "da") == "En ekstra fridag"
    assert translated(reward, "name", "nb-NO") == "Extra day off"
    assert translated(reward, "name", "da-DK") == "En ekstra fridag"


def test_a_translation_of_only_spaces_is_no_translation():
    topic = Topic.objects.create(**columns_for("name", {"en": "Wind", "nb": "Vind"}, "en"))
    assert (topic.name, topic.name_nb, topic.name_en) == ("Wind", "Vind", "")
    form = TopicForm(
        {"name": "Wind", "name_da": "   ", "name_nb": "Vindkraft"},
        instance=topic,
        default_language="en",
    )
    assert form.is_valid(), form.errors
    form.save()
    topic.refresh_from_db()
    assert topic.name_da == ""
    with translation.override("da"):
        assert topic.local_name == "Wind"
    with translation.override("nb"):
        assert topic.local_name == "Vindkraft"


def test_the_form_puts_the_company_language_first_and_the_others_beside_it():
    Organisation.objects.filter(pk=Organisation.get().pk).update(default_language="da")
    form = RewardForm()
    assert "name_da" not in form.fields and "description_da" not in form.fields
    groups = [f for f in form.visible_fields() if getattr(f, "is_group", False)]
    assert [[b.name for b in g.fields] for g in groups] == [
        ["name", "name_en", "name_nb"],
        ["description", "description_en", "description_nb"],
    ]
    assert form.fields["name"].required and not form.fields["name_en"].required
    assert form.fields["name_nb"].widget.attrs["lang"] == "nb"

    form = RewardForm(
        {"name": "Gavekort", "name_en": "Gift card", "name_nb": "=HYPERLINK(1)", "kind": "other",
         "price": "10", "is_active": "on"}
    )  # fmt: skip
    assert not form.is_valid()
    assert "name_nb" in form.errors  # every language's name goes into the payroll CSV


def test_a_new_default_language_moves_the_texts():
    Organisation.objects.filter(pk=Organisation.get().pk).update(default_language="en")
    wind = Topic.objects.create(name="Wind", name_da="Vindkraft")
    careers = Topic.objects.create(name="Careers")
    # Translated alike into Danish as an existing topic's own name: it keeps its text.
    vind = Topic.objects.create(name="Vind", name_da="Vindkraft")
    reward = Reward.objects.create(name="Gift card", name_da="Gavekort", price=5)

    change_default_language("en", "da")

    wind.refresh_from_db()
    careers.refresh_from_db()
    vind.refresh_from_db()
    assert (vind.name, vind.name_da) == ("Vind", "Vindkraft")
    reward.refresh_from_db()
    assert (wind.name, wind.name_en, wind.name_da) == ("Vindkraft", "Wind", "")
    # No Danish yet: the English text stays the fallback and is kept as the English one.
    assert (careers.name, careers.name_en) == ("Careers", "Careers")
    assert (reward.name, reward.name_en, reward.name_da) == ("Gavekort", "Gift card", "")
    with translation.override("en"):
        assert wind.local_name == "Wind" and reward.local_name == "Gift card"
    with translation.override("nb"):
        assert wind.local_name == "Vindkraft"


def test_the_citation_is_kept_in_every_language_given(admin, advocate):
    advocate.ranking = "named"
    advocate.save()
    chosen = services.confirm_employee_of_month(
        date(2026, 5, 1), advocate, admin, "Shared every week",
        {"da": " Delte hver uge ", "nb": "", "xx": "ignored"},
    )  # fmt: skip
    chosen = EmployeeOfMonth.objects.get(pk=chosen.pk)
    assert (chosen.citation, chosen.citation_da, chosen.citation_nb) == (
        "Shared every week", "Delte hver uge", "",
    )  # fmt: skip
    with translation.override("nb"):
        assert chosen.local_citation == "Shared every week"
