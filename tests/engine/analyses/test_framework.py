"""The analysis framework on a hand-made warehouse (a test fixture, named as such): what an
analysis writes is checked before it is served, then read back per territory."""

from __future__ import annotations

import pytest

from quartiers.engine.analyses import pipeline, results
from quartiers.engine.analyses.model import Analysis, BuildContext, Component
from quartiers.engine.geo import connect
from quartiers.engine.sources.model import Source
from quartiers.engine.warehouse.staging import BuildError
from quartiers.engine.warehouse.store import NotFound, Warehouse

FIXTURE_SOURCE = Source(key="essai_analyse", path="essai.csv", producer="test",
                        dataset="fixture faite à la main", vintage="2024", licence="test",
                        origin="test", columns=(), attribution="test")


def _analysis(rows: list[tuple], facets: bool = False, **extra) -> Analysis:
    """A hand-made analysis whose build writes ``rows`` as its results."""
    def build(con, context):
        con.execute("CREATE OR REPLACE TABLE marts.analysis_essai (level VARCHAR, code VARCHAR,"
                    " facet VARCHAR, component VARCHAR, value DOUBLE, score TINYINT, "
                    "status VARCHAR, vintage VARCHAR, sources VARCHAR[], note VARCHAR)")
        if rows:
            con.executemany("INSERT INTO marts.analysis_essai VALUES "
                            "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
        if facets:
            con.execute("CREATE OR REPLACE TABLE marts.analysis_essai_facets AS SELECT * FROM "
                        "(VALUES ('t1', '1er tour', 1), ('t2', '2d tour', 2)) "
                        "f(facet, label, position)")

    return Analysis(
        code="essai", title="Analyse d'essai", summary="Fixture.", method=("Méthode.",),
        limits=(), sources=(FIXTURE_SOURCE,),
        components=(Component("a", "Composante A", "%", "Sensibilité", "A.", scored=True),
                    Component("b", "Composante B", "%", "Exposition", "B.")),
        levels=("qpv", "commune"), build=build, facet_label="Tour" if facets else "",
        **extra)


def _row(code="QN03501M", component="a", value=12.5, score=2, status="ok", facet="", level="qpv",
         sources=("essai_analyse",)):
    return (level, code, facet, component, value, score, status, "2024", list(sources), None)


@pytest.fixture
def con(tmp_path):
    con = connect(tmp_path / "w.duckdb")
    con.execute("CREATE SCHEMA marts")
    con.execute("""CREATE TABLE marts.territories AS SELECT * FROM (VALUES
        ('qpv', 'QN03501M', 'Maurepas', NULL), ('qpv', 'QN03502M', 'Le Blosne', NULL),
        ('commune', '35238', 'Rennes', NULL)) t(level, code, name, geometry)""")
    con.execute("ALTER TABLE marts.territories ALTER geometry TYPE GEOMETRY")
    con.execute("""CREATE TABLE marts.territory_links AS SELECT * FROM (VALUES
        ('qpv', 'QN03501M', 'commune', '35238'), ('qpv', 'QN03502M', 'commune', '35238'))
        l(level, code, parent_level, parent_code)""")
    yield con
    con.close()


def _run(con, analysis):
    pipeline.build_analyses(con, BuildContext(data_dir=None), (analysis,))


def test_results_are_gathered_and_read_back_per_territory(con, tmp_path, monkeypatch):
    analysis = _analysis([_row(), _row(component="b", value=None, score=None,
                                       status="non_disponible"),
                          _row(code="QN03502M", value=40.0, score=3),
                          _row(level="commune", code="35238", value=20.0, score=None)])
    _run(con, analysis)
    con.execute("CHECKPOINT")
    con.close()
    monkeypatch.setitem(results.ANALYSES_BY_CODE, "essai", analysis)
    store = Warehouse(tmp_path / "w.duckdb")
    total, entries = results.results(store, "essai", level="qpv")
    assert total == 2
    maurepas = entries[0]
    assert maurepas["name"] == "Maurepas"
    assert maurepas["components"]["a"]["value"] == 12.5
    assert maurepas["components"]["a"]["sources"] == ["essai_analyse"]
    assert maurepas["components"]["b"]["value"] is None
    assert maurepas["components"]["b"]["status_label"].startswith("donnée non disponible")
    total, entries = results.results(store, "essai", within=("commune", "35238"))
    assert total == 3  # the commune itself and its two QPV
    assert results.results(store, "essai", level="qpv", limit=1, offset=1)[1][0]["code"] \
        == "QN03502M"
    assert [a.code for a in results.analyses_of(store, "qpv", "QN03501M")] == ["essai"]
    assert results.territory_results(store, "essai", "qpv", "QN03509M") == []
    with pytest.raises(NotFound, match="analyse inconnue « chaleurs »"):
        results.results(store, "chaleurs")


def test_facets_need_a_label(con):
    _run(con, _analysis([_row(facet="t1")], facets=True))
    assert con.execute("SELECT label FROM marts.analysis_facets").fetchall() == [
        ("1er tour",), ("2d tour",)]
    with pytest.raises(BuildError, match="facette « t3 » sans libellé"):
        _run(con, _analysis([_row(facet="t3")], facets=True))


@pytest.mark.parametrize(("row", "problem"), [
    (_row(component="c"), "composante non déclarée"),
    (_row(level="epci"), "niveau non déclaré"),
    (_row(code="QN99999Z"), "territoire inconnu du référentiel \\(qpv QN99999Z"),
    (_row(status="estime"), "statut inconnu"),
    (_row(status="secret"), "valeur présente sans statut"),
    (_row(value=None), "valeur présente sans statut"),
    (_row(score=4), "score hors de 1 à 3"),
    (_row(component="b", score=1), "score hors de 1 à 3 ou sur une composante sans score"),
    (_row(sources=("autre",)), "source non déclarée"),
    (_row(sources=()), "source non déclarée"),
])
def test_what_an_analysis_writes_is_checked(con, row, problem):
    with pytest.raises(BuildError, match=f"analyse « essai » : {problem}"):
        _run(con, _analysis([row]))


def test_duplicates_missing_tables_and_declared_checks_stop_the_build(con):
    with pytest.raises(BuildError, match="ligne en double"):
        _run(con, _analysis([_row(), _row(value=3.0)]))
    silent = _analysis([])
    object.__setattr__(silent, "build", lambda con, context: None)
    con.execute("DROP TABLE IF EXISTS marts.analysis_essai")
    with pytest.raises(BuildError, match=r"table marts\.analysis_essai absente"):
        _run(con, silent)
    checked = _analysis([_row()], checks={"QPV calculés": (
        "SELECT count(*) FROM marts.analysis_essai WHERE level = 'qpv'", 2)})
    with pytest.raises(BuildError, match="contrôle « QPV calculés » : 1 trouvés, 2 attendus"):
        _run(con, checked)
