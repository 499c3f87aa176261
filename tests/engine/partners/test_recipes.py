"""The three first cases, computed on deposits then protected: the fixture files made for the
tests (lettings, C2S beneficiaries) and the ANCT's real posts files bundled in data/."""

from __future__ import annotations

import csv
import gzip
import io
from collections import defaultdict

import pytest

from quartiers.config import current
from quartiers.engine.partners.recipes import RECIPES, run
from quartiers.engine.partners.recipes.c2s import CEILING, share_below
from quartiers.engine.partners.recipes.model import HORS_QPV, SECRET
from quartiers.engine.secrecy.rules import Rules

from .conftest import C2S, fixture_text

POSTS_FILES = {"adultes-relais": "adultes_relais_2020_2023_reg52_53.csv.gz",
               "FONJEP": "postes_fonjep_2020_2023_reg52_53.csv.gz"}


def cells(result, **where) -> dict[tuple, dict]:
    return {(r["level"], r["code"], r["vintage"], r["measure"]): r for r in result.rows
            if all(r[k] == v for k, v in where.items())}


def direct_counts(agreement, sql: str) -> dict[tuple, int]:
    return {tuple(str(x) for x in row[:-1]): row[-1]
            for row in (tuple(r.values()) for r in agreement.rows(sql))}


def alone_hidden(result, relations: dict[tuple, list[tuple]]) -> list[tuple]:
    """Relations (total -> parts, by key) where exactly one member is hidden: a reader would get
    it back by difference."""
    rows = cells(result)
    found = []
    for total, parts in relations.items():
        members = [rows[k] for k in (total, *parts) if k in rows]
        if sum(m["status"] == SECRET for m in members) == 1:
            found.append(total)
    return found


def test_flux_counts_entries_and_exits_and_hides_small_cells(agreement):
    assert agreement.deposit(fixture_text()).accepted
    result = run(RECIPES["flux"], agreement.store, agreement.warehouse, Rules())
    assert result.ok and result.audit["ok"] and result.primary > 0
    entries = direct_counts(agreement, "SELECT commune, year(date_entree), count(*) FROM depot.rows "
                                       "GROUP BY ALL")
    exits = direct_counts(agreement, "SELECT commune, year(date_sortie), count(*) FROM depot.rows "
                                     "WHERE date_sortie IS NOT NULL GROUP BY ALL")
    rows = cells(result, level="commune")
    for flow, expected in (("entrees", entries), ("sorties", exits)):
        for (commune, year), n in expected.items():
            row = rows[("commune", commune, year, flow)]
            if row["status"] == SECRET:
                assert row["value"] is None and row["reason"]
            else:
                assert row["value"] == n
    for row in result.rows:  # every count below the threshold is hidden, with its reason
        if row["status"] == SECRET:
            assert row["value"] is None
        elif row["measure"] in ("entrees", "sorties") or "." in row["measure"]:
            assert row["value"] == 0 or row["value"] >= 11, row
    qpv = cells(result, level="qpv")
    assert qpv and all(r["status"] == SECRET for r in qpv.values() if r["measure"] == "entrees"
                       and r["vintage"] != result.vintage)  # 5 leases per QPV in the fixture
    assert cells(result, level=HORS_QPV)
    located = agreement.rows("SELECT DISTINCT qpv, commune FROM depot.rows WHERE qpv IS NOT NULL")
    relations = {}  # commune = its QPV + hors QPV, for every vintage and measure
    for _, commune, vintage, measure in cells(result, level="commune"):
        qpvs = [r["qpv"] for r in located if r["commune"] == commune]
        relations[("commune", commune, vintage, measure)] = [
            ("qpv", q, vintage, measure) for q in qpvs] + [(HORS_QPV, commune, vintage, measure)]
    assert relations and alone_hidden(result, relations) == []
    assert any(r["measure"].startswith("entrees.provenance") for r in result.rows)


def test_flux_of_a_single_year_counts_each_lease_once(agreement):
    """One year deposited: the period is that year, not a second count of the same leases."""
    header, *lines = fixture_text().splitlines()
    year = lines[0].split(";")[4][:4]
    kept = [";".join(f if i != 5 else "" for i, f in enumerate(line.split(";")))
            for line in lines if line.split(";")[4].startswith(year)]
    assert agreement.deposit("\n".join([header, *kept]) + "\n").accepted
    result = run(RECIPES["flux"], agreement.store, agreement.warehouse, Rules(threshold=1))
    assert result.ok and result.vintage == year
    entries = [r for r in result.rows if r["level"] == "epci" and r["measure"] == "entrees"]
    assert sum(r["value"] for r in entries) == len(kept)


def test_c2s_counts_coverage_and_insee_beside(agreement):
    assert agreement.deposit(fixture_text(C2S), C2S, "beneficiaires_c2s").accepted
    loose = run(RECIPES["c2s"], agreement.store, agreement.warehouse, Rules(threshold=3))
    assert loose.ok
    expected = direct_counts(agreement, "SELECT qpv, annee, count(DISTINCT beneficiaire) FROM "
                                        "depot.rows WHERE qpv IS NOT NULL GROUP BY ALL")
    qpv = cells(loose, level="qpv")
    for (code, year), n in expected.items():
        assert qpv[("qpv", code, year, "beneficiaires")]["value"] == n
        eligible = qpv[("qpv", code, year, "eligibles_estimes")]
        assert eligible["status"] == "public" and eligible["value"] > 0
        assert "QPV 2015" in eligible["reason"]
        coverage = qpv[("qpv", code, year, "taux_couverture")]["value"]
        assert coverage == round(100 * n / eligible["value"], 1) or abs(
            coverage - 100 * n / eligible["value"]) < 0.2
    insee = [r for r in loose.rows if r["measure"] == "insee_beneficiaires_c2s"]
    assert insee and all(r["status"] == "public" and "REVN" in r["reason"] for r in insee)

    strict = run(RECIPES["c2s"], agreement.store, agreement.warehouse, Rules())
    assert strict.ok
    for (code, year), _ in expected.items():  # 3 beneficiaries per QPV: hidden, and their rate
        rows = cells(strict, level="qpv", code=code, vintage=year)
        assert rows[("qpv", code, year, "beneficiaires")]["status"] == SECRET
        assert rows[("qpv", code, year, "taux_couverture")]["value"] is None


def test_share_below_the_ceiling_is_interpolated_between_deciles():
    deciles = [1000.0 * k for k in range(1, 10)]
    assert share_below(4500, deciles) == pytest.approx(0.45)
    assert share_below(500, deciles) == pytest.approx(0.05)
    assert share_below(20000, deciles) == 0.95
    assert share_below(CEILING, [None] * 9) is None


def posts_deposited(agreement):
    data = current().data_dir / "politique_ville"
    for scheme, name in POSTS_FILES.items():
        report = agreement.deposit(gzip.decompress((data / name).read_bytes()), name[:-3],
                                   "postes_subventionnes", fixed={"dispositif": scheme})
        assert report.accepted, report.errors
    return run(RECIPES["postes"], agreement.store, agreement.warehouse, Rules())


def real_posts() -> dict[tuple, dict[str, float]]:
    """(contrat de ville, year) -> employer -> amount, read straight from the bundled files."""
    amounts: dict[tuple, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    for name in POSTS_FILES.values():
        text = gzip.decompress((current().data_dir / "politique_ville" / name).read_bytes())
        for row in csv.DictReader(io.StringIO(text.decode("utf-8"))):
            if row["code_cv"]:
                amounts[(row["code_cv"], row["annee"])][row["code_tiers"]] += float(row["montant"])
    return amounts


def test_posts_on_the_real_anct_files_hide_dominated_contracts(agreement):
    result = posts_deposited(agreement)
    assert result.ok and result.audit["ok"]
    rows = cells(result, level="contrat_de_ville")
    dominated = 0
    for (cv, year), employers in real_posts().items():
        total = sum(employers.values())
        row = rows[("contrat_de_ville", cv, year, "montant")]
        if max(employers.values()) > 0.85 * total:
            dominated += 1
            assert row["status"] == SECRET and "dominance" in row["reason"], (cv, year)
            assert rows[("contrat_de_ville", cv, year, "postes")]["value"] is None
        elif row["status"] != SECRET:
            assert row["value"] == pytest.approx(total)
    assert dominated > 10
    relations = defaultdict(list)  # département = its contracts + posts outside any contract
    for level, code, year, measure in cells(result):
        if level in ("contrat_de_ville", "departement_hors_contrat"):
            dep = code if level != "contrat_de_ville" else next(
                r["insee_dep"] for r in agreement.rows(
                    f"SELECT DISTINCT insee_dep FROM depot.rows WHERE code_cv = '{code}'"))
            relations[("departement", dep, year, measure)].append((level, code, year, measure))
    assert alone_hidden(result, relations) == []
    regions = cells(result, level="region", measure="montant")
    assert {code for _, code, _, _ in regions} == {"52", "53"}
