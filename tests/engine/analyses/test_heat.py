"""The heat analysis: its method on hand-made geometries and lists (test fixtures, named as
such), then on the real bundled data of the full build."""

from __future__ import annotations

import csv
import gzip
import shutil
from pathlib import Path

import pytest

from quartiers.config import current
from quartiers.engine.analyses.heat import ANALYSIS
from quartiers.engine.analyses.heat_build import _stage_layers, rank_and_score
from quartiers.engine.analyses.heat_lcz import class_code, overlay
from quartiers.engine.geo import connect
from quartiers.engine.warehouse.staging import BuildError, load_raw

DATA = current().data_dir


@pytest.fixture
def con():
    con = connect()
    for schema in ("raw", "staging", "marts"):
        con.execute(f"CREATE SCHEMA {schema}")
    yield con
    con.close()


def test_an_lcz_polygon_straddling_two_qpv_is_split_by_area(con):
    # fixture: two 100 m × 100 m QPV side by side; one LCZ polygon across both (30 m into
    # the west one, 70 m into the east one), the rest of the east one in another class
    con.execute("""CREATE TABLE zones AS SELECT * FROM (VALUES
        ('ouest', ST_GeomFromText('POLYGON((0 0, 100 0, 100 100, 0 100, 0 0))')),
        ('est', ST_GeomFromText('POLYGON((100 0, 200 0, 200 100, 100 100, 100 0))')))
        z(code, geometry)""")
    con.execute("""CREATE TABLE pieces AS SELECT * FROM (VALUES
        ('2', ST_GeomFromText('POLYGON((70 0, 170 0, 170 100, 70 100, 70 0))')),
        ('D', ST_GeomFromText('POLYGON((170 0, 200 0, 200 100, 170 100, 170 0))')),
        -- a bow-tie (invalid) beyond both QPV: made valid, meets nothing
        ('G', ST_GeomFromText('POLYGON((300 0, 400 100, 400 0, 300 100, 300 0))')))
        p(class, geometry)""")
    overlay(con, "zones", "pieces", "shares")
    rows = con.execute("""SELECT code, class, round(area / zone_area, 6) FROM shares
        ORDER BY code, class""").fetchall()
    assert rows == [("est", "2", 0.7), ("est", "D", 0.3), ("ouest", "2", 0.3)]
    pieces = con.execute("SELECT round(sum(area)) FROM shares WHERE class = '2'").fetchone()
    assert pieces == (10000,)  # the polygon's whole area, split, nothing lost or doubled


def test_ranks_and_terciles_on_a_known_list(con):
    # fixture: nine values 1…9 (least to most vulnerable), a favorable twin, one blank
    con.execute("""CREATE TABLE inputs AS
        SELECT 'q' || v AS code, c AS component, v::DOUBLE AS value, o AS orientation
        FROM range(1, 10) t(v), (VALUES ('bad', 'defavorable'), ('good', 'favorable')) x(c, o)
        UNION ALL SELECT 'q10', 'bad', NULL, 'defavorable'""")
    rank_and_score(con, "inputs", "ranked")
    bad = con.execute("""SELECT code, rank, score, ranked FROM ranked WHERE component = 'bad'
        ORDER BY value NULLS LAST""").fetchall()
    assert [r[2] for r in bad] == [1, 1, 1, 2, 2, 2, 3, 3, 3, None]
    assert bad[0][1] == 0 and bad[8][1] == 1 and bad[9][1] is None  # blank: not ranked
    assert {r[3] for r in bad} == {9}
    good = con.execute("""SELECT score FROM ranked WHERE component = 'good'
        ORDER BY value""").fetchall()
    assert [r[0] for r in good] == [3, 3, 3, 2, 2, 2, 1, 1, 1]  # a high value is favorable


@pytest.mark.parametrize("written, code", [
    (6, "6"), (6.0, "6"), ("10", "10"), (104, "D"), ("g", "G"), (107, "G"), (11, None),
    ("", None), (None, None), (float("nan"), None)])
def test_class_codes_of_both_producers(written, code):
    assert class_code(written) == code


def test_a_corrupt_imported_layer_stops_the_build_naming_the_file(con, tmp_path):
    load_raw(con, ANALYSIS.sources[0], DATA)
    (tmp_path / "lcz").mkdir()
    (tmp_path / "lcz" / "abimee.parquet").write_bytes(b"PAR1 pas un parquet")
    with pytest.raises(BuildError, match=r"abimee\.parquet : couche LCZ importée illisible"):
        _stage_layers(con, tmp_path)
    _stage_layers(con, None)  # the bundled layer alone builds
    assert con.execute("SELECT count(*) FROM staging.chaleur_lcz").fetchone() == (1553,)


def test_redon_lcz_over_the_commune_of_redon(con, store):
    """Redon has no QPV: the method is tried on the commune's contour, on the real layer."""
    wkt = store.query("""SELECT ST_AsText(ST_Transform(geometry, 'EPSG:4326', 'EPSG:2154',
        always_xy := true)) AS w FROM marts.territories WHERE level = 'commune'
        AND code = '35236'""")[0]["w"]
    con.execute("CREATE TABLE zones AS SELECT 'redon' AS code, ST_GeomFromText(?) AS geometry",
                [wkt])
    path = DATA / ANALYSIS.sources[0].path
    con.execute(f"""CREATE TABLE pieces AS SELECT lcz AS class, ST_GeomFromText(geometry)
        AS geometry FROM read_parquet('{path}')""")
    overlay(con, "zones", "pieces", "shares")
    covered, hot = con.execute("""SELECT sum(area) / any_value(zone_area), sum(area)
        FILTER (class IN ('1', '2', '3', '8', '10')) / sum(area) FROM shares""").fetchone()
    assert 0.2 < covered <= 1.000001  # the sample's tiles do not overlap
    assert 0 < hot < 0.5
    assert not store.query("""SELECT code FROM marts.chaleur_lcz_shares""")  # no QPV there


def _component(store, component: str, status: str | None = None) -> list[dict]:
    return store.query("""SELECT * FROM marts.analysis_results WHERE analysis = 'chaleur'
        AND component = ? AND (? IS NULL OR status = ?) ORDER BY code""",
                       [component, status, status])


def test_every_qpv_has_sensitivity_and_capacity_rows(store):
    assert len(_component(store, "sensibilite")) == 1609
    assert len(_component(store, "capacite")) == 1609
    scored = _component(store, "sensibilite", "ok")
    counts = [sum(r["score"] == s for r in scored) for s in (1, 2, 3)]
    assert max(counts) - min(counts) <= 2  # terciles of distinct mean ranks: even thirds


def test_nantes_qpv_exposure_shares_add_up(store):
    shares = {}
    for component in ("expo_iris_forte", "expo_iris_moyenne", "expo_iris_faible"):
        for row in _component(store, component, "ok"):
            shares[row["code"]] = shares.get(row["code"], 0) + row["value"]
    assert len(shares) == 12  # the QPV of Nantes; Plaisance (Orvault) touches 0.3 % of it
    assert all(abs(total - 100) < 1e-6 for total in shares.values())
    bellevue = {r["component"]: r for r in store.query(
        """SELECT * FROM marts.analysis_results WHERE analysis = 'chaleur'
           AND code = 'QN04405M'""")}
    assert 55 < bellevue["couverture_iris"]["value"] < 65  # half in Saint-Herblain
    assert "tiers" in bellevue["exposition"]["note"]
    assert bellevue["vulnerabilite"]["status"] == "ok"


def test_a_blank_component_is_never_imputed(store):
    secret = store.query("""SELECT code FROM marts.analysis_results WHERE analysis = 'chaleur'
        AND component = 'sens_age' AND status = 'secret' ORDER BY code LIMIT 1""")[0]["code"]
    rows = {r["component"]: r for r in store.query("""SELECT * FROM marts.analysis_results
        WHERE analysis = 'chaleur' AND code = ?""", [secret])}
    assert rows["sens_age"]["value"] is None and rows["sens_age"]["score"] is None
    parts = sum(rows[c]["status"] == "ok" for c in ("sens_seuls", "sens_grands_menages"))
    sensitivity = rows["sensibilite"]
    if parts == 2:
        assert sensitivity["note"] == "repose sur 2 composante(s) sur 3"
    else:
        assert sensitivity["value"] is None and "il en faut 2" in sensitivity["note"]


def test_every_rate_the_source_publishes_is_used(store):
    """A rate published for a QPV is a value even when its count of households is blank (the
    observatory's reconstructed value is blank there): checked against the raw file."""
    with gzip.open(current().data_dir / "qpv2024/indicateurs.csv.gz", "rt") as handle:
        rows = list(csv.DictReader(handle))
    qpv = {r["code"] for r in store.query(
        "SELECT code FROM marts.territories WHERE level = 'qpv'")}
    published = {column: {r["codeQPV"] for r in rows if r[column].strip()} & qpv
                 for column in ("partMen1p", "partMen6pp")}
    assert any(not r["nombre_menages"].strip() for r in rows if r["partMen1p"].strip())
    for component, column in (("sens_seuls", "partMen1p"), ("sens_grands_menages", "partMen6pp")):
        found = {r["code"] for r in store.query(
            """SELECT code FROM marts.analysis_results WHERE analysis = 'chaleur'
               AND component = ? AND status = 'ok'""", [component])}
        assert published[column] <= found, (component, sorted(published[column] - found)[:5])


def test_no_exposure_no_combined_score(store):
    rows = {r["component"]: r for r in store.query("""SELECT * FROM marts.analysis_results
        WHERE analysis = 'chaleur' AND code = 'QN03504M'""")}  # Maurepas, Rennes: no layer
    assert rows["exposition"]["status"] == "non_disponible"
    assert "non disponible" in rows["exposition"]["note"]
    assert rows["vulnerabilite"]["value"] is None
    assert rows["sensibilite"]["status"] == "ok"


def test_detail_tables_of_a_nantes_qpv(store):
    from quartiers.engine.analyses.results import details

    tables = {t["table"].code: t["rows"] for t in details(store, "chaleur", "qpv", "QN04413M")}
    assert set(tables) == {"composantes", "iris_nantes"}
    assert abs(sum(r["part"] for r in tables["iris_nantes"]) - 100) < 0.01
    assert all(r["geojson"].startswith('{"type"') for r in tables["iris_nantes"])
    assert Path(DATA / ANALYSIS.sources[2].path).exists()


def test_an_imported_layer_gives_lcz_exposure_first(warehouse_path, tmp_path):
    """A hand-made layer (fixture) over Malakoff (Nantes): its west part compact (LCZ 2), the
    rest low plants (D); built on a copy of the test warehouse, never served."""
    from quartiers.engine.analyses.heat_lcz import write_layer
    from quartiers.engine.analyses.model import BuildContext
    from quartiers.engine.analyses.pipeline import check_results
    from quartiers.engine.warehouse.staging import NUMBER_MACRO
    from quartiers.engine.warehouse.store import Warehouse

    copy = tmp_path / "w.duckdb"
    shutil.copyfile(warehouse_path, copy)
    con = connect(copy)
    con.execute(NUMBER_MACRO)
    xmin, ymin, xmax, ymax = con.execute("""SELECT ST_XMin(g), ST_YMin(g), ST_XMax(g),
        ST_YMax(g) FROM (SELECT ST_Transform(geometry, 'EPSG:4326', 'EPSG:2154',
        always_xy := true) AS g FROM marts.territories WHERE code = 'QN04413M')""").fetchone()
    middle = (xmin + xmax) / 2
    box = "POLYGON(({0} {1}, {2} {1}, {2} {3}, {0} {3}, {0} {1}))".format
    write_layer([{"row": 1, "lcz": "2", "geometry": box(xmin - 10, ymin - 10, middle, ymax + 10)},
                 {"row": 2, "lcz": "D", "geometry": box(middle, ymin - 10, xmax + 10, ymax + 10)}],
                "Essai Malakoff", "2024", "fixture", tmp_path / "imports" / "lcz" / "essai.parquet")
    ANALYSIS.build(con, BuildContext(DATA, tmp_path / "imports"))
    check_results(con, ANALYSIS)  # the import's source is declared; shares add up to 100 %
    rows = dict(con.execute("""SELECT component, value FROM marts.analysis_chaleur
        WHERE code = 'QN04413M' AND status = 'ok'""").fetchall())
    assert abs(rows["couverture_lcz"] - 100) < 1e-6
    assert 0 < rows["expo_lcz_chaud"] < 100
    assert rows["exposition"] == rows["expo_lcz_chaud"]  # the layer before the IRIS classes
    assert "expo_iris_forte" in rows  # still shown beside
    con.execute("CHECKPOINT")
    con.close()
    from quartiers.engine.analyses.results import details

    tables = {t["table"].code: t["rows"] for t in details(Warehouse(copy), "chaleur", "qpv",
                                                             "QN04413M")}
    assert {r["classe"] for r in tables["lcz"]} == {"2", "D"}
    assert abs(sum(r["part"] for r in tables["lcz"]) - 100) < 1e-6
    assert all(r["geojson"].startswith('{"type"') for r in tables["lcz"])
