"""Search: a code that is a postcode of some communes and the INSEE code of another lists them
all, each with why it matched; only an unambiguous code redirects; typos get suggestions."""

from __future__ import annotations

from collections import defaultdict

import duckdb
import pytest

from quartiers.cli import main
from quartiers.engine.warehouse import marts
from quartiers.engine.warehouse.store import Warehouse
from quartiers.web.core.warehouse import get_store

pytestmark = pytest.mark.django_db


def _ambiguous_codes(store) -> dict[str, set[str]]:
    """Every 5-digit code that is a postcode of some commune(s) and the INSEE code of another
    commune, with all the communes it may mean, on the real bundled data."""
    communes = store.query("SELECT code, postcodes FROM marts.territories "
                           "WHERE level = 'commune'")
    codes = {c["code"] for c in communes}
    by_postcode = defaultdict(set)
    for commune in communes:
        for postcode in (commune["postcodes"] or "").split(","):
            if postcode.strip():
                by_postcode[postcode.strip()].add(commune["code"])
    return {postcode: owners | {postcode} for postcode, owners in by_postcode.items()
            if postcode in codes and owners - {postcode}}


def test_every_postcode_that_is_another_communes_insee_code_lists_all_communes(client, store):
    ambiguous = _ambiguous_codes(store)
    assert {"44100", "13001", "13003", "69008"} <= set(ambiguous)
    assert len(ambiguous) > 1000  # 3 045 with the bundled data: really all of them
    wrong = []
    for code, communes in sorted(ambiguous.items()):
        response = client.get("/recherche/", {"q": code})
        if response.status_code != 200:
            wrong.append((code, f"HTTP {response.status_code} → {response.get('Location')}"))
            continue
        page = response.content.decode()
        missing = [c for c in communes if f"/territoires/commune/{c}/" not in page]
        if missing or f"code INSEE {code}" not in page or f"code postal {code}" not in page:
            wrong.append((code, missing))
    assert not wrong, f"{len(wrong)} codes mal servis, dont {wrong[:10]}"


def test_44100_is_nantes_by_postcode_and_monnieres_by_insee_code(client):
    response = client.get("/recherche/", {"q": "44100"})
    assert response.status_code == 200
    page = response.content.decode()
    nantes = page.index('href="/territoires/commune/44109/"')
    monnieres = page.index('href="/territoires/commune/44100/"')
    assert "Nantes" in page[nantes:monnieres] and "code postal 44100" in page[nantes:monnieres]
    assert "Monnières" in page[monnieres:] and "code INSEE 44100" in page[monnieres:]
    assert "peut désigner" in page and "Commune" in page
    assert client.get("/recherche/", {"q": "44 100"}).status_code == 200  # same with a space


@pytest.mark.parametrize(("query", "location"), [
    ("35238", "/territoires/commune/35238/"), ("qn03504m", "/territoires/qpv/QN03504M/"),
    ("243500139", "/territoires/epci/243500139/")])
def test_an_unambiguous_code_still_redirects(client, query, location):
    response = client.get("/recherche/", {"q": query})
    assert response.status_code == 302 and response["Location"] == location


@pytest.mark.parametrize(("query", "location"), [
    ("Renes", "/territoires/commune/35238/"), ("Sain Nazaire", "/territoires/commune/44184/")])
def test_a_typo_gets_suggestions(client, query, location):
    page = client.get("/recherche/", {"q": query}).content.decode()
    assert "Vouliez-vous dire" in page
    assert f'href="{location}"' in page[page.index("Vouliez-vous dire"):]


def test_the_cli_lists_every_meaning_and_fails_in_french_with_suggestions(capsys,
                                                                         warehouse_path):
    assert main(["--warehouse", str(warehouse_path), "cherche", "44100"]) == 0
    out = capsys.readouterr().out
    assert "44109" in out and "Nantes (code postal 44100)" in out
    assert "Monnières (code INSEE 44100)" in out
    assert main(["--warehouse", str(warehouse_path), "cherche", "Sain Nazaire"]) == 1
    captured = capsys.readouterr()
    output = captured.out + captured.err
    assert "aucun territoire ne correspond à « Sain Nazaire »" in output
    assert "peut-être : commune 44184 Saint-Nazaire" in output


@pytest.fixture
def with_arrondissements(tmp_path, settings):
    """A small warehouse holding arrondissements municipaux as marts.territories will: the
    search must list them without any change once the level exists."""
    path = tmp_path / "arrondissements.duckdb"
    con = duckdb.connect(str(path))
    con.execute("CREATE SCHEMA marts")
    con.execute("CREATE SCHEMA staging")
    con.execute("CREATE TABLE marts.contrats (code VARCHAR, name VARCHAR, signatory_level VARCHAR, "
                "signatory_code VARCHAR, signatory_name VARCHAR, epci VARCHAR)")
    con.execute("CREATE TABLE marts.territories (level VARCHAR, code VARCHAR, name VARCHAR, "
                "population DOUBLE, departement VARCHAR, postcodes VARCHAR)")
    con.executemany("INSERT INTO marts.territories VALUES (?, ?, ?, ?, '13', ?)", [
        ("commune", "13055", "Marseille", 886040,
         ",".join(f"130{n:02}" for n in range(1, 17))),
        ("commune", "13001", "Aix-en-Provence", 149695, "13080,13090,13100,13290,13540"),
        ("arrondissement", "13201", "Marseille 1er Arrondissement", 40919, "13001"),
        ("arrondissement", "13202", "Marseille 2e Arrondissement", 25779, "13002")])
    marts.build_search(con)
    con.execute("""CREATE TABLE marts.build_info AS
                   SELECT '{"built_at": "2026-11-30T08:00:00+00:00"}' AS info""")
    con.close()
    settings.QUARTIERS = settings.QUARTIERS.with_options(warehouse=path)
    get_store.cache_clear()
    yield Warehouse(path)
    get_store.cache_clear()


def test_arrondissements_are_listed_once_they_exist(client, with_arrondissements):
    found = {(r["level"], r["code"]): r["reason"] for r in with_arrondissements.search("13001")}
    assert found == {("commune", "13055"): "code postal 13001",
                     ("commune", "13001"): "code INSEE 13001",
                     ("arrondissement", "13201"): "code postal 13001"}
    response = client.get("/recherche/", {"q": "13001"})
    assert response.status_code == 200
    page = response.content.decode()
    assert 'href="/territoires/arrondissement/13201/"' in page and "Arrondissement" in page
    assert client.get("/recherche/", {"q": "13202"})["Location"] == (
        "/territoires/arrondissement/13202/")
