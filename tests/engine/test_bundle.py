"""The bundled files: every one is loaded into the raw layer and matches its checksum."""

from __future__ import annotations

import gzip
import json

import pytest

from quartiers.config import current
from quartiers.engine.sources.bundle import sources_markdown
from quartiers.engine.sources.declared import SOURCES
from quartiers.engine.sources.files import sha256
from quartiers.engine.warehouse.staging import raw_table

DATA_DIR = current().data_dir

EXPECTED_ROWS = {  # raw rows of the sources added from the kit of 2026-11-30
    "qpv_correspondance": 1_584,
    "arrondissements": 45,
    "filosofi_2021_com": 34_909,
    "filosofi_dep": 98,
    "filosofi_reg": 15,
    "filosofi_metropole": 1,
    "filosofi_pauvres_dep_2020": 98,
    "filosofi_dep_2020": 98,
    "filosofi_pauvres_com_2018": 4_330,
    "comparateur": 35_010,
    "populations_legales_2023_com": 34_900,
    "populations_legales_2023_dep": 100,
    "populations_legales_2023_reg": 17,
    "populations_legales_2021_com": 34_970,
}
BY_KEY = {source.key: source for source in SOURCES}


def _rows(store, table: str, where: str = "TRUE") -> int:
    return store.query(f"SELECT count(*) AS n FROM {table} WHERE {where}")[0]["n"]


@pytest.mark.parametrize("key", EXPECTED_ROWS)
def test_new_sources_are_in_the_raw_layer(store, key):
    assert _rows(store, raw_table(BY_KEY[key])) == EXPECTED_ROWS[key]


def test_every_source_has_a_raw_table(store):
    tables = {f"{r['schema_name']}.{r['table_name']}" for r in store.query(
        "SELECT schema_name, table_name FROM duckdb_tables() WHERE schema_name = 'raw'")}
    assert {raw_table(source) for source in SOURCES} <= tables


def test_semicolon_files_with_a_decimal_point_are_split_into_their_columns(store):
    comparateur = raw_table(BY_KEY["comparateur"])
    rennes = store.query(f'SELECT "P18_POP", "SUPERF", "MED19", "TP6019" FROM {comparateur} '
                         "WHERE \"CODGEO\" = '35238'")
    assert rennes == [{"P18_POP": "217728", "SUPERF": "50.39", "MED19": "21760",
                       "TP6019": "19"}]
    poverty = raw_table(BY_KEY["filosofi_pauvres_com_2018"])
    assert store.query(f"SELECT \"TP6018\" FROM {poverty} WHERE \"CODGEO\" = '75101'") == [
        {"TP6018": "10.9"}]


def test_arrondissements_belong_to_paris_lyon_marseille(store):
    table = raw_table(BY_KEY["arrondissements"])
    by_city = {r["commune"]: r["n"] for r in store.query(
        f"SELECT commune, count(*) AS n FROM {table} GROUP BY commune")}
    assert by_city == {"75056": 20, "69123": 9, "13055": 16}
    assert _rows(store, table, "population > 0 AND codes_postaux <> '' "
                               "AND geometry IS NOT NULL") == 45


def test_correspondance_keeps_the_source_as_it_is(store):
    table = raw_table(BY_KEY["qpv_correspondance"])
    assert _rows(store, table, "statut = 'COMMUNE' AND qp2015_1 IS NULL") == 17
    crossed = store.query(f"SELECT qp2024, qp2015_1 FROM {table} "
                          "WHERE qp2024 IN ('QN02611M', 'QN02612M') ORDER BY qp2024")
    assert crossed == [{"qp2024": "QN02611M", "qp2015_1": "QP026012"},
                       {"qp2024": "QN02612M", "qp2015_1": "QP026011"}]


def test_bundled_files_match_the_manifest():
    manifest = json.loads((DATA_DIR / "manifest.json").read_text())
    declared = {source.key for source in SOURCES} | {
        f"{source.key}/dictionnaire" for source in SOURCES if source.dictionary}
    assert set(manifest) == declared
    for key, entry in manifest.items():
        path = DATA_DIR / entry["path"]
        assert path.stat().st_size == entry["bytes"], key
        assert sha256(path) == entry["sha256"], key


def test_every_bundled_file_is_in_the_manifest():
    """Every statistical file; the centre's programmes are content, with their own README."""
    manifest = json.loads((DATA_DIR / "manifest.json").read_text())
    listed = {entry["path"] for entry in manifest.values()}
    on_disk = {str(path.relative_to(DATA_DIR)) for path in DATA_DIR.rglob("*")
               if path.is_file() and path.name not in ("SOURCES.md", "manifest.json")
               and path.parent.name != "programmes"}
    assert on_disk == listed


def test_programme_documents_are_those_their_readme_describes():
    folder = DATA_DIR / "programmes"
    readme = (folder / "README.md").read_text(encoding="utf-8")
    documents = sorted(path.name for path in folder.glob("*.txt"))
    assert documents == ["programme-2024.txt", "programme-2026.txt"]
    for name in documents:
        assert f"{sha256(folder / name)}  {name}" in readme, name


def test_sources_page_is_up_to_date():
    assert (DATA_DIR / "SOURCES.md").read_text(encoding="utf-8") == sources_markdown()


def test_dictionaries_describe_the_variables_only():
    comparateur = (DATA_DIR / BY_KEY["comparateur"].dictionary).read_text(encoding="utf-8")
    assert comparateur.startswith("COD_VAR;LIB_VAR;")
    assert "\nTP6019;Taux de pauvreté en 2019;" in comparateur
    assert "\nCODGEO;" not in comparateur
    with gzip.open(DATA_DIR / BY_KEY["filosofi_pauvres_com_2018"].dictionary, "rt",
                   encoding="utf-8") as handle:
        poverty = handle.read()
    assert "\nTP6018;" in poverty and "\nCODGEO;" not in poverty
