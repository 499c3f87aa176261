"""The contracts' tests: uploads in a temporary media folder, the bundled priorities, and the
warehouse built from the real ANCT files (Rennes Métropole's contract and its QPV)."""

from __future__ import annotations

import pytest

from quartiers.web.contracts import services


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def priorities(db):
    services.load_bundled()


@pytest.fixture
def rennes(store) -> dict:
    """Rennes Métropole's 2024-2030 contract, read from the warehouse by its signatory."""
    return next(c for c in store.contrats("2024-2030")
                if (c["signatory_level"], c["signatory_code"]) == ("epci", "243500139"))


@pytest.fixture
def roles(db):
    from quartiers.web.accounts.services import ensure_roles

    ensure_roles()
