"""No click is lost: spooled clicks (the default way, and the fallback when the database
cannot take a click) are written by the worker, each exactly once."""

import time

import pytest
from django.db import OperationalError

from advocato.links import services, spool
from advocato.links.models import Click

pytestmark = pytest.mark.django_db

CHROME = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36"


def later() -> float:
    return time.time() + 180  # the spool files' minutes are well over by then


def _refuse(**kwargs):
    raise OperationalError("database is locked")


def test_in_spool_mode_clicks_reach_the_database_through_the_worker(
    client, share, settings, tmp_path
):
    settings.DATA_DIR = tmp_path
    settings.CLICK_WRITE = "spool"
    for n in range(40):
        response = client.get(
            f"/l/{share.link.code}", HTTP_USER_AGENT=CHROME, REMOTE_ADDR=f"203.0.113.{n}"
        )
        assert response.status_code == 302
    assert Click.objects.count() == 0
    assert services.replay_spool() == 0  # this minute's file is still being written
    assert services.replay_spool(now=later()) == 40
    assert Click.objects.filter(kind="human").count() == 40
    share.refresh_from_db()
    assert share.confirmed_by == "click"  # the first human click confirmed it
    assert services.replay_spool(now=later()) == 0


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
    assert services.replay_spool(now=later()) == 25
    assert Click.objects.filter(kind="human").count() == 25
    assert services.replay_spool(now=later()) == 0  # nothing twice
    assert list((tmp_path / "spool").iterdir()) == []


def record(info, n):
    return {"link_id": info["link_id"], "kind": "human", "visitor": f"v{n}", "token": f"tok{n}xxxxx",
            "referrer_domain": "", "device": "desktop", "country": "", "at": "2026-11-20T10:00:00+00:00"}  # fmt: skip


def test_a_replay_interrupted_after_writing_does_not_double_count(share, settings, tmp_path):
    settings.DATA_DIR = tmp_path
    info = services.link_info(share.link.code)
    for n in range(3):
        spool.append(record(info, n))
    services.replay_spool(now=later())
    # As if the first replay had crashed before deleting its file:
    for n in range(3):
        spool.append(record(info, n))
    assert services.replay_spool(now=later()) == 0
    assert Click.objects.count() == 3


def test_a_torn_line_does_not_stop_the_replay(share, settings, tmp_path):
    settings.DATA_DIR = tmp_path
    spool.append(record(services.link_info(share.link.code), 1))
    with open(next((tmp_path / "spool").iterdir()), "a") as handle:
        handle.write('{"link_id": 1, "kin')
    assert services.replay_spool(now=later()) == 1
