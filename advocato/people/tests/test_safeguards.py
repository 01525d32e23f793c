"""Safeguards around people: bad input gets a clear answer, accounts follow roles, and the
invitation machinery tells the truth when something fails."""

import re
from smtplib import SMTPRecipientsRefused

import pytest
from django.core import mail
from django.urls import reverse

from advocato.core.models import AuditEntry, Organisation
from advocato.people import services
from advocato.people.models import Employee

pytestmark = pytest.mark.django_db


def detail_post(employee, **changes):
    data = {
        "name": employee.name,
        "language": "en",
        "time_zone": "Europe/Copenhagen",
        "role": employee.role,
        "department_name": employee.department.name if employee.department else "",
    }
    data.update(changes)
    return data


def test_a_demoted_admin_loses_the_django_admin(login, admin, advocate):
    admin.user.is_staff = admin.user.is_superuser = True
    admin.user.save()
    advocate.role = "admin"
    advocate.save()
    client = login(advocate)
    client.post(reverse("people:detail", args=[admin.pk]), detail_post(admin, role="advocate"))
    admin.user.refresh_from_db()
    assert not admin.user.is_superuser and not admin.user.is_staff
    client.force_login(admin.user)
    assert client.get("/admin/").status_code == 302
    # And promoting gives it back.
    login(advocate).post(
        reverse("people:detail", args=[admin.pk]), detail_post(admin, role="admin")
    )
    admin.user.refresh_from_db()
    assert admin.user.is_superuser


@pytest.mark.parametrize("value", ["²", "9" * 40, "abc", "-1"])
def test_odd_filters_on_the_people_page_are_ignored(login, admin, value):
    response = login(admin).get(reverse("people:list"), {"department": value, "status": value})
    assert response.status_code == 200


def test_only_the_products_languages_can_be_chosen(login, advocate):
    login(advocate).post(reverse("shell:set_language"), {"language": "zh-hans"})
    advocate.refresh_from_db()
    assert advocate.ui_language == ""


def test_the_configured_site_address_is_used_in_invitations(
    admin, settings, django_capture_on_commit_callbacks
):
    settings.SITE_URL = "https://advocacy.example.com"
    with django_capture_on_commit_callbacks(execute=True):
        services.invite_employee(
            invited_by=admin, email="x@example.com", name="X", base_url="http://127.0.0.1:8000/"
        )
    assert "https://advocacy.example.com/invite/" in mail.outbox[0].body


def test_a_failed_send_is_shown_and_not_counted(admin, monkeypatch, login):
    employee = services.invite_employee(invited_by=admin, email="gone@example.com", name="Gone")
    invitation = employee.invitations.get()

    def refuse(self, *args, **kwargs):
        raise SMTPRecipientsRefused({"gone@example.com": (550, b"No such user")})

    monkeypatch.setattr("django.core.mail.EmailMultiAlternatives.send", refuse)
    with pytest.raises(SMTPRecipientsRefused):
        services.deliver_invitation(invitation.pk)
    invitation.refresh_from_db()
    assert invitation.send_count == 0 and invitation.sent_at is None
    assert "No such user" in invitation.last_error
    page = login(admin).get(reverse("people:detail", args=[employee.pk])).content.decode()
    assert "Could not be sent" in page and "No such user" in page


def test_someone_whose_manager_left_can_still_be_edited(login, admin, advocate, manager):
    advocate.manager = manager
    advocate.save()
    services.set_active(manager, False)
    response = login(admin).post(
        reverse("people:detail", args=[advocate.pk]),
        detail_post(advocate, title="Senior", manager=manager.pk),
    )
    assert response.status_code == 302
    advocate.refresh_from_db()
    assert advocate.title == "Senior" and advocate.manager == manager


def test_resending_is_in_the_audit_log(login, admin):
    employee = services.invite_employee(invited_by=admin, email="r@example.com", name="R")
    login(admin).post(reverse("people:resend", args=[employee.pk]))
    assert AuditEntry.objects.filter(object_type="people.Invitation", action="update").exists()


def test_a_deactivated_invitee_cannot_create_an_account(client, admin):
    employee = services.invite_employee(invited_by=admin, email="late@example.com", name="Late")
    token = services.invitation_token(employee.invitations.get())
    services.set_active(employee, False)
    response = client.post(
        reverse("people:accept", args=[token]),
        {"password1": "Fjord-Lys-2026", "password2": "Fjord-Lys-2026"},
    )
    assert response.status_code == 410
    employee.refresh_from_db()
    assert employee.user is None


def test_people_cannot_change_their_own_login_address(login, advocate):
    response = login(advocate).get(reverse("account_email"), follow=True)
    assert response.redirect_chain[-1][0] == reverse("shell:profile")
    assert "managed by your Advocato admin" in response.content.decode()


def test_organisation_name_with_a_line_break_is_refused(login, admin):
    response = login(admin).post(
        reverse("shell:settings"),
        {
            "org-name": "Acme\nBcc: everyone",
            "org-default_language": "en",
            "org-time_zone": "UTC",
            "org-individual_results": "everyone",
            "rules-similar_colleagues": "3",
        },
    )
    assert "Line breaks" in response.content.decode()
    assert Organisation.get().name != "Acme\nBcc: everyone"


@pytest.mark.parametrize("field", ["name", "title", "department"])
def test_formulas_are_refused_in_the_invite_form(login, admin, field):
    data = {"email": "f@example.com", "name": "F", "language": "en", "time_zone": "UTC",
            "role": "advocate", field: '=HYPERLINK("http://evil.example")'}  # fmt: skip
    response = login(admin).post(reverse("people:invite"), data)
    assert "spreadsheets run as a formula" in response.content.decode()
    assert not Employee.objects.filter(email="f@example.com").exists()


def test_withdrawn_invitations_have_their_own_filter(login, admin):
    open_one = services.invite_employee(invited_by=admin, email="open@example.com", name="Open")
    withdrawn = services.invite_employee(invited_by=admin, email="w@example.com", name="Withdrawn")
    services.revoke_invitation(withdrawn)
    client = login(admin)
    invited = client.get(reverse("people:list"), {"status": "invited"}).content.decode()
    assert open_one.email in invited and withdrawn.email not in invited
    gone = client.get(reverse("people:list"), {"status": "withdrawn"}).content.decode()
    assert withdrawn.email in gone and open_one.email not in gone


def test_the_audit_log_names_related_rows(login, admin, advocate):
    login(admin).post(
        reverse("people:detail", args=[advocate.pk]), detail_post(advocate, department_name="Legal")
    )
    entry = AuditEntry.objects.get(object_type="people.Employee", action="update")
    assert ("department", "Sales", "Legal") in entry.changes()
    assert not re.search(r"'department': \d", str(entry.after))
