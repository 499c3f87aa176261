"""The analyses in the open API: list, method, results (filtered, paginated) and map layer,
each answer checked against the OpenAPI document; errors in French with suggestions."""

from __future__ import annotations

import pytest

from ..test_api import check_answer, document  # noqa: F401 - the OpenAPI document fixture

pytestmark = pytest.mark.django_db


def test_analyses_are_in_the_openapi_document(document):  # noqa: F811
    paths = document["paths"]
    for path in ("/api/v1/analyses", "/api/v1/analyses/{analyse}",
                 "/api/v1/analyses/{analyse}/resultats",
                 "/api/v1/analyses/{analyse}/couche.geojson"):
        assert {"200", "400", "404"} <= set(paths[path]["get"]["responses"])
    names = {p["name"] for p in paths["/api/v1/analyses/{analyse}/resultats"]["get"]["parameters"]}
    assert {"analyse", "niveau", "dans", "facette", "page", "taille"} <= names
    assert {"Analyse", "ListeAnalyses", "PageResultatsAnalyse", "ResultatAnalyse",
            "CoucheAnalyse"} <= set(document["components"]["schemas"])


def test_every_analysis_answers_as_declared(client, document, registered, store):  # noqa: F811
    listed = check_answer(client, document, "/api/v1/analyses")
    assert {a["code"] for a in listed["resultats"]} >= {a.code for a in registered}
    for analysis in registered:
        base = f"/api/v1/analyses/{analysis.code}"
        method = check_answer(client, document, base)
        assert [c["code"] for c in method["composantes"]] == [c.code for c in analysis.components]
        assert method["sources"] and all(s["licence"] for s in method["sources"])
        page = check_answer(client, document, base + "/resultats", {"taille": 3})
        count = store.query("SELECT count(DISTINCT (level, code, facet)) AS n FROM "
                            "marts.analysis_results WHERE analysis = ?", [analysis.code])[0]["n"]
        assert page["total"] == count and len(page["resultats"]) == min(3, count)
        entry = page["resultats"][0]
        assert entry["composantes"] and all(c["sources"] for c in entry["composantes"].values())
        if analysis.map_component:
            check_answer(client, document, base + "/couche.geojson")


def test_results_within_a_territory(client, document, sample, store):  # noqa: F811
    analysis, level, code = sample
    commune = store.territory(level, code)["commune"] if level != "commune" else code
    body = check_answer(client, document, f"/api/v1/analyses/{analysis.code}/resultats",
                        {"niveau": level, "dans": f"commune:{commune}", "taille": 1000})
    assert code in {r["code"] for r in body["resultats"]}
    assert all(r["niveau"] == level for r in body["resultats"])
    expected = store.query("SELECT facet, component, value, status FROM marts.analysis_results "
                           "WHERE analysis = ? AND level = ? AND code = ?",
                           [analysis.code, level, code])
    found = {r["facette"]: r["composantes"] for r in body["resultats"] if r["code"] == code}
    assert len(expected) == sum(len(components) for components in found.values())
    for row in expected:
        assert found[row["facet"]][row["component"]]["valeur"] == row["value"]
        assert found[row["facet"]][row["component"]]["statut"] == row["status"]


@pytest.mark.parametrize(("path", "params", "status", "needle"), [
    ("/api/v1/analyses/chaleurs", {}, 404, "analyse inconnue"),
    ("/api/v1/analyses/{a}/resultats", {"niveau": "canton"}, 400, "niveaux possibles"),
    ("/api/v1/analyses/{a}/resultats", {"dans": "35238"}, 400, "niveau:code"),
    ("/api/v1/analyses/{a}/resultats", {"dans": "canton:1"}, 400, "niveaux possibles"),
    ("/api/v1/analyses/{a}/resultats", {"dans": "commune:3523"}, 404, "aucun territoire"),
    ("/api/v1/analyses/{a}/resultats", {"taille": "0"}, 400, "taille"),
    ("/api/v1/analyses/{a}/couche.geojson", {"composante": "x"}, 400, "composantes"),
])
def test_bad_input_is_explained(client, document, registered, path, params, status,  # noqa: F811
                                needle):
    body = check_answer(client, document, path.format(a=registered[0].code), params, status)
    assert needle in body["erreur"]
    if status == 404 and "analyse" in path:
        assert body["suggestions"]
