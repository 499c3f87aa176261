"""One warehouse built from the real bundled data, shared by the whole session."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from quartiers.config import current
from quartiers.engine.warehouse.build import build
from quartiers.engine.warehouse.store import Warehouse

DATA_DIR = current().data_dir


@pytest.fixture(scope="session")
def warehouse_path(tmp_path_factory):
    """Built here, or named by ``QUARTIERS_TEST_WAREHOUSE``: one already built by the same code
    from the bundled data (``make test`` builds it once for its SQLite and PostgreSQL runs)."""
    if os.environ.get("QUARTIERS_TEST_WAREHOUSE"):
        return Path(os.environ["QUARTIERS_TEST_WAREHOUSE"])
    path = tmp_path_factory.mktemp("warehouse") / "warehouse.duckdb"
    build(DATA_DIR, path)
    return path


@pytest.fixture(scope="session")
def store(warehouse_path) -> Warehouse:
    return Warehouse(warehouse_path)


@pytest.fixture(scope="session")
def address_server(tmp_path_factory):
    """URL of a real addok ``/search/csv/`` endpoint indexed with the schools' addresses."""
    from .address_server import running

    with running(DATA_DIR / "education" / "ecoles_35.csv",
                 tmp_path_factory.mktemp("addok")) as url:
        yield url
