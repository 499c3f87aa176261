"""The locator the web shares, rebuilt when the warehouse or the perimeters change."""

from __future__ import annotations

import threading

from django.conf import settings

from quartiers.engine.geo import MAX_RADIUS_M
from quartiers.engine.locator import Locator, current
from quartiers.engine.locator.perimeters import IMPORTED

from .warehouse import get_store

_lock = threading.Lock()
_built: dict = {}


def get_locator() -> Locator:
    store = get_store()
    data_dir = settings.QUARTIERS.data_dir
    imported = data_dir / IMPORTED
    key = (str(store.path), store.build_info()["built_at"],
           imported.stat().st_mtime_ns if imported.exists() else None)
    with _lock:
        if _built.get("key") != key:
            _built.update(key=key, locator=Locator(current(store, data_dir), MAX_RADIUS_M))
        return _built["locator"]
