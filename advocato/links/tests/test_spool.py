"""No click is lost: when the database cannot take clicks, they are spooled and replayed,
each exactly once."""

import pytest
from django.db import OperationalError

from advocato.links import services, spool
from advocato.links.models import Click

pytestmark = pytest.mark.django_db

CHROME = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36"


def test_clicks_during_a_lock_are_spooled_and_replayed_exactly_once(
    client, share, settings, tmp_path, monkeypatch
):
    settings.DATA_DIR = tmp_path
    monkeypatch.setattr(Click.objects, "create", _refuse)
    for n in range(25):
        response = client.get(
            f"/l/{share.link.code}", HTTP_USER_AGENT=CHROME, REMOTE_ADDR=f"203.0.113.{n}"
        )
        assert response.status_code == 302  # the visitor is redirected at once regardless
    monkeypatch.undo()
    assert Click.objects.count() == 0
    assert sum(1 for p in (tmp_path / "spool").iterdir() for _ in spool.read(p)) == 25

    assert services.replay_spool() == 25
    assert Click.objects.filter(kind="human").count() == 25
    assert services.replay_spool() == 0  # nothing twice
    assert list((tmp_path / "spool").iterdir()) == []


def test_a_replay_interrupted_after_writing_does_not_double_count(share, settings, tmp_path):
    settings.DATA_DIR = tmp_path
    info = services.link_info(share.link.code)
    records = []
    for n in range(3):
        record = {"link_id": info["link_id"], "kind": "human", "visitor": f"v{n}", "token": f"tok{n}",
                  "referrer_domain": "", "device": "desktop", "country": "", "at": "2026-11-20T10:00:00+00:00"}  # fmt: skip
        spool.append(record)
        records.append(record)
    # A first replay wrote them but crashed before deleting its file:
    services.replay_spool()
    for record in records:
        spool.append(record)
    assert services.replay_spool() == 0
    assert Click.objects.count() == 3


def test_a_torn_line_does_not_stop_the_replay(share, settings, tmp_path):
    settings.DATA_DIR = tmp_path
    info = services.link_info(share.link.code)
    spool.append({"link_id": info["link_id"], "kind": "human", "visitor": "v", "token": "t1",
                  "referrer_domain": "", "device": "", "country": "", "at": "2026-11-20T10:00:00+00:00"})  # fmt: skip
    with open(next((tmp_path / "spool").iterdir()), "a") as handle:
        handle.write('{"link_id": 1, "kin')
    assert services.replay_spool() == 1


def _refuse(**kwargs):
    raise OperationalError("database is locked")
