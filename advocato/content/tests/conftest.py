"""A local web server for content tests: serves documents from a dict by path."""

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest


class Site:
    def __init__(self):
        self.pages: dict[str, tuple[int, str, bytes]] = {}
        self.requests: list[str] = []
        self.sent = 0

    def add(self, path: str, body, content_type="text/html; charset=utf-8", status=200):
        """`body`: bytes or text, or a function returning an iterator of byte chunks."""
        if isinstance(body, str):
            body = body.encode()
        self.pages[path] = (status, content_type, body)


@pytest.fixture
def site(settings):
    """An HTTP server on 127.0.0.1 that Advocato is allowed to fetch from in this test."""
    settings.FETCH_ALLOWED_NETWORKS = ["127.0.0.1/32"]
    state = Site()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            state.requests.append(self.path)
            status, content_type, body = state.pages.get(self.path, (404, "text/plain", b"no"))
            if callable(body):  # a stream: send chunks until the client hangs up
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.end_headers()
                try:
                    for chunk in body():
                        self.wfile.write(chunk)
                        state.sent += len(chunk)
                except (BrokenPipeError, ConnectionResetError):
                    pass
                return
            if status in (301, 302):
                self.send_response(status)
                self.send_header("Location", body.decode())
                self.end_headers()
                return
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    state.url = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()
