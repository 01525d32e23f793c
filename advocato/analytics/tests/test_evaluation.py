"""The quarterly evaluation: the page, the written conclusions and the PDF."""

import io
from datetime import datetime
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse
from pypdf import PdfReader

from advocato.analytics import evaluation, kpis, rollups
from advocato.analytics.models import Evaluation, Target
from advocato.analytics.tests.conftest import CPH, click, local, make_item, make_share
from advocato.people.models import Employee, User

ORG = "Nordlys Æblegård"


@pytest.fixture
def today():
    """Monday 23 November 2026, in Q4: Q3 2026 is over."""
    with time_machine.travel(datetime(2026, 11, 23, 10, 0, tzinfo=CPH), tick=False):
        yield


@pytest.fixture
def quarter(org, today, analyst, advocate, advocate_engineering):
    """Q3 2026: two items, four shares by two people, eleven clicks, two targets; everyone
    joined in June."""
    org.name = ORG
    org.save()
    joined = local(2026, 6, 1)
    for person in (analyst, advocate, advocate_engineering):
        Employee.objects.filter(pk=person.pk).update(created_at=joined)
        User.objects.filter(pk=person.user_id).update(date_joined=joined)
    wind = make_item("Vindmøllepark åbner", "https://nordlys.example/vind")
    report = make_item("Kvartalsrapport", "https://nordlys.example/rapport")
    shares = [
        make_share(advocate, wind, local(2026, 7, 7, 9), audience=934),
        make_share(advocate_engineering, wind, local(2026, 7, 8, 9), edited=True, audience=300),
        make_share(advocate, report, local(2026, 8, 4, 9), network="x"),
        make_share(advocate_engineering, report, local(2026, 8, 5, 9), network="x"),
    ]
    for n in range(6):
        click(shares[0], local(2026, 7, 7, 10 + n), visitor=f"a{n}")
    for n in range(4):
        click(shares[1], local(2026, 7, 9, 10 + n), visitor=f"b{n}")
    click(shares[2], local(2026, 8, 4, 12))
    Target.objects.create(year=2026, quarter=3, kpi="shares", value=Decimal(10))
    Target.objects.create(year=2026, quarter=3, kpi="clicks", value=Decimal(20))
    rollups.fill()
    return shares


def url(year=2026, q=3):
    return reverse("analytics:evaluation", args=[year, q])


def pdf_url(year=2026, q=3):
    return reverse("analytics:evaluation_pdf", args=[year, q])


def pdf_text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def test_report_gathers_the_quarter_against_its_targets(quarter):
    data = evaluation.report(2026, 3)
    rows = {row["key"]: row for row in data["rows"]}
    assert (rows["shares"]["value"], rows["shares"]["target"]) == (4, Decimal(10))
    assert rows["clicks"]["value"] == 11
    assert rows["clicks"]["of_target_text"] == "55%"
    assert rows["reach"]["value_text"] == "1,234"
    assert rows["participation"]["value_text"] == "66.7%"  # 2 of 3 registered shared
    assert data["targets_set"] == 2 and data["targets_reached"] == 0
    assert [row["title"] for row in data["top"]] == ["Vindmøllepark åbner", "Kvartalsrapport"]
    assert [row["label"] for row in data["networks"]] == ["LinkedIn", "X"]
    assert not data["in_progress"]
    figures = kpis.programme(kpis.Filters(*kpis.quarter_bounds(2026, 3)))["figures"]
    assert {f.key: f.value for f in figures} == {key: row["value"] for key, row in rows.items()}


def test_page_shows_figures_and_targets(quarter, login, analyst):
    response = login(analyst).get(url())
    assert response.status_code == 200
    html = response.content.decode()
    assert "Q3 2026" in html
    assert 'data-kpi="shares"' in html
    shares_row = html.split('data-kpi="shares"')[1].split("</tr>")[0]
    assert '<td class="num" data-value>4</td>' in shares_row
    assert '<td class="num" data-target>10</td>' in shares_row
    assert "Vindmøllepark åbner" in html
    assert html.count('role="img"') >= 6  # gauges, weekly charts, networks, teams, best time
    assert pdf_url() in html


def test_saved_conclusions_stay_with_the_quarter_and_go_into_the_pdf(quarter, login, analyst):
    client = login(analyst)
    response = client.post(
        url(),
        {"conclusions": "Video virker bedst.\r\nMere af det.", "next_plan": "Flere videoer."},
    )
    assert response.status_code == 302
    saved = Evaluation.objects.get(year=2026, quarter=3)
    assert saved.conclusions == "Video virker bedst.\nMere af det."
    assert saved.updated_by == analyst
    assert not Evaluation.objects.exclude(pk=saved.pk).exists()
    assert "Video virker bedst." in client.get(url()).content.decode()
    assert "Video virker bedst." not in client.get(url(2026, 2)).content.decode()

    response = client.get(pdf_url())
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="advocato-2026-Q3.pdf"'
    assert response.content.startswith(b"%PDF")
    text = pdf_text(response.content)
    assert ORG in text
    assert "Q3 2026" in text
    assert "1,234" in text  # potential reach
    assert "Video virker bedst." in text
    assert "Flere videoer." in text
    assert "Vindmøllepark åbner" in text


def test_pdf_says_when_nothing_is_written_yet(quarter, login, admin):
    text = pdf_text(login(admin).get(pdf_url()).content)
    assert text.count("Not written yet.") == 2
    assert "Page 1 of" in text


def test_pdf_is_in_the_readers_language(quarter, login, analyst):
    Employee.objects.filter(pk=analyst.pk).update(ui_language="nb")
    response = login(analyst).get(pdf_url())
    assert response.status_code == 200
    text = pdf_text(response.content).replace("\xa0", " ")
    assert "Potensiell rekkevidde 1 234" in text  # Norwegian words; thousands grouped by a space
    assert "30. september 2026" in text


def test_pdf_without_a_truetype_font_falls_back_to_latin1(quarter, analyst):
    evaluation.save_evaluation(2026, 3, "Det gik godt – “rigtig” godt → mere…", "", by=analyst)
    content = evaluation.pdf(evaluation.report(2026, 3), embed_font=False)
    text = pdf_text(content)
    assert ORG in text
    assert 'Det gik godt - "rigtig" godt -> mere...' in text


def test_control_characters_are_refused_and_nothing_is_saved(quarter, login, analyst):
    response = login(analyst).post(url(), {"conclusions": "Fint\x07", "next_plan": "Plan"})
    assert response.status_code == 400
    assert "Control characters are not allowed here" in response.content.decode()
    assert not Evaluation.objects.exists()


def test_control_characters_do_not_change_a_saved_evaluation(quarter, login, analyst):
    evaluation.save_evaluation(2026, 3, "Før", "Plan", by=analyst)
    login(analyst).post(url(), {"conclusions": "Efter", "next_plan": "Plan\x1b[31m"})
    assert Evaluation.objects.get().conclusions == "Før"


def test_advocate_may_not_see_or_write_the_evaluation(quarter, login, advocate):
    client = login(advocate)
    assert client.get(url()).status_code == 403
    assert client.get(pdf_url()).status_code == 403
    assert client.post(url(), {"conclusions": "Hej", "next_plan": ""}).status_code == 403
    assert not Evaluation.objects.exists()


@pytest.mark.parametrize(("year", "q"), [(2026, 5), (2026, 0), (1999, 1), (2027, 1)])
def test_no_such_quarter_is_not_found(today, login, analyst, year, q):
    client = login(analyst)
    assert client.get(url(year, q)).status_code == 404
    assert client.get(pdf_url(year, q)).status_code == 404
    assert client.post(url(year, q), {"conclusions": "x", "next_plan": ""}).status_code == 404
    assert not Evaluation.objects.exists()


def test_current_quarter_is_marked_as_running(org, today, login, analyst):
    response = login(analyst).get(url(2026, 4))
    assert response.status_code == 200
    assert "The quarter is still running" in response.content.decode()


def test_list_shows_the_current_and_previous_four_quarters(org, today, login, analyst):
    evaluation.save_evaluation(2026, 3, "Skrevet", "", by=analyst)
    response = login(analyst).get(reverse("analytics:evaluations"))
    assert response.status_code == 200
    html = response.content.decode()
    for year, q in [(2026, 4), (2026, 3), (2026, 2), (2026, 1), (2025, 4)]:
        assert f'href="{url(year, q)}"' in html
        assert f'href="{pdf_url(year, q)}"' in html
    assert url(2025, 3) not in html
    assert "written" in html


def test_empty_quarter_renders_page_and_pdf(org, today, login, analyst):
    client = login(analyst)
    assert client.get(url(2025, 4)).status_code == 200
    response = client.get(pdf_url(2025, 4))
    assert response.status_code == 200
    assert "Q4 2025" in pdf_text(response.content)
