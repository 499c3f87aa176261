"""Essential services: which IRIS overlap a QPV on hand-made squares (a test fixture, named as
such), bad contours refused by file, line and field, then the real bundled data: the BPE totals
of Rennes and Nantes, the IRIS of each QPV and the per-1,000 arithmetic."""

from __future__ import annotations

import csv
import gzip
import re
from pathlib import Path

import duckdb
import pytest

from quartiers.engine.analyses import services_build
from quartiers.engine.analyses.services_sources import SOURCES
from quartiers.engine.geo import connect
from quartiers.engine.warehouse.staging import NUMBER_MACRO, BuildError, load_raw, raw_table

DATA = Path(__file__).resolve().parents[3] / "data"
SOURCE = {source.key: source for source in SOURCES}


def _square(x: float, y: float, width: float, height: float) -> str:
    return (f"POLYGON(({x} {y}, {x + width} {y}, {x + width} {y + height}, {x} {y + height}, "
            f"{x} {y}))")


@pytest.fixture
def con(tmp_path):
    con = connect(tmp_path / "w.duckdb")
    for schema in ("raw", "staging", "marts"):
        con.execute(f"CREATE SCHEMA {schema}")
    con.execute(NUMBER_MACRO)
    yield con
    con.close()


def test_overlap_keeps_iris_sharing_five_percent_of_the_qpv_or_of_the_iris(con):
    """Fixture: a 1 km × 1 km QPV in Lambert-93 (stored in WGS84 like the referential)."""
    x, y = 400_000, 6_700_000
    con.execute(f"""CREATE TABLE staging.qpv AS SELECT 'QN99999M' AS code, '35238' AS commune,
        '53' AS region, ST_Transform(ST_GeomFromText('{_square(x, y, 1000, 1000)}'),
        'EPSG:2154', 'EPSG:4326', always_xy := true) AS geometry""")
    iris = {
        "352380001": _square(x - 1500, y, 2000, 1000),   # left half of the QPV and beyond
        "352380002": _square(x + 500, y, 500, 1000),     # right half exactly
        "352380003": _square(x, y + 990, 1000, 1000),    # a 10 m sliver: 1 % of each
        "352380004": _square(x - 50, y - 50, 100, 100),  # a corner: 0.25 % of QPV, 25 % of it
        "352380005": _square(x + 2000, y, 500, 500),     # apart
    }
    con.execute("CREATE TABLE staging.services_iris AS SELECT code_iris, "
                "ST_GeomFromText(wkt) AS geometry, ST_Area(ST_GeomFromText(wkt)) AS area_m2 "
                "FROM (VALUES " + ", ".join(f"('{c}', '{w}')" for c, w in iris.items())
                + ") v(code_iris, wkt)")
    services_build.stage_overlaps(con)
    pairs = {row[0]: row[1:] for row in con.execute(
        "SELECT code_iris, share_qpv, share_iris, kept FROM staging.services_overlap").fetchall()}
    assert set(pairs) == {"352380001", "352380002", "352380003", "352380004"}
    assert pairs["352380001"][0] == pytest.approx(0.5, abs=1e-3)
    assert pairs["352380001"][1] == pytest.approx(0.25, abs=1e-3)
    assert pairs["352380002"][:2] == pytest.approx((0.5, 1.0), abs=1e-3)
    assert pairs["352380003"][:2] == pytest.approx((0.01, 0.01), abs=1e-3)
    assert pairs["352380004"][:2] == pytest.approx((0.0025, 0.25), abs=1e-3)
    assert {code for code, (*_, kept) in pairs.items() if kept} == {
        "352380001", "352380002", "352380004"}
    qpv = con.execute("SELECT iris, coverage, iris_m2 FROM staging.services_qpv").fetchone()
    assert qpv[0] == ["352380001", "352380002", "352380004"]
    # coverage sums the IRIS's shares: these fixture squares overlap one another (real IRIS tile
    # their commune), so the sliver and the corner add 1 % and 0.25 % to the two halves
    assert qpv[1] == pytest.approx(1.0125, abs=1e-4)
    assert qpv[2] == pytest.approx(2_000_000 + 500_000 + 10_000, rel=1e-6)


def _load_contours(con) -> None:
    for key in services_build.CRS:
        load_raw(con, SOURCE[key], DATA)


def _corrupt(con, key: str, line: int, geometry: str) -> None:
    con.execute(f"UPDATE {raw_table(SOURCE[key])} SET geometry = ? WHERE _line = ?",
                [geometry, line])


def test_bundled_contours_load_in_lambert_93(con):
    _load_contours(con)
    services_build.stage_iris(con)
    found = dict(con.execute("SELECT source, count(*) FROM staging.services_iris "
                             "GROUP BY 1").fetchall())
    assert found == {"services:iris_rennes": 172, "services:iris_nantes": 97}
    # Rennes (commune) covers 50.39 km² (INSEE): its 92 IRIS drawn by the metropolis match it
    rennes = con.execute("SELECT count(*), sum(area_m2) / 1e6 FROM staging.services_iris "
                         "WHERE code_commune = '35238'").fetchone()
    assert rennes[0] == 92
    assert rennes[1] == pytest.approx(50.39, rel=0.02)


@pytest.mark.parametrize(("key", "geometry", "message"), [
    ("services:iris_nantes", _square(-1.6, 47.2, 0.01, 0.01),
     "iris_nantes.parquet, ligne 3, champ « geometry » : coordonnées (-1.6, 47.2) hors de "
     "l'emprise de la France en EPSG:2154"),
    ("services:iris_rennes", _square(350_000, 6_790_000, 100, 100),
     "iris_rennes_metropole.parquet, ligne 3, champ « geometry » : coordonnées (350000, "
     "6.79e+06) hors de l'emprise de la France en EPSG:4326"),
    ("services:iris_rennes", "POLYGON((0 0, 1 1", "ligne 3, champ « geometry » : géométrie "
     "illisible (WKT)"),
    ("services:iris_rennes", "POLYGON EMPTY", "ligne 3, champ « geometry » : géométrie vide"),
    ("services:iris_nantes", "", "ligne 3, champ « geometry » : géométrie absente"),
    ("services:iris_nantes", "LINESTRING(350000 6690000, 351000 6691000)",
     "ligne 3, champ « geometry » : un polygone est attendu, trouvé « LINESTRING »"),
])
def test_bad_contours_are_refused_naming_file_line_and_field(con, key, geometry, message):
    _load_contours(con)
    _corrupt(con, key, 3, geometry)
    with pytest.raises(BuildError, match=re.escape(message)):
        services_build.stage_iris(con)


def test_an_invalid_contour_is_repaired_not_refused(con):
    _load_contours(con)
    bow_tie = ("POLYGON((350000 6690000, 351000 6691000, 351000 6690000, 350000 6691000, "
               "350000 6690000))")
    _corrupt(con, "services:iris_nantes", 3, bow_tie)
    services_build.stage_iris(con)
    row = con.execute("SELECT repaired, ST_IsValid(geometry), area_m2 FROM staging.services_iris"
                      " WHERE source = 'services:iris_nantes' AND _line = 3").fetchone()
    assert row[0] and row[1]
    assert row[2] == pytest.approx(500_000)  # two triangles of 250,000 m²


def test_a_renamed_code_column_is_refused(con, tmp_path):
    source = SOURCE["services:iris_nantes"]
    copy = tmp_path / source.path
    copy.parent.mkdir(parents=True)
    duckdb.execute(f"COPY (SELECT * RENAME (code_iris AS code) FROM read_parquet("
                   f"'{DATA / source.path}')) TO '{copy}' (FORMAT parquet)")
    with pytest.raises(BuildError, match="colonne\\(s\\) attendue\\(s\\) absente\\(s\\) : "
                                         "code_iris"):
        load_raw(con, source, tmp_path)


def test_population_must_match_the_contours_and_the_range_must_be_well_formed(con):
    _load_contours(con)
    services_build.stage_iris(con)
    for key in ("services:pop_nantes", "services:gamme"):
        load_raw(con, SOURCE[key], DATA)
    pop, gamme = raw_table(SOURCE["services:pop_nantes"]), raw_table(SOURCE["services:gamme"])
    services_build.stage_population(con)
    assert con.execute("SELECT round(sum(pop15p)) FROM staging.services_iris_pop").fetchone()[0] \
        == pytest.approx(281_000, rel=0.05)  # Nantes: about 327,700 inhabitants, 15+ ≈ 86 %
    con.execute(f"UPDATE {pop} SET \"P22_POP15P\" = 'n/a' WHERE _line = 4")
    with pytest.raises(BuildError, match=re.escape("nantes_iris_pop15p_rp2022.csv.gz, ligne 4, "
                                                   "champ « P22_POP15P »")):
        services_build.stage_population(con)
    con.execute(f"DELETE FROM {pop} WHERE _line = 4")
    with pytest.raises(BuildError, match="pas de population pour l'IRIS"):
        services_build.stage_population(con)
    con.execute(f"INSERT INTO {pop} VALUES (4, '441099999', '10')")
    with pytest.raises(BuildError, match="ligne 4, champ « IRIS » : IRIS « 441099999 » absent"):
        services_build.stage_population(con)
    services_build.stage_gamme(con)
    con.execute(f"UPDATE {gamme} SET typequ = 'D301' WHERE typequ = 'D201'")
    with pytest.raises(BuildError, match="champ « typequ » : type « D301 » déclaré deux fois"):
        services_build.stage_gamme(con)
    con.execute(f"UPDATE {gamme} SET typequ = 'pharmacie' WHERE _line = 2")
    with pytest.raises(BuildError, match=re.escape(
            "gamme_proximite_bpe2019.csv, ligne 2, champ « typequ » : code d'équipement ou "
            "groupe invalide « pharmacie »")):
        services_build.stage_gamme(con)


# -- the real bundled data -------------------------------------------------------------------

def _bpe_file() -> list[dict]:
    with gzip.open(DATA / "bpe/bpe2019_iris_typequ_reg52_53.csv.gz", "rt") as handle:
        return list(csv.DictReader(handle))


def _gamme() -> dict[str, str]:
    with (DATA / SOURCE["services:gamme"].path).open() as handle:
        return {row["typequ"]: row["groupe"] for row in csv.DictReader(handle)}


def _value(store, level, code, component):
    rows = store.query("SELECT value, status, note FROM marts.analysis_results WHERE "
                       "analysis = 'services' AND level = ? AND code = ? AND component = ?",
                       [level, code, component])
    assert len(rows) == 1
    return rows[0]


def test_commune_totals_equal_the_bpe_file(store):
    bpe, gamme = _bpe_file(), _gamme()
    for commune, total_all in (("35238", 6771), ("44109", 11007)):
        rows = [r for r in bpe if r["DEPCOM"] == commune]
        assert sum(int(r["NB_EQUIP"]) for r in rows) == total_all  # the file's own total
        in_range = sum(int(r["NB_EQUIP"]) for r in rows if r["TYPEQU"] in gamme)
        assert _value(store, "commune", commune, "equipements_commune")["value"] == in_range
    # every bundled IRIS joins the BPE's IRIS codes (a commune not split: <commune>0000)
    joined = store.query("""SELECT count(DISTINCT i.code_iris) AS n FROM staging.services_iris i
        JOIN staging.services_bpe b ON b.code_iris = i.code_iris""")
    assert joined[0]["n"] == 269
    assert _value(store, "commune", "35238", "equipements_commune")["value"] == 4020
    assert _value(store, "commune", "44109", "equipements_commune")["value"] == 7025
    # per 1,000 inhabitants: population municipale 2018 of Rennes (INSEE comparateur) 217,728
    rennes = _value(store, "commune", "35238", "equipements_commune_1000")
    assert rennes["value"] == pytest.approx(1000 * 4020 / 217_728)
    assert len(gamme) == 34 and len(set(gamme.values())) == 29


def test_rennes_and_nantes_qpv_are_described_by_their_iris(store):
    ok = store.query("""SELECT code FROM marts.analysis_results WHERE analysis = 'services'
        AND component = 'equipements_iris' AND status = 'ok' ORDER BY code""")
    codes = [row["code"] for row in ok]
    assert len(codes) == 17
    assert codes[:5] == ["QN03502M", "QN03503I", "QN03504M", "QN03505M", "QN03506I"]
    # Maurepas: the four IRIS of Maurepas, not the slivers of its neighbours
    iris = store.query("SELECT code_iris FROM marts.services_iris WHERE code = 'QN03504M' "
                       "ORDER BY 1")
    assert [row["code_iris"] for row in iris] == ["352380501", "352380502", "352380503",
                                                  "352380504"]
    maurepas = _value(store, "qpv", "QN03504M", "equipements_iris")
    bpe, gamme = _bpe_file(), _gamme()
    expected = sum(int(r["NB_EQUIP"]) for r in bpe if r["TYPEQU"] in gamme
                   and r["DCIRIS"].replace("_", "") in {row["code_iris"] for row in iris})
    assert maurepas["value"] == expected == 119
    assert maurepas["note"].startswith("IRIS recouvrant le QPV (4,")
    # a QPV of the two régions without contours: commune level only, said so
    saint_malo = store.query("""SELECT code FROM marts.territories WHERE level = 'qpv'
        AND commune = '35288' ORDER BY code LIMIT 1""")[0]["code"]
    missing = _value(store, "qpv", saint_malo, "equipements_iris")
    assert missing["status"] == "non_disponible" and "commune seulement" in missing["note"]
    assert _value(store, "qpv", saint_malo, "equipements_commune_1000")["status"] == "ok"


def test_per_thousand_aged_15_and_over_in_nantes(store):
    """Le Breil: equipment of its IRIS over their population aged 15+ (census 2022)."""
    iris = [row["code_iris"] for row in store.query(
        "SELECT code_iris FROM marts.services_iris WHERE code = 'QN04407I'")]
    with gzip.open(DATA / SOURCE["services:pop_nantes"].path, "rt") as handle:
        pop = sum(float(r["P22_POP15P"]) for r in csv.DictReader(handle) if r["IRIS"] in iris)
    count = _value(store, "qpv", "QN04407I", "equipements_iris")["value"]
    value = _value(store, "qpv", "QN04407I", "equipements_iris_1000_15p")["value"]
    assert value == pytest.approx(1000 * count / pop)
    rennes = _value(store, "qpv", "QN03504M", "equipements_iris_1000_15p")
    assert rennes["status"] == "non_disponible" and "population par IRIS" in rennes["note"]


def test_missing_types_detail_and_map(store):
    from quartiers.engine.analyses import results
    tables = {t["table"].code: t["rows"] for t in results.details(store, "services", "qpv",
                                                                     "QN04406M")}
    types = tables["types"]
    assert len(types) == 29
    absent = [row for row in types if row["nb_iris"] == 0]
    count = _value(store, "qpv", "QN04406M", "types_absents_iris")["value"]
    assert len(absent) == count == 13
    assert types[:len(absent)] == absent  # missing types come first
    assert all(row["geojson"].startswith('{"type":') for row in tables["iris"])
    assert "types_commune" not in tables  # a QPV with IRIS contours has the finer table
    # a QPV without contours: the types of its commune
    saint_malo = store.query("""SELECT code FROM marts.territories WHERE level = 'qpv'
        AND commune = '35288' ORDER BY code LIMIT 1""")[0]["code"]
    tables = {t["table"].code: t["rows"] for t in results.details(store, "services", "qpv",
                                                                     saint_malo)}
    assert set(tables) == {"types_commune"} and len(tables["types_commune"]) == 29
    present = _value(store, "commune", "35288", "types_presents_commune")["value"]
    assert sum(row["nb_commune"] > 0 for row in tables["types_commune"]) == present


def test_overlaps_match_a_geopandas_overlay(store):
    """The same shares measured by GeoPandas (Shapely, pyproj) on the bundled files."""
    import geopandas as gpd
    import pandas as pd
    import shapely

    def frame(path: Path, crs: str, columns: list[str]) -> gpd.GeoDataFrame:
        table = pd.read_parquet(path, columns=[*columns, "geometry"]).dropna()
        geometry = shapely.from_wkt(table.pop("geometry"))
        return gpd.GeoDataFrame(table, geometry=geometry, crs=crs).to_crs("EPSG:2154")

    qpv = frame(DATA / "qpv2024/perimetres.parquet", "EPSG:4326", ["code_qp", "insee_reg"])
    qpv = qpv[qpv.insee_reg.isin(["52", "53"])]
    qpv["geometry"] = qpv.geometry.make_valid()
    iris = pd.concat([frame(DATA / SOURCE[key].path, crs, ["code_iris"])
                      for key, crs in services_build.CRS.items()])
    pieces = gpd.overlay(qpv, iris, how="intersection", keep_geom_type=True)
    pieces["share_qpv"] = pieces.area / pieces.code_qp.map(qpv.set_index("code_qp").area)
    expected = {(r.code_qp, r.code_iris): r.share_qpv for r in pieces.itertuples()
                if r.share_qpv > 1e-4}
    found = {(r["qpv"], r["code_iris"]): r["share_qpv"] for r in store.query(
        "SELECT qpv, code_iris, share_qpv FROM staging.services_overlap "
        "WHERE share_qpv > 1e-4")}
    assert len(expected) >= 60
    assert found.keys() == expected.keys()
    for pair, share in expected.items():
        assert found[pair] == pytest.approx(share, abs=1e-6), pair
