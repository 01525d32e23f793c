"""The invitation travels over real SMTP to a local sink, and its link works."""

import re

import pytest
from django.urls import reverse

from advocato.people.models import Employee


@pytest.mark.django_db(transaction=True)
def test_invitation_arrives_over_smtp_and_its_link_creates_the_account(
    client, admin, smtp_settings
):
    client.force_login(admin.user)
    response = client.post(
        reverse("people:invite"),
        {
            "email": "freja@example.com",
            "name": "Freja Lund",
            "department": "People & Culture",
            "language": "da",
            "time_zone": "Europe/Copenhagen",
            "role": "advocate",
        },
    )
    assert response.status_code == 302
    (message,) = smtp_settings.messages
    assert message["To"] == "freja@example.com"
    assert "Advocato" in message["Subject"]
    text = message.get_body(preferencelist=("plain",)).get_content()
    html = message.get_body(preferencelist=("html",)).get_content()
    match = re.search(r"http://testserver(/invite/[^/\s]+/)", text)
    assert match is not None
    url = match.group(1)
    assert url in html

    client.logout()
    form = client.get(url)
    assert form.status_code == 200
    assert "freja@example.com" in form.content.decode()
    done = client.post(url, {"password1": "Havnen-Lys-2026", "password2": "Havnen-Lys-2026"})
    assert done["Location"] == reverse("home")
    freja = Employee.objects.get(email="freja@example.com")
    assert freja.user is not None and freja.user.check_password("Havnen-Lys-2026")

    # And she can sign in with e-mail and password through allauth afterwards.
    client.logout()
    signed_in = client.post(
        reverse("account_login"), {"login": "freja@example.com", "password": "Havnen-Lys-2026"}
    )
    assert signed_in.status_code == 302
    assert client.get(reverse("home")).status_code == 200


@pytest.mark.django_db(transaction=True)
def test_password_reset_mail_arrives_over_smtp(client, advocate, smtp_settings):
    client.post(reverse("account_reset_password"), {"email": advocate.email})
    (message,) = smtp_settings.messages
    assert message["To"] == advocate.email
    body = message.get_body(preferencelist=("plain",)).get_content()
    assert "/accounts/password/reset/key/" in body
