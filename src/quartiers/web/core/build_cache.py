"""Pages that cost almost nothing to serve: what they show changes only at a build.

A page served from the warehouse carries an ETag made of the stamps of the code (and of the
settings pages show) and of the build, and a Last-Modified at the build's time; a conditional
request for the same build is answered 304 without rendering. Rendered pages are kept in the
``pages`` cache (files on disk: shared by every gunicorn worker) under a key holding that ETag,
so a rebuild invalidates them all at once; each process also keeps its last pages in memory.
The warehouse is pinned for the whole request: a page and its ETag always come from one
build, even when a build replaces the file while the page is being rendered.
"""

from __future__ import annotations

import functools
import hashlib
import threading
from collections import OrderedDict
from datetime import datetime
from importlib.metadata import version
from pathlib import Path

from django.conf import settings
from django.core.cache import caches
from django.http import HttpResponse
from django.utils.cache import get_conditional_response
from django.utils.http import http_date

from quartiers.engine.warehouse.store import WarehouseMissing

from .content import changed_stamp
from .warehouse import get_store


@functools.cache
def _code_stamp() -> str:
    """The running code, so that a deployment of new templates never serves old pages: the
    package version and its files' contents (the same in every worker; read at the first page
    served, not at import)."""
    package = Path(__file__).resolve().parents[2]
    digest = hashlib.sha256(version("quartiers").encode())
    for path in sorted(package.rglob("*")):  # contents, not times: builds may normalise those
        if path.suffix in (".py", ".html", ".js", ".css"):
            digest.update(path.read_bytes())
    return digest.hexdigest()[:10]


def _shown_stamp() -> str:
    """The code and the settings a page shows (the online basemap): a new deployment or a
    changed setting never serves the pages of the previous one."""
    return _stamp_of(_code_stamp(), settings.QUARTIERS.basemap_tiles,
                     settings.QUARTIERS.basemap_attribution)


@functools.lru_cache(maxsize=8)
def _stamp_of(*shown: str) -> str:
    return hashlib.sha256(repr(shown).encode()).hexdigest()[:12]


class _RecentPages:
    """The pages this process served last, kept in memory in front of the shared file cache
    (which costs a file read, a decompression and an unpickling per request)."""

    SIZE = 64  # ≈ 20 MB of pages per process
    LARGEST = 1024 * 1024  # a wide table of thousands of territories stays on disk only

    def __init__(self):
        self._pages: OrderedDict[str, HttpResponse] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: str) -> HttpResponse | None:
        with self._lock:
            page = self._pages.get(key)
            if page is not None:
                self._pages.move_to_end(key)
            return page

    def put(self, key: str, page: HttpResponse) -> None:
        if len(page.content) > self.LARGEST:
            return
        with self._lock:
            self._pages[key] = page
            while len(self._pages) > self.SIZE:
                self._pages.popitem(last=False)


_recent = _RecentPages()


def _copy(page: HttpResponse) -> HttpResponse:
    """A response of its own for each request (its headers are set below); the kept page is
    never changed."""
    fresh = HttpResponse(page.content, status=page.status_code)
    for name, value in page.items():
        fresh[name] = value
    return fresh


def served_from_build(view):
    """Decorate a view whose answer depends only on the warehouse, the URL and the published
    content (see core/content.py)."""

    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        if request.method not in ("GET", "HEAD") or request.COOKIES.get(settings.SESSION_COOKIE_NAME):
            return view(request, *args, **kwargs)  # a signed-in user may see other things
        try:
            return _from_build(view, request, *args, **kwargs)
        except WarehouseMissing:  # the view answers it, in its own format (page or JSON)
            return view(request, *args, **kwargs)

    return wrapped


def _from_build(view, request, *args, **kwargs):
    store = get_store()
    with store.pinned() as build:
        etag = f'"{_shown_stamp()}-{build}-{changed_stamp():x}"'
        built_at = int(datetime.fromisoformat(store.build_info()["built_at"]).timestamp())
        response = get_conditional_response(request, etag=etag, last_modified=built_at)
        if response is None:
            key = f"{etag}:{request.get_full_path()}"
            response = _recent.get(key)
            if response is None:
                response = caches["pages"].get(key)
            if response is None:
                response = view(request, *args, **kwargs)
                if response.status_code == 200 and not response.streaming:
                    caches["pages"].set(key, response)
            if response.status_code == 200 and not response.streaming:
                _recent.put(key, response)
                response = _copy(response)
    response["ETag"] = etag
    response["Last-Modified"] = http_date(built_at)
    response["Cache-Control"] = "no-cache"  # always ask: a rebuild shows at once
    return response
