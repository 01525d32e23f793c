"""One function confirms a share (`sharing.services.confirm`): the advocate for a share-dialog
post, the first human click on its link (told by the links app through a signal, on the
direct and the spooled path alike), or the network's answer to our own post."""

import secrets
import time

import pytest

from advocato.links import services as links
from advocato.links.models import Click
from advocato.sharing import services
from advocato.sharing.models import Share

pytestmark = pytest.mark.django_db


def shared(advocate, item, method=Share.Method.DIALOG):
    share = services.start_share(advocate, item, "linkedin", "Come work with us", "Come work")
    Share.objects.filter(pk=share.pk).update(method=method)
    share.refresh_from_db()
    return share


def one(share):
    return Share.objects.filter(pk=share.pk)


def test_the_advocate_confirms_a_dialog_share_once(advocate, item):
    share = shared(advocate, item)
    assert services.confirm(one(share), by=services.BY_ADVOCATE) == 1
    first = Share.objects.get(pk=share.pk)
    assert (first.status, first.confirmed_by) == (Share.Status.CONFIRMED, "advocate")
    assert services.confirm(one(share), by=services.BY_CLICK) == 0  # already confirmed
    assert Share.objects.get(pk=share.pk).confirmed_at == first.confirmed_at


def test_a_direct_post_is_never_confirmed_by_hand(advocate, item):
    share = shared(advocate, item, method=Share.Method.API)
    assert services.confirm(one(share), by=services.BY_ADVOCATE) == 0
    assert Share.objects.get(pk=share.pk).confirmed_at is None


def test_the_networks_answer_is_the_final_word_over_an_earlier_click(advocate, item):
    share = shared(advocate, item, method=Share.Method.API)
    services.confirm(one(share), by=services.BY_CLICK)
    assert services.confirm(one(share), by=services.BY_API, external_id="urn:li:share:7") == 1
    share.refresh_from_db()
    assert (share.confirmed_by, share.external_id) == ("api", "urn:li:share:7")


@pytest.mark.parametrize("write", ["direct", "spool"])
def test_the_first_human_click_confirms_through_the_links_signal(
    advocate, advocate_engineering, item, settings, tmp_path, write
):
    settings.CLICK_WRITE = write
    settings.DATA_DIR = str(tmp_path)
    by_bot, by_human = shared(advocate_engineering, item), shared(advocate, item)
    for share, kind in ((by_bot, Click.Kind.BOT), (by_human, Click.Kind.HUMAN)):
        info = links.link_info(share.link.code)
        assert info is not None and not info["confirmed"]
        links.record_click(info, kind=kind, visitor="v", token=secrets.token_hex(8))
    if write == "spool":
        assert Share.objects.get(pk=by_human.pk).confirmed_at is None  # not written yet
        assert links.replay_spool(now=time.time() + 180) == 2
    assert Share.objects.get(pk=by_bot.pk).confirmed_at is None  # a bot proves nothing
    by_human.refresh_from_db()
    assert (by_human.status, by_human.confirmed_by) == (Share.Status.CONFIRMED, "click")
