"""The admin's webhook pages: add (the address vetted), the secret shown once, rotate, the
delivery log with response codes, send again, switch off and on — audited, admins only."""

from __future__ import annotations

import pytest
from django.urls import reverse

from advocato.api.webhooks.models import WebhookAttempt, WebhookEndpoint, WebhookMessage
from advocato.core.models import AuditEntry

pytestmark = pytest.mark.django_db


def add(client, url, events=("share.created",)):
    return client.post(
        reverse("api:webhook_add"),
        {"url": url, "description": "CRM", "events": list(events)},
    )


@pytest.mark.parametrize(
    "url, words",
    [
        ("http://127.0.0.1:9/hooks", "loopback"),
        ("http://10.1.2.3/hooks", "private"),
        ("http://169.254.169.254/latest", "metadata"),
        ("http://2130706433/hooks", ""),
        ("ftp://example.com/hooks", ""),
    ],
)
def test_an_internal_address_is_refused(client, login, admin, url, words):
    login(admin)
    response = add(client, url)
    assert response.status_code == 400
    error = response.context["form"].errors["url"][0]
    assert words in error.lower()
    assert not WebhookEndpoint.objects.exists()


def test_choosing_no_event_is_refused(client, login, admin, receiver):
    login(admin)
    response = add(client, receiver.url, events=())
    assert response.status_code == 400 and "events" in response.context["form"].errors


def test_add_shows_the_secret_once_then_the_log(client, login, admin, receiver):
    login(admin)
    response = add(client, receiver.url, events=("share.created", "conversion.created"))
    endpoint = WebhookEndpoint.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("api:webhook", args=[endpoint.pk])
    page = client.get(response.url).content.decode()
    assert endpoint.secret in page and endpoint.secret.startswith("whsec_")
    assert endpoint.secret not in client.get(response.url).content.decode()
    assert endpoint.events == ["share.created", "conversion.created"]
    assert endpoint.secret not in endpoint.secret_enc  # encrypted at rest
    entry = AuditEntry.objects.get(object_type="api.WebhookEndpoint", action="create")
    assert entry.after is not None
    assert "secret_enc" not in entry.after and entry.after["url"] == receiver.url


def test_rotate_shows_the_new_secret_once(client, login, admin, endpoint):
    login(admin)
    old = endpoint.plain_secret
    response = client.post(reverse("api:webhook_rotate", args=[endpoint.pk]), follow=True)
    endpoint.refresh_from_db()
    assert endpoint.secret != old and endpoint.previous_secret == old
    page = response.content.decode()
    assert endpoint.secret in page and old not in page
    assert AuditEntry.objects.filter(object_type="api.WebhookEndpoint", action="update").exists()


def test_the_log_shows_answers_and_a_message_can_be_sent_again(
    client, login, admin, endpoint, receiver, django_capture_on_commit_callbacks
):
    login(admin)
    receiver.replies = [500]
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("api:webhook_test", args=[endpoint.pk]))
    message = WebhookMessage.objects.get()
    page = client.get(reverse("api:webhook", args=[endpoint.pk])).content.decode()
    assert "webhook.test" in page and "<strong>500</strong>" in page and "answer 500" in page
    message.status = WebhookMessage.Status.FAILED
    message.save()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("api:webhook_redeliver", args=[endpoint.pk, message.pk]))
    message.refresh_from_db()
    assert message.status == "delivered"
    assert WebhookAttempt.objects.filter(manual=True, status_code=204).count() == 1
    page = client.get(reverse("api:webhook", args=[endpoint.pk]) + "?status=delivered")
    assert "<strong>204</strong>" in page.content.decode()


def test_disable_and_enable(client, login, admin, endpoint):
    login(admin)
    client.post(reverse("api:webhook_switch", args=[endpoint.pk]), {"enable": "0"})
    endpoint.refresh_from_db()
    assert not endpoint.is_active and admin.name in endpoint.disabled_reason
    message = WebhookMessage.objects.create(
        endpoint=endpoint, msg_id="msg_x", event_type="x", body="{}"
    )
    response = client.post(reverse("api:webhook_redeliver", args=[endpoint.pk, message.pk]))
    assert response.status_code == 302
    message.refresh_from_db()
    assert message.status == "pending" and message.attempts == 0  # refused: endpoint is off
    client.post(reverse("api:webhook_switch", args=[endpoint.pk]), {"enable": "1"})
    endpoint.refresh_from_db()
    assert endpoint.is_active and endpoint.disabled_reason == ""
    changes = AuditEntry.objects.filter(object_type="api.WebhookEndpoint", action="update")
    assert changes.count() == 2


def test_edit_keeps_the_secret_and_vets_again(client, login, admin, endpoint, settings):
    login(admin)
    url = reverse("api:webhook_edit", args=[endpoint.pk])
    response = client.post(url, {"url": "http://192.168.1.5/x", "events": ["share.created"]})
    assert response.status_code == 400
    response = client.post(
        url, {"url": endpoint.url, "events": ["share.posted"], "description": "BI"}
    )
    endpoint.refresh_from_db()
    assert (endpoint.events, endpoint.description) == (["share.posted"], "BI")


@pytest.mark.parametrize("name", ["webhooks", "webhook_add"])
def test_only_admins(client, login, personas, name):
    for role in ("curator", "analyst", "manager", "advocate"):
        login(personas[role])
        assert client.get(reverse(f"api:{name}")).status_code == 403


def test_others_cannot_act_on_an_endpoint(client, login, curator, endpoint):
    login(curator)
    for name in ("webhook_rotate", "webhook_switch", "webhook_test", "webhook_delete"):
        assert client.post(reverse(f"api:{name}", args=[endpoint.pk])).status_code == 403
    endpoint.refresh_from_db()
    assert endpoint.is_active and endpoint.secret == endpoint.plain_secret


def test_the_list(client, login, admin, endpoint):
    login(admin)
    page = client.get(reverse("api:webhooks")).content.decode()
    assert "CRM" in page and endpoint.url in page
    assert endpoint.plain_secret not in page
