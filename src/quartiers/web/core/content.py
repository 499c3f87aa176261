"""When the staff last changed published content, for the pages served from the build.

A profile shows the resources published on its territory, the home page the centre's texts:
their cached copies (core/build_cache.py) must change when content is published, unpublished
or deleted. The moment of the last change is the modification time of one file next to the
shared page cache, so every web process sees it at the cost of a ``stat``, without a database
query on the fast path.
"""

from __future__ import annotations

import time
from pathlib import Path

from django.conf import settings
from django.db import transaction

MARKER = "contenu-modifie"

RICH_TEXT_FEATURES = ["h2", "h3", "bold", "italic", "ol", "ul", "link", "document-link"]
"""What staff may use in rich text, everywhere on the site (no embeds, no raw HTML)."""


def _marker() -> Path:
    return Path(settings.CACHES["pages"]["LOCATION"]) / MARKER


def changed_stamp() -> int:
    """Nanoseconds of the last published change (0 before any)."""
    try:
        return _marker().stat().st_mtime_ns
    except FileNotFoundError:
        return 0


def mark_changed(**_signal) -> None:
    """Connected to Wagtail's publication signals (see CoreConfig.ready): at once, and again
    once the change is committed, so that a page rendered in between (from the data before the
    commit) is not kept under the last stamp."""
    _touch()
    transaction.on_commit(_touch)


def _touch() -> None:
    marker = _marker()
    marker.parent.mkdir(parents=True, exist_ok=True)
    marker.write_text(str(time.time_ns()))
