"""Engine tests share one locator on the bundled perimeters (built once: ≈ 0.5 s)."""

from __future__ import annotations

import pytest

from quartiers.engine.locator import Locator, bundled


@pytest.fixture(scope="session")
def locator(store):
    return Locator(bundled(store))
