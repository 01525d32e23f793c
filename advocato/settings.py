"""Settings, all from environment variables, with safe production defaults.

ADVOCATO_DATA_DIR   where the SQLite database, uploads and the generated secret key live
DATABASE_URL        e.g. postgres://user:pass@host:5432/advocato (SQLite in the data dir when unset)
ADVOCATO_DEBUG      1 for development only
ADVOCATO_ALLOWED_HOSTS  comma-separated host names (default: localhost,127.0.0.1)
ADVOCATO_HTTPS      0 when served over plain HTTP (the demo); secure cookies/HSTS otherwise
ADVOCATO_EMAIL_*    SMTP settings (HOST, PORT, USER, PASSWORD, USE_TLS, USE_SSL, FROM)
ADVOCATO_UNSUBSCRIBE_MAILBOX  the mailto in List-Unsubscribe (default: the FROM address)
ADVOCATO_TIME_ZONE  the company's time zone (default Europe/Copenhagen)
ADVOCATO_LANGUAGE   default language: en, da or nb
ADVOCATO_ENGLISH_FORMAT  dates and numbers in English: european (default: 2 December 2026,
                    02/12/2026, 14:05) or us (December 2, 2026, 12/02/2026, 2:05 PM)
ADVOCATO_REDIS_URL  use Redis for the background queue and the shared cache (rate limits)
ADVOCATO_LINKEDIN_VERSION  LinkedIn API version, YYYYMM (default 202605); update it yearly
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Literal

import dj_database_url
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def default_data_dir() -> Path:
    xdg = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(xdg) / "advocato"


DATA_DIR = Path(os.environ.get("ADVOCATO_DATA_DIR") or default_data_dir()).expanduser().resolve()
DATA_DIR.mkdir(parents=True, exist_ok=True)


def load_or_create_secret_key(data_dir: Path) -> str:
    """The key is generated on first run and kept in the data dir, readable by its owner only."""
    if os.environ.get("ADVOCATO_SECRET_KEY"):
        return os.environ["ADVOCATO_SECRET_KEY"]
    path = data_dir / "secret_key"
    try:
        return path.read_text().strip()
    except FileNotFoundError:
        key = secrets.token_urlsafe(64)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(key)
        return key


SECRET_KEY = load_or_create_secret_key(DATA_DIR)
DEBUG = env_bool("ADVOCATO_DEBUG", False)
HTTPS = env_bool("ADVOCATO_HTTPS", not DEBUG)
ALLOWED_HOSTS = [
    h.strip()
    for h in os.environ.get("ADVOCATO_ALLOWED_HOSTS", "localhost,127.0.0.1").split(",")
    if h.strip()
]
CSRF_TRUSTED_ORIGINS = [
    o.strip() for o in os.environ.get("ADVOCATO_CSRF_TRUSTED_ORIGINS", "").split(",") if o.strip()
]

INSTALLED_APPS = [
    "advocato.shell",
    "advocato.core",
    "advocato.people",
    "advocato.content",
    "advocato.sharing",
    "advocato.links",
    "advocato.analytics",
    "advocato.rewards",
    "advocato.enablement",
    "advocato.api",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "huey.contrib.djhuey",
    "ninja",  # serves the API docs' Swagger UI from its own packaged files, not a CDN
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "advocato.shell.middleware.CurrentEmployeeMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "advocato.shell.middleware.RequireAdminMFAMiddleware",
]

ROOT_URLCONF = "advocato.shell.urls"
WSGI_APPLICATION = "advocato.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "advocato.shell.context_processors.shell",
            ],
            # Dates, times, numbers and money: one set of filters for every template.
            "builtins": ["advocato.lib.formatting"],
        },
    },
]

# --- Database -----------------------------------------------------------------------------
SQLITE_PATH = DATA_DIR / "advocato.sqlite3"
if os.environ.get("DATABASE_URL"):
    DATABASES = {"default": dj_database_url.parse(os.environ["DATABASE_URL"], conn_max_age=60)}
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(SQLITE_PATH),
            "OPTIONS": {
                # WAL lets the web server read while the worker writes; IMMEDIATE avoids
                # "database is locked" upgrades from read to write transactions.
                "init_command": (
                    "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=5000;"
                ),
                "transaction_mode": "IMMEDIATE",
            },
            # Opening SQLite and running the PRAGMAs costs more than a redirect; keep it open.
            "CONN_MAX_AGE": 600,
            "CONN_HEALTH_CHECKS": True,
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Auth ---------------------------------------------------------------------------------
AUTH_USER_MODEL = "people.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "account_login"

ACCOUNT_ADAPTER = "advocato.people.adapters.AccountAdapter"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "none"  # the invitation link already proved the address
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_LOGIN_ON_PASSWORD_RESET = True
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Advocato] "
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "https" if HTTPS else "http"
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "Advocato"

INVITATION_VALID_DAYS = int(os.environ.get("ADVOCATO_INVITATION_DAYS", "14"))

# LinkedIn's API version (YYYYMM, the LinkedIn-Version header). LinkedIn supports each monthly
# version for about a year and then answers 426 NONEXISTENT_VERSION; a system check warns when
# this is older than ten months. 202605: the newest version LinkedIn's documentation publishes
# (learn.microsoft.com/linkedin/marketing/versioning, view=li-lms-2026-05).
LINKEDIN_VERSION = os.environ.get("ADVOCATO_LINKEDIN_VERSION", "202605").strip()

# Fetching pages and feeds (and calling a network's server) never reaches private, loopback or
# link-local addresses, except the networks listed here (e.g. an intranet) and the exact
# address:port pairs in ADVOCATO_FETCH_ALLOWED_HOSTS (the demo lists its own web server and
# its fake networks, nothing else on this machine). The cloud metadata service never.
FETCH_ALLOWED_NETWORKS = [
    n.strip() for n in os.environ.get("ADVOCATO_FETCH_ALLOWED_NETWORKS", "").split(",") if n.strip()
]
FETCH_ALLOWED_HOSTS = [
    h.strip() for h in os.environ.get("ADVOCATO_FETCH_ALLOWED_HOSTS", "").split(",") if h.strip()
]
FETCH_USER_AGENT = "Advocato/0.1 (link preview and feed reader)"

# Bluesky: where accounts are found from their handles (see sharing/networks/bluesky/
# identity.py): the PLC directory for did:plc identities, and the resolver asked for handles
# that only have a DNS record. BLUESKY_WELL_KNOWN_URL is for test setups only.
BLUESKY_PLC_URL = os.environ.get("ADVOCATO_BLUESKY_PLC_URL", "https://plc.directory")
BLUESKY_HANDLE_RESOLVER = os.environ.get(
    "ADVOCATO_BLUESKY_HANDLE_RESOLVER", "https://public.api.bsky.app"
)
BLUESKY_WELL_KNOWN_URL = "https://{host}/.well-known/{name}"

# Clicks: a GeoLite2-format country database (optional) and how long a click can earn a
# conversion.
GEOIP_PATH = os.environ.get("ADVOCATO_GEOIP_PATH", "")
# "spool": the redirect appends clicks to a local file and the worker writes them in batches
# (fast; counts lag up to two minutes). "direct": one INSERT per click (slower under load).
CLICK_WRITE = os.environ.get("ADVOCATO_CLICK_WRITE", "spool")
ATTRIBUTION_WINDOW_DAYS = int(os.environ.get("ADVOCATO_ATTRIBUTION_DAYS", "30"))
# A click earns points only once it is this old, so the burst it belongs to is seen first.
CLICK_SETTLE_MINUTES = int(os.environ.get("ADVOCATO_CLICK_SETTLE_MINUTES", "60"))
# The company's website(s) that may report conversions from the browser (CORS origins), and
# the shared secret for server-to-server reports (HMAC-SHA256).
CONVERSION_ORIGINS = [
    o.strip().rstrip("/")
    for o in os.environ.get("ADVOCATO_CONVERSION_ORIGINS", "").split(",")
    if o.strip()
]
CONVERSION_SECRET = os.environ.get("ADVOCATO_CONVERSION_SECRET", "")
INVITE_CSV_MAX_BYTES = 2 * 1024 * 1024
INVITE_CSV_MAX_ROWS = 20_000

# --- Languages and time -------------------------------------------------------------------
LANGUAGES = [("en", _("English")), ("da", _("Danish")), ("nb", _("Norwegian Bokmål"))]
LANGUAGE_CODE = os.environ.get("ADVOCATO_LANGUAGE", "en")
if LANGUAGE_CODE not in {code for code, _name in LANGUAGES}:
    LANGUAGE_CODE = "en"
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = os.environ.get("ADVOCATO_TIME_ZONE", "Europe/Copenhagen")
USE_I18N = True
USE_TZ = True
# One formatting rule per language (advocato/lib/formats/<language>/formats.py): English in
# the European way (2 December 2026, 02/12/2026, 14:05) unless ADVOCATO_ENGLISH_FORMAT=us.
ENGLISH_FORMAT = os.environ.get("ADVOCATO_ENGLISH_FORMAT", "european")
FORMAT_MODULE_PATH = (
    ["advocato.lib.formats_us", "advocato.lib.formats"]
    if ENGLISH_FORMAT == "us"
    else ["advocato.lib.formats"]
)

# --- Static and media ---------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
MEDIA_URL = "/media/"
MEDIA_ROOT = DATA_DIR / "media"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = DEBUG
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440

# --- E-mail -------------------------------------------------------------------------------
EMAIL_BACKEND = os.environ.get(
    "ADVOCATO_EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend"
)
EMAIL_HOST = os.environ.get("ADVOCATO_EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("ADVOCATO_EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("ADVOCATO_EMAIL_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("ADVOCATO_EMAIL_PASSWORD", "")
EMAIL_USE_TLS = env_bool("ADVOCATO_EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env_bool("ADVOCATO_EMAIL_USE_SSL", False)
EMAIL_TIMEOUT = 20
EMAIL_FILE_PATH = DATA_DIR / "outbox"
DEFAULT_FROM_EMAIL = os.environ.get("ADVOCATO_EMAIL_FROM", "Advocato <advocato@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# The mailbox in e-mails' List-Unsubscribe mailto (default: the sender's address). Mail to it
# is read by people, not by Advocato: the one-click link is the way out Advocato acts on.
UNSUBSCRIBE_MAILBOX = os.environ.get("ADVOCATO_UNSUBSCRIBE_MAILBOX", "")

# The address people reach this site on, used in e-mailed links sent by the worker.
SITE_URL = os.environ.get("ADVOCATO_SITE_URL", "").rstrip("/")

# --- Background work ----------------------------------------------------------------------
HUEY_IMMEDIATE = env_bool("ADVOCATO_HUEY_IMMEDIATE", False)
if os.environ.get("ADVOCATO_REDIS_URL"):
    HUEY = {
        "huey_class": "huey.RedisHuey",
        "name": "advocato",
        "url": os.environ["ADVOCATO_REDIS_URL"],
        "immediate": HUEY_IMMEDIATE,
    }
else:
    HUEY = {
        "huey_class": "huey.SqliteHuey",
        "name": "advocato",
        "filename": str(DATA_DIR / "queue.sqlite3"),
        "immediate": HUEY_IMMEDIATE,
    }

# --- Caches ------------------------------------------------------------------------------
# "default" holds what every web worker must see and what must survive a restart — above all
# allauth's rate limits (failed logins lock an account on every worker, not just one): the
# database (table `advocato_cache`, created by core's migration 0004 and again by
# `advocato migrate`), or Redis when ADVOCATO_REDIS_URL is set. "links" is the redirect's
# per-process cache of link details (links/services.py): local memory, so a click costs no
# round trip; a revoked link is dropped from it at once in this process and within
# CACHE_SECONDS in the others.
_shared_cache: dict[str, object]
if os.environ.get("ADVOCATO_REDIS_URL"):
    _shared_cache = {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": os.environ["ADVOCATO_REDIS_URL"],
        "KEY_PREFIX": "advocato",
    }
else:
    _shared_cache = {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "advocato_cache",
        "OPTIONS": {"MAX_ENTRIES": 100_000},
    }
CACHES = {
    "default": _shared_cache,
    "links": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "advocato-links",
        "OPTIONS": {"MAX_ENTRIES": 50_000},
    },
    # What one process remembers for itself, outside any database transaction (a network's
    # "wait before asking again" must survive the rollback of the post that was refused).
    "process": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "advocato-process",
    },
}

# The REST API: calls per token per window (seconds), counted in the shared cache.
API_RATE_LIMIT = int(os.environ.get("ADVOCATO_API_RATE_LIMIT", "600"))
API_RATE_WINDOW = int(os.environ.get("ADVOCATO_API_RATE_WINDOW", "60"))

# --- Security (production defaults; `manage.py check --deploy` is clean) ------------------
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if HTTPS else None
SECURE_SSL_REDIRECT = HTTPS and env_bool("ADVOCATO_SSL_REDIRECT", True)
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_HSTS_SECONDS = 31_536_000 if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SECURE = HTTPS
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE: Literal["Lax", "Strict", "None", False] | None = "Lax"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("ADVOCATO_LOG_LEVEL", "INFO")},
    # Huey's consumer prints through its own handler; don't print every line twice.
    "loggers": {"huey": {"level": "INFO", "propagate": False}},
}
