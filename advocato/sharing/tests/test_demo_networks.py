"""`advocato demo` starts the four fakes and points the company's apps at them: an advocate
can connect to each and post, with the settings the demo leaves (LinkedIn's products, the
current LinkedIn API version)."""

import pytest

from advocato.conftest import free_port
from advocato.sharing.conftest import connect

pytestmark = pytest.mark.django_db


def test_every_demo_network_connects_and_posts(
    network_settings, login, advocate, item, django_capture_on_commit_callbacks
):
    from advocato.sharing import posting
    from advocato.sharing.models import PostState, Share
    from advocato.sharing.networks import demo

    fakes = demo.start(free_port())
    try:
        client = login(advocate)
        for network, fake in fakes.items():
            with django_capture_on_commit_callbacks(execute=True):
                connect(client, network, fake)
                share = posting.schedule_share(
                    advocate, item, network, f"Look (new) #jobs {item.url}", "", "now"
                )
            share = Share.objects.get(pk=share.pk)
            assert share.post_state == PostState.POSTED, (network, share.error)
            assert len(fake.posts) == 1
    finally:
        for fake in fakes.values():
            fake.stop()
