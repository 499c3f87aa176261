"""The analyses registered in the engine, as the pages, API and notes show them."""

from __future__ import annotations

import pytest

from quartiers.engine.analyses import ANALYSES


@pytest.fixture
def registered(store) -> list:
    """Every registered analysis, each with results in the test warehouse."""
    built = {r["analysis"] for r in store.query("SELECT DISTINCT analysis FROM "
                                                "marts.analysis_results")}
    assert ANALYSES and not [a.code for a in ANALYSES if a.code not in built]
    return list(ANALYSES)


@pytest.fixture
def sample(registered, store) -> tuple:
    """(analysis, level, code) of one territory with results, the first in code order."""
    analysis = registered[0]
    row = store.query("SELECT level, code FROM marts.analysis_results WHERE analysis = ? "
                      "AND status = 'ok' ORDER BY level, code LIMIT 1", [analysis.code])[0]
    return analysis, row["level"], row["code"]
