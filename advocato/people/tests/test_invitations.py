"""Single invitations: the signed, expiring link, resend, revoke, accepting, and the funnel."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from advocato.analytics.adoption import adoption_funnel
from advocato.core.models import AuditEntry, Organisation
from advocato.people import services
from advocato.people.models import Employee, Invitation


def link_from(message) -> str:
    match = re.search(r"https?://\S+/invite/\S+/", message.body)
    assert match is not None
    return match.group(0)


@pytest.fixture
def invite(admin, django_capture_on_commit_callbacks):
    def _invite(email="ny@example.com", **extra):
        with django_capture_on_commit_callbacks(execute=True):
            return services.invite_employee(
                invited_by=admin, email=email, name=extra.pop("name", "Ny Kollega"),
                base_url="http://testserver/", **extra,
            )  # fmt: skip

    return _invite


@pytest.mark.django_db
class TestInviting:
    def test_admin_invites_from_the_form_and_an_email_goes_out(
        self, login, admin, django_capture_on_commit_callbacks
    ):
        client = login(admin)
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(
                reverse("people:invite"),
                {
                    "email": "Ida.Holm@Example.com", "name": "Ida Holm", "department": "Sales",
                    "team": "Nordics", "location": "Oslo", "language": "nb",
                    "time_zone": "Europe/Oslo", "role": "advocate",
                },
            )  # fmt: skip
        ida = Employee.objects.get(email="ida.holm@example.com")
        assert response["Location"] == reverse("people:detail", args=[ida.pk])
        assert ida.team is not None and ida.team.department.name == "Sales" and ida.user is None
        assert ida.status == "pending"
        (message,) = mail.outbox
        assert message.to == ["ida.holm@example.com"]
        assert "Hei Ida Holm" in message.body  # written in her language
        assert link_from(message).startswith("http://testserver/invite/")
        assert ida.invitations.get().send_count == 1

    def test_inviting_someone_twice_is_a_form_error(self, login, admin, advocate):
        response = login(admin).post(
            reverse("people:invite"),
            {"email": advocate.email.upper(), "name": "X", "language": "en",
             "time_zone": "Europe/Oslo", "role": "advocate"},
        )  # fmt: skip
        assert response.status_code == 200
        assert "is already in Advocato" in response.content.decode()
        assert Employee.objects.filter(email__iexact=advocate.email).count() == 1

    def test_a_team_without_department_is_a_form_error(self, login, admin):
        response = login(admin).post(
            reverse("people:invite"),
            {"email": "t@example.com", "name": "T", "team": "Nordics", "language": "en",
             "time_zone": "Europe/Oslo", "role": "advocate"},
        )  # fmt: skip
        assert "A team belongs to a department" in response.content.decode()
        assert not Employee.objects.filter(email="t@example.com").exists()


@pytest.mark.django_db
class TestTheLink:
    def test_accepting_creates_the_account_and_signs_in(self, client, invite):
        employee = invite()
        url = link_from(mail.outbox[0]).replace("http://testserver", "")
        response = client.post(url, {"password1": "Fjord-Lys-2026", "password2": "Fjord-Lys-2026"})
        assert response["Location"] == reverse("home")
        employee.refresh_from_db()
        assert employee.user.check_password("Fjord-Lys-2026")
        assert employee.invitations.get().accepted_at is not None
        assert client.get(reverse("home")).status_code == 200
        # The same link cannot be used again.
        again = client.get(url)
        assert "You have already joined" in again.content.decode()

    def test_weak_or_mismatched_passwords_are_refused(self, client, invite):
        employee = invite()
        url = link_from(mail.outbox[0]).replace("http://testserver", "")
        html = client.post(url, {"password1": "12345678", "password2": "12345678"}).content.decode()
        assert "This password is too common" in html
        html = client.post(
            url, {"password1": "Fjord-Lys-2026", "password2": "other"}
        ).content.decode()
        assert "The two passwords are not the same." in html
        employee.refresh_from_db()
        assert employee.user is None

    def test_the_link_expires(self, client, invite, settings):
        invite()
        url = link_from(mail.outbox[0]).replace("http://testserver", "")
        with time_machine.travel(
            timezone.now() + timedelta(days=settings.INVITATION_VALID_DAYS, hours=1)
        ):
            response = client.get(url)
        assert response.status_code == 410
        assert "This invitation has expired" in response.content.decode()

    def test_a_tampered_link_does_not_work(self, client, invite):
        invite()
        url = link_from(mail.outbox[0]).replace("http://testserver", "")
        response = client.get(url[:-3] + "xx/")
        assert response.status_code == 404
        assert "This link does not work" in response.content.decode()

    def test_resend_gives_a_fresh_link_after_expiry(
        self, client, invite, admin, django_capture_on_commit_callbacks, settings
    ):
        employee = invite()
        later = timezone.now() + timedelta(days=settings.INVITATION_VALID_DAYS + 3)
        with time_machine.travel(later):
            assert employee.invitations.get().status == "expired"
            with django_capture_on_commit_callbacks(execute=True):
                services.resend_invitation(
                    employee, invited_by=admin, base_url="http://testserver/"
                )
            fresh = link_from(mail.outbox[1]).replace("http://testserver", "")
            assert client.get(fresh).status_code == 200
            assert employee.invitations.get().send_count == 2

    def test_revoking_kills_the_link_at_once(self, client, invite, login, admin):
        employee = invite()
        url = link_from(mail.outbox[0]).replace("http://testserver", "")
        login(admin).post(reverse("people:revoke", args=[employee.pk]))
        client.logout()
        response = client.get(url)
        assert response.status_code == 410
        assert "withdrawn" in response.content.decode()
        # And the admin cannot revoke it twice.
        login(admin)
        page = client.post(reverse("people:revoke", args=[employee.pk]), follow=True)
        assert "has no open invitation" in page.content.decode()

    def test_resending_a_revoked_invitation_makes_a_new_one(
        self, invite, admin, django_capture_on_commit_callbacks
    ):
        employee = invite()
        services.revoke_invitation(employee)
        with django_capture_on_commit_callbacks(execute=True):
            services.resend_invitation(employee, invited_by=admin)
        assert employee.invitations.count() == 2
        assert Invitation.objects.filter(employee=employee, revoked_at=None).count() == 1

    def test_registered_people_cannot_be_reinvited_or_revoked(self, advocate, admin):
        with pytest.raises(services.PeopleError, match="already joined"):
            services.resend_invitation(advocate, invited_by=admin)
        with pytest.raises(services.PeopleError, match="already joined"):
            services.revoke_invitation(advocate)


@pytest.mark.django_db
class TestFunnel:
    def test_funnel_counts_by_hand(self, admin, invite, advocate, client):
        invite("a@example.com")
        invite("b@example.com")
        revoked = invite("c@example.com")
        services.revoke_invitation(revoked)
        gone = invite("d@example.com")
        services.set_active(gone, False)
        funnel = adoption_funnel()
        # admin + advocate registered; a and b invited; c revoked and d inactive are out.
        assert (funnel.invited, funnel.registered) == (4, 2)
        assert funnel.adoption_rate == 0.5
        assert funnel.activated == 0 and funnel.active_30d == 0
        assert funnel.activation_rate == 0.0

    def test_admin_home_shows_the_funnel(self, login, admin, invite):
        invite("a@example.com")
        html = login(admin).get(reverse("home")).content.decode()
        assert 'data-step="invited">2<' in html
        assert 'data-step="registered">1<' in html
        assert "50%" in html
        assert "<svg" in html

    def test_empty_funnel_says_what_to_do(self, login, analyst):
        html = login(analyst).get(reverse("analytics:adoption")).content.decode()
        assert 'data-step="invited">1<' in html  # only the analyst

    def test_advocates_do_not_see_the_funnel(self, login, advocate):
        html = login(advocate).get(reverse("home")).content.decode()
        assert "Adoption funnel" not in html
        assert "Nothing to share yet" in html


@pytest.mark.django_db
class TestAuditLog:
    def test_admin_changes_are_logged_with_before_and_after(self, login, admin, advocate):
        client = login(admin)
        client.post(
            reverse("people:detail", args=[advocate.pk]),
            {"name": advocate.name, "title": "Key Account Manager", "language": "da",
             "time_zone": "Europe/Copenhagen", "role": "curator", "department_name": "Sales"},
        )  # fmt: skip
        entry = AuditEntry.objects.filter(object_type="people.Employee", action="update").get()
        assert entry.actor == admin.user
        assert entry.before is not None and entry.after is not None
        assert entry.before["role"] == "advocate" and entry.after["role"] == "curator"
        assert ("title", "", "Key Account Manager") in entry.changes()
        page = client.get(reverse("shell:audit")).content.decode()
        assert "Key Account Manager" in page and admin.email in page

    def test_invitations_and_settings_are_logged(self, login, admin):
        client = login(admin)
        client.post(
            reverse("people:invite"),
            {"email": "x@example.com", "name": "X", "language": "en", "time_zone": "UTC",
             "role": "advocate"},
        )  # fmt: skip
        client.post(
            reverse("shell:settings"),
            {"org-name": "Nordlys", "org-default_language": "da", "org-time_zone": "Europe/Oslo", "org-individual_results": "everyone",
             "org-require_mfa_for_admins": "on", "rules-similar_colleagues": "3"},
        )  # fmt: skip
        kinds = set(AuditEntry.objects.values_list("object_type", "action"))
        assert {("people.Employee", "create"), ("people.Invitation", "create"),
                ("core.Organisation", "update")} <= kinds  # fmt: skip
        assert Organisation.get().require_mfa_for_admins

    def test_nothing_secret_is_logged(self, login, admin, invite):
        invite()
        assert all("nonce" not in (e.after or {}) for e in AuditEntry.objects.all())

    def test_an_advocate_editing_their_own_profile_is_not_an_audit_event(self, login, advocate):
        login(advocate).post(
            reverse("shell:profile"),
            {"name": "Anna H.", "title": "", "language": "da", "ui_language": "",
             "time_zone": "Europe/Copenhagen", "ranking": "named"},
        )  # fmt: skip
        advocate.refresh_from_db()
        assert advocate.name == "Anna H."
        assert AuditEntry.objects.count() == 0

    def test_group_membership_changes_are_logged(self, login, admin, advocate):
        from advocato.people.models import Group

        group = Group.objects.create(name="Ambassadors")
        login(admin).post(
            reverse("people:detail", args=[advocate.pk]),
            {"name": advocate.name, "language": "en", "time_zone": "Europe/Copenhagen",
             "role": "advocate", "groups": [group.pk], "department_name": "Sales"},
        )  # fmt: skip
        entry = AuditEntry.objects.filter(before__groups__isnull=False).get()
        assert entry.before == {"groups": []} and entry.after == {"groups": ["Ambassadors"]}


@pytest.mark.django_db
def test_require_mfa_sends_admins_to_set_up_an_authenticator(login, admin, advocate):
    org = Organisation.get()
    org.require_mfa_for_admins = True
    org.save()
    response = login(admin).get(reverse("people:list"))
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_activate_totp")
    assert login(advocate).get(reverse("home")).status_code == 200


@pytest.mark.django_db
def test_admin_sets_up_an_authenticator_and_then_gets_in(client, admin):
    from allauth.mfa.totp.internal.auth import (
        SECRET_SESSION_KEY,
        format_hotp_value,
        hotp_value,
        yield_hotp_counters_from_time,
    )

    org = Organisation.get()
    org.require_mfa_for_admins = True
    org.save()
    from advocato.conftest import PASSWORD

    signed_in = client.post(reverse("account_login"), {"login": admin.email, "password": PASSWORD})
    assert signed_in["Location"] == reverse("home")
    assert client.get(reverse("home"))["Location"] == reverse("mfa_activate_totp")
    # allauth asks for the password once more before showing the secret.
    client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    assert client.get(reverse("mfa_activate_totp")).status_code == 200
    secret = client.session[SECRET_SESSION_KEY]
    code = format_hotp_value(hotp_value(secret, next(yield_hotp_counters_from_time())))
    wrong = client.post(reverse("mfa_activate_totp"), {"code": "000000"})
    assert wrong.status_code == 200
    assert client.get(reverse("people:list")).status_code == 302
    client.post(reverse("mfa_activate_totp"), {"code": code})
    assert client.get(reverse("people:list")).status_code == 200


@pytest.mark.django_db
def test_the_last_admin_cannot_be_demoted_or_deactivated(login, admin, advocate):
    client = login(admin)
    response = client.post(
        reverse("people:detail", args=[admin.pk]),
        {
            "name": admin.name,
            "language": "en",
            "time_zone": "Europe/Copenhagen",
            "role": "advocate",
        },
    )
    assert "the only admin" in response.content.decode()
    admin.refresh_from_db()
    assert admin.role == "admin"
    with pytest.raises(services.PeopleError, match="only admin"):
        services.set_active(admin, False)
    # With a second admin, the first may step down.
    advocate.role = "admin"
    advocate.save()
    client.post(
        reverse("people:detail", args=[admin.pk]),
        {
            "name": admin.name,
            "language": "en",
            "time_zone": "Europe/Copenhagen",
            "role": "advocate",
        },
    )
    admin.refresh_from_db()
    assert admin.role == "advocate"
