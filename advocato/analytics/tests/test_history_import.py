"""History import: a small hand-counted history from CSV and XLSX gives exactly its figures;
dry runs, bad rows and re-runs write nothing; the ledger pays nothing for it."""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from advocato.analytics import history, kpis, rollups
from advocato.analytics.models import ShareDay
from advocato.links.models import Click, Conversion, ConversionKind
from advocato.sharing.models import Share

pytestmark = pytest.mark.django_db

SHARES = (
    "E-mail,URL,Title,Channel,Shared At,Text,Post URL,Audience\n"
    "anna@example.com,https://nordlys.example/a,Story A,LinkedIn,2026-05-04T09:00:00+02:00,"
    "Hello,https://www.linkedin.com/feed/update/1,100\n"
    "anna@example.com,https://nordlys.example/b,Story B,x,2026-05-04T10:00:00+02:00,Hi,x-2,\n"
    "lars@example.com,https://nordlys.example/a,Story A,linkedin,2026-05-05T11:00:00+02:00,"
    "Hej,li-3,50\n"
)
CLICKS = (
    "share;clicked_at;user_agent;visitor\n"
    "https://www.linkedin.com/feed/update/1;2026-05-04T12:00:00+02:00;"
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:124.0) Gecko/20100101 Firefox/124.0;v1\n"
    "https://www.linkedin.com/feed/update/1;2026-05-04T13:00:00+02:00;;v2\n"
    "https://www.linkedin.com/feed/update/1;2026-05-05T08:00:00+02:00;"
    "Googlebot/2.1 (+http://www.google.com/bot.html);\n"
    "li-3;2026-05-05T12:00:00+02:00;;v3\n"
)
CONVERSIONS = "Share,Type,Value,Converted At\nli-3,lead,,2026-05-05T12:30:00+02:00\n"
MAY = kpis.Filters(start=date(2026, 5, 1), end=date(2026, 5, 31))


def csv_file(text: str, bom: bool = False) -> io.BytesIO:
    return io.BytesIO(("\ufeff" if bom else "").encode() + text.encode())


def xlsx_file(text: str) -> io.BytesIO:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    delimiter = ";" if text.splitlines()[0].count(";") else ","
    for line in text.splitlines():
        sheet.append(line.split(delimiter))
    out = io.BytesIO()
    book.save(out)
    out.seek(0)
    return out


def import_all(make, name: str) -> None:
    for kind, text in (("shares", SHARES), ("clicks", CLICKS), ("conversions", CONVERSIONS)):
        report = history.import_history(make(text), kind=kind, filename=f"{kind}.{name}")
        assert report.is_clean, report.problems
        assert report.imported


@pytest.fixture
def people(org, advocate, advocate_engineering):
    ConversionKind.objects.get_or_create(code="lead")
    return advocate, advocate_engineering


def assert_hand_counted(anna) -> None:
    totals = kpis.programme(MAY)["totals"]
    assert totals["shares"] == 3
    assert totals["reach"] == 150
    assert totals["clicks"] == 3
    assert totals["unique_clicks"] == 3
    assert totals["bots"] == 1
    assert totals["conversions"] == 1
    card = kpis.scorecard(anna, MAY)["totals"]
    assert (card["shares"], card["clicks"], card["reach"], card["conversions"]) == (2, 2, 100, 0)
    assert rollups.compare() == []


@pytest.mark.parametrize("make,name", [(csv_file, "csv"), (xlsx_file, "xlsx")])
def test_hand_counted_history_gives_exactly_its_figures(people, make, name):
    import_all(make, name)
    assert_hand_counted(people[0])
    shares = Share.objects.all()
    assert {s.confirmed_by for s in shares} == {"import"}
    assert set(shares.values_list("item__status", flat=True)) == {"archived"}
    assert Share.objects.get(external_id="li-3").audience_source == "import"
    assert set(Click.objects.values_list("kind", flat=True)) == {"human", "bot"}
    assert not any("v1" in v for v in Click.objects.values_list("visitor", flat=True))
    # Re-running the same files changes nothing.
    counts = (Share.objects.count(), Click.objects.count(), Conversion.objects.count())
    import_all(make, name)
    assert (Share.objects.count(), Click.objects.count(), Conversion.objects.count()) == counts
    assert_hand_counted(people[0])


def test_a_dry_run_writes_nothing(people):
    report = history.import_history(csv_file(SHARES, bom=True), kind="shares", dry_run=True)
    assert (report.total, report.good, report.imported) == (3, 3, False)
    assert not Share.objects.exists() and not ShareDay.objects.exists()


def test_bad_rows_are_listed_by_row_and_column_and_nothing_is_written(people):
    bad = SHARES + (
        "nobody@example.com,https://nordlys.example/c,C,myspace,2026-05-06T10:00:00,x,p-9,-1\n"
    )
    report = history.import_history(csv_file(bad), kind="shares")
    assert not report.imported
    found = {(p["line"], p["column"]) for p in report.problems}
    assert found == {(5, "email"), (5, "network"), (5, "shared_at"), (5, "audience")}
    messages = " ".join(p["message"] for p in report.problems)
    assert "No employee has this e-mail address" in messages
    assert "Unknown network" in messages
    assert not Share.objects.exists()
    # The admin may choose to import the good rows.
    report = history.import_history(csv_file(bad), kind="shares", good_rows=True)
    assert report.imported and Share.objects.count() == 3


def test_unknown_conversion_kind_is_refused(people):
    history.import_history(csv_file(SHARES), kind="shares")
    history.import_history(csv_file(CLICKS), kind="clicks")
    report = history.import_history(
        csv_file(CONVERSIONS.replace("lead", "purchase")), kind="conversions"
    )
    assert [(p["line"], p["column"]) for p in report.problems] == [(2, "kind")]
    assert "conversion types: lead" in report.problems[0]["message"]
    assert not Conversion.objects.exists()


def test_the_ledger_pays_nothing_for_imported_history(people):
    from advocato.rewards import services as rewards
    from advocato.rewards.models import PointEntry

    import_all(csv_file, "csv")
    rewards.fold()
    assert not PointEntry.objects.exists()


def test_the_command_imports_and_fails_on_a_bad_file(people, tmp_path: Path, capsys,
                                                     monkeypatch):  # fmt: skip
    from django.db import connections

    from advocato import cli

    # The command line closes the database connections when a command ends; in a test that
    # is the test's own transaction (PostgreSQL would lose it).
    monkeypatch.setattr(connections, "close_all", lambda: None)

    path = tmp_path / "shares.csv"
    path.write_text(SHARES)
    call_command("import_history", str(path), kind="shares", dry_run=True, verbosity=0)
    assert not Share.objects.exists()
    call_command("import_history", str(path), kind="shares", verbosity=0)
    assert Share.objects.count() == 3
    bad = tmp_path / "clicks.csv"
    bad.write_text("share,clicked_at\nnope,yesterday\n")
    with pytest.raises(CommandError, match="Nothing was written"):
        call_command("import_history", str(bad), kind="clicks", verbosity=0)
    with pytest.raises(SystemExit) as exit_:
        cli.main(["import-history", str(bad), "--kind", "clicks", "--verbosity", "0"])
    assert exit_.value.code != 0
    assert "Line 2, column share" in capsys.readouterr().err
    header = tmp_path / "wrong.csv"
    header.write_text("who,when\nx,y\n")
    with pytest.raises(SystemExit):
        cli.main(["import-history", str(header), "--kind", "shares", "--verbosity", "0"])
    assert "missing column(s)" in capsys.readouterr().err


def test_the_page_checks_then_imports_for_an_admin(people, admin, login, client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from advocato.analytics.models import HistoryImport

    login(admin)
    page = client.get("/analytics/history/")
    assert page.status_code == 200
    assert b"user_email" in page.content  # the synonyms table
    sample = client.get("/analytics/history/clicks.csv")
    assert sample.status_code == 200 and sample.content.startswith(b"share,")
    bad = (
        SHARES + "nobody@example.com,https://nordlys.example/c,C,linkedin,2026-05-06T10:00:00Z,,,\n"
    )
    response = client.post(
        "/analytics/history/",
        {"kind": "shares", "file": SimpleUploadedFile("shares.csv", bad.encode())},
    )
    staged = HistoryImport.objects.get()
    assert response.status_code == 302 and response["Location"].endswith(f"/{staged.pk}/")
    assert not Share.objects.exists()  # checking writes nothing
    report = client.get(f"/analytics/history/{staged.pk}/")
    assert b"No employee has this e-mail address" in report.content
    assert (staged.total_rows, staged.good_rows, staged.problem_count) == (4, 3, 1)
    client.post(f"/analytics/history/{staged.pk}/", {"good_rows": "1"})
    staged.refresh_from_db()
    assert staged.imported_at and staged.written == 3 and Share.objects.count() == 3
    # A second confirmation imports nothing again.
    client.post(f"/analytics/history/{staged.pk}/", {"good_rows": "1"})
    assert Share.objects.count() == 3


def test_the_page_is_for_admins_only(people, advocate, analyst, login, client):
    for person in (advocate, analyst):
        login(person)
        assert client.get("/analytics/history/").status_code == 403
        assert client.get("/analytics/history/shares.csv").status_code == 403


def test_people_see_imported_figures_as_imported(people, login, client):
    import_all(csv_file, "csv")
    anna = people[0]
    login(anna)
    page = client.get(reverse("sharing:mine"))
    assert page.status_code == 200
    assert page.content.count(b"data-imported") == 2
    assert b"(imported)" in page.content  # the audience of the LinkedIn share
    share = Share.objects.get(employee=anna, network="linkedin")
    handoff = client.get(reverse("sharing:handoff", args=[share.pk]))
    assert b'id="imported"' in handoff.content
