"""The catalogues are consistent: every indicator is complete and every source is bundled."""

from __future__ import annotations

import json

from quartiers.config import current
from quartiers.engine.indicators.catalogue import INDICATORS
from quartiers.engine.levels import LEVELS, level_label
from quartiers.engine.sources.declared import SOURCES

DATA_DIR = current().data_dir


def test_at_least_thirty_indicators_fully_declared():
    assert len(INDICATORS) >= 30
    assert len({i.code for i in INDICATORS}) == len(INDICATORS)
    for indicator in INDICATORS:
        assert indicator.label and indicator.definition and indicator.unit and indicator.theme
        assert indicator.measures, indicator.code
        for measure in indicator.measures:
            assert measure.value or (measure.numerator and measure.denominator), indicator.code


def test_measures_name_declared_sources_and_levels():
    families = {s.family for s in SOURCES}
    for indicator in INDICATORS:
        assert set(indicator.sources) <= families, indicator.code
        for level in indicator.levels:
            assert level in LEVELS or level.endswith("_france"), level


def test_every_source_is_bundled_with_its_checksum():
    manifest = json.loads((DATA_DIR / "manifest.json").read_text())
    for source in SOURCES:
        assert (DATA_DIR / source.path).exists(), source.path
        assert manifest[source.key]["path"] == source.path
        assert source.licence and source.producer and source.origin


def test_group_levels_read_in_french():
    assert level_label("qpv_region") == "Ensemble des QPV de la région"
    assert level_label("qpv2015_france") == "Ensemble des QPV 2015 de France"
    assert level_label("commune") == "Commune"


def test_catalogue_text_reaches_the_warehouse_as_written(store):
    """Methods and notes are bound as parameters: a French apostrophe cannot break the build
    nor be altered (the France population note says « collectivités d'outre-mer »)."""
    texts = [m.note for i in INDICATORS for m in i.measures if "'" in m.note]
    assert texts
    (france,) = [v for v in store.values("france", "FR", "population")
                 if v.vintage == "population légale 2023"]
    assert "collectivités d'outre-mer" in france.note and france.status == "ok"
