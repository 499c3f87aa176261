"""Pages in French: home, search, profiles of every level, downloads, indicators, data."""

from __future__ import annotations

import csv
import io
import json

import pytest
from openpyxl import load_workbook

from quartiers.engine.indicators.catalogue import INDICATORS
from quartiers.web.territories.warehouse import get_store

pytestmark = pytest.mark.django_db

PROFILES = [("qpv", "QN03504M", "Maurepas"), ("commune", "35238", "Rennes"),
            ("epci", "243500139", "Rennes Métropole"), ("departement", "35", "Ille-et-Vilaine"),
            ("region", "53", "Bretagne"), ("france", "FR", "France"),
            ("qpv2015", "QP035005", "Le Blosne")]


def test_home_has_search_and_map(client):
    page = client.get("/").content.decode()
    assert 'name="q"' in page
    assert 'id="map"' in page and "/static/vendor/maplibre-gl/maplibre-gl.js" in page
    assert "Bretagne" in page


@pytest.mark.parametrize(("query", "level", "code"), [
    ("maurepas", "qpv", "QN03504M"), ("MAURÉPAS", "qpv", "QN03504M"),
    ("saint nazaire", "commune", "44184"), ("44600", "commune", "44184"),
    ("rennes metropole", "epci", "243500139")])
def test_search_finds_names_codes_and_postcodes(client, query, level, code):
    page = client.get("/recherche/", {"q": query}).content.decode()
    assert f"/territoires/{level}/{code}/" in page


def test_search_by_exact_code_goes_to_the_profile(client):
    response = client.get("/recherche/", {"q": "qn03504m"})
    assert response.status_code == 302
    assert response["Location"] == "/territoires/qpv/QN03504M/"
    epci = client.get("/recherche/", {"q": "243500139"})  # also a contrat de ville's EPCI
    assert epci["Location"] == "/territoires/epci/243500139/"


@pytest.mark.parametrize(("level", "code", "name"), PROFILES)
def test_profile_of_every_level(client, level, code, name):
    response = client.get(f"/territoires/{level}/{code}/")
    assert response.status_code == 200
    page = response.content.decode()
    assert name in page
    assert "Population municipale" in page
    assert "fiche.pdf" in page and "chiffres.xlsx" in page
    assert "Ensemble des QPV" in page  # pooled references


def test_qpv_profile_shows_its_doubts_and_references(client):
    page = client.get("/territoires/qpv/QN03504M/").content.decode()
    assert "SIMPLIFIÉS" in page  # perimeters
    assert "millésime non indiqué" in page  # compiled QPV 2024 figures
    for reference in ("Rennes", "Rennes Métropole", "Ille-et-Vilaine", "Bretagne", "France"):
        assert reference in page


def test_commune_profile_lists_its_qpv(client):
    page = client.get("/territoires/commune/35238/").content.decode()
    for name in ("Maurepas", "Le Blosne", "Villejean", "Cleunay"):
        assert name in page
    assert 'id="qpv-table"' in page


def test_shared_store_answers_are_not_altered_by_a_pdf(client):
    """The store keeps answers per territory for every caller: the PDF's QPV list, sorted by
    population, must not reorder the page's list, sorted by name."""
    def qpv_table(url: str) -> str:
        page = client.get(url).content.decode()
        start = page.index('id="qpv-table"')
        return page[start:page.index("</table>", start)]

    before = qpv_table("/territoires/commune/35238/")
    assert client.get("/territoires/commune/35238/fiche.pdf").status_code == 200
    assert qpv_table("/territoires/commune/35238/") == before


def test_unknown_territory_is_a_helpful_404(client):
    response = client.get("/territoires/qpv/QN03504X/")
    assert response.status_code == 404
    page = response.content.decode()
    assert "Vouliez-vous dire" in page and "QN03504M" in page
    assert client.get("/territoires/canton/35/").status_code == 404
    assert client.get("/nulle-part/").status_code == 404
    for url in ("/territoires/qpv/QN03504X/fiche.pdf", "/territoires/qpv/QN03504X/chiffres.csv"):
        response = client.get(url)
        assert response.status_code == 404 and "QN03504M" in response.content.decode()


def test_without_a_warehouse_pages_say_what_to_run(client, settings, tmp_path):
    settings.QUARTIERS_WAREHOUSE = tmp_path / "absent.duckdb"
    get_store.cache_clear()
    for url in ("/", "/territoires/commune/35238/", "/indicateurs/taux_pauvrete/"):
        response = client.get(url)
        assert response.status_code == 503 and "quartiers build" in response.content.decode()


def test_downloads_csv_xlsx_json(client):
    base = "/territoires/commune/35238/chiffres"
    text = client.get(f"{base}.csv").content.decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.DictReader(io.StringIO(text[1:]), delimiter=";"))
    population = [r for r in rows if r["indicateur"] == "population" and
                  r["reference_code"] == "35238"]
    assert population and population[0]["valeur"]
    assert population[0]["source"] == "populations_legales_2023_com"
    book = load_workbook(io.BytesIO(client.get(f"{base}.xlsx").content))
    assert book.sheetnames == ["Chiffres", "Sources"]
    assert book["Chiffres"].max_row == len(rows) + 1
    data = json.loads(client.get(f"{base}.json").content)
    assert len(data["chiffres"]) == len(rows)


def test_pdf_download(client):
    response = client.get("/territoires/qpv/QN03504M/fiche.pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")


def test_indicator_pages(client):
    assert client.get("/indicateurs/").status_code == 200
    for indicator in INDICATORS:
        response = client.get(f"/indicateurs/{indicator.code}/")
        assert response.status_code == 200, indicator.code
    page = client.get("/indicateurs/taux_pauvrete/").content.decode()
    assert "Distribution entre" in page and "<svg" in page
    missing = client.get("/indicateurs/taux_pauvreté/")
    assert missing.status_code == 404 and 'href="/indicateurs/taux_pauvrete/"' in \
        missing.content.decode()


def test_data_page_lists_sources_licences_and_doubts(client):
    page = client.get("/donnees/").content.decode()
    assert "Licence Ouverte" in page
    assert "SIMPLIFIÉS" in page
    assert "Dernière construction" in page
    assert "qpv2024/perimetres.parquet" in page


def test_a_random_sample_of_profiles_renders(client, store):
    """Every level, odd cases included (overseas, no geometry, intercommunal QPV)."""
    import random

    rows = store.query("SELECT level, code FROM marts.territories ORDER BY level, code")
    sample = [
        *random.Random(7).sample(rows, 80),
        {"level": "qpv", "code": "QN09105I"},  # no usable perimeter
        {"level": "qpv", "code": "QN00201M"},  # two communes
        {"level": "qpv", "code": "QN05930M"},  # two EPCI
        {"level": "commune", "code": "49126"},  # no contour
    ]
    for row in sample:
        response = client.get(f"/territoires/{row['level']}/{row['code']}/")
        assert response.status_code == 200, row


def test_django_database_is_the_configured_one(admin_client):
    """The Django suite runs on SQLite and, under `make test`, again on PostgreSQL."""
    import os

    from django.db import connection

    expected = "postgresql" if os.environ.get("DATABASE_URL", "").startswith("postgres") \
        else "sqlite"
    assert connection.vendor == expected
    assert admin_client.get("/admin/").status_code == 200  # users and sessions stored
