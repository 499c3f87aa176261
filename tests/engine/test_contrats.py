"""The contrats de ville of both generations: registry, derived QPV, posts, links, search."""

from __future__ import annotations

import csv
import gzip

import pytest

from quartiers.config import current
from quartiers.engine.profiles import build_profile
from quartiers.engine.warehouse.store import NotFound

DATA_DIR = current().data_dir
RENNES_METROPOLE = "243500139"


def read_rows(path: str) -> list[dict]:
    opener = gzip.open if path.endswith(".gz") else open
    with opener(DATA_DIR / path, "rt", encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_bundled_files_keep_every_line_of_anct():
    recent = read_rows("contrats_de_ville/contrats_de_ville_2024_2030.csv")
    former = read_rows("contrats_de_ville/contrats_de_ville_2015_2023.csv")
    assert (len(recent), len({r["code_cv"] for r in recent})) == (448, 446)
    assert (len(former), len({r["code_cv"] for r in former})) == (434, 433)
    assert sum(1 for r in recent if not r["lon"]) == 1  # CV419 has no point
    assert {len(r["codgeo"]) for r in recent + former} == {5, 9}
    both = {r["code_cv"] for r in recent} & {r["code_cv"] for r in former}
    assert len(both) == 45 and all(code.startswith("CV") for code in both)


def test_no_amount_is_bundled_nor_served(store):
    for name in ("adultes_relais", "postes_fonjep"):
        assert "montant" not in read_rows(f"politique_ville/{name}_2023.csv.gz")[0]
    columns = {r["column_name"] for r in store.query(
        "SELECT column_name FROM information_schema.columns WHERE table_schema = 'marts' "
        "AND table_name LIKE 'contrat%'")}
    assert not {c for c in columns if "montant" in c or "amount" in c}
    assert set(store.contrat_postes("CV116")[0]) == {"dispositif", "annee", "postes",
                                                     "employeurs", "source", "via_code"}


def test_national_2023_posts_agree_with_the_regional_files():
    """The regional files give 2020-2022; their 2023 is the national file's, post for post."""
    def key(r):
        return r["id_poste"], r["code_tiers"], r["code_cv"], r["insee_dep"]

    for name in ("adultes_relais", "postes_fonjep"):
        national = sorted(key(r) for r in read_rows(f"politique_ville/{name}_2023.csv.gz")
                          if r["insee_reg"] in ("52", "53"))
        regional = sorted(key(r) for r in read_rows(
            f"politique_ville/{name}_2020_2023_reg52_53.csv.gz") if r["annee"] == "2023")
        assert national == regional and national


def test_registry_counts(store):
    assert len(store.contrats("2024-2030")) == 446
    assert len(store.contrats("2015-2023")) == 433
    every = store.contrats()
    assert len(every) == 879 and [c["code"] for c in every] == sorted(c["code"] for c in every)
    with pytest.raises(NotFound):
        store.contrats("2030")


def test_rennes_metropole(store):
    c = store.contrat("CN03501I")
    assert (c["generation"], c["name"], c["label"]) == ("2024-2030", "Rennes Métropole",
                                                        "35 - Rennes Métropole")
    assert (c["signatory_level"], c["signatory_code"], c["epci"]) == (
        "epci", RENNES_METROPOLE, RENNES_METROPOLE)
    assert (c["signatory_name"], c["departement"], c["region"]) == ("Rennes Métropole", "35",
                                                                   "53")
    assert c["qpv_level"] == "qpv" and c["qpv_count"] == 5
    assert c["related"] == [{"code": "CV116", "generation": "2015-2023",
                             "name": "Rennes Métropole"}]
    qpv = store.contrat_qpv("CN03501I")
    assert {q["code"] for q in qpv} == {"QN03502M", "QN03503I", "QN03504M", "QN03505M",
                                       "QN03506I"}
    assert {q["communes"] for q in qpv} == {"Rennes"} and {q["level"] for q in qpv} == {"qpv"}
    former = store.contrat("CV116")
    assert former["qpv_level"] == "qpv2015" and former["pop_qpv"] == 33_227
    # the derived 2015 QPV add up to ANCT's own figure for the contract
    assert sum(q["population"] for q in store.contrat_qpv("CV116")) == 33_227
    with pytest.raises(NotFound):
        store.contrat("CN99999X")


def test_single_commune_contract(store):
    c = store.contrat("CN05910M")
    assert (c["signatory_level"], c["signatory_code"], c["signatory_name"]) == (
        "commune", "59249", "Fourmies")
    assert c["epci"] == store.territory("commune", "59249")["epci"]
    [qpv] = store.contrat_qpv("CN05910M")
    assert qpv["communes"] == "Fourmies"
    listed = build_profile(store, "commune", "59249").contrats
    assert [x["code"] for x in listed if x["generation"] == "2024-2030"] == ["CN05910M"]


def test_contract_of_a_merged_epci(store):
    """Dinan Communauté (2015) merged into Dinan Agglomération: no name today; its EPCI is
    the one holding ANCT's point, and its QPV are derived from that EPCI's communes."""
    c = store.contrat("CV067")
    assert c["signatory_code"] == "200043255" and c["signatory_name"] is None
    assert c["epci"] == "200068989"
    assert [q["code"] for q in store.contrat_qpv("CV067")] == ["QP022007"]
    assert "CV067" in {x["code"] for x in build_profile(store, "epci", "200068989").contrats}
    gone = [x for x in store.contrats("2015-2023") if x["signatory_name"] is None]
    assert len(gone) == 171 and all(x["epci"] for x in gone)


def test_a_code_in_both_generations_means_the_recent_contract(store):
    assert store.contrat("CV373")["generation"] == "2024-2030"
    older = store.contrat("CV373", "2015-2023")
    assert older["generation"] == "2015-2023" and not older["preferred"]
    assert {"code": "CV373", "generation": "2015-2023",
            "name": older["name"]} in store.contrat("CV373")["related"]


def test_two_signatories_and_two_departements(store):
    petite_terre = store.contrat("CV428")  # CC de Petite-Terre and Dzaoudzi
    assert (petite_terre["signatory_level"], petite_terre["pop_qpv"]) == ("epci", 7227)
    aix = store.contrat("CV043")  # one line in Bouches-du-Rhône, one in Vaucluse (Pertuis)
    assert aix["pop_qpv"] == 21_147 + 1_916 and aix["departement"] == "13"
    grand_orly = [store.contrat(code) for code in ("CN09106M", "CN09402M")]  # one EPT, two
    assert {c["signatory_code"] for c in grand_orly} == {"200058014"}
    assert all(c["signatory_name"] is None and c["epci"] == "200054781" for c in grand_orly)
    essonne = {q["code"][:5] for q in store.contrat_qpv("CN09106M")}
    assert essonne == {"QN091"}  # the Essonne contract keeps the Essonne QPV


def test_posts_per_year_in_bretagne(store):
    posts = {(p["dispositif"], p["annee"]): (p["postes"], p["employeurs"], p["source"])
             for p in store.contrat_postes("CV116")}
    assert posts[("Adultes-relais", 2020)][:2] == (43, 14)
    assert posts[("Adultes-relais", 2023)] == (61, 19, "postes_adultes_relais_2023")
    assert posts[("FONJEP", 2022)] == (17, 14, "postes_fonjep")
    assert {year for _, year in posts} == {2020, 2021, 2022, 2023}
    recent = store.contrat_postes("CN03501I")
    assert {p["via_code"] for p in recent} == {"CV116"}
    assert [(p["dispositif"], p["annee"], p["postes"]) for p in recent] == [
        (p["dispositif"], p["annee"], p["postes"]) for p in store.contrat_postes("CV116")]
    # outside Bretagne and Pays de la Loire only the national 2023 files count
    assert {p["annee"] for p in store.contrat_postes("CV049")} == {2023}


def test_search_finds_contracts_of_both_generations(store):
    names = {(r["level"], r["code"]) for r in store.search("Rennes Métropole")}
    assert ("epci", RENNES_METROPOLE) in names
    for code in ("CN03501I", "CV116"):
        [hit] = store.search(code.lower())
        assert (hit["level"], hit["code"]) == ("epci", RENNES_METROPOLE)
    [dinan] = [r for r in store.search("dinan communaute CV067")]
    assert (dinan["level"], dinan["code"]) == ("epci", "200068989")


def test_profile_lists_both_generations_newest_first(store):
    listed = build_profile(store, "epci", RENNES_METROPOLE).contrats
    assert [(c["code"], c["generation"]) for c in listed] == [
        ("CN03501I", "2024-2030"), ("CV116", "2015-2023")]
    assert store.contrats_de_ville(RENNES_METROPOLE) == [
        {"code": "CV116", "name": "Rennes Métropole", "pop_qpv": 33_227}]
