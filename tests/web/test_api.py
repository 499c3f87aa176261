"""The open API: every declared endpoint answers, pagination, errors that help."""

from __future__ import annotations

import json
import re

import pytest
from django.core.cache import cache

from quartiers.web.api import urls  # noqa: F401 - registers every endpoint
from quartiers.web.api.openapi import schema
from quartiers.web.api.views import ENDPOINTS
from quartiers.web.core.warehouse import get_store

pytestmark = pytest.mark.django_db

JSON_TYPES = ("application/json", "application/geo+json")
PYTHON_TYPES = {"null": type(None), "boolean": bool, "integer": int, "number": (int, float),
                "string": str, "array": list, "object": dict}


def get(client, url, **params):
    """GET that must succeed; JSON and GeoJSON bodies decoded."""
    response = client.get(url, params)
    assert response.status_code == 200, (url, response.content[:300])
    if response["Content-Type"].startswith(JSON_TYPES):
        return json.loads(response.content)
    return response.content


def check(value, schema: dict, components: dict, where: str = "$") -> None:
    """Does ``value`` match ``schema``? The JSON Schema subset the API declares: $ref, anyOf,
    type, enum, const, properties, required, additionalProperties, items, min/maxItems."""
    if "$ref" in schema:
        check(value, components[schema["$ref"].rsplit("/", 1)[1]], components, where)
    if "anyOf" in schema:
        failures = []
        for option in schema["anyOf"]:
            try:
                check(value, option, components, where)
                break
            except AssertionError as error:
                failures.append(str(error))
        else:
            raise AssertionError(f"{where}: no option fits: {failures}")
    kinds = schema.get("type", [])
    kinds = [kinds] if isinstance(kinds, str) else kinds
    assert not kinds or any(isinstance(value, PYTHON_TYPES[k]) and not (
        isinstance(value, bool) and k in ("integer", "number")) for k in kinds), \
        f"{where}: {value!r:.80} is not {kinds}"
    assert "enum" not in schema or value in schema["enum"], f"{where}: {value!r} not in enum"
    assert "const" not in schema or value == schema["const"], f"{where}: {value!r}"
    if isinstance(value, dict) and "properties" in schema:
        missing = set(schema.get("required", [])) - set(value)
        assert not missing, f"{where}: missing {missing}"
        for key, item in value.items():
            if key in schema["properties"]:
                check(item, schema["properties"][key], components, f"{where}.{key}")
            else:
                assert schema.get("additionalProperties", True) is not False, \
                    f"{where}: undeclared key « {key} »"
    if isinstance(value, list) and "items" in schema:
        assert schema.get("minItems", 0) <= len(value) <= schema.get("maxItems", len(value))
        for i, item in enumerate(value):
            check(item, schema["items"], components, f"{where}[{i}]")


@pytest.fixture(scope="module")
def document():
    return schema()


def check_answer(client, document, url, params=None, status=200, method="get"):
    """Request ``url`` and check the answer against the schema its path declares."""
    response = client.get(url, params or {}) if method == "get" else client.post(
        url, params, content_type="application/json")
    assert response.status_code == status, (url, params, response.content[:300])
    path = next(e.public_path for e in ENDPOINTS if re.fullmatch(
        re.sub(r"\\\{\w+\\\}", "[^/]+", re.escape(e.public_path)), url))
    content_type = response["Content-Type"].split(";")[0]
    declared = document["paths"][path][method]["responses"][str(status)]["content"]
    assert content_type in declared, (url, content_type, list(declared))
    if content_type in JSON_TYPES:
        body = json.loads(response.content)
        check(body, declared[content_type]["schema"], document["components"]["schemas"])
        return body
    return response.content


def test_openapi_document_covers_every_endpoint(client, document):
    served = json.loads(client.get("/api/v1/openapi.json").content)
    assert served == document
    assert document["openapi"].startswith("3.1") and document["servers"]
    assert len(document["paths"]) >= 13
    components = document["components"]["schemas"]
    assert {"Territoire", "Valeur", "Indicateur", "Serie", "Erreur", "PageTerritoires",
            "PageValeurs", "Couche", "Perimetre", "Localisation"} <= set(components)
    assert components["Statut"]["enum"][:2] == ["ok", "non_publie"]
    assert "qpv_region" in components["NiveauValeur"]["enum"]
    assert "qpv_region" not in components["Niveau"]["enum"]
    text = json.dumps(document)
    for ref in re.findall(r'"\$ref": "#/components/schemas/(\w+)"', text):
        assert ref in components
    assert "<str:" not in text and "/api/v1/territoires/{niveau}/{code}" in document["paths"]
    untyped = {e.name for e in ENDPOINTS if e.content_types[0].endswith("json")
               and "$ref" not in e.response}
    assert untyped <= {"basemap_places", "basemap_overseas"}  # declared in api/basemap.py
    for item in document["paths"].values():
        assert {"200", "400", "404"} <= set(item["get"]["responses"])


def test_every_example_answers_as_declared(client, document):
    """Each endpoint's example (the one linked from /api/) answers 200 with its schema."""
    for endpoint in ENDPOINTS:
        url, _, query = endpoint.example_url.partition("?")
        check_answer(client, document, url, dict(p.split("=") for p in query.split("&") if p))


@pytest.mark.parametrize(("level", "code"), [
    ("qpv", "QN03504M"), ("qpv", "QN97101M"), ("qpv2015", "QP035004"), ("commune", "35238"),
    ("arrondissement", "75101"), ("epci", "243500139"), ("departement", "35"),
    ("region", "53"), ("france", "FR")])
def test_territory_answers_match_their_schemas(client, document, level, code):
    base = f"/api/v1/territoires/{level}/{code}"
    for suffix in ("", "/series", "/valeurs", "/comparaison"):
        check_answer(client, document, base + suffix)
    if level in ("commune", "epci", "departement", "region", "france"):
        check_answer(client, document, f"{base}/comparaison-qpv")
    check_answer(client, document, f"{base}/valeurs", {"indicateur": "population"})


def test_indicators_and_errors_match_their_schemas(client, document):
    catalogue = check_answer(client, document, "/api/v1/indicateurs")["resultats"]
    for indicator in catalogue[::10]:  # every theme and level, in a few seconds
        check_answer(client, document, f"/api/v1/indicateurs/{indicator['code']}")
        check_answer(client, document, f"/api/v1/indicateurs/{indicator['code']}/valeurs",
                     {"taille": 5})
    check_answer(client, document, "/api/v1/territoires/qpv/QN03504X", status=404)
    check_answer(client, document, "/api/v1/territoires", {"niveau": "canton"}, status=400)
    check_answer(client, document, "/api/v1/localiser", {"points": [[-1.6588, 48.1258], [0, 0]]},
                 method="post")


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
    assert [(c["code"], c["generation"]) for c in epci["contrats_de_ville"]] == [
        ("CN03501I", "2024-2030"), ("CV116", "2015-2023")]
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
    settings.QUARTIERS = settings.QUARTIERS.with_options(geocoder=address_server)
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
    settings.QUARTIERS = settings.QUARTIERS.with_options(geocoder=address_server)
    settings.QUARTIERS = settings.QUARTIERS.with_options(geocoding_per_minute=2)
    cache.clear()
    for _ in range(2):
        get(client, "/api/v1/localiser", adresse="18 rue Théodore Botrel 35171 Bruz")
    response = client.get("/api/v1/localiser", {"adresse": "18 rue Théodore Botrel 35171 Bruz"})
    assert response.status_code == 429 and "par minute" in json.loads(response.content)["erreur"]
    cache.clear()


def test_locate_an_address_without_geocoder(client, settings):
    settings.QUARTIERS = settings.QUARTIERS.with_options(geocoder="http://127.0.0.1:9/search/csv/")
    response = client.get("/api/v1/localiser", {"adresse": "1 rue de Brest Rennes"})
    assert response.status_code == 502 and "injoignable" in json.loads(response.content)["erreur"]
    settings.QUARTIERS = settings.QUARTIERS.with_options(geocoder="non")
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


@pytest.mark.parametrize("url", ["/api/v1/nimporte", "/api/v2/x", "/api/v1/territoire",
                                 "/api/v1/territoires/qpv/QN03504M/inconnu", "/api/x.json"])
def test_unknown_api_paths_answer_json_404(client, url):
    response = client.get(url)
    assert response.status_code == 404 and response["Content-Type"] == "application/json"
    body = json.loads(response.content)
    assert body["statut"] == 404 and url in body["erreur"] and "/api/" in body["erreur"]
    assert response["Access-Control-Allow-Origin"] == "*"
    if url == "/api/v1/territoire":
        assert {"chemin": "/api/v1/territoires"} in body["suggestions"]
    assert client.post(url, {}, content_type="application/json").status_code == 404


def test_unknown_pages_keep_the_html_404(client):
    response = client.get("/nimporte/")
    assert response.status_code == 404 and response["Content-Type"].startswith("text/html")


@pytest.mark.parametrize(("url", "params", "needle"), [
    # an indicator at a level where it has no value: the levels where it has some
    ("/api/v1/indicateurs/part_femmes/valeurs", {"niveau": "qpv"}, "qpv2015, qpv2015_commune"),
    ("/api/v1/indicateurs/part_menages_imposes/valeurs", {"niveau": "qpv2015_france"},
     "niveaux disponibles : qpv2015, arrondissement, commune"),
    ("/api/v1/indicateurs/population/valeurs", {"niveau": "qpv", "millesime": "1999"},
     "millésimes disponibles"),
    ("/api/v1/territoires/qpv/QN03504M/valeurs", {"indicateur": "part_femmes"},
     "aucune valeur au niveau « qpv »"),
    ("/api/v1/couches/qpv.geojson", {"indicateur": "part_femmes"}, "qpv2015"),
    # a level that cannot lie inside the enclosing territory
    ("/api/v1/territoires", {"niveau": "region", "dans": "commune:35238"},
     "niveaux englobants possibles : france"),
    ("/api/v1/couches/epci.geojson", {"dans": "commune:35238"}, "aucun territoire de niveau"),
])
def test_a_level_without_data_is_a_400_naming_the_levels(client, url, params, needle):
    response = client.get(url, params)
    assert response.status_code == 400, response.content[:300]
    assert needle in json.loads(response.content)["erreur"]


def test_indicator_values_default_to_a_level_with_values(client):
    body = get(client, "/api/v1/indicateurs/part_femmes/valeurs")
    assert body["niveau"] == "qpv2015" and body["total"] > 1000
    indicator = get(client, "/api/v1/indicateurs/part_femmes")
    assert "qpv2015_region" in indicator["niveaux"] and "qpv" not in indicator["niveaux"]


def test_cors_for_get_and_head_with_preflight(client):
    for url in ("/api/v1/territoires/qpv/QN03504M", "/api/v1/openapi.json",
                "/api/v1/territoires/qpv/QN03504X"):
        assert client.get(url)["Access-Control-Allow-Origin"] == "*"
    head = client.head("/api/v1/territoires/qpv/QN03504M")
    assert head.status_code == 200 and head["Access-Control-Allow-Origin"] == "*"
    preflight = client.options("/api/v1/recherche", HTTP_ORIGIN="https://exemple.fr",
                               HTTP_ACCESS_CONTROL_REQUEST_METHOD="GET",
                               HTTP_ACCESS_CONTROL_REQUEST_HEADERS="if-none-match")
    assert preflight.status_code == 204 and preflight["Access-Control-Allow-Origin"] == "*"
    assert "GET" in preflight["Access-Control-Allow-Methods"]
    assert "If-None-Match" in preflight["Access-Control-Allow-Headers"]
    # the batch POST stays for scripts and this site's pages: other sites cannot read it
    locate = client.options("/api/v1/localiser", HTTP_ACCESS_CONTROL_REQUEST_METHOD="POST")
    assert "POST" not in locate["Access-Control-Allow-Methods"]
    post = client.post("/api/v1/localiser", {"points": [[-1.6588, 48.1258]]},
                       content_type="application/json")
    assert post.status_code == 200 and "Access-Control-Allow-Origin" not in post


def test_the_api_page_documents_every_endpoint(client):
    page = client.get("/api/").content.decode()
    html = page.replace("<wbr>", "")  # where long paths may wrap on a phone
    assert "<str:" not in html and "&lt;str:" not in html
    for endpoint in ENDPOINTS:
        assert f"<code>{endpoint.public_path}</code>" in html, endpoint.public_path
        assert f'href="{endpoint.example_url.replace("&", "&amp;")}"' in html
        if "$ref" in endpoint.response:
            name = endpoint.response["$ref"].rsplit("/", 1)[1]
            assert f'/api/v1/openapi.json#/components/schemas/{name}">{name}</a>' in html
    assert "/<wbr>api/<wbr>v1/<wbr>territoires/<wbr>{niveau}/<wbr>{code}" in page
    assert '<th scope="col">Type</th>' in html and 'class="table-wrap"' in html
    assert "texte : qpv, commune, epci" in html  # the levels' enum, in words


def test_a_batch_must_be_sent_as_json(client):
    """A page elsewhere may post a form (text/plain) without a preflight: refused unread."""
    response = client.post("/api/v1/localiser", '{"points": [[-1.6588, 48.1258]]}',
                           content_type="text/plain")
    assert response.status_code == 400 and "application/json" in response.json()["erreur"]


def test_conditional_api_answers_keep_cors(client):
    first = client.get("/api/v1/territoires/qpv/QN03504M", headers={"origin": "https://ailleurs.example"})
    assert first["Access-Control-Allow-Origin"] == "*"
    assert "ETag" in first["Access-Control-Expose-Headers"]
    again = client.get("/api/v1/territoires/qpv/QN03504M", headers={"if-none-match": first["ETag"]})
    assert again.status_code == 304 and again["Access-Control-Allow-Origin"] == "*"


def test_a_missing_warehouse_is_answered_in_json(client, settings, tmp_path):
    settings.QUARTIERS = settings.QUARTIERS.with_options(warehouse=tmp_path / "absent.duckdb")
    get_store.cache_clear()
    response = client.get("/api/v1/territoires/qpv/QN03504M")
    assert response.status_code == 503 and "quartiers build" in response.json()["erreur"]
