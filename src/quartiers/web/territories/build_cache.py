"""Pages that cost almost nothing to serve: what they show changes only at a build.

A page served from the warehouse carries an ETag made of the code's stamp and the build's
stamp, and a Last-Modified at the build's time; a conditional request for the same build is
answered 304 without rendering. Rendered pages are kept in the ``pages`` cache (files on disk:
shared by every gunicorn worker) under a key holding that ETag, so a rebuild invalidates them
all at once. The warehouse is pinned for the whole request: a page and its ETag always come
from one build, even when a build replaces the file while the page is being rendered.
"""

from __future__ import annotations

import functools
import hashlib
from datetime import datetime
from importlib.metadata import version
from pathlib import Path

from django.core.cache import caches
from django.utils.cache import get_conditional_response
from django.utils.http import http_date

from .warehouse import get_store


def _code_stamp() -> str:
    """The running code, so that a deployment of new templates never serves old pages: the
    package version and the latest change to its files (the same in every worker)."""
    package = Path(__file__).resolve().parents[2]
    latest = max(path.stat().st_mtime_ns for path in package.rglob("*")
                 if path.suffix in (".py", ".html", ".js", ".css"))
    return hashlib.sha256(f"{version('quartiers')}:{latest}".encode()).hexdigest()[:10]


CODE_STAMP = _code_stamp()


def served_from_build(view):
    """Decorate a view whose answer depends only on the warehouse and the URL."""

    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        if request.method not in ("GET", "HEAD") or request.COOKIES.get("sessionid"):
            return view(request, *args, **kwargs)  # a signed-in user may see other things
        store = get_store()
        with store.pinned() as build:
            etag = f'"{CODE_STAMP}-{build}"'
            built_at = datetime.fromisoformat(store.build_info()["built_at"]).timestamp()
            response = get_conditional_response(request, etag=etag, last_modified=built_at)
            if response is None:
                key = f"{etag}:{request.get_full_path()}"
                response = caches["pages"].get(key)
                if response is None:
                    response = view(request, *args, **kwargs)
                    if response.status_code == 200 and not response.streaming:
                        caches["pages"].set(key, response)
        response["ETag"] = etag
        response["Last-Modified"] = http_date(built_at)
        response["Cache-Control"] = "no-cache"  # always ask: a rebuild shows at once
        return response

    return wrapped
