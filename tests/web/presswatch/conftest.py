"""The press watch's tests: a real HTTP server on this machine serving feeds (feedparser's
test files, the platform's own feed) and the answers a feed's server may give instead (HTML,
garbage, a huge body, an error, silence); a fresh content stamp around each test (profiles are
kept in the pages' cache). The server being on this machine, every test allows private and
local addresses (test_network.py turns the switch back off)."""

from __future__ import annotations

import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from quartiers.web.core.content import mark_changed

from ...address_server import free_port

FEEDS = Path(__file__).parent / "feeds"


@dataclass
class Route:
    body: bytes = b""
    content_type: str = "application/xml"
    status: int = 200
    etag: str = ""
    last_modified: str = ""
    delay: float = 0
    declared_length: bool = True  # False: a body sent until the connection closes
    location: str = ""  # a redirect's target (with status 301, 302…)


@dataclass
class FeedServer:
    url: str
    routes: dict[str, Route] = field(default_factory=dict)
    requests: list[tuple[str, dict]] = field(default_factory=list)

    def serve(self, path: str, route: Route | None = None, **kwargs) -> str:
        self.routes[path] = route or Route(**kwargs)
        return self.url + path

    def serve_file(self, name: str, **kwargs) -> str:
        return self.serve(f"/{name}", body=(FEEDS / name).read_bytes(), **kwargs)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.0"

    def log_message(self, *args):  # quiet tests
        pass

    def _not_modified(self, route: Route) -> bool:
        """As RFC 9110 says: If-None-Match, when sent, decides alone."""
        if "If-None-Match" in self.headers:
            return bool(route.etag) and self.headers["If-None-Match"] == route.etag
        return bool(route.last_modified) and \
            self.headers.get("If-Modified-Since") == route.last_modified

    def do_GET(self):
        feeds: FeedServer = self.server.feeds
        feeds.requests.append((self.path, dict(self.headers)))
        route = feeds.routes.get(self.path)
        if route is None:
            self.send_error(404)
            return
        if route.delay:
            time.sleep(route.delay)
        if self._not_modified(route):
            self.send_response(304)
            self.end_headers()
            return
        self.send_response(route.status)
        self.send_header("Content-Type", route.content_type)
        if route.etag:
            self.send_header("ETag", route.etag)
        if route.last_modified:
            self.send_header("Last-Modified", route.last_modified)
        if route.location:
            self.send_header("Location", route.location)
        if route.declared_length:
            self.send_header("Content-Length", str(len(route.body)))
        self.end_headers()
        try:
            for start in range(0, len(route.body), 65536):
                self.wfile.write(route.body[start:start + 65536])
        except (BrokenPipeError, ConnectionResetError):  # the client stopped reading: fine
            pass


@contextmanager
def running_feed_server(host: str = "127.0.0.1"):
    server = ThreadingHTTPServer((host, free_port()), _Handler)
    server.daemon_threads = True
    server.feeds = FeedServer(url=f"http://{host}:{server.server_port}")
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server.feeds
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def feed_server():
    with running_feed_server() as feeds:
        yield feeds


@pytest.fixture(autouse=True)
def _private_addresses_allowed(settings):
    settings.PRESSWATCH_ALLOW_PRIVATE_ADDRESSES = True


@pytest.fixture(autouse=True)
def _content_stamp():
    mark_changed()
    yield
    mark_changed()

