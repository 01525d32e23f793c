"""The programme plan: everyone in the programme reads it, admins edit it (audited); each
goal's objective shows this quarter's figure against the analysts' target (asked through
`hooks.quarter_figures`); the quarterly evaluation links back to it."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from advocato.analytics.models import Target
from advocato.core.models import AuditEntry, Organisation
from advocato.enablement import plan
from advocato.enablement.models import PlanObjective, ProgrammePlan

pytestmark = pytest.mark.django_db


def form_data(**extra) -> dict:
    data = {
        "purpose_en": "Customers meet us on social media first.",
        "purpose_da": "Kunderne møder os først på sociale medier.", "purpose_nb": "",
        "decision_maker": "", "data_owner": "", "story_owner": "", "rhythm": "quarterly",
        "meetings": "Every Monday at 9",
    }  # fmt: skip
    for goal in plan.GOALS:
        for code in ("en", "da", "nb"):
            data[f"goal-{goal}-objective_{code}"] = ""
        data[f"goal-{goal}-kpi"] = ""
    data.update(extra)
    return data


def test_an_admin_writes_the_plan_and_everyone_reads_it_with_the_target(client, personas):
    today = Organisation.get().today()
    year, quarter = today.year, (today.month - 1) // 3 + 1
    Target.objects.create(year=year, quarter=quarter, kpi="shares", value=Decimal("650"))
    admin, analyst = personas["admin"], personas["analyst"]
    client.force_login(admin.user)
    response = client.post(
        reverse("enablement:plan_edit"),
        form_data(
            decision_maker=personas["manager"].pk, data_owner=analyst.pk,
            story_owner=personas["curator"].pk, ambassadors=[personas["advocate"].pk],
            **{"goal-awareness-objective_en": "Reach people who never see our pages",
               "goal-awareness-objective_da": "Nå folk, der aldrig ser vores sider",
               "goal-awareness-kpi": "shares"},
        ),
    )  # fmt: skip
    assert response.status_code == 302
    saved = ProgrammePlan.get()
    assert saved.data_owner == analyst and saved.updated_by == admin
    assert PlanObjective.objects.get(goal="awareness").kpi == "shares"
    types = set(AuditEntry.objects.values_list("object_type", flat=True))
    assert {"enablement.ProgrammePlan", "enablement.PlanObjective"} <= types

    anna = personas["advocate"]
    anna.ui_language = "da"
    anna.save()
    client.force_login(anna.user)
    html = client.get(reverse("enablement:plan")).content.decode()
    assert "Nå folk, der aldrig ser vores sider" in html and "Kunderne møder os" in html
    assert personas["analyst"].name in html and anna.name in html  # data owner, ambassador
    assert "650" in html  # this quarter's target for shares


@pytest.mark.parametrize("role", ["curator", "analyst", "manager", "advocate"])
def test_only_admins_edit_the_plan_everyone_reads_it(client, personas, role):
    client.force_login(personas[role].user)
    assert client.get(reverse("enablement:plan")).status_code == 200
    assert client.get(reverse("enablement:plan_edit")).status_code == 403
    assert client.post(reverse("enablement:plan_edit"), form_data()).status_code == 403


def test_bad_plan_input_is_a_form_error_and_changes_nothing(client, personas):
    client.force_login(personas["admin"].user)
    url = reverse("enablement:plan_edit")
    for bad in (
        form_data(**{"goal-leads-kpi": "not-a-kpi"}),
        form_data(decision_maker="999999"),
        form_data(rhythm="weekly-ish"),
        form_data(meetings="Monday\x00"),
        form_data(ambassadors=["x"]),
    ):
        response = client.post(url, bad)
        assert response.status_code == 400
        assert b'class="errors"' in response.content
    assert ProgrammePlan.get().meetings == ""


def test_the_quarterly_evaluation_links_back_to_the_plan(client, personas):
    today = Organisation.get().today()
    client.force_login(personas["analyst"].user)
    url = reverse("analytics:evaluation", args=[today.year, (today.month - 1) // 3 + 1])
    assert reverse("enablement:plan") in client.get(url).content.decode()
