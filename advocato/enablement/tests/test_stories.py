"""Success stories: curators write and publish them (audited, announced), readers get their
language, pictures are checked, the evidence's figures are live, and nobody who chose not to
be named is named in a story, its evidence, the home page or the stories page."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from advocato.conftest import make_employee
from advocato.content.models import ContentItem, Status
from advocato.core.models import AuditEntry, Organisation
from advocato.enablement import stories
from advocato.enablement.models import SuccessStory
from advocato.enablement.signals import story_published
from advocato.links.models import Click, TrackedLink
from advocato.people.models import Ranking
from advocato.sharing.models import Share


def _png(size=(40, 20)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, "teal").save(out, "PNG")
    return out.getvalue()


@pytest.fixture
def shared(advocate):
    Organisation.objects.update_or_create(
        pk=1, defaults={"time_zone": "Europe/Copenhagen", "individual_results": "everyone"}
    )
    item = ContentItem.objects.create(
        title="Offshore wind, explained", url="https://nordlys.example/wind",
        status=Status.PUBLISHED, published_at=timezone.now() - timedelta(days=3),
    )  # fmt: skip
    share = Share.objects.create(
        employee=advocate, item=item, network="linkedin", text="Wind!", status="confirmed",
        confirmed_at=timezone.now() - timedelta(days=2), audience=500,
    )  # fmt: skip
    link = TrackedLink.objects.create(share=share, code="story01")
    for n in range(2):
        Click.objects.create(link=link, kind=Click.Kind.HUMAN, visitor=f"v{n}", token=f"s{n}",
                             at=timezone.now() - timedelta(days=1))  # fmt: skip
    return item, share


def _form(**extra):
    data = {"title_en": "A post that found a customer", "body_en": "Anna's post **worked**.",
            "title_da": "", "body_da": "", "title_nb": "", "body_nb": "", "image_alt": ""}  # fmt: skip
    data.update(extra)
    return data


def test_curator_writes_and_publishes_a_story_audited_and_announced(
    client, curator, shared, django_capture_on_commit_callbacks
):
    heard = []

    def listener(sender, story, **kwargs):
        heard.append(story.pk)

    story_published.connect(listener)
    try:
        client.force_login(curator.user)
        assert client.get(reverse("enablement:story_new")).status_code == 200
        body = "It worked.<script>alert(1)</script> [more](javascript:alert(1))"
        with django_capture_on_commit_callbacks(execute=True):  # announced once committed
            response = client.post(
                reverse("enablement:story_new"),
                _form(body_en=body, share=shared[1].pk, publish="1"),
            )
        assert response.status_code == 302, response.content.decode()[:2000]
    finally:
        story_published.disconnect(listener)
    story = SuccessStory.objects.get()
    assert story.is_published and story.created_by == curator
    assert heard == [story.pk]
    assert AuditEntry.objects.filter(object_type="enablement.SuccessStory").exists()
    html = client.get(reverse("enablement:story", args=[story.pk])).content.decode()
    assert "<script>alert" not in html and "javascript:" not in html
    assert "It worked." in html


def test_advocates_read_stories_but_cannot_write_them(client, advocate, shared):
    client.force_login(advocate.user)
    assert client.get(reverse("enablement:stories")).status_code == 200
    assert client.get(reverse("enablement:story_new")).status_code == 403
    assert client.get(reverse("enablement:stories_manage")).status_code == 403


def test_reader_gets_their_language_else_the_company_default(advocate, shared):
    Organisation.objects.filter(pk=1).update(default_language="da")
    story = SuccessStory.objects.create(
        title_en="English title", body_en="English.", title_da="Dansk titel", body_da="Dansk."
    )
    stories.publish(story)
    assert stories.newest(advocate, "da")[0].title == "Dansk titel"
    assert stories.newest(advocate, "en")[0].title == "English title"
    shown = stories.newest(advocate, "nb")[0]  # no Norwegian: the company's language
    assert (shown.title, shown.language) == ("Dansk titel", "da")


def test_evidence_figures_are_read_live(advocate, shared):
    from advocato.analytics import rollups

    item, share = shared
    story = SuccessStory.objects.create(title_en="Live", body_en="Figures.", share=share, item=item)
    stories.publish(story)
    rollups.fill()
    [shown] = stories.shown_to(advocate, stories.published(), "en")
    assert [e.figures["clicks"] for e in shown.evidence] == [2, 2]
    Click.objects.create(link=share.link, kind=Click.Kind.HUMAN, visitor="v9", token="s9",
                         at=timezone.now() - timedelta(hours=1))  # fmt: skip
    rollups.fill()
    [shown] = stories.shown_to(advocate, stories.published(), "en")
    assert [e.figures["clicks"] for e in shown.evidence] == [3, 3]
    assert shown.evidence[0].person == advocate.name


def test_pictures_are_checked(client, curator, shared):
    client.force_login(curator.user)
    url = reverse("enablement:story_new")
    not_a_picture = SimpleUploadedFile("story.png", b"%PDF-1.4 not a picture", "image/png")
    response = client.post(url, {**_form(image_alt="A wind farm"), "image": not_a_picture})
    assert response.status_code == 400
    big = SimpleUploadedFile("big.png", _png() + b"\0" * (5 * 1024 * 1024), "image/png")
    response = client.post(url, {**_form(image_alt="A wind farm"), "image": big})
    assert response.status_code == 400 and "5 MB" in response.content.decode()
    no_alt = SimpleUploadedFile("ok.png", _png(), "image/png")
    assert client.post(url, {**_form(), "image": no_alt}).status_code == 400
    good = SimpleUploadedFile("ok.png", _png(), "image/png")
    response = client.post(url, {**_form(image_alt="A wind farm"), "image": good})
    assert response.status_code == 302
    assert SuccessStory.objects.get().image.name.startswith("stories/")


def test_a_story_never_names_who_chose_not_to_be_named(client, curator, advocate, shared):
    """Abuse: a curator tries to name an opted-out colleague; a named person opts out later."""
    zelda = make_employee("zelda@example.com", name="Zelda Quist", ranking=Ranking.OUT)
    client.force_login(curator.user)
    response = client.post(
        reverse("enablement:story_new"), _form(body_en="Thanks to Zelda Quist for the post!")
    )
    assert response.status_code == 400 and "chose not to be named" in response.content.decode()
    with pytest.raises(stories.EnablementError):
        stories.publish(SuccessStory.objects.create(title_en="x", body_en="Well done zelda  quist"))
    # Anna is named, her share is the evidence; then she leaves rankings.
    _item, share = shared
    story = SuccessStory.objects.create(
        title_en="Anna Holm found a customer", body_en="Anna Holm's post worked.", share=share
    )
    stories.publish(story)
    advocate.ranking = Ranking.OUT
    advocate.save()
    for viewer in (curator, zelda):
        client.force_login(viewer.user)
        for url in (reverse("enablement:stories"), reverse("enablement:story", args=[story.pk]),
                    reverse("home")):  # fmt: skip
            html = client.get(url).content.decode()
            assert "Anna Holm" not in html, (viewer, url)
            assert "A colleague" in html or "a colleague" in html
    client.force_login(advocate.user)  # she still sees herself
    assert "Anna Holm" in client.get(reverse("enablement:story", args=[story.pk])).content.decode()


def test_withdrawn_story_is_gone_for_readers(client, curator, advocate, shared):
    story = SuccessStory.objects.create(title_en="Gone soon", body_en="Text.")
    stories.publish(story)
    client.force_login(curator.user)
    assert client.post(reverse("enablement:story_withdraw", args=[story.pk])).status_code == 302
    client.force_login(advocate.user)
    assert client.get(reverse("enablement:story", args=[story.pk])).status_code == 404
    assert "Gone soon" not in client.get(reverse("enablement:stories")).content.decode()
