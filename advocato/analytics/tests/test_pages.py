"""The analytics pages as people use them: who may open what, the figures on the page, the
exports equal to the page, targets and settings with bad input, the rollups command."""

import csv
import io
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from django.utils import timezone

from advocato.analytics import rollups
from advocato.analytics.models import Settings, ShareDay, Target
from advocato.conftest import make_employee
from advocato.core.models import Organisation
from advocato.links.models import Click
from advocato.people.models import Ranking

from .conftest import click, make_item, make_share


@pytest.fixture
def programme(org, advocate, advocate_engineering):
    """Anna (Sales) shared twice four days ago, Lars (Engineering) once two days ago."""
    now = timezone.now().replace(microsecond=0)
    item = make_item(topics=["Wind"])
    a1 = make_share(advocate, item, now - timedelta(days=4), audience=400, edited=True,
                    reactions=10, comments=2, reshares=0)  # fmt: skip
    a2 = make_share(advocate, item, now - timedelta(days=4), network="x", audience=200)
    l1 = make_share(advocate_engineering, item, now - timedelta(days=2), audience=100)
    for n in range(3):
        click(a1, now - timedelta(days=3), visitor=f"a{n}")
    click(a1, now - timedelta(days=3), visitor="a0")  # the same visitor again that day
    click(a2, now - timedelta(days=3), kind=Click.Kind.BOT)
    click(l1, now - timedelta(days=1), visitor="l0")
    click(l1, now - timedelta(days=1), kind=Click.Kind.SELF, visitor="lars")
    rollups.fill()
    return {"a1": a1, "a2": a2, "l1": l1}


def figure(response, key):
    return next(f for f in response.context["figures"] if f.key == key)


class TestWhoSeesWhat:
    @pytest.mark.parametrize(
        ("role", "page", "status"),
        [
            ("analyst", "analytics:dashboard", 200),
            ("admin", "analytics:dashboard", 200),
            ("manager", "analytics:dashboard", 403),
            ("advocate", "analytics:dashboard", 403),
            ("curator", "analytics:content", 200),
            ("curator", "analytics:best_time", 200),
            ("advocate", "analytics:content", 403),
            ("analyst", "analytics:targets", 200),
            ("curator", "analytics:targets", 403),
            ("admin", "analytics:settings", 200),
            ("analyst", "analytics:settings", 403),
            ("advocate", "analytics:scorecard", 200),
            ("manager", "analytics:scorecard", 200),
        ],
    )
    def test_pages_by_role(self, login, personas, programme, role, page, status):
        assert login(personas[role]).get(reverse(page)).status_code == status

    def test_curators_cannot_export_people_tables(self, login, curator, programme):
        client = login(curator)
        assert client.get(reverse("analytics:export", args=["content", "csv"])).status_code == 200
        assert (
            client.get(reverse("analytics:export", args=["contributors", "csv"])).status_code == 404
        )

    def test_unknown_exports_are_not_found(self, login, analyst, programme):
        client = login(analyst)
        assert client.get("/analytics/export/passwords.csv").status_code == 404
        assert client.get("/analytics/export/kpis.pdf").status_code == 404


class TestDashboard:
    def test_figures_are_the_hand_count(self, login, analyst, programme):
        response = login(analyst).get(reverse("analytics:dashboard"))
        assert response.status_code == 200
        assert figure(response, "shares").value == 3
        # Human clicks: 4 on Anna's LinkedIn post + 1 on Lars's; the bot and Lars's own click
        # are not clicks.
        assert figure(response, "clicks").value == 5
        # Visitors a0, a1, a2 on Anna's link that day, l0 on Lars's.
        assert figure(response, "unique_clicks").value == 4
        assert figure(response, "reach").value == 700
        # Engagement 12 over the one share with figures, whose reach is 400.
        assert figure(response, "engagement_rate").value == pytest.approx(12 / 400)
        # Anna and Lars shared; registered: analyst + the two advocates.
        assert figure(response, "participation").value == pytest.approx(2 / 3)
        # Default settings: 5 clicks × 8.00 + 700 / 1000 × 60.00.
        assert figure(response, "emv").value == Decimal("82.00")
        assert "How is this counted?" in response.content.decode()

    def test_a_department_filter_narrows_everything(self, login, analyst, programme, advocate):
        response = login(analyst).get(
            reverse("analytics:dashboard"), {"department": advocate.department_id}
        )
        assert figure(response, "shares").value == 2
        assert figure(response, "clicks").value == 4

    def test_a_network_filter(self, login, analyst, programme):
        response = login(analyst).get(reverse("analytics:dashboard"), {"network": "x"})
        assert figure(response, "shares").value == 1
        assert figure(response, "clicks").value == 0

    def test_a_target_stands_beside_its_figure(self, login, analyst, programme):
        today = timezone.localdate()
        quarter = (today.month - 1) // 3 + 1
        Target.objects.create(year=today.year, quarter=quarter, kpi="participation",
                              value=Decimal("50"))  # fmt: skip
        response = login(analyst).get(
            reverse("analytics:dashboard"), {"period": f"{today.year}-q{quarter}"}
        )
        participation = figure(response, "participation")
        assert participation.target == Decimal("0.5")
        assert participation.of_target == pytest.approx((2 / 3) / 0.5)

    @pytest.mark.parametrize(
        "query",
        [
            {"period": "custom", "start": "2026-12-01", "end": "2026-01-01"},
            {"period": "custom", "start": "2026-01-01"},
            {"period": "1999-q9"},
            {"department": "999999"},
            {"network": "myspace"},
        ],
    )
    def test_bad_filters_say_why_and_show_the_default(self, login, analyst, programme, query):
        response = login(analyst).get(reverse("analytics:dashboard"), query)
        assert response.status_code == 200
        assert response.context["form"].errors
        assert response.context["filters"].days == 30

    def test_an_empty_programme_has_helpful_empty_tables(self, login, analyst, org):
        response = login(analyst).get(reverse("analytics:dashboard"))
        assert response.status_code == 200
        assert "Nothing in this period" in response.content.decode()


class TestExports:
    def test_csv_equals_the_page(self, login, analyst, programme, advocate):
        client = login(analyst)
        query = {"department": advocate.department_id}
        page = client.get(reverse("analytics:dashboard"), query)
        response = client.get(reverse("analytics:export", args=["kpis", "csv"]), query)
        assert response["Content-Type"].startswith("text/csv")
        assert "attachment" in response["Content-Disposition"]
        rows = {r[0]: r for r in csv.reader(io.StringIO(response.content.decode()))}
        assert int(rows["Clicks"][1]) == figure(page, "clicks").value == 4
        assert int(rows["Shares"][1]) == figure(page, "shares").value == 2

    def test_xlsx_reads_back(self, login, analyst, programme):
        from openpyxl import load_workbook

        response = login(analyst).get(reverse("analytics:export", args=["contributors", "xlsx"]))
        sheet = load_workbook(io.BytesIO(response.content)).active
        rows = list(sheet.iter_rows(values_only=True))
        assert rows[1][:3] == ("Rank", "Name", "Shares")
        assert rows[2][1] == "Anna Holm" and rows[2][4] == 4  # 4 clicks

    def test_names_that_look_like_formulas_are_defused(self, login, analyst, org):
        evil = make_employee("evil@example.com", name='=HYPERLINK("http://x")')
        share = make_share(evil, make_item(), timezone.now() - timedelta(hours=2), audience=5)
        click(share, timezone.now() - timedelta(hours=1))
        rollups.fill()
        response = login(analyst).get(reverse("analytics:export", args=["contributors", "csv"]))
        assert "'=HYPERLINK" in response.content.decode()

    def test_bad_filters_in_an_export_are_refused(self, login, analyst, programme):
        response = login(analyst).get(
            reverse("analytics:export", args=["kpis", "csv"]),
            {"period": "custom", "start": "2026-02-01", "end": "2026-01-01"},
        )
        assert response.status_code == 400
        assert "ends before it starts" in response.content.decode()


class TestPrivacy:
    def test_contributors_hide_people_who_keep_results_to_themselves(
        self, login, analyst, programme, advocate
    ):
        type(advocate).objects.filter(pk=advocate.pk).update(ranking=Ranking.OWN)
        response = login(analyst).get(reverse("analytics:dashboard"))
        contributors = next(t for t in response.context["tables"] if t.name == "contributors")
        assert [row["name"] for row in contributors.rows] == ["Lars Berg"]
        assert "1 more person is ranked but not named" in contributors.note

    def test_a_manager_sees_their_reports_scorecard_but_not_others(
        self, login, org, programme, advocate, advocate_engineering
    ):
        boss = make_employee("boss@example.com", role="manager", department="Sales")
        type(advocate).objects.filter(pk=advocate.pk).update(manager=boss)
        client = login(boss)
        mine = client.get(reverse("analytics:scorecard"))
        assert [row["employee"].name for row in mine.context["team"]] == ["Anna Holm"]
        assert client.get(reverse("analytics:scorecard_of", args=[advocate.pk])).status_code == 200
        other = client.get(reverse("analytics:scorecard_of", args=[advocate_engineering.pk]))
        assert other.status_code == 404

    def test_only_the_person_when_the_company_says_so(self, login, org, programme, analyst,
                                                      advocate):  # fmt: skip
        Organisation.objects.filter(pk=org.pk).update(individual_results="self")
        client = login(analyst)
        assert client.get(reverse("analytics:scorecard_of", args=[advocate.pk])).status_code == 404
        response = client.get(reverse("analytics:dashboard"))
        contributors = next(t for t in response.context["tables"] if t.name == "contributors")
        assert contributors.rows == []
        # Totals are never hidden.
        assert figure(response, "clicks").value == 5

    def test_colleagues_cannot_open_each_others_scorecards(
        self, login, programme, advocate, advocate_engineering
    ):
        response = login(advocate_engineering).get(
            reverse("analytics:scorecard_of", args=[advocate.pk])
        )
        assert response.status_code == 404


class TestScorecard:
    def test_own_figures(self, login, programme, advocate):
        response = login(advocate).get(reverse("analytics:scorecard"))
        card = response.context["card"]
        assert card["totals"]["shares"] == 2
        assert card["totals"]["clicks"] == 4
        assert card["totals"]["reach"] == 600
        # One week in the last 30 days had shares; 30 days touch 5 or 6 calendar weeks.
        assert card["consistency"] in (pytest.approx(1 / 5), pytest.approx(1 / 6))
        assert 'data-kpi="clicks">4<' in response.content.decode()

    def test_someone_who_has_not_shared_gets_a_way_to_start(self, login, org, curator):
        response = login(curator).get(reverse("analytics:scorecard"))
        assert "Go to the feed" in response.content.decode()


class TestTargets:
    def test_saving_and_clearing_targets(self, login, analyst, org):
        client = login(analyst)
        response = client.post(
            reverse("analytics:targets"),
            {"quarter": "2026-q4", "clicks": "4500", "adoption": "80"},
        )
        assert response.status_code == 302
        assert Target.objects.get(year=2026, quarter=4, kpi="clicks").value == 4500
        client.post(reverse("analytics:targets"), {"quarter": "2026-q4", "adoption": "80"})
        assert not Target.objects.filter(kpi="clicks").exists()

    @pytest.mark.parametrize("data", [{"adoption": "120"}, {"clicks": "-5"}, {"clicks": "lots"}])
    def test_bad_targets_change_nothing(self, login, analyst, org, data):
        response = login(analyst).post(reverse("analytics:targets"), {"quarter": "2026-q4", **data})
        assert response.status_code == 200
        assert response.context["form"].errors
        assert not Target.objects.exists()

    def test_a_made_up_quarter_is_not_found(self, login, analyst, org):
        assert (
            login(analyst).get(reverse("analytics:targets"), {"quarter": "2026-q7"}).status_code
            == 404
        )
        assert (
            login(analyst).get(reverse("analytics:targets"), {"quarter": "abc"}).status_code == 404
        )


class TestSettings:
    def test_own_domains_make_referrals(
        self, login, admin, programme, django_capture_on_commit_callbacks
    ):
        client = login(admin)
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(
                reverse("analytics:settings"),
                {"cpc": "10", "cpm": "50", "currency": "nok", "own_domains": "https://Nordlys.example/\n"},
            )  # fmt: skip
        assert response.status_code == 302
        settings = Settings.get()
        assert settings.own_domains == "nordlys.example" and settings.currency == "NOK"
        # The rollups were counted again: clicks on nordlys.example links are referrals.
        assert sum(ShareDay.objects.values_list("referrals", flat=True)) == 5

    @pytest.mark.parametrize(
        ("field", "value"),
        [("own_domains", "not a domain"), ("currency", "kroner"), ("cpc", "-1")],
    )
    def test_bad_settings_change_nothing(self, login, admin, org, field, value):
        data = {"cpc": "8", "cpm": "60", "currency": "DKK", "own_domains": "", field: value}
        response = login(admin).post(reverse("analytics:settings"), data)
        assert response.status_code == 200
        assert field in response.context["form"].errors
        assert Settings.get().cpc == Decimal("8.00")


class TestCommand:
    def test_check_passes_after_a_fill_and_fails_on_a_tampered_rollup(self, programme, capsys):
        call_command("rollups", "--check")
        assert "agree" in capsys.readouterr().out
        ShareDay.objects.filter(clicks__gt=0).update(clicks=99)
        with pytest.raises(CommandError, match="differ"):
            call_command("rollups", "--check")
        call_command("rollups", "--rebuild", verbosity=0)
        call_command("rollups", "--check")

    def test_the_worker_task_fills(self, org, advocate, settings):
        from advocato.analytics.tasks import fill_rollups

        share = make_share(advocate, make_item(), timezone.now() - timedelta(hours=3), audience=9)
        click(share, timezone.now() - timedelta(hours=1))
        fill_rollups()
        assert ShareDay.objects.get(share=share).clicks == 1


def test_a_share_changed_with_a_bulk_update_is_counted_again(org, advocate):
    """QuerySet.update() skips auto_now; shares bump `changed_at` anyway, so the rollups see
    figures however they were written."""
    import time_machine

    from advocato.sharing.models import Share

    share = make_share(advocate, make_item(), timezone.now() - timedelta(hours=3), audience=100)
    rollups.fill()
    later = timezone.now() + timedelta(minutes=30)  # well past the re-read margin
    with time_machine.travel(later, tick=False):
        rollups.fill()
        Share.objects.filter(pk=share.pk).update(audience=250)
    with time_machine.travel(later + timedelta(minutes=1), tick=False):
        rollups.fill()
    assert ShareDay.objects.get(share=share).reach == 250


@pytest.mark.parametrize(("language", "word"), [("da", "Vindkraft"), ("nb", "Vindenergi")])
def test_the_topic_breakdown_and_its_export_name_topics_in_the_analysts_language(
    login, analyst, programme, language, word
):
    from advocato.content.models import Topic

    Topic.objects.filter(name="Wind").update(**{f"name_{language}": word})
    analyst.ui_language = language
    analyst.save()
    client = login(analyst)
    assert f">{word}<" in client.get(reverse("analytics:dashboard")).content.decode()
    exported = client.get(reverse("analytics:export", args=["topics", "csv"]))
    text = exported.content.decode()
    assert word in text and "Wind" not in text
