"""Bulk invitations from a CSV: good, bad and hostile files. The admin sees every problem by
line and column, and nothing is imported until they decide."""

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from advocato.people import services
from advocato.people.invite_csv import InviteCSVError, parse_invite_csv
from advocato.people.models import Employee, Group, InviteImport

GOOD = (
    "email,name,title,department,team,location,language,time_zone,manager_email,groups,role\n"
    "ida.holm@example.com,Ida Holm,Key Account Manager,Sales,Nordics,København,da,"
    "Europe/Copenhagen,,Sales Nordics|Ambassadors,manager\n"
    "lars.berg@example.com,Lars Berg,Recruiter,People & Culture,,Oslo,nb,Europe/Oslo,"
    "ida.holm@example.com,,advocate\n"
    "sofie.lund@example.com,Sofie Lund,,,,,,,,,\n"
)


def parse(text: str | bytes):
    return parse_invite_csv(text.encode() if isinstance(text, str) else text)


def messages_for(result, line):
    return [p["message"] for p in result.problems if p["line"] == line]


@pytest.mark.django_db
class TestParsing:
    def test_a_clean_file_gives_every_row_and_no_problems(self):
        result = parse(GOOD)
        assert result.is_clean and result.total == 3
        ida = result.rows[0]
        assert ida["email"] == "ida.holm@example.com"
        assert ida["groups"] == ["Sales Nordics", "Ambassadors"]
        assert ida["location"] == "København"
        assert result.rows[1]["manager_email"] == "ida.holm@example.com"

    def test_excel_style_semicolons_bom_and_split_names_are_read(self):
        text = "\ufeffE-mail;First name;Last name;Language\r\nsoren@example.dk;Søren;Kjær;DK\r\n"
        result = parse(text)
        assert result.is_clean
        assert result.rows[0]["name"] == "Søren Kjær"
        assert result.rows[0]["language"] == "da"

    def test_wrong_columns_are_named_and_nothing_is_read(self):
        with pytest.raises(InviteCSVError) as error:
            parse("mail,fullname\nx@example.com,X\n")
        message = str(error.value)
        assert "missing column(s): email, name" in message
        assert "unknown column(s): mail, fullname" in message

    def test_bad_emails_are_reported_by_line_and_column(self):
        result = parse("email,name\nnot-an-address,A\n,B\nok@example.com,C\n")
        assert [r["email"] for r in result.rows] == ["ok@example.com"]
        assert result.problems[0] == {
            "line": 2,
            "column": "email",
            "value": "not-an-address",
            "message": "Not a valid e-mail address.",
        }
        assert messages_for(result, 3) == ["The e-mail address is missing."]

    def test_duplicates_in_the_file_and_in_advocato_are_reported(self, advocate):
        result = parse(
            f"email,name\nnew@example.com,New\nNEW@example.com,Again\n{advocate.email},Anna\n"
        )
        assert [r["email"] for r in result.rows] == ["new@example.com"]
        assert messages_for(result, 3) == ["The same address is on line 2."]
        assert messages_for(result, 4) == ["This person is already in Advocato."]

    def test_other_field_errors_are_specific(self):
        result = parse(
            "email,name,team,language,time_zone,role,manager_email\n"
            "a@example.com,A,Nordics,,,,\n"
            "b@example.com,B,,fr,,,\n"
            "c@example.com,C,,,Mars/Olympus,,\n"
            "d@example.com,D,,,,boss,\n"
            "e@example.com,E,,,,,nobody@example.com\n"
            "f@example.com,F,,,,,f@example.com\n"
        )
        assert result.rows == []
        assert messages_for(result, 2) == ["A team needs a department on the same line."]
        assert messages_for(result, 3) == ["Use one of: en, da, nb."]
        assert messages_for(result, 4) == ["Unknown time zone; use e.g. Europe/Oslo."]
        assert messages_for(result, 5) == [
            "Use one of: advocate, curator, manager, analyst, admin."
        ]
        assert messages_for(result, 6) == ["No employee has this e-mail address."]
        assert messages_for(result, 7) == ["A person cannot be their own manager."]

    @pytest.mark.parametrize(
        "cell",
        [
            '=HYPERLINK("http://evil.example","click")',
            "+1+1",
            "-2+3",
            "@SUM(A1)",
            "\t=1+1",
            "\u00a0=HYPERLINK(1)",
            "\n=1+1",
        ],
    )
    def test_spreadsheet_formulas_are_refused(self, cell):
        quoted = '"' + cell.replace('"', '""') + '"'
        result = parse(f"email,name,title\nx@example.com,X,{quoted}\n")
        assert result.rows == []
        assert result.problems[0]["column"] == "title"
        assert "formula" in result.problems[0]["message"]

    def test_a_5_mb_file_is_refused_before_it_is_read(self):
        big = ("email,name\n" + "someone@example.com,Some One\n" * 200_000).encode()
        assert len(big) > 5_000_000
        with pytest.raises(InviteCSVError, match=r"5\.\d MB; the limit is 2 MB"):
            parse(big)

    def test_a_non_utf8_file_is_refused_with_the_line_and_a_fix(self):
        data = "email,name\nok@example.com,Ok\nsoren@example.com,Søren\n".encode("cp1252")
        with pytest.raises(InviteCSVError) as error:
            parse(data)
        assert "not UTF-8" in str(error.value) and "line 3" in str(error.value)
        assert "CSV UTF-8" in str(error.value)

    @pytest.mark.parametrize(
        ("data", "expected"),
        [
            (b"", "empty"),
            (b"email,name\n", "no people"),
            (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary"),
            (b'email,name\n"unterminated,quote\n', "not valid CSV"),
            (b"email,name,email\na@example.com,A,b@example.com\n", "given twice"),
        ],
    )
    def test_broken_files_get_a_clear_error(self, data, expected):
        with pytest.raises(InviteCSVError, match=expected):
            parse(data)

    def test_a_row_whose_manager_is_dropped_is_dropped_too(self):
        result = parse(
            "email,name,manager_email\n"
            "a@example.com,A,b@example.com\n"
            "b@example.com,B,c@example.com\n"
            "c@example.com,,\n"
        )
        assert result.rows == []
        assert messages_for(result, 4) == ["The name is missing."]
        assert messages_for(result, 3) == ["The manager's own line (4) has a problem."]
        assert messages_for(result, 2) == ["The manager's own line (3) has a problem."]

    def test_a_circle_of_managers_is_refused(self):
        result = parse(
            "email,name,manager_email\na@example.com,A,b@example.com\nb@example.com,B,a@example.com\n"
            "c@example.com,C,a@example.com\n"
        )
        assert messages_for(result, 2) == ["The managers form a circle."]
        assert messages_for(result, 3) == ["The managers form a circle."]
        assert messages_for(result, 4) == ["The manager's own line (2) has a problem."]
        assert result.rows == []

    def test_a_header_of_thousands_of_columns_is_refused_at_once(self):
        with pytest.raises(InviteCSVError, match="Advocato reads at most 13"):
            parse(b"email,name" + b"," * 1_000_000 + b"\n")

    def test_short_rows_are_padded_and_long_rows_reported(self):
        result = parse("email,name\na@example.com\nb@example.com,B,extra\nc@example.com,C,,\n")
        assert messages_for(result, 2) == ["The name is missing."]
        assert messages_for(result, 3) == ["Has 3 cells; the header has 2."]


def upload(client, content: bytes, name="people.csv"):
    return client.post(
        reverse("people:import"), {"file": SimpleUploadedFile(name, content, "text/csv")}
    )


@pytest.mark.django_db
class TestImportPages:
    def test_a_file_with_bad_rows_imports_nothing_until_the_admin_accepts(
        self, login, admin, django_capture_on_commit_callbacks
    ):
        client = login(admin)
        content = (GOOD + "broken,Nobody,,,,,,,,,\n").encode()
        response = upload(client, content)
        staged = InviteImport.objects.get()
        assert response.status_code == 302
        assert response["Location"] == reverse("people:import_report", args=[staged.pk])
        assert Employee.objects.count() == 1  # only the admin

        report = client.get(response["Location"]).content.decode()
        assert "Not a valid e-mail address." in report
        assert "Invite the 3 good people, skip the rest" in report

        with django_capture_on_commit_callbacks(execute=True):
            client.post(reverse("people:import_report", args=[staged.pk]))
        emails = set(Employee.objects.values_list("email", flat=True))
        assert emails == {
            admin.email,
            "ida.holm@example.com",
            "lars.berg@example.com",
            "sofie.lund@example.com",
        }
        lars = Employee.objects.get(email="lars.berg@example.com")
        assert lars.manager is not None and lars.manager.email == "ida.holm@example.com"
        assert lars.language == "nb" and lars.location is not None and lars.location.name == "Oslo"
        assert set(Group.objects.values_list("name", flat=True)) == {"Sales Nordics", "Ambassadors"}
        assert sorted(m.to[0] for m in mail.outbox) == sorted(emails - {admin.email})

    def test_importing_twice_is_refused(self, login, admin):
        client = login(admin)
        upload(client, GOOD.encode())
        staged = InviteImport.objects.get()
        client.post(reverse("people:import_report", args=[staged.pk]))
        response = client.post(reverse("people:import_report", args=[staged.pk]), follow=True)
        assert "already been imported" in response.content.decode()
        assert Employee.objects.count() == 4

    def test_a_file_level_error_is_shown_on_the_form_and_nothing_is_kept(self, login, admin):
        client = login(admin)
        response = upload(client, "navn;e-post\nA;a@example.com\n".encode("cp1252"))
        assert response.status_code == 200
        assert "The header row does not match" in response.content.decode()
        assert InviteImport.objects.count() == 0

    def test_people_added_since_the_upload_stop_the_whole_import(self, login, admin):
        client = login(admin)
        upload(client, GOOD.encode())
        staged = InviteImport.objects.get()
        services.invite_employee(invited_by=admin, email="lars.berg@example.com", name="Lars")
        response = client.post(reverse("people:import_report", args=[staged.pk]), follow=True)
        assert "Since the upload, these people were added: lars.berg@example.com" in (
            response.content.decode()
        )
        assert not Employee.objects.filter(email="ida.holm@example.com").exists()

    def test_the_example_file_downloads_and_is_itself_clean(self, login, admin):
        response = login(admin).get(reverse("people:import_template"))
        assert response["Content-Type"].startswith("text/csv")
        assert parse(response.content).is_clean


@pytest.mark.skipif(
    not __import__("advocato.conftest").conftest.SHARED_FIXTURES.exists(),
    reason="../shared/fixtures is not beside this clone",
)
@pytest.mark.django_db
def test_a_real_world_html_page_uploaded_as_csv_is_refused():
    from advocato.conftest import SHARED_FIXTURES

    page = (SHARED_FIXTURES / "pages" / "norwegian_tine_no_og.html").read_bytes()
    with pytest.raises(InviteCSVError):
        parse(page)


@pytest.mark.django_db
def test_one_failing_email_does_not_stop_the_rest_of_an_import(
    admin, monkeypatch, django_capture_on_commit_callbacks
):
    staged = services.stage_invite_import(uploaded_by=admin, filename="a.csv", data=GOOD.encode())
    real = services.deliver_invitation
    failed: list[int] = []

    def flaky(invitation_id, base_url="", connection=None):
        if not failed:
            failed.append(invitation_id)
            raise ConnectionRefusedError("SMTP is away")
        return real(invitation_id, base_url, connection)

    monkeypatch.setattr(services, "deliver_invitation", flaky)
    with django_capture_on_commit_callbacks(execute=True):
        services.run_invite_import(staged, invited_by=admin)
    # The failed one was queued again on its own and went out; nobody got two e-mails.
    assert sorted(m.to[0] for m in mail.outbox) == sorted(r["email"] for r in staged.rows)
