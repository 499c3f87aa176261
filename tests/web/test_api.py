"""The open API: every declared endpoint answers, pagination, errors that help."""

from __future__ import annotations

import json

import pytest
from django.core.cache import cache

from quartiers.web.api.openapi import schema

pytestmark = pytest.mark.django_db

SAMPLES = {"level": "commune", "code": "35238", "indicator_code": "taux_pauvrete"}


def get(client, url, **params):
    """GET that must succeed; JSON and GeoJSON bodies decoded."""
    response = client.get(url, params)
    assert response.status_code == 200, (url, response.content[:300])
    if response["Content-Type"].startswith(("application/json", "application/geo+json")):
        return json.loads(response.content)
    return response.content


def test_openapi_document_covers_every_endpoint(client):
    document = json.loads(client.get("/api/v1/openapi.json").content)
    assert document["openapi"].startswith("3.1")
    assert len(document["paths"]) >= 12
    for path, item in document["paths"].items():
        url = path.format(**SAMPLES)
        params = {"q": "rennes"} if "recherche" in url else {}
        if "localiser" in url:
            params.update(lon="-1.6588", lat="48.1258")
        if url.endswith("/commune.geojson"):
            params["dans"] = "departement:35"
        get(client, url, **params)
        assert {"200", "400", "404"} <= set(item["get"]["responses"])
    assert schema() == document


def test_territories_paginated_and_filtered(client):
    body = get(client, "/api/v1/territoires", niveau="qpv", dans="region:53", taille=10)
    assert body["total"] == 31 and body["pages"] == 4 and len(body["resultats"]) == 10
    last = get(client, "/api/v1/territoires", niveau="qpv", dans="region:53", taille=10,
                       page=4)
    assert len(last["resultats"]) == 1
    body = get(client, "/api/v1/territoires", niveau="qpv", dans="region:52", taille=100)
    assert body["total"] == 48


def test_territory_with_hierarchy(client):
    body = get(client, "/api/v1/territoires/qpv/QN03504M")
    assert body["nom"] == "Maurepas"
    levels = {p["niveau"] for p in body["parents"]}
    assert levels == {"commune", "epci", "departement", "region", "france"}
    assert any(r["niveau"] == "qpv_region" for r in body["references"])
    epci = get(client, "/api/v1/territoires/epci/243500139")
    assert epci["contrats_de_ville"][0]["code"] == "CV116"
    assert len(epci["qpv"]) == 5  # La Découverte is in Saint-Malo


def test_values_and_comparison_carry_lineage(client):
    body = get(client, "/api/v1/territoires/qpv/QN03504M/valeurs",
                       indicateur="population")
    value = body["valeurs"][0]
    assert value["valeur"] > 0 and value["source"] == "qpv2024_indicateurs"
    assert value["millesime"] and value["methode"] and value["statut"] == "ok"
    comparison = get(client, "/api/v1/territoires/qpv/QN03504M/comparaison")
    assert comparison["lignes"] and len(comparison["references"]) >= 6


def test_geojson_perimeter_and_national_layer(client):
    feature = get(client, "/api/v1/territoires/qpv/QN03504M/perimetre.geojson")
    assert feature["geometry"]["type"] in ("Polygon", "MultiPolygon")
    assert "simplifié" in feature["properties"]["precision"]
    layer = get(client, "/api/v1/couches/qpv.geojson", indicateur="taux_pauvrete")
    assert len(layer["features"]) == 1606  # 3 QPV have no usable perimeter in the source


def test_indicator_values_paginated(client):
    body = get(client, "/api/v1/indicateurs/population/valeurs", niveau="qpv_region",
                       taille=5)
    assert body["total"] > 10 and len(body["resultats"]) == 5


@pytest.mark.parametrize(("url", "params", "status", "needle"), [
    ("/api/v1/territoires", {"niveau": "canton"}, 400, "niveaux possibles"),
    ("/api/v1/territoires", {"page": "deux"}, 400, "entiers"),
    ("/api/v1/territoires", {"taille": "5000"}, 400, "taille"),
    ("/api/v1/territoires", {"page": "99999999999999999999"}, 400, "page"),
    ("/api/v1/territoires/qpv/QN03504X", {}, 404, "QN03504M"),
    ("/api/v1/territoires/commune/35999", {}, 404, "suggestions"),
    ("/api/v1/indicateurs/taux_pauvrte", {}, 404, "taux_pauvrete"),
    ("/api/v1/recherche", {}, 400, "requis"),
    ("/api/v1/couches/commune.geojson", {}, 400, "dans"),
    ("/api/v1/territoires/qpv/QN03504M/valeurs", {"indicateur": "x"}, 404, "indicateur inconnu"),
])
def test_errors_are_json_and_helpful(client, url, params, status, needle):
    response = client.get(url, params)
    assert response.status_code == status
    body = json.loads(response.content)
    assert body["statut"] == status
    assert needle in json.dumps(body, ensure_ascii=False)


def test_qpv_of_a_territory_pooled_against_region_and_france(client):
    body = get(client, "/api/v1/territoires/commune/35238/comparaison-qpv")
    assert [r["niveau"] for r in body["references"]] == ["qpv_commune", "qpv_region", "qpv_france"]
    poverty = next(row for row in body["lignes"] if row["indicateur"] == "taux_pauvrete")
    own = poverty["valeurs"][0]
    assert own["unites"] == 5 and "approximation" in own["methode"]
    population = next(row for row in body["lignes"] if row["indicateur"] == "population")
    assert population["valeurs"][0]["methode"] == "somme des QPV"
    assert client.get("/api/v1/territoires/qpv/QN03504M/comparaison-qpv").status_code == 400


def test_locate_one_point(client):
    body = get(client, "/api/v1/localiser", lon="-1.6588", lat="48.1258")
    assert body["dans_qpv"] and body["qpv"]["code"] == "QN03504M"
    assert body["distance_limite_m"] < 0 and "±50 m" in body["perimetres"]
    outside = get(client, "/api/v1/localiser", lon="-1.6500", lat="48.1300", rayon="2000")
    assert not outside["dans_qpv"] and outside["qpv_proche"]["code"]
    l93 = get(client, "/api/v1/localiser", lon="352104.5", lat="6791264.3", crs="2154")
    assert l93["statut"] in ("ok", "à vérifier")


def test_locate_an_address(client, settings, address_server):
    settings.QUARTIERS_GEOCODEUR = address_server
    body = get(client, "/api/v1/localiser", adresse="11 rue du Bourbonnais 35016 Rennes")
    assert body["dans_qpv"] and body["qpv"]["code"] == "QN03502M"  # Collège Rosa Parks, Villejean
    assert body["geocodage"]["type"] == "housenumber" and body["geocodage"]["service"] == address_server
    assert body["geocodage"]["libelle"] == "11 rue du Bourbonnais 35016 Rennes"
    street = get(client, "/api/v1/localiser", adresse="rue des Ecoles 35190 Cardroc")
    assert street["statut"] == "à vérifier" and street["motif"] == "adresse localisée à la voie"
    unknown = get(client, "/api/v1/localiser", adresse="1 impasse qui n'existe pas 99999")
    assert unknown["statut"] == "erreur" and unknown["erreur"] == "adresse introuvable"
    assert "qpv" not in unknown and "dans_qpv" not in unknown


def test_addresses_per_minute_are_limited(client, settings, address_server):
    settings.QUARTIERS_GEOCODEUR = address_server
    settings.QUARTIERS_GEOCODAGE_PAR_MINUTE = 2
    cache.clear()
    for _ in range(2):
        get(client, "/api/v1/localiser", adresse="18 rue Théodore Botrel 35171 Bruz")
    response = client.get("/api/v1/localiser", {"adresse": "18 rue Théodore Botrel 35171 Bruz"})
    assert response.status_code == 429 and "par minute" in json.loads(response.content)["erreur"]
    cache.clear()


def test_locate_an_address_without_geocoder(client, settings):
    settings.QUARTIERS_GEOCODEUR = "http://127.0.0.1:9/search/csv/"
    response = client.get("/api/v1/localiser", {"adresse": "1 rue de Brest Rennes"})
    assert response.status_code == 502 and "injoignable" in json.loads(response.content)["erreur"]
    settings.QUARTIERS_GEOCODEUR = "non"
    response = client.get("/api/v1/localiser", {"adresse": "1 rue de Brest Rennes"})
    assert response.status_code == 400 and "désactivé" in json.loads(response.content)["erreur"]


def test_locate_a_batch_keeps_order_and_ids(client):
    points = [{"id": f"p{i}", "lon": -1.6588, "lat": 48.1258} for i in range(10_000)]
    points[5] = {"id": "bad", "lon": "x", "lat": None}
    response = client.post("/api/v1/localiser", {"points": points}, content_type="application/json")
    body = json.loads(response.content)
    assert response.status_code == 200 and len(body["resultats"]) == 10_000
    assert [r["id"] for r in body["resultats"][:6]] == ["p0", "p1", "p2", "p3", "p4", "bad"]
    assert body["resultats"][5]["statut"] == "erreur"
    assert body["resultats"][0]["qpv"]["code"] == "QN03504M"
    pairs = client.post("/api/v1/localiser", {"points": [[-1.6588, 48.1258]]},
                        content_type="application/json")
    assert json.loads(pairs.content)["resultats"][0]["dans_qpv"]


@pytest.mark.parametrize(("method", "payload", "status", "needle"), [
    ("get", {"lon": "-1.6"}, 400, "requis"),
    ("get", {"adresse": " "}, 400, "vide"),
    ("get", {"lon": "a", "lat": "b"}, 400, "nombres"),
    ("get", {"lon": "-1.6", "lat": "48.1", "crs": "3857"}, 400, "2154"),
    ("get", {"lon": "-1.6", "lat": "48.1", "rayon": "99999"}, 400, "rayon"),
    ("post", "pas du json", 400, "JSON invalide"),
    ("post", {"pts": []}, 400, "points"),
    ("put", {}, 405, "GET, POST"),
])
def test_locate_errors(client, method, payload, status, needle):
    if method == "get":
        response = client.get("/api/v1/localiser", payload)
    elif method == "post" and isinstance(payload, str):
        response = client.post("/api/v1/localiser", payload, content_type="application/json")
    else:
        response = getattr(client, method)("/api/v1/localiser", payload,
                                           content_type="application/json")
    assert response.status_code == status
    assert needle in json.loads(response.content)["erreur"]


def test_huge_numbers_in_a_batch_are_row_errors(client):
    response = client.post("/api/v1/localiser", {"points": [[10**400, 48.1], [-1.6588, 48.1258]]},
                           content_type="application/json")
    body = json.loads(response.content)
    assert response.status_code == 200
    assert [r["statut"] for r in body["resultats"]] == ["erreur", "à vérifier"]


def test_qpv_layer_of_a_territory_holds_only_its_qpv(client):
    assert len(get(client, "/api/v1/couches/qpv.geojson", dans="region:52")["features"]) == 48
    assert len(get(client, "/api/v1/couches/qpv.geojson", dans="commune:35238")["features"]) == 5
    rennes = get(client, "/api/v1/couches/qpv.geojson", dans="commune:35238",
                 indicateur="taux_pauvrete")
    assert all(f["properties"]["valeur"] is not None for f in rennes["features"])
    unknown = client.get("/api/v1/couches/qpv.geojson", {"dans": "commune:35238",
                                                          "indicateur": "pauvrete"})
    assert unknown.status_code == 404
