"""Shared rate limits: failed logins lock an account for every web worker, and the lock is
kept where all workers read it (the database cache by default, Redis with
ADVOCATO_REDIS_URL), not in one process's memory."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from django.core.cache import caches
from django.core.cache.backends import locmem
from django.db import connection
from django.test import Client
from django.urls import reverse

from advocato.conftest import PASSWORD

LOCKED = "Too many failed login attempts"


def _sign_in(client: Client, email: str, password: str) -> str:
    response = client.post(reverse("account_login"), {"login": email, "password": password})
    return response.content.decode() if response.status_code == 200 else ""


def test_too_many_failed_logins_lock_the_account_on_every_worker(client, advocate):
    for _attempt in range(5):
        assert LOCKED not in _sign_in(client, advocate.email, "not-the-password")
    assert LOCKED in _sign_in(client, advocate.email, PASSWORD)

    # The lock is a row of the shared cache table, in the database every worker uses.
    with connection.cursor() as cursor:
        cursor.execute("SELECT cache_key FROM advocato_cache")
        keys = [row[0] for row in cursor.fetchall()]
    assert any("login_failed" in key for key in keys), keys

    # A second worker: no cache objects and no local memory carried over from this one, a
    # browser of its own on another address. The right password is still refused.
    for name in ("default", "links"):
        del caches[name]
    locmem._caches.clear()  # type: ignore[attr-defined]  # the backend's process-wide store
    locmem._expire_info.clear()  # type: ignore[attr-defined]
    other = Client(REMOTE_ADDR="192.0.2.77")
    assert LOCKED in _sign_in(other, advocate.email, PASSWORD)
    assert "_auth_user_id" not in other.session


def test_a_good_login_is_not_limited(client, advocate):
    response = client.post(
        reverse("account_login"), {"login": advocate.email, "password": PASSWORD}
    )
    assert response.status_code == 302


def _caches_with(env: dict[str, str]) -> dict:
    code = "import json, advocato.settings as s; print(json.dumps(s.CACHES))"
    environ = {k: v for k, v in os.environ.items() if k != "ADVOCATO_REDIS_URL"}
    result = subprocess.run(
        [sys.executable, "-c", code], env={**environ, **env}, capture_output=True, text=True,
        check=True,
    )  # fmt: skip
    return json.loads(result.stdout)


def test_the_shared_cache_is_the_database_or_redis_and_links_stay_in_memory(tmp_path):
    plain = _caches_with({"ADVOCATO_DATA_DIR": str(tmp_path)})
    assert plain["default"]["BACKEND"] == "django.core.cache.backends.db.DatabaseCache"
    assert plain["links"]["BACKEND"] == "django.core.cache.backends.locmem.LocMemCache"
    redis = _caches_with(
        {"ADVOCATO_DATA_DIR": str(tmp_path), "ADVOCATO_REDIS_URL": "redis://cache.internal:6379/1"}
    )
    assert redis["default"]["BACKEND"] == "django.core.cache.backends.redis.RedisCache"
    assert redis["default"]["LOCATION"] == "redis://cache.internal:6379/1"
    assert redis["links"]["BACKEND"] == "django.core.cache.backends.locmem.LocMemCache"


def test_the_redirects_link_cache_is_the_local_memory_alias(db):
    from advocato.links import services

    assert services._cache() is caches["links"]
    assert isinstance(caches["links"], locmem.LocMemCache)
