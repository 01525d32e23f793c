"""Every e-mail to a person is in the language they read — one rule (`people.mail`) for
invitations, summaries and reconnect reminders: the interface language they chose, else the
language they were invited in, else the company's."""

import pytest

from advocato.conftest import make_employee
from advocato.core.models import Organisation
from advocato.people import mail, services
from advocato.people.models import Employee, Invitation

pytestmark = pytest.mark.django_db


def test_the_chosen_interface_language_wins_then_the_invitation_language(db):
    person = make_employee("sigrid@example.com", language="da", ui_language="nb")
    assert mail.language_of(person) == "nb"
    person.ui_language = ""
    assert mail.language_of(person) == "da"
    person.language = ""
    org = Organisation.get()
    org.default_language = "nb"
    org.save()
    assert mail.language_of(person) == "nb"


def test_a_message_is_rendered_and_marked_in_that_language(db, smtp_settings):
    person = make_employee("sigrid@example.com", language="en", ui_language="da")
    mail.send(
        person,
        subject=lambda values: f"{values['language']}: {values['who']}",
        text_template="people/email/invitation.txt",
        context=lambda: {
            "who": person.name,
            "organisation": Organisation.get(),
            "url": "http://advocato.example/invite/x/",
            "valid_days": 14,
        },
    )
    (message,) = smtp_settings.messages
    assert message["Subject"] == "da: Sigrid"
    assert message["Content-Language"] == "da"
    assert message["To"] == "sigrid@example.com"


def test_an_invitation_goes_out_in_the_interface_language_over_smtp(admin, smtp_settings):
    invited = Employee.objects.create(
        email="ola@example.com", name="Ola", language="da", ui_language="nb"
    )
    invitation = Invitation.objects.create(employee=invited, invited_by=admin)
    assert services.deliver_invitation(invitation.pk, "http://advocato.example")
    (message,) = smtp_settings.messages
    assert "inviterer deg til Advocato" in message["Subject"]  # Norwegian, not Danish
    assert message["Content-Language"] == "nb"


def test_a_kind_turned_off_is_not_sent_and_turning_it_on_again_sends(advocate, smtp_settings):
    from advocato.people.models import EmailKind

    def digest():
        return mail.send(
            advocate,
            kind=EmailKind.DIGEST,
            subject=lambda values: "Week",
            text_template="people/email/invitation.txt",
            context={
                "organisation": Organisation.get(),
                "url": "http://a.example/",
                "valid_days": 1,
            },
        )

    mail.set_wanted(advocate, EmailKind.DIGEST, False)
    mail.set_wanted(advocate, EmailKind.DIGEST, False)  # twice: still one choice
    assert not mail.wants(advocate, EmailKind.DIGEST)
    assert mail.wants(advocate, EmailKind.NUDGE)  # one kind off leaves the others on
    assert digest() is False
    assert smtp_settings.messages == []
    mail.set_wanted(advocate, EmailKind.DIGEST, True)
    assert digest() is True
    assert [m["To"] for m in smtp_settings.messages] == [advocate.email]


def test_an_unknown_kind_is_refused(advocate):
    with pytest.raises(ValueError):
        mail.set_wanted(advocate, "newsletter", False)
