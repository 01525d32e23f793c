"""LinkedIn's API version: a setting, a system check before it runs out, and a retired one
stops the post with a message the admin sees (LinkedIn answers 426 NONEXISTENT_VERSION)."""

from datetime import date

import pytest

from advocato.sharing.checks import linkedin_version
from advocato.sharing.conftest import connect

from ...contract import post_text

pytestmark = pytest.mark.django_db


def test_the_system_check_warns_ten_months_on(settings):
    settings.LINKEDIN_VERSION = "202601"
    assert linkedin_version(today=date(2026, 11, 1)) == []  # ten months: still fine
    [warning] = linkedin_version(today=date(2026, 12, 1))
    assert warning.id == "advocato.W102" and "202601" in warning.msg
    settings.LINKEDIN_VERSION = "2026-01"
    assert [w.id for w in linkedin_version(today=date(2026, 12, 1))] == ["advocato.W101"]


def test_a_retired_version_stops_the_post_and_tells_the_admin(
    start_fake, login, advocate, admin, item, settings, django_capture_on_commit_callbacks
):
    from advocato.sharing import posting
    from advocato.sharing.models import NetworkApp, PostState, Share

    fake = start_fake("linkedin")
    with django_capture_on_commit_callbacks(execute=True):
        connect(login(advocate), "linkedin", fake)
    settings.LINKEDIN_VERSION = "202505"  # thirteen months before the tests' clock
    with django_capture_on_commit_callbacks(execute=True):
        share = posting.schedule_share(advocate, item, "linkedin", post_text(item), "", "now")
    share = Share.objects.get(pk=share.pk)
    assert share.post_state == PostState.FAILED and share.attempts == 1
    assert "202505" in share.error and "ADVOCATO_LINKEDIN_VERSION" in share.error
    assert fake.posts == {}
    app = NetworkApp.objects.get(network="linkedin")
    assert app.problem_kind == "version" and "202505" in app.problem
    page = login(admin).get("/networks/apps/").content.decode()
    assert 'id="problem-linkedin"' in page and "ADVOCATO_LINKEDIN_VERSION" in page

    settings.LINKEDIN_VERSION = "202605"  # the admin set a current one
    share.delete()
    with django_capture_on_commit_callbacks(execute=True):
        share = posting.schedule_share(advocate, item, "linkedin", post_text(item), "", "now")
    assert Share.objects.get(pk=share.pk).post_state == PostState.POSTED
    assert NetworkApp.objects.get(network="linkedin").problem == ""
