"""The analyses registered in the engine, as the pages, API and notes show them."""

from __future__ import annotations

import pytest

from quartiers.engine.analyses import ANALYSES_BY_CODE

from .fixture_analysis import FIXTURE


@pytest.fixture
def registered(monkeypatch, store) -> list:
    """The registered analyses with results in the warehouse; while none is registered yet,
    the hand-made fixture analysis (its results must be in the test warehouse)."""
    built = {r["analysis"] for r in store.query("SELECT DISTINCT analysis FROM "
                                                "marts.analysis_results")}
    if FIXTURE.code in built:
        monkeypatch.setitem(ANALYSES_BY_CODE, FIXTURE.code, FIXTURE)
    return [a for a in ANALYSES_BY_CODE.values() if a.code in built]


@pytest.fixture
def sample(registered, store) -> tuple:
    """(analysis, level, code) of one territory with results, the first in code order."""
    analysis = registered[0]
    row = store.query("SELECT level, code FROM marts.analysis_results WHERE analysis = ? "
                      "AND status = 'ok' ORDER BY level, code LIMIT 1", [analysis.code])[0]
    return analysis, row["level"], row["code"]
