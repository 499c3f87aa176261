"""Pages in French: home, search, profiles of every level, downloads, indicators, data."""

from __future__ import annotations

import csv
import html
import io
import json
import re

import pytest
from openpyxl import load_workbook

from quartiers.engine.indicators.catalogue import INDICATORS
from quartiers.web.core.warehouse import get_store

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
    settings.QUARTIERS = settings.QUARTIERS.with_options(warehouse=tmp_path / "absent.duckdb")
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


@pytest.mark.parametrize("url", ["/territoires/qpv/QN03504M/", "/territoires/commune/35238/",
                                 "/donnees/", "/indicateurs/", "/indicateurs/taux_pauvrete/"])
def test_notes_are_not_hidden_in_hover_titles(client, url):
    """Notes must reach keyboard and touch users: no ``title`` attribute, no « Survolez une
    valeur » (the maps, declared not accessible, keep their hover)."""
    page = client.get(url).content.decode()
    assert " title=" not in page
    assert "Survolez une valeur" not in page


def test_comparison_names_its_sources_and_keeps_notes_in_the_row(client):
    page = client.get("/territoires/qpv/QN03504M/").content.decode()
    assert 'id="legende-incomplet"' in page and 'href="#legende-incomplet"' in page
    # sources in words, linked to their entry on /donnees/, not internal ids
    assert '<a href="/donnees/#source-qpv2024_indicateurs">ANCT / INSEE (compilation SIG Ville) ' \
        "— Chiffres clés des QPV 2024" in page
    assert "<summary>qpv2024_indicateurs</summary>" not in page
    # the method of each reference's value, when it differs, in the row's disclosure
    assert "<li>Rennes Métropole : population légale 2023 · somme des communes</li>" in page
    # blanks say why in words to screen readers
    assert '<span class="sr">non disponible à ce niveau</span>' in page
    data = client.get("/donnees/").content.decode()
    for anchor in ("source-qpv2024_indicateurs", "source-qpv2015_demo:2017", "source-qpv2015_demo"):
        assert f'id="{anchor}"' in data


def test_counts_and_dates_in_french(client, store):
    data = client.get("/donnees/").content.decode()
    values = store.build_info()["territories"]["valeurs"]
    assert f"{values:,}".replace(",", "\u202f") + " valeurs" in data
    assert "Commune : 34\u202f969" in data
    assert store.build_info()["built_at"] not in data
    assert re.search(r"<strong>\d{1,2} (janvier|février|mars|avril|mai|juin|juillet|août|septembre"
                     r"|octobre|novembre|décembre) \d{4} à \d{2} h \d{2}</strong>", data)


@pytest.mark.parametrize(("level", "code", "reason"), [
    ("qpv", "QN98701M", "collectivité d'outre-mer"),  # Polynésie française: no source covers it
    ("departement", "984", "Terres australes et antarctiques françaises : territoire d'outre-mer "
                           "sans population permanente.")])  # TAAF
def test_territory_without_figures_says_so(client, level, code, reason):
    page = client.get(f"/territoires/{level}/{code}/").content.decode()
    assert "Aucun chiffre n'est publié pour ce territoire dans les sources de l'observatoire" \
        in page
    assert html.unescape(page).count(reason) >= 1
    assert 'class="comparison"' not in page and "key-figures" not in page


def test_territory_with_figures_does_not_say_it_has_none(client):
    page = client.get("/territoires/qpv/QN03504M/").content.decode()
    assert "Aucun chiffre" not in page and 'class="comparison"' in page


def test_accessibility_statement(client):
    """The statement is a page of the content system, loaded by `quartiers init`."""
    from quartiers.web.site.services import load_bundled

    load_bundled()
    page = client.get("/accessibilite/").content.decode()
    assert "Déclaration d'accessibilité" in html.unescape(page)
    for words in ("RGAA", "non conforme", "axe-core", "375 px", "Défenseur des droits",
                  "cartes", "Technologies utilisées"):
        assert words in page, words
    home = client.get("/donnees/").content.decode()
    assert 'href="/accessibilite/"' in home and 'href="#contenu"' in home
    assert '<main id="contenu"' in home and '<html lang="fr">' in home


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
    assert admin_client.get("/django-admin/").status_code == 200  # users and sessions stored


def test_home_lists_overseas_collectivities_apart_from_regions(client):
    page = client.get("/").content.decode()
    regions, collectivities = page.split("Collectivités d'outre-mer</h2>", 1)
    assert "/territoires/region/53/" in regions and "/territoires/region/987/" not in page
    assert "/territoires/departement/987/" in collectivities
    assert "Terres australes" not in collectivities and "Clipperton" not in collectivities


def test_profiles_link_the_wide_tables_of_their_territories(client):
    page = client.get("/territoires/epci/243500139/").content.decode()
    section = page.split('id="wide-tables"', 1)[1].split("</p>", 1)[0]
    assert "Quartiers prioritaires (5)" in section and "Communes (43)" in section
    for fmt in ("csv", "xlsx", "parquet"):
        assert f'href="/territoires/epci/243500139/tableau-commune.{fmt}"' in section
    rows = client.get("/territoires/epci/243500139/tableau-qpv.csv").content.decode("utf-8-sig")
    assert len([line for line in rows.splitlines() if line.startswith("QN035")]) == 5
    france = client.get("/territoires/france/FR/").content.decode()
    france = france.split('id="wide-tables"', 1)[1].split("</p>", 1)[0]
    assert "tableau-commune.csv" in france and "tableau-commune.xlsx" not in france  # too big
    assert 'id="wide-tables"' not in client.get("/territoires/qpv/QN03504M/").content.decode()


def test_series_charts_are_images_loaded_apart(client):
    page = client.get("/territoires/qpv/QN03504M/").content.decode()
    series = page.split('id="series"', 1)[1]
    charts = re.findall(r'<img src="(/territoires/qpv/QN03504M/series/[a-z0-9_]+\.svg)" alt="Évolution : ',
                        series)
    assert len(charts) >= 5 and 'loading="lazy"' in series
    chart = client.get(charts[0])
    assert chart["Content-Type"] == "image/svg+xml" and "ETag" in chart
    assert chart.content.startswith(b'<svg xmlns="http://www.w3.org/2000/svg"')
    assert client.get("/territoires/qpv/QN03504M/series/inconnu.svg").status_code == 404
