"""The analyses' pages: list, one analysis (filters, pagination, CSV), one territory and its
PDF note, the block on the profiles; errors in French."""

from __future__ import annotations

import csv
import io

import pytest
from pypdf import PdfReader

pytestmark = pytest.mark.django_db


def text(response) -> str:
    assert response.status_code == 200, response.content[:500]
    return response.content.decode()


def test_list_names_every_analysis(client, registered):
    html = text(client.get("/analyses/"))
    for analysis in registered:
        assert f'href="/analyses/{analysis.code}/"' in html
        assert analysis.title in html.replace("&#x27;", "'")
    assert 'aria-current="page">Analyses</a>' in html


def test_analysis_page_shows_method_components_sources_and_results(client, registered, store):
    for analysis in registered:
        html = text(client.get(f"/analyses/{analysis.code}/")).replace("&#x27;", "'")
        assert analysis.method[0] in html and analysis.limits[0] in html
        for component in analysis.components:
            assert component.label in html and component.description in html
        keys = [s.key for s in analysis.sources] + list(analysis.related_sources)
        licences = {s["licence"] for s in store.sources() if s["key"] in keys}
        assert licences and all(licence in html for licence in licences)
        assert 'id="resultats-count"' in html and "results-table" in html
        if analysis.map_component:
            assert 'id="analysis-map"' in html
            assert f"/api/v1/analyses/{analysis.code}/couche.geojson" in html


def test_results_are_filtered_and_paginated(client, sample, store):
    analysis, level, code = sample
    parent = store.query("SELECT parent_level, parent_code FROM marts.territory_links "
                         "WHERE level = ? AND code = ? AND parent_level = 'departement'",
                         [level, code])[0]
    within = f"{parent['parent_level']}:{parent['parent_code']}"
    html = text(client.get(f"/analyses/{analysis.code}/", {"dans": within, "niveau": level}))
    assert f"/analyses/{analysis.code}/{level}/{code}/" in html
    everything = text(client.get(f"/analyses/{analysis.code}/"))
    count = store.query("SELECT count(DISTINCT (level, code, facet)) AS n FROM "
                        "marts.analysis_results WHERE analysis = ?", [analysis.code])[0]["n"]
    assert f"{count:,}".replace(",", "\u202f") in everything
    if count > 50:
        assert 'rel="next"' in everything
        assert 'rel="prev"' in text(client.get(f"/analyses/{analysis.code}/", {"page": 2}))


@pytest.mark.parametrize(("params", "needle"), [
    ({"niveau": "canton"}, "niveaux possibles"),
    ({"dans": "35238"}, "s'écrit niveau:code"),
    ({"dans": "commune:99999"}, "aucun territoire"),
    ({"facette": "inconnue"}, "facette"),
    ({"page": "deux"}, "page"),
])
def test_bad_filters_are_said_in_french(client, registered, params, needle):
    response = client.get(f"/analyses/{registered[0].code}/", params)
    assert response.status_code == 400
    assert needle in response.content.decode().replace("&#x27;", "'")


def test_csv_has_every_component_with_its_sources(client, sample, store):
    analysis, level, code = sample
    response = client.get(f"/analyses/{analysis.code}/resultats.csv",
                          {"niveau": level, "dans": f"{level}:{code}"})
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    body = b"".join(response.streaming_content).decode()
    assert body.startswith("\ufeffanalyse;niveau;code;")  # a BOM for French spreadsheets
    rows = list(csv.DictReader(io.StringIO(body[1:]), delimiter=";"))
    expected = store.query("SELECT count(*) AS n FROM marts.analysis_results WHERE analysis = ? "
                           "AND level = ? AND code = ?", [analysis.code, level, code])[0]["n"]
    assert len(rows) == expected and {r["code"] for r in rows} == {code}
    assert all(r["sources"] and r["statut_libelle"] and r["libelle"] for r in rows)
    keys = {k for r in rows for k in r["sources"].split(" ; ")}
    assert keys <= {s.key for s in analysis.sources} | set(analysis.related_sources)


def test_territory_page_and_its_note(client, sample):
    analysis, level, code = sample
    html = text(client.get(f"/analyses/{analysis.code}/{level}/{code}/"))
    assert f'href="/analyses/{analysis.code}/{level}/{code}/note.pdf"' in html
    for component in analysis.components[:3]:
        assert component.label in html.replace("&#x27;", "'")
    response = client.get(f"/analyses/{analysis.code}/{level}/{code}/note.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    pdf = PdfReader(io.BytesIO(response.content))
    words = " ".join(page.extract_text() for page in pdf.pages)
    assert analysis.title in words and "Sources et licences" in words
    assert pdf.trailer["/Root"]["/MarkInfo"]["/Marked"]  # tagged


@pytest.mark.parametrize("url", [
    "/analyses/inconnue/", "/analyses/inconnue/qpv/QN03504M/", "/analyses/{a}/canton/1/",
    "/analyses/{a}/qpv/QN00000X/", "/analyses/{a}/qpv/QN00000X/note.pdf",
])
def test_unknown_things_are_404_in_french(client, registered, url):
    response = client.get(url.format(a=registered[0].code))
    assert response.status_code == 404
    assert "inconnu" in response.content.decode() or "aucun" in response.content.decode()


def test_profile_lists_the_analyses_of_the_territory(client, sample):
    analysis, level, code = sample
    html = text(client.get(f"/territoires/{level}/{code}/"))
    assert 'id="analyses"' in html
    assert f'href="/analyses/{analysis.code}/{level}/{code}/"' in html


def test_an_epci_page_lists_its_qpv_for_an_analysis_by_qpv(client, store):
    """« note pour un QPV, une commune, un EPCI »: heat by QPV, asked for Nantes Métropole."""
    html = text(client.get("/analyses/chaleur/epci/244400404/"))
    inside = store.query("SELECT DISTINCT r.code FROM marts.analysis_results r JOIN "
                         "marts.territory_links l ON l.level = r.level AND l.code = r.code "
                         "WHERE r.analysis = 'chaleur' AND l.parent_level = 'epci' "
                         "AND l.parent_code = '244400404'")
    assert len(inside) > 10
    for row in inside:
        assert f'href="/analyses/chaleur/qpv/{row["code"]}/"' in html
    assert "results-table" in html and "<svg" in html  # one row each, and the map


def test_a_commune_page_folds_older_facets_and_links_its_qpv(client, store):
    """Brest: the latest election open, the others folded; its QPV's results one click away."""
    html = text(client.get("/analyses/participation/commune/29019/"))
    assert html.count('<details class="facet" open>') >= 1
    assert html.count('<details class="facet">') >= 3
    assert "/analyses/participation/?niveau=qpv&amp;dans=commune%3A29019#resultats" in html
    value = store.query("SELECT value FROM marts.analysis_results WHERE analysis = "
                        "'participation' AND level = 'commune' AND code = '29019' "
                        "AND component = 'participation_qpv' AND facet = 'leg2024-t1'")[0]["value"]
    assert f"{value:.1f}".replace(".", ",") + "\u00a0%" in html
