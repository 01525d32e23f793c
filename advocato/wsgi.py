"""The WSGI application. Tracked-link redirects (`/l/<code>`) go through a lean handler with
only the middleware they need; everything else through the full stack."""

import os

from django.core.handlers.wsgi import WSGIHandler
from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "advocato.settings")
full = get_wsgi_application()

# The redirect needs no CSRF, messages, account or MFA middleware, and negotiates a language
# only for its not-found page; the session and user stay, so the sharer's own clicks are
# still recognised.
REDIRECT_MIDDLEWARE = [
    "advocato.links.middleware.RedirectURLConfMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
]


class RedirectHandler(WSGIHandler):
    def load_middleware(self, is_async=False):
        from django.conf import settings

        original = settings.MIDDLEWARE
        settings.MIDDLEWARE = REDIRECT_MIDDLEWARE
        try:
            super().load_middleware(is_async)
        finally:
            settings.MIDDLEWARE = original


redirects = RedirectHandler()


def application(environ, start_response):
    if environ.get("PATH_INFO", "").startswith("/l/"):
        return redirects(environ, start_response)
    return full(environ, start_response)
