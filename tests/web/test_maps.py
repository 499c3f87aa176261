"""Maps: the basemap's data endpoints, and the maps in real Chromium (offline basemap with place
names, overseas insets, units in hovers), with screenshots."""

from __future__ import annotations

import re

import pytest

from .test_browser import FIND_QPV_PIXEL, SCREENSHOTS, browser, shot  # noqa: F401 - a fixture

pytestmark = pytest.mark.django_db  # every page shows the centre's identity, kept in the database

OVERSEAS_QPV = 247


def test_places_of_france_are_departements_and_towns(client):
    features = client.get("/api/v1/fond/lieux.geojson").json()["features"]
    levels = {f["properties"]["niveau"] for f in features}
    assert levels == {"departement", "commune"}
    communes = [f["properties"] for f in features if f["properties"]["niveau"] == "commune"]
    assert communes[0]["nom"] == "Paris" and min(c["population"] for c in communes) >= 20_000
    populations = [c["population"] for c in communes]
    assert populations == sorted(populations, reverse=True)  # the most populous labelled first
    assert "Ille-et-Vilaine" in {f["properties"]["nom"] for f in features}
    assert all(len(f["geometry"]["coordinates"]) == 2 for f in features)


def test_places_of_an_epci_are_all_its_communes(client):
    features = client.get("/api/v1/fond/lieux.geojson?dans=epci:243500139").json()["features"]
    names = [f["properties"]["nom"] for f in features]
    assert names[0] == "Rennes" and "Cesson-Sévigné" in names and len(names) == 43
    assert {f["properties"]["niveau"] for f in features} == {"commune"}


@pytest.mark.parametrize(("query", "status", "message"), [
    ("dans=canton:35", 400, "niveau « canton » inconnu ; niveaux possibles : qpv, commune"),
    ("dans=commune:99999", 404, "aucun territoire de niveau « commune » avec le code « 99999 »"),
])
def test_places_bad_territory(client, query, status, message):
    response = client.get(f"/api/v1/fond/lieux.geojson?{query}")
    assert response.status_code == status
    assert message in response.json()["erreur"]


def test_overseas_insets_hold_every_overseas_qpv(client):
    insets = client.get("/api/v1/fond/outre-mer").json()["resultats"]
    names = [i["nom"] for i in insets]
    assert {"Guadeloupe", "Martinique", "Guyane", "La Réunion", "Mayotte", "Saint-Martin",
            "Polynésie française"} == set(names)
    assert sum(i["qpv"] for i in insets) == OVERSEAS_QPV
    reunion = insets[names.index("La Réunion")]["emprise"]
    assert reunion[0] < 55.45 < reunion[2] and reunion[1] < -21.0 < reunion[3]  # Saint-Denis…


def test_online_basemap_is_off_unless_set(client, settings):
    for path in ("/", "/territoires/commune/35238/"):
        assert "data-tiles" not in client.get(path).content.decode()
    settings.QUARTIERS = settings.QUARTIERS.with_options(basemap_tiles="https://tuiles.example/{z}/{x}/{y}.png")
    settings.QUARTIERS = settings.QUARTIERS.with_options(basemap_attribution="© contributeurs OpenStreetMap")
    for path in ("/", "/territoires/commune/35238/"):  # no stale cached page: the ETag and
        html = client.get(path).content.decode()  # the cache key hold the settings shown
        assert 'data-tiles="https://tuiles.example/{z}/{x}/{y}.png"' in html
        assert 'data-tiles-attribution="© contributeurs OpenStreetMap"' in html


# -- in Chromium ----------------------------------------------------------------------------
RENDERED = """(layer) => [...new Set(window.quartiersMap.queryRenderedFeatures({ layers: [layer] })
  .map((f) => f.properties.nom || f.properties.code))]"""
INSETS_RENDERED = """() => window.quartiersInsets.map((inset) => new Set(inset.map
  .queryRenderedFeatures({ layers: ['qpv-points'] }).map((f) => f.properties.code)).size)"""


def _page(browser, live_server, path: str, width: int = 1366):  # noqa: F811 - the fixture
    page = browser.new_page(viewport={"width": width, "height": 900})
    page.errors, page.outside = [], []
    page.on("pageerror", lambda error: page.errors.append(str(error)))
    page.on("request", lambda request: None if request.url.startswith((live_server.url, "blob:", "data:"))
            else page.outside.append(request.url))
    page.goto(live_server.url + path)
    return page


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_national_map_labels_insets_and_units(browser, live_server):  # noqa: F811 - the fixture
    page = _page(browser, live_server, "/")
    page.wait_for_function("document.getElementById('map').dataset.loaded === '1606'", timeout=60000)
    page.wait_for_function("document.getElementById('insets').dataset.loaded === '7'", timeout=60000)
    counts = page.eval_on_selector_all(".inset-map", "boxes => boxes.map(b => Number(b.dataset.loaded))")
    assert sum(counts) == OVERSEAS_QPV and all(counts)
    page.wait_for_function(f"({INSETS_RENDERED})().reduce((a, b) => a + b, 0) === {OVERSEAS_QPV}",
                           timeout=30000)
    page.wait_for_function(f"({RENDERED})('places-communes').includes('Paris')", timeout=30000)
    legend = page.inner_text("#legend")
    assert "en habitants" in legend and "millésime" in legend
    assert "se vérifie avec le localisateur" in page.inner_text("#map-caption")
    shot(page, "maps-1-national")

    # zoomed in on Rennes: the communes of Ille-et-Vilaine are fetched, outlined and named
    page.evaluate("window.quartiersMap.jumpTo({ center: [-1.68, 48.11], zoom: 11 })")
    page.wait_for_function(f"({RENDERED})('places-local-communes').includes('Cesson-Sévigné')",
                           timeout=30000)
    assert page.evaluate(RENDERED, "communes-line")
    hit = page.evaluate(FIND_QPV_PIXEL, "qpv-fill")
    assert hit, "no QPV drawn around Rennes"
    box = page.locator("#map canvas").bounding_box()
    page.mouse.move(box["x"] + hit["x"], box["y"] + hit["y"])
    popup = page.locator(".maplibregl-popup").inner_text()
    assert re.search(rf"\({hit['code']}\) — [\d\u202f]+\u00a0habitants", popup), popup
    shot(page, "maps-2-national-rennes")
    assert not page.errors, page.errors
    assert not page.outside, page.outside  # no request leaves the platform
    page.close()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("width", [1366, 375])
def test_profile_map_of_rennes_has_its_basemap(browser, live_server, width):  # noqa: F811
    page = _page(browser, live_server, "/territoires/commune/35238/", width)
    page.wait_for_function("document.getElementById('map').dataset.loaded === '1'", timeout=60000)
    page.wait_for_function(f"({RENDERED})('places-communes').includes('Rennes')", timeout=30000)
    assert len(page.evaluate(RENDERED, "qpv-fill")) == 5
    assert len(page.evaluate(RENDERED, "surroundings-line")) > 5  # the communes around Rennes
    assert page.evaluate("document.getElementById('map').getBoundingClientRect().right") <= width
    page.locator("#map").scroll_into_view_if_needed()
    hit = page.evaluate(FIND_QPV_PIXEL, "qpv-fill")
    box = page.locator("#map canvas").bounding_box()
    page.mouse.move(box["x"] + hit["x"], box["y"] + hit["y"])
    assert f"({hit['code']})" in page.locator(".maplibregl-popup").inner_text()
    page.locator("#map").screenshot(path=str(SCREENSHOTS / f"maps-3-rennes-{width}.png"))
    assert not page.errors, page.errors
    assert not page.outside, page.outside
    page.close()
