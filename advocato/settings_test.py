"""Settings for the test suite: the product's own settings, with a throw-away data dir, tasks
run at once, plain HTTP for the test client and a quick password hasher."""

import os
import tempfile

os.environ.setdefault("ADVOCATO_DATA_DIR", tempfile.mkdtemp(prefix="advocato-test-"))
os.environ["ADVOCATO_HUEY_IMMEDIATE"] = "1"
os.environ["ADVOCATO_HTTPS"] = "0"

from .settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES["staticfiles"]["BACKEND"] = "django.contrib.staticfiles.storage.StaticFilesStorage"  # noqa: F405
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
# Server threads (live_server, SMTP-triggered tasks) must not keep connections open, or the
# PostgreSQL test database cannot be dropped at the end.
DATABASES["default"]["CONN_MAX_AGE"] = 0  # noqa: F405
# Most tests look at a click right after the redirect; the spool mode has tests of its own.
CLICK_WRITE = "direct"
# Most tests fold a click right after making it; the settle delay has tests of its own.
CLICK_SETTLE_MINUTES = 0
