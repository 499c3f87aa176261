"""The employment analysis: its arithmetic on a hand-made warehouse (a test fixture, named as
such), then its results on the real bundled INSEE files, read here independently of the build."""

from __future__ import annotations

import csv
import dataclasses
import gzip
import re

import pytest

from quartiers.config import current
from quartiers.engine.analyses import employment_build, pipeline, results
from quartiers.engine.analyses.employment import ANALYSIS
from quartiers.engine.analyses.model import BuildContext
from quartiers.engine.geo import connect
from quartiers.engine.warehouse.staging import BuildError

# --- hand-made fixture: three QPV 2015 (two in commune 11111, one in 22222), two years -------

STAGED = sorted({column for columns in employment_build.MEASURES.values() for column in columns})
FIXTURE_ROWS = [  # (code, year, values); a missing value is a blank (secret) cell
    ("Ensemble", 2021, {"tx_tot_empl": 47.0, "abc": 1000}),
    ("QP011001", 2021, {"tx_tot_empl": 50.0, "abc": 100, "a": 60, "abc_f": 40, "abc_bac": 10}),
    ("QP011001", 2022, {"abc": 80, "a": 50}),
    ("QP011002", 2021, {"tx_tot_empl": 40.0, "abc": 300, "a": 150, "abc_f": 160}),
    ("QP011002", 2022, {"tx_tot_empl": 42.0, "abc": 330, "a": 200, "abc_f": 170}),
    ("QP022001", 2021, {}),
    ("QP022001", 2022, {"abc": 50, "a": 20}),
]
ABSENT_IN_2022 = {"abc_bac"}  # the 2022 fixture file has no such column


def _fixture(tmp_path, monkeypatch, staged_columns=STAGED):
    monkeypatch.setattr(employment_build, "YEARS", (2021, 2022))
    con = connect(tmp_path / "w.duckdb")
    for schema in ("raw", "staging", "marts"):
        con.execute(f"CREATE SCHEMA {schema}")
    for year in (2021, 2022):
        names = [c for c in STAGED if year == 2021 or c not in ABSENT_IN_2022]
        columns = ", ".join(f'"{c.upper()}" VARCHAR' for c in ["codgeo", *names])
        con.execute(f"CREATE TABLE raw.qpv2015_ipro_{year} ({columns})")
    staged = ", ".join(f"{c} DOUBLE" for c in staged_columns)
    con.execute("CREATE TABLE staging.qpv2015_ipro_all (code VARCHAR, vintage VARCHAR, "
                f"note_pe DOUBLE, {staged})")
    for code, year, values in FIXTURE_ROWS:
        con.execute(f"INSERT INTO staging.qpv2015_ipro_all (code, vintage, note_pe, "
                    f"{', '.join(staged_columns)}) VALUES (?, ?, 0, "
                    f"{', '.join('?' * len(staged_columns))})",
                    [code, f"publication {year}", *(values.get(c) for c in staged_columns)])
    con.execute("""CREATE TABLE marts.territories AS SELECT * FROM (VALUES
        ('qpv2015', 'QP011001', 'Quartier A', '11111', '200000001', '11', '76'),
        ('qpv2015', 'QP011002', 'Quartier B', '11111', '200000001', '11', '76'),
        ('qpv2015', 'QP022001', 'Quartier C', '22222', '200000001', '11', '76'),
        ('commune', '11111', 'Commune 1', '11111', '200000001', '11', '76'),
        ('commune', '22222', 'Commune 2', '22222', '200000001', '11', '76'),
        ('epci', '200000001', 'EPCI', NULL, '200000001', '11', '76'),
        ('departement', '11', 'Département', NULL, NULL, '11', '76'),
        ('region', '76', 'Région', NULL, NULL, NULL, '76'),
        ('france', 'FR', 'France', NULL, NULL, NULL, NULL))
        t(level, code, name, commune, epci, departement, region)""")
    con.execute("""CREATE TABLE staging.comparateur_commune AS SELECT * FROM (VALUES
        ('11111', 1000.0, 700.0, 100.0), ('22222', 500.0, 300.0, 60.0))
        c(code, p18_pop1564, p18_act1564, p18_chom1564)""")
    return con


@pytest.fixture
def fixture_con(tmp_path, monkeypatch):
    con = _fixture(tmp_path, monkeypatch)
    employment_build.build(con, BuildContext(data_dir=None))
    yield con
    con.close()


def test_a_column_missing_from_every_file_is_named(tmp_path, monkeypatch):
    con = _fixture(tmp_path, monkeypatch, [c for c in STAGED if c != "abc_dur4"])
    with pytest.raises(BuildError, match=r"IPRO_2021…2022\.csv\.gz.*ABC_DUR4"):
        employment_build.build(con, BuildContext(data_dir=None))
    con.close()


def _result(con, level, code, year, component):
    return con.execute("SELECT value, status, note FROM marts.analysis_emploi WHERE level = ? "
                       "AND code = ? AND facet = ? AND component = ?",
                       [level, code, str(year), component]).fetchone()


def test_fixture_results_pass_the_framework_checks(fixture_con):
    pipeline.check_results(fixture_con, dataclasses.replace(ANALYSIS, checks={}))
    facets = fixture_con.execute("SELECT facet, label FROM marts.analysis_emploi_facets "
                                 "ORDER BY position").fetchall()
    assert facets == [
        ("2021", "Publication 2021 de l'INSEE (demandeurs d'emploi au 31/12/2020)"),
        ("2022", "Publication 2022 de l'INSEE (demandeurs d'emploi au 31/12/2021)")]


def test_fixture_counts_are_summed_over_published_qpv(fixture_con):
    value, status, note = _result(fixture_con, "commune", "11111", 2022, "de_abc")
    assert (value, status) == (410, "ok") and "2 QPV 2015 publiés sur 2" in note
    value, status, note = _result(fixture_con, "epci", "200000001", 2021, "de_abc")
    assert (value, status) == (400, "ok") and "2 QPV 2015 publiés sur 3" in note
    assert "secret" in note
    assert _result(fixture_con, "commune", "22222", 2021, "de_abc")[:2] == (None, "secret")


def test_fixture_shares_use_the_same_qpv_for_both_counts(fixture_con):
    assert _result(fixture_con, "commune", "11111", 2022, "part_a")[0] == pytest.approx(
        100 * 250 / 410)
    value, _, note = _result(fixture_con, "commune", "11111", 2022, "part_femmes")
    assert value == pytest.approx(100 * 170 / 330)  # QP011001 has no published women count
    assert "1 QPV 2015 (sur 2)" in note
    assert _result(fixture_con, "qpv2015", "QP011001", 2022, "part_femmes")[:2] == (None,
                                                                                    "secret")
    assert _result(fixture_con, "qpv2015", "QP011002", 2021, "part_femmes")[0] == \
        pytest.approx(100 * 160 / 300)


def test_fixture_changes_between_publications(fixture_con):
    assert _result(fixture_con, "commune", "11111", 2022, "evolution_abc")[0] == \
        pytest.approx(2.5)  # 410 / 400
    assert _result(fixture_con, "commune", "11111", 2021, "evolution_abc")[1] == \
        "non_disponible"
    assert _result(fixture_con, "commune", "22222", 2022, "evolution_abc")[1] == "secret"
    value, status, note = _result(fixture_con, "epci", "200000001", 2022,
                                  "evolution_abc_depuis_debut")
    assert (value, status) == (pytest.approx(2.5), "ok")  # QP022001 secret in 2021: left out
    assert "2 QPV 2015 (sur 3)" in note
    assert _result(fixture_con, "qpv2015", "QP011002", 2022, "evolution_taux_emploi")[:2] == \
        (2.0, "ok")
    assert _result(fixture_con, "qpv2015", "QP011001", 2022, "evolution_taux_emploi")[1] == \
        "secret"


def test_fixture_rates_are_never_averaged(fixture_con):
    value, status, note = _result(fixture_con, "commune", "11111", 2021, "taux_emploi")
    assert (value, status) == (None, "non_disponible") and "moyennés" in note
    assert _result(fixture_con, "commune", "11111", 2021, "taux_emploi_femmes") is None
    assert _result(fixture_con, "commune", "11111", 2021, "taux_emploi_median")[0] == 45.0
    value, _, note = _result(fixture_con, "commune", "11111", 2022, "taux_emploi_median")
    assert value == 42.0 and "1 QPV 2015 publiés (sur 2)" in note
    assert _result(fixture_con, "france", "FR", 2021, "taux_emploi")[:2] == (47.0, "ok")
    assert _result(fixture_con, "france", "FR", 2022, "taux_emploi")[1] == "non_disponible"


def test_fixture_column_absent_from_a_file_is_not_a_secret(fixture_con):
    assert _result(fixture_con, "qpv2015", "QP011001", 2021, "de_bac")[:2] == (10, "ok")
    value, status, note = _result(fixture_con, "qpv2015", "QP011001", 2022, "de_bac")
    assert (value, status) == (None, "non_disponible") and "absente" in note


def test_fixture_detail_tables(fixture_con):
    series = {d.code: d for d in ANALYSIS.details}
    rows = fixture_con.execute(series["quartiers"].sql, ["commune", "11111"]).fetchall()
    assert [(r[0], r[3]) for r in rows] == [("Quartier A", 80), ("Quartier B", 330)]
    rows = fixture_con.execute(series["serie"].sql, ["commune", "11111"]).fetchall()
    assert [(r[0], r[2], r[5]) for r in rows] == [("Publication 2021", 45.0, 400),
                                                  ("Publication 2022", 42.0, 410)]


def test_fixture_comparison_of_a_qpv(fixture_con):
    table = next(d for d in ANALYSIS.details if d.code == "comparaison")
    rows = fixture_con.execute(table.sql, ["qpv2015", "QP011001"]).fetchall()
    # (périmètre, territoire, taux d'emploi, médiane, A B C, part A) in the latest file, 2022
    assert [r[:6] for r in rows] == [
        ("Le quartier", "Quartier A", None, None, 80, 62.5),
        ("Tous les QPV 2015 de la commune", "Commune 1", None, 42.0, 410, 61.0),
        ("Tous les QPV 2015 de la région", "Région", None, 42.0, 460, 58.7),
        ("Tous les QPV 2015 de France", "France", None, 42.0, 460, 58.7),
        ("Commune entière (recensement 2018)", "Commune 1", 60.0, None, None, None),
        ("Région entière (recensement 2018)", "Région", 56.0, None, None, None),
        ("France entière (recensement 2018)", "France", 56.0, None, None, None)]
    rows = fixture_con.execute(table.sql, ["epci", "200000001"]).fetchall()
    assert [r[0] for r in rows] == [
        "Tous les QPV 2015 de l'EPCI", "Tous les QPV 2015 de la région",
        "Tous les QPV 2015 de France", "EPCI entier (recensement 2018)",
        "Région entière (recensement 2018)", "France entière (recensement 2018)"]
    assert fixture_con.execute(table.sql, ["commune", "99999"]).fetchall() == []


def test_fixture_census_of_the_whole_territory(fixture_con):
    assert _result(fixture_con, "commune", "11111", 2022, "taux_emploi_rp")[0] == \
        pytest.approx(60.0)
    assert _result(fixture_con, "epci", "200000001", 2021, "taux_emploi_rp")[0] == \
        pytest.approx(100 * 840 / 1500)
    assert _result(fixture_con, "commune", "11111", 2021, "taux_chomage_rp")[0] == \
        pytest.approx(100 * 100 / 700)


# --- the real bundled files ------------------------------------------------------------------

def _raw(year: int) -> list[dict]:
    path = current().data_dir / "qpv2015" / f"IPRO_{year}.csv.gz"
    with gzip.open(path, "rt", encoding="utf-8-sig") as handle:
        return [{k.strip(): v for k, v in row.items() if k}
                for row in csv.DictReader(handle, delimiter=";")]


def _number(cell: str) -> float | None:
    cell = re.sub(r"\s", "", cell).replace(",", ".")  # any space, narrow no-break ones too
    return float(cell) if cell else None


def _stored(store, level, code, year, component):
    rows = store.query("SELECT value, status FROM marts.analysis_results WHERE analysis = "
                       "'emploi' AND level = ? AND code = ? AND facet = ? AND component = ?",
                       [level, code, str(year), component])
    return (rows[0]["value"], rows[0]["status"]) if rows else None


@pytest.mark.parametrize("year", [2017, 2022])
@pytest.mark.parametrize("code", ["QP035002", "QP035005"])  # Villejean, Le Blosne (Rennes)
def test_published_values_of_rennes_qpv(store, year, code):
    row = next(r for r in _raw(year) if r["CODGEO"] == code)
    for component, column in (("taux_emploi", "TX_TOT_EMPL"), ("de_abc", "ABC"),
                              ("de_moins_25", "ABC_25"), ("de_dur4", "ABC_DUR4"),
                              ("taux_emploi_femmes", "TX_F_EMPL")):
        assert _stored(store, "qpv2015", code, year, component) == (_number(row[column]), "ok")
    share, _ = _stored(store, "qpv2015", code, year, "part_moins_25")
    assert share == pytest.approx(100 * _number(row["ABC_25"]) / _number(row["ABC"]))


def test_rennes_sums_its_qpv(store):
    codes = {t["code"] for t in store.query(
        "SELECT code FROM marts.territories WHERE level = 'qpv2015' AND commune = '35238'")}
    expected = sum(_number(r["ABC"]) for r in _raw(2022) if r["CODGEO"] in codes)
    assert _stored(store, "commune", "35238", 2022, "de_abc") == (expected, "ok")


def test_blank_cells_stay_secret(store):
    rows = _raw(2022)
    women = next(r for r in rows if r["CODGEO"].startswith("QP") and not r["ABC_F"].strip()
                 and r["ABC"].strip())
    assert _stored(store, "qpv2015", women["CODGEO"], 2022, "de_femmes") == (None, "secret")
    assert _stored(store, "qpv2015", women["CODGEO"], 2022, "part_femmes") == (None, "secret")
    rate = next(r for r in rows if r["CODGEO"].startswith("QP") and not r["TX_TOT_EMPL"].strip())
    assert _stored(store, "qpv2015", rate["CODGEO"], 2022, "taux_emploi") == (None, "secret")


def test_number_of_qpv_with_a_rate_matches_each_file(store):
    for year in employment_build.YEARS:
        expected = sum(1 for r in _raw(year) if r["CODGEO"].startswith("QP")
                       and r["TX_TOT_EMPL"].strip())
        found = store.query("SELECT count(*) AS n FROM marts.analysis_results WHERE analysis = "
                            "'emploi' AND level = 'qpv2015' AND facet = ? AND component = "
                            "'taux_emploi' AND status = 'ok'", [str(year)])[0]["n"]
        assert found == expected, year


def test_education_absent_from_the_2019_file(store):
    assert "ABC_INFCAPBEP" not in _raw(2019)[0]
    statuses = store.query("SELECT DISTINCT status FROM marts.analysis_results WHERE analysis "
                           "= 'emploi' AND facet = '2019' AND component = 'de_infcapbep'")
    assert [s["status"] for s in statuses] == ["non_disponible"]


def test_france_rate_only_where_a_file_has_its_ensemble_row(store):
    ensemble = next(r for r in _raw(2017) if r["CODGEO"] == "Ensemble")
    assert _stored(store, "france", "FR", 2017, "taux_emploi") == (
        _number(ensemble["TX_TOT_EMPL"]), "ok")
    assert not any(r["CODGEO"] == "Ensemble" for r in _raw(2022))
    assert _stored(store, "france", "FR", 2022, "taux_emploi") == (None, "non_disponible")


def test_comparison_of_villejean_with_rennes_bretagne_and_france(store):
    tables = {t["table"].code: t["rows"] for t in results.details(store, "emploi", "qpv2015",
                                                                   "QP035002")}
    rows = {(r["perimetre"], r["territoire"]): r for r in tables["comparaison"]}
    latest = employment_build.YEARS[-1]
    columns = ("taux_emploi", "taux_emploi_median", "de_abc", "part_a", "part_moins_25",
               "part_dur4", "evolution_abc")
    for perimeter, name, level, code in (
            ("Le quartier", "Villejean", "qpv2015", "QP035002"),
            ("Tous les QPV 2015 de la commune", "Rennes", "commune", "35238"),
            ("Tous les QPV 2015 de la région", "Bretagne", "region", "53"),
            ("Tous les QPV 2015 de France", "France", "france", "FR")):
        row = rows[(perimeter, name)]
        for column in columns:
            stored = _stored(store, level, code, latest, column)
            if stored is None or stored[0] is None:
                assert row[column] is None, (perimeter, column)
            else:  # the table shows the results rounded to one decimal
                assert row[column] == pytest.approx(stored[0], abs=0.05), (perimeter, column)
    assert rows[("Le quartier", "Villejean")]["taux_emploi"] is not None
    assert rows[("Tous les QPV 2015 de la commune", "Rennes")]["de_abc"] > \
        rows[("Le quartier", "Villejean")]["de_abc"]
    for perimeter, name, level, code in (
            ("Commune entière (recensement 2018)", "Rennes", "commune", "35238"),
            ("Région entière (recensement 2018)", "Bretagne", "region", "53"),
            ("France entière (recensement 2018)", "France", "france", "FR")):
        row = rows[(perimeter, name)]
        stored, status = _stored(store, level, code, latest, "taux_emploi_rp")
        assert status == "ok" and row["taux_emploi"] == pytest.approx(stored, abs=0.05)
        assert row["de_abc"] is None
    assert [r["perimetre"] for r in tables["comparaison"]] == [
        "Le quartier", "Tous les QPV 2015 de la commune", "Tous les QPV 2015 de la région",
        "Tous les QPV 2015 de France", "Commune entière (recensement 2018)",
        "Région entière (recensement 2018)", "France entière (recensement 2018)"]
