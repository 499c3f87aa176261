"""The build on the real bundled data: published counts, hierarchy, lineage, atomicity."""

from __future__ import annotations

import csv
import gzip
import hashlib
import shutil
import threading

import pytest

from quartiers.config import current
from quartiers.engine.warehouse.build import build
from quartiers.engine.warehouse.staging import BuildError
from quartiers.engine.warehouse.store import Warehouse

DATA_DIR = current().data_dir


def count(store, sql, params=()):
    return store.query(sql, params)[0]["n"]


def test_published_qpv_counts(store):
    assert count(store, "SELECT count(*) n FROM marts.territories WHERE level = 'qpv'") == 1609
    by_region = dict((r["region"], r["n"]) for r in store.query(
        "SELECT region, count(*) n FROM marts.territories WHERE level = 'qpv' GROUP BY region"))
    assert by_region["53"] == 31
    assert by_region["52"] == 48
    # overseas QPV got their région from the département, except in the collectivités
    # d'outre-mer (Saint-Martin, Polynésie française), which belong to no région
    assert by_region[None] == count(store, """SELECT count(*) n FROM marts.territories
        WHERE level = 'qpv' AND departement IN ('975', '977', '978', '986', '987', '988')""") > 0
    assert "987" not in by_region and "01" in by_region


def test_overseas_collectivities_are_not_regions(store):
    regions = {r["code"] for r in store.query(
        "SELECT code FROM marts.territories WHERE level = 'region'")}
    assert len(regions) == 18 and not regions & {"975", "984", "987", "989"}
    tahiti = store.territory("departement", "987")
    assert tahiti["level_label"].startswith("Collectivité d'outre-mer")
    assert store.territory("departement", "984")["level_label"].endswith(
        "sans population permanente")


def test_regional_qpv_population_equals_the_published_figures(store):
    """Sum of popMuniQPV per région, read independently from the bundled file."""
    with gzip.open(DATA_DIR / "qpv2024/indicateurs.csv.gz", "rt", encoding="utf-8") as handle:
        rows = {r["codeQPV"]: r for r in csv.DictReader(handle)}  # duplicated rows: same values
    expected = {}
    region_of = {r["code"]: r["region"] for r in store.query(
        "SELECT code, region FROM marts.territories WHERE level = 'qpv'")}
    for code, row in rows.items():
        if row["popMuniQPV"]:
            region = region_of[code]
            expected[region] = expected.get(region, 0) + float(row["popMuniQPV"])
    for region in ("52", "53"):
        value = store.values("qpv_region", region, "population")[0]
        assert value.value == expected[region]
        assert value.method == "somme des QPV"
    assert store.values("qpv_region", "53", "population")[0].n_units == 31


def test_hierarchy_qpv_spans_two_communes(store):
    parents = store.parents("qpv", "QN00201M")  # Europe, Saint-Quentin and Omissy
    communes = {p["code"] for p in parents if p["level"] == "commune"}
    assert communes == {"02691", "02571"}
    assert {p["level"] for p in parents} >= {"epci", "departement", "region", "france"}
    main = [p["code"] for p in parents if p["level"] == "commune" and p["is_main"]]
    assert main == ["02691"]  # the commune holding most of its area
    assert store.territory("qpv", "QN00201M")["commune"] == "02691"


def test_contrat_de_ville_is_linked_to_its_epci(store):
    assert store.contrats_de_ville("243500139")  # Rennes Métropole


def test_every_value_carries_its_lineage(store):
    rows = store.query("""SELECT count(*) n FROM marts.indicator_values
        WHERE source IS NULL OR vintage IS NULL OR method IS NULL OR status IS NULL""")
    assert rows[0]["n"] == 0
    known = {r["family"] for r in store.sources()}
    used = {r["source"] for r in store.query("SELECT DISTINCT source FROM marts.indicator_values")}
    assert used <= known


def test_published_blanks_stay_blank_and_marked(store):
    blanks = store.query("""SELECT count(*) n FROM marts.indicator_values
        WHERE status IN ('non_publie', 'secret') AND value IS NOT NULL""")
    assert blanks[0]["n"] == 0
    assert count(store, "SELECT count(*) n FROM marts.indicator_values "
                        "WHERE status = 'non_publie'") > 0


def test_no_median_is_ever_pooled(store):
    pooled = store.query("""SELECT count(*) n FROM marts.indicator_values
        WHERE indicator IN ('revenu_median', 'gini', 'rapport_interdecile')
          AND level LIKE 'qpv%\\_%' ESCAPE '\\' AND level <> 'qpv2015_france'""")
    assert pooled[0]["n"] == 0
    # the only median for a set of QPV is the one INSEE published for all QPV of France
    france = store.values("qpv2015_france", "FR", "revenu_median")
    assert [v.vintage for v in france] == ["revenus 2016", "revenus 2017", "revenus 2018",
                                           "revenus 2019"]
    assert all(v.method == "publié" for v in france)


def test_secrecy_hides_ratios_over_fewer_than_eleven(store):
    leaks = store.query("""SELECT count(*) n FROM marts.indicator_values
        WHERE denominator < 11 AND value IS NOT NULL AND counts_units""")
    assert leaks[0]["n"] == 0
    # what a reader could not recompute: every ratio over units below 11 is a secret
    hidden = store.query("""SELECT count(*) n FROM marts.indicator_values
        WHERE status = 'secret' AND note LIKE '%secret statistique, valeur : primaire%'""")
    assert hidden[0]["n"] > 0


def test_search_is_accent_and_case_insensitive(store):
    assert store.search("SAINT-NAZAIRE")[0]["code"] == "44184"
    assert any(r["code"] == "44184" for r in store.search("saint-nazaire"))
    assert store.search("chateaubriant")[0]["name"].startswith("Châteaubriant")
    assert any(r["level"] == "commune" and r["code"] == "35238" for r in store.search("35000"))


def _copy_data(tmp_path):
    target = tmp_path / "data"
    shutil.copytree(DATA_DIR, target)
    return target


def _digest(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_schema_change_stops_the_build_and_keeps_the_previous_warehouse(tmp_path,
                                                                         warehouse_path):
    data = _copy_data(tmp_path)
    demo = data / "qpv2015/DEMO_2022.csv.gz"
    text = gzip.decompress(demo.read_bytes()).decode("utf-8").replace("POP_MUN", "POPULATION", 1)
    demo.write_bytes(gzip.compress(text.encode("utf-8")))
    served = tmp_path / "warehouse.duckdb"
    shutil.copyfile(warehouse_path, served)
    before = _digest(served)
    with pytest.raises(BuildError, match=r"qpv2015/DEMO_2022.csv.gz.*POP_MUN"):
        build(data, served)
    assert _digest(served) == before
    assert Warehouse(served).territory("qpv", "QN00101M")["name"]
    assert not list(tmp_path.glob(".warehouse.duckdb.*"))  # no temporary file left behind


def test_non_numeric_value_is_named_with_file_line_and_field(tmp_path, warehouse_path):
    data = _copy_data(tmp_path)
    figures = data / "qpv2024/indicateurs.csv.gz"
    lines = gzip.decompress(figures.read_bytes()).decode("utf-8").splitlines()
    header = lines[0].split(",")
    cells = lines[5].split(",")
    cells[header.index("popMuniQPV")] = "beaucoup"
    lines[5] = ",".join(cells)
    figures.write_bytes(gzip.compress("\n".join(lines).encode("utf-8")))
    with pytest.raises(BuildError, match=r"indicateurs.csv.gz, ligne 6, champ « popMuniQPV »"):
        build(data, tmp_path / "w.duckdb")


def test_corrupted_file_is_named(tmp_path):
    data = _copy_data(tmp_path)
    (data / "filosofi/FILO2019_DISP_COM.csv.gz").write_bytes(b"\x1f\x8b garbage")
    with pytest.raises(BuildError, match=r"FILO2019_DISP_COM\.csv\.gz : fichier illisible"):
        build(data, tmp_path / "w.duckdb")


def test_readers_keep_answering_during_a_rebuild(tmp_path, warehouse_path):
    served = tmp_path / "warehouse.duckdb"
    shutil.copyfile(warehouse_path, served)
    reader = Warehouse(served)
    first = reader.build_info()["built_at"]
    errors, answers = [], 0
    builder = threading.Thread(target=lambda: build(DATA_DIR, served))
    builder.start()
    while builder.is_alive():
        try:
            assert reader.search("rennes", 1)[0]["name"] == "Rennes"  # a real query each time
            answers += 1
        except Exception as error:
            errors.append(error)
    builder.join()
    assert not errors
    assert answers > 0
    assert reader.territory("qpv", "QN00101M")
    assert reader.build_info()["built_at"] > first  # the new file is read, not the old one


def test_answers_about_a_territory_are_kept_per_warehouse_file(tmp_path, warehouse_path):
    from quartiers.engine.warehouse import store as store_module

    served = tmp_path / "warehouse.duckdb"
    shutil.copyfile(warehouse_path, served)
    reader = Warehouse(served)
    rennes = reader.comparison("commune", "35238")
    assert reader.comparison("commune", "35238") is rennes
    for code in reader.query("SELECT code FROM marts.territories WHERE level = 'commune' "
                             f"LIMIT {store_module.MEMO_SIZE}"):
        reader.territory("commune", code["code"])
    assert len(reader._cached("memo", dict)) == store_module.MEMO_SIZE  # bounded
    shutil.copyfile(warehouse_path, tmp_path / "copy.duckdb")
    (tmp_path / "copy.duckdb").replace(served)  # a rebuild replaces the file
    assert reader.comparison("commune", "35238") is not rennes


def test_published_ensemble_rows_win_over_pooled_sums(store):
    published = next(v for v in store.values("qpv2015_france", "FR", "allocataires_caf")
                 if v.vintage == "publication 2018")
    assert published.value == 1_492_300 and published.method == "publié"


def test_units_without_any_row_count_as_missing(store):
    pooled = store.values("qpv_france", "FR", "population")[0]
    assert pooled.n_units == 1518 and pooled.n_missing == 91  # QPV without SIG Ville figures
    assert pooled.status == "incomplet"


def test_an_incomplete_sum_stays_incomplete_in_its_parents(store):
    """Paris (one commune) misses CAF figures for some IRIS: so do the département's sums."""
    commune = store.values("commune", "75056", "allocataires_caf")[-1]
    departement = store.values("departement", "75", "allocataires_caf")[-1]
    assert commune.status == departement.status == "incomplet"
    assert commune.n_missing == 104 and commune.units_label == "IRIS"
    assert departement.n_missing == 1 and departement.n_units == 0  # its one commune is partial
    assert "valeur complète pour 0 communes sur 1" in departement.status_label
    assert departement.value == commune.value


def test_overseas_qpv_missing_from_the_list_still_have_their_commune(store):
    assert store.children("commune", "98712", "qpv")
