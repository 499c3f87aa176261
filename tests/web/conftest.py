"""Point the web at the session warehouse built from the real bundled data."""

from __future__ import annotations

import pytest

from quartiers.web.territories.warehouse import get_store


@pytest.fixture(autouse=True)
def _web_warehouse(settings, warehouse_path):
    settings.QUARTIERS_WAREHOUSE = warehouse_path
    get_store.cache_clear()
    yield
    get_store.cache_clear()
