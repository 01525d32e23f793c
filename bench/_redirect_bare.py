"""The bare WSGI app `redirect.py` measures the redirect against: a 302 and nothing else, no
Django, no database. It is served by gunicorn with the same settings as the real server:

    cd bench && ../.venv/bin/python -m gunicorn redirect_bare:application --workers 2

Run on its own (as `make bench` does with every file here) it measures nothing."""

HEADERS = [("Location", "https://example.com/"), ("Content-Length", "0")]


def application(environ, start_response):
    start_response("302 Found", HEADERS)
    return [b""]


if __name__ == "__main__":
    print("redirect_bare: the bare app that redirect.py compares against; nothing to measure.")
