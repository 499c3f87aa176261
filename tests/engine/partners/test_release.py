"""A protected output written for the next build, loaded into marts.partner_*, shown on the
profile, withdrawn."""

from __future__ import annotations

import json

import duckdb
import pyarrow.parquet as pq
import pytest

from quartiers.engine.partners.published import load_releases
from quartiers.engine.partners.recipes import RECIPES
from quartiers.engine.partners.recipes.model import Computed, RecipeResult, protect_result
from quartiers.engine.partners.release import ReleaseRefused, withdraw_release, write_release
from quartiers.engine.profiles import partner_values
from quartiers.engine.secrecy import SumRelation
from quartiers.engine.secrecy.rules import Cell, Rules
from quartiers.engine.warehouse.staging import BuildError
from quartiers.engine.warehouse.store import Warehouse

MANIFEST = {"convention": "TC-2026-001", "intitulé": "Démonstration", "producteur": "ANCT",
            "licence": "Convention TC-2026-001 du 01/09/2026 — ANCT", "finalité": "Essai",
            "recette": "postes", "publiée le": "2026-11-30T12:00:00+00:00",
            "publiée par": "équipe du centre"}


def small_result() -> RecipeResult:
    """Two contracts of one département (keys as the posts recipe makes them): CV1's amount is
    dominated by one employer, so CV1 and (by difference) CV2 are hidden."""
    keys = {code: (level, code, "2023", "montant") for level, code in
            (("contrat_de_ville", "CV1"), ("contrat_de_ville", "CV2"), ("departement", "35"))}
    cells = [Cell(keys["CV1"], 100.0, contributions=(95.0, 5.0)),
             Cell(keys["CV2"], 300.0, contributions=(100.0, 100.0, 100.0)),
             Cell(keys["35"], 400.0, contributions=(100.0, 100.0, 100.0, 95.0, 5.0))]
    computed = Computed(cells, [SumRelation(keys["35"], (keys["CV1"], keys["CV2"]))], "2023")
    return protect_result(RECIPES["postes"], computed, Rules())


def marts_con():
    con = duckdb.connect()
    con.execute("CREATE SCHEMA marts")
    con.execute("CREATE TABLE marts.sources (key VARCHAR, family VARCHAR, path VARCHAR, "
                "producer VARCHAR, dataset VARCHAR, vintage VARCHAR, licence VARCHAR, "
                "origin VARCHAR, attribution VARCHAR, doubts VARCHAR, file_notes VARCHAR, "
                "bundled_sha256 VARCHAR, built_sha256 VARCHAR)")
    return con


def test_release_writes_only_what_may_be_shown_and_the_build_loads_it(tmp_path):
    result = small_result()
    assert result.ok and result.primary == 1 and result.secondary == 1
    folder = write_release(tmp_path, "tc-2026-001-postes-1", MANIFEST, result)
    values = pq.read_table(folder / "valeurs.parquet").to_pylist()
    by_code = {row["code"]: row for row in values}
    # the public learns that a cell is hidden, never why (« primaire : < 11 » would bound it)
    assert by_code["CV1"]["value"] is None and by_code["CV1"]["reason"] == "secret statistique"
    assert by_code["CV2"]["value"] is None and by_code["CV2"]["status"] == "secret"
    assert by_code["35"]["value"] == 400.0
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["licence"].startswith("Convention TC-2026-001")
    assert not [p for p in tmp_path.joinpath("tiers").iterdir() if p.name.startswith(".")]

    con = marts_con()
    assert load_releases(con, tmp_path) == 1
    releases = con.execute("SELECT key, agreement, producer, licence FROM marts.partner_releases"
                           ).fetchall()
    assert releases == [("tc-2026-001-postes-1", "TC-2026-001", "ANCT", MANIFEST["licence"])]
    loaded = con.execute("SELECT code, value, status, measure_label, unit, level_label FROM "
                         "marts.partner_values ORDER BY code").fetchall()
    assert loaded[0][:3] == ("35", 400.0, "ok") and loaded[0][4] == "€"
    assert loaded[1][:3] == ("CV1", None, "secret")
    source = con.execute("SELECT family, licence FROM marts.sources").fetchall()
    assert source == [("tiers de confiance", MANIFEST["licence"])]

    assert withdraw_release(tmp_path, "tc-2026-001-postes-1")
    assert not withdraw_release(tmp_path, "tc-2026-001-postes-1")
    assert load_releases(marts_con(), tmp_path) == 0


def test_a_failed_audit_is_never_written(tmp_path):
    result = small_result()
    result.ok = False
    with pytest.raises(ReleaseRefused, match="audit"):
        write_release(tmp_path, "tc-2026-001-postes-2", MANIFEST, result)
    assert not (tmp_path / "tiers" / "tc-2026-001-postes-2").exists()
    with pytest.raises(ReleaseRefused, match="invalide"):
        write_release(tmp_path, "../ailleurs", MANIFEST, small_result())


def test_a_damaged_release_stops_the_build_naming_the_file(tmp_path):
    folder = write_release(tmp_path, "tc-2026-001-postes-3", MANIFEST, small_result())
    (folder / "valeurs.parquet").write_bytes(b"pas un parquet")
    with pytest.raises(BuildError, match=r"valeurs\.parquet"):
        load_releases(marts_con(), tmp_path)
    (folder / "manifest.json").unlink()
    with pytest.raises(BuildError, match=r"manifest\.json"):
        load_releases(marts_con(), tmp_path)


def test_nothing_released_gives_empty_tables(tmp_path):
    con = marts_con()
    assert load_releases(con, None) == 0 and load_releases(con, tmp_path) == 0
    assert con.execute("SELECT count(*) FROM marts.partner_values").fetchone() == (0,)


def test_the_profile_lists_a_territory_s_released_values(tmp_path):
    write_release(tmp_path, "tc-2026-001-postes-1", MANIFEST, small_result())
    path = tmp_path / "petit-entrepot.duckdb"
    con = duckdb.connect(str(path))
    con.execute("CREATE SCHEMA marts")
    con.execute("CREATE TABLE marts.sources (key VARCHAR, family VARCHAR, path VARCHAR, "
                "producer VARCHAR, dataset VARCHAR, vintage VARCHAR, licence VARCHAR, "
                "origin VARCHAR, attribution VARCHAR, doubts VARCHAR, file_notes VARCHAR, "
                "bundled_sha256 VARCHAR, built_sha256 VARCHAR)")
    con.execute("CREATE TABLE marts.contrats_de_ville AS SELECT 'CV1' AS code, 'Essai' AS name, "
                "'200000001' AS epci, '35' AS departement, 1000 AS pop_qpv")
    con.execute("CREATE TABLE marts.territories AS SELECT 'departement' AS level, '35' AS code, "
                "'Ille-et-Vilaine' AS name")
    load_releases(con, tmp_path)
    con.close()
    store = Warehouse(path)
    [release] = partner_values(store, "epci", "200000001")
    assert release["licence"] == MANIFEST["licence"] and release["producer"] == "ANCT"
    assert release["released_on"] == "30/11/2026"
    [place] = release["places"]  # one table per place: measures × vintages
    assert (place["code"], place["name"]) == ("CV1", "Essai")
    [row] = place["rows"]
    assert len(row["cells"]) == len(place["vintages"]) and row["cells"][0]["secret"]
    [department] = partner_values(store, "departement", "35")
    [place] = department["places"]
    assert place["name"] == "Ille-et-Vilaine"
    assert place["rows"][0]["cells"][0]["shown"].replace("\u202f", " ").startswith("400")
    assert partner_values(store, "commune", "35238") == []
    duckdb.connect(str(tmp_path / "sans-tiers.duckdb")).close()  # a warehouse built before
    assert partner_values(Warehouse(tmp_path / "sans-tiers.duckdb"), "qpv", "QN03502M") == []
