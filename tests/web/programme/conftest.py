from __future__ import annotations

import pytest

from quartiers.config import current

SEEDS = current().data_dir / "programmes"


@pytest.fixture
def seed_text():
    """The text of a bundled programme (the centre's real documents)."""
    return lambda year: (SEEDS / f"programme-{year}.txt").read_text(encoding="utf-8")


@pytest.fixture
def bundled(db):
    """Both bundled programmes imported, as `quartiers init` does."""
    from quartiers.web.programme.services import load_bundled

    load_bundled()
