"""The one warehouse the web reads, opened lazily (read-only) from the path in settings."""

from __future__ import annotations

from functools import cache

from django.conf import settings

from quartiers.engine.warehouse.store import Warehouse


@cache
def get_store() -> Warehouse:
    return Warehouse(settings.QUARTIERS.warehouse)
