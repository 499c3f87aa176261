"""Turnout in QPV: the method on hand-made squares (a test fixture, named as such), then the real
bundled data of Brest, Nantes and Rennes against totals added up from the files themselves."""

from __future__ import annotations

import csv
import gzip
import json

import numpy as np
import pytest
import shapely
from pyproj import Transformer

from quartiers.config import current
from quartiers.engine.analyses import results as analysis_results
from quartiers.engine.analyses.model import BuildContext
from quartiers.engine.analyses.turnout import LEG2022_FILES
from quartiers.engine.analyses.turnout_build import build
from quartiers.engine.analyses.turnout_files import StationContour, StationResult, store_import
from quartiers.engine.geo import connect
from quartiers.engine.warehouse.staging import BuildError

DATA = current().data_dir / "analyses" / "participation"
TO_WGS84 = Transformer.from_crs("EPSG:2154", "EPSG:4326", always_xy=True)
X0, Y0 = 145_000, 6_840_000  # Lambert-93, in Brest


def _square(xmin: float, xmax: float):
    """A 100 m high rectangle in Lambert-93, drawn in WGS84 (its corners transformed)."""
    corners = [(xmin, 0), (xmax, 0), (xmax, 100), (xmin, 100), (xmin, 0)]
    return shapely.Polygon([TO_WGS84.transform(X0 + x, Y0 + y) for x, y in corners])


# hand-made fixture: two QPV side by side and four stations
QPV = {"QN99001M": _square(40, 150), "QN99002M": _square(150, 260)}
STATIONS = {  # number: (x range, inscrits, votants)
    "1": ((0, 100), 1000, 500),  # 60 % in QPV 1: « en QPV »
    "2": ((100, 200), 800, 400),  # half in QPV 1, half in QPV 2
    "3": ((250, 350), 600, 450),  # 10 % in QPV 2
    "4": ((400, 500), 400, 300),  # outside
}


def _territories(tmp_path):
    con = connect(tmp_path / "w.duckdb")
    for schema in ("raw", "staging", "marts"):
        con.execute(f"CREATE SCHEMA {schema}")
    con.execute("CREATE TABLE marts.territories (level VARCHAR, code VARCHAR, name VARCHAR, "
                "geometry GEOMETRY)")
    for code, geometry in QPV.items():
        con.execute("INSERT INTO marts.territories VALUES ('qpv', ?, ?, ST_GeomFromText(?))",
                    [code, f"QPV {code}", geometry.wkt])
    con.execute("INSERT INTO marts.territories VALUES ('commune', '99999', 'Essai', NULL)")
    return con


def _import(folder, stations: dict) -> None:
    store_import(folder, "99999", "leg2024", 1, 2024,
                 [StationResult(n, i, v, 0) for n, (_, i, v) in stations.items()],
                 [StationContour(n, f"Bureau {n}", "99999", _square(*x))
                  for n, (x, _, _) in STATIONS.items()], "fixture.csv", "2026-01-01")


@pytest.fixture
def hand_made(tmp_path):
    con = _territories(tmp_path)
    _import(tmp_path, STATIONS)
    build(con, BuildContext(tmp_path, tmp_path))
    yield con
    con.close()


def _values(con, level: str, code: str) -> dict:
    return dict(con.execute("SELECT component, value FROM marts.analysis_participation "
                            "WHERE level = ? AND code = ?", [level, code]).fetchall())


def test_shares_of_area(hand_made):
    shares = {(n, q): p for n, q, p in hand_made.execute(
        "SELECT numero, qpv, part FROM marts.participation_recouvrement").fetchall()}
    assert shares == pytest.approx({("1", "QN99001M"): 0.6, ("2", "QN99001M"): 0.5,
                                    ("2", "QN99002M"): 0.5, ("3", "QN99002M"): 0.1},
                                   abs=1e-3)  # WKT kept at 6 decimals (≈ 0.1 m)
    in_qpv = dict(hand_made.execute(
        "SELECT numero, en_qpv FROM marts.participation_bureaux").fetchall())
    assert in_qpv == {"1": True, "2": True, "3": False, "4": False}


def test_turnout_of_groups_and_gap(hand_made):
    values = _values(hand_made, "commune", "99999")
    assert values["inscrits_qpv"] == 1800 and values["votants_qpv"] == 900
    assert values["inscrits_hors_qpv"] == 1000 and values["votants_hors_qpv"] == 750
    assert values["participation_qpv"] == pytest.approx(50.0)
    assert values["participation_hors_qpv"] == pytest.approx(75.0)
    assert values["participation_commune"] == pytest.approx(100 * 1650 / 2800)
    assert values["ecart_qpv_hors_qpv"] == pytest.approx(-25.0)
    assert values["bureaux"] == 4 and values["bureaux_qpv"] == 2
    assert values["bureaux_recoupant"] == 3
    # each station weighs its share of area in QPV: 0.6 × 1000 + 1 × 800 + 0.1 × 600
    assert values["inscrits_estimes_qpv"] == pytest.approx(1460, abs=0.5)
    assert values["votants_estimes_qpv"] == pytest.approx(745, abs=0.5)


def test_station_half_inside_weighs_half_and_straddling_station_is_split(hand_made):
    first = _values(hand_made, "qpv", "QN99001M")
    assert first["inscrits_estimes_qpv"] == pytest.approx(0.6 * 1000 + 0.5 * 800, abs=0.5)
    assert first["participation_ponderee_qpv"] == pytest.approx(50.0, abs=0.05)
    second = _values(hand_made, "qpv", "QN99002M")
    assert second["inscrits_estimes_qpv"] == pytest.approx(0.5 * 800 + 0.1 * 600, abs=0.5)
    assert second["votants_estimes_qpv"] == pytest.approx(0.5 * 400 + 0.1 * 450, abs=0.5)
    assert second["bureaux_recoupant"] == 2


def test_imported_values_say_so(hand_made):
    notes = {n for (n,) in hand_made.execute(
        "SELECT DISTINCT note FROM marts.analysis_participation WHERE level = 'commune'")
        .fetchall()}
    assert notes == {"Données importées par un utilisateur (importé le 2026-01-01 depuis "
                     "fixture.csv)."}


def test_results_on_contours_of_another_year_are_flagged(tmp_path):
    con = _territories(tmp_path)
    _import(tmp_path, STATIONS)
    store_import(tmp_path, "99999", "mun2020", 1, 2024,
                 [StationResult(n, i, v, 0) for n, (_, i, v) in STATIONS.items()], None,
                 "fixture2020.csv", "2026-01-01")
    build(con, BuildContext(tmp_path, tmp_path))
    notes = {row[0] for row in con.execute("SELECT DISTINCT note FROM marts.analysis_participation "
                                           "WHERE facet = 'mun2020-t1'").fetchall()}
    assert notes == {"Résultats 2020 rapportés aux contours 2024 des bureaux : les limites ont "
                     "pu changer entre les deux dates. Périmètres des QPV de 2024, postérieurs "
                     "au scrutin. Données importées par un utilisateur (importé le 2026-01-01 "
                     "depuis fixture2020.csv)."}
    stations = con.execute("SELECT DISTINCT note FROM marts.participation_bureaux "
                           "WHERE facet = 'mun2020-t1'").fetchall()
    assert stations == [("Contours 2024 pour des résultats 2020.",)]


def test_build_refuses_imported_files_that_do_not_match(tmp_path):
    con = _territories(tmp_path)
    _import(tmp_path, {**STATIONS, "5": ((0, 1), 10, 5)})
    with pytest.raises(BuildError) as error:
        build(con, BuildContext(tmp_path, tmp_path))
    assert str(error.value) == (f"{tmp_path}/elections/99999/leg2024-t1.parquet, ligne 5, champ "
                                "« bureau » : bureau 5 de la commune 99999 absent des contours "
                                "2024")
    store_import(tmp_path, "99999", "leg2024", 1, 2024, [StationResult("1", 10, 5, 0)] * 2,
                 None, "fixture.csv", "2026-01-01")
    with pytest.raises(BuildError, match=r"leg2024-t1\.parquet, ligne 2 : bureau 1 de la "
                                         "commune 99999 en double"):
        build(con, BuildContext(tmp_path, tmp_path))
    _import(tmp_path, {n: s for n, s in STATIONS.items() if n != "2"})
    with pytest.raises(BuildError, match="bureau 2 de la commune 99999 sans résultat "
                                         r"\(Législatives 2024, 1er tour\)"):
        build(con, BuildContext(tmp_path, tmp_path))
    _import(tmp_path, STATIONS)
    drawn = tmp_path / "elections" / "99999" / "contours-2024.parquet"
    con.execute(f"COPY (SELECT * REPLACE (CASE WHEN numero = '3' THEN 'POLYGON EMPTY' ELSE "
                f"geometry END AS geometry) FROM read_parquet('{drawn}')) TO '{drawn}'")
    with pytest.raises(BuildError, match=r"contours-2024\.parquet, ligne 3 \(bureau 3\), champ "
                                         "« geometry » : géométrie vide ou illisible"):
        build(con, BuildContext(tmp_path, tmp_path))
    _import(tmp_path, STATIONS)
    edited = tmp_path / "elections" / "99999" / "leg2024-t1.parquet"
    con.execute(f"COPY (SELECT * EXCLUDE (inscrits) FROM read_parquet('{edited}')) TO "
                f"'{edited}'")
    with pytest.raises(BuildError, match=r"leg2024-t1\.parquet, champ « inscrits » : "
                                         "colonne absente du fichier importé"):
        build(con, BuildContext(tmp_path, tmp_path))


# --- the real bundled data ---------------------------------------------------------------

def _brest_2024_sums(tour: int) -> tuple[int, int]:
    with gzip.open(DATA / f"leg2024_t{tour}_bv_finistere_circo2-3.csv.gz", "rt",
                   encoding="utf-8") as handle:
        rows = [r for r in csv.DictReader(handle, delimiter=";") if r["Code commune"] == "29019"]
    assert len(rows) == 104
    return sum(int(r["Inscrits"]) for r in rows), sum(int(r["Votants"]) for r in rows)


def _brest_2022_rows(tour: int) -> list[dict]:
    rows = []
    for (file_tour, _), name in LEG2022_FILES.items():
        if file_tour == tour:
            with gzip.open(DATA / name, "rt", encoding="utf-8") as handle:
                rows += list(csv.DictReader(handle, delimiter=";"))
    return rows


def _brest(store, facet: str) -> dict:
    return {c: e["value"] for entry in analysis_results.territory_results(
        store, "participation", "commune", "29019") if entry["facet"] == facet
        for c, e in entry["components"].items()}


@pytest.mark.parametrize("tour", [1, 2])
def test_brest_2024_totals_are_the_sum_of_its_stations(store, tour):
    registered, voters = _brest_2024_sums(tour)
    values = _brest(store, f"leg2024-t{tour}")
    assert (values["inscrits_commune"], values["votants_commune"]) == (registered, voters)
    assert values["inscrits_qpv"] + values["inscrits_hors_qpv"] == registered
    assert values["participation_commune"] == pytest.approx(100 * voters / registered)
    assert values["participation_qpv"] == pytest.approx(
        100 * values["votants_qpv"] / values["inscrits_qpv"])
    assert values["ecart_qpv_hors_qpv"] == pytest.approx(
        values["participation_qpv"] - values["participation_hors_qpv"])
    assert values["bureaux"] == 104


@pytest.mark.parametrize("tour", [1, 2])
def test_brest_2022_totals_and_the_missing_station(store, tour):
    rows = _brest_2022_rows(tour)
    assert len(rows) == 104
    values = _brest(store, f"leg2022-t{tour}")
    assert values["inscrits_commune"] == sum(int(r["Inscrits"]) for r in rows)
    assert values["votants_commune"] == sum(int(r["Votants"]) for r in rows)
    missing = store.query("SELECT numero FROM marts.participation_bureaux WHERE facet = ? "
                          "AND manquant", [f"leg2022-t{tour}"])
    zeros = [str(int(r["Numéro"])) for r in rows if r["Inscrits"] == "0"]
    assert [m["numero"] for m in missing] == zeros == ([] if tour == 1 else ["71"])


def test_2022_numbers_are_those_of_the_2024_contours(store):
    drawn = {row["numero"] for row in store.query(
        "SELECT numero FROM staging.participation_contours WHERE commune = '29019'")}
    for tour in (1, 2):
        assert {str(int(r["Numéro"])) for r in _brest_2022_rows(tour)} == drawn
    notes = {entry["components"]["participation_commune"]["note"] for entry in
             analysis_results.territory_results(store, "participation", "commune", "29019")
             if entry["facet"].startswith("leg2022")}
    assert all("contours 2024" in note for note in notes)


def test_shares_of_brest_stations_measured_independently(store):
    """Shapely and pyproj on the bundled files, not DuckDB: same shares of area."""
    import pyarrow.parquet as pq

    to_l93 = Transformer.from_crs("EPSG:4326", "EPSG:2154", always_xy=True)

    def l93(wkt: str):
        return shapely.transform(shapely.from_wkt(wkt), lambda xy: np.column_stack(
            to_l93.transform(xy[:, 0], xy[:, 1])))

    qpv = {r["code_qp"]: l93(r["geometry"]) for r in pq.read_table(
        current().data_dir / "qpv2024/perimetres.parquet").to_pylist()
        if r["insee_com"] == "29019"}
    stations = {r["numero"]: l93(r["geometry"]) for r in pq.read_table(
        DATA / "bureaux_brest_2024.parquet").to_pylist() if r["commune"] == "29019"}
    found = store.query("SELECT numero, part_qpv FROM marts.participation_bureaux "
                        "WHERE commune = '29019' AND facet = 'leg2024-t1' AND part_qpv > 0")
    assert len(found) == 31
    for row in found:
        station = stations[row["numero"]]
        share = sum(station.intersection(q).area for q in qpv.values()) / station.area
        assert row["part_qpv"] == pytest.approx(share, abs=1e-3), row["numero"]


def test_2014_gives_the_station_map_but_no_turnout(store):
    for commune, stations in (("44109", 209), ("35238", 106)):
        entries = analysis_results.territory_results(store, "participation", "commune",
                                                     commune)
        assert {e["facet"] for e in entries} == {"mun2014-t1", "mun2014-t2"}
        for entry in entries:
            components = entry["components"]
            assert components["bureaux"]["value"] == stations
            assert components["participation_commune"]["status"] == "non_disponible"
            assert "pourcentages" in components["participation_commune"]["note"]
    with gzip.open(DATA / "mun2014_rennes_listes.csv.gz", "rt", encoding="utf-8") as handle:
        shares = [r for r in csv.DictReader(handle) if r["tour"] == "1"]
    leads = {}
    for row in shares:
        if float(row["part"]) > leads.get(row["bureau"], ("", -1))[1]:
            leads[row["bureau"]] = (row["liste"], float(row["part"]))
    found = {r["numero"]: (r["liste_en_tete"], r["part_en_tete"]) for r in store.query(
        "SELECT numero, liste_en_tete, part_en_tete FROM marts.participation_bureaux "
        "WHERE commune = '35238' AND facet = 'mun2014-t1'")}
    assert found == leads and len(found) == 106


def test_station_detail_tables_carry_a_map(store):
    tables = analysis_results.details(store, "participation", "commune", "29019")
    latest = next(t for t in tables if t["table"].code == "bureaux")
    assert len(latest["rows"]) == 104
    assert latest["table"].map_value == "part_qpv"
    assert all(json.loads(r["geojson"])["type"] in ("Polygon", "MultiPolygon")
               for r in latest["rows"])
    every = next(t for t in tables if t["table"].code == "resultats_bureaux")
    assert len(every["rows"]) == 4 * 104
    bellevue = analysis_results.details(store, "participation", "qpv", "QN02904M")
    assert [t["table"].code for t in bellevue] == ["bureaux_du_qpv"]
    rows = bellevue[0]["rows"]
    assert {r["numero"] for r in rows if r["part_dans_qpv"] >= 50} == {"85", "86"}
    estimate = {c: e["value"] for entry in analysis_results.territory_results(
        store, "participation", "qpv", "QN02904M") if entry["facet"] == "leg2024-t2"
        for c, e in entry["components"].items()}
    assert estimate["inscrits_estimes_qpv"] == pytest.approx(
        sum(r["part_dans_qpv"] / 100 * r["inscrits"] for r in rows), rel=1e-3)  # shares at 0.1 %
