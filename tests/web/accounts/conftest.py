"""The roles in place."""

from __future__ import annotations

import pytest

from quartiers.web.accounts.services import ensure_roles


@pytest.fixture
def roles(db):
    ensure_roles()
