"""Real Chromium: search → profile → click a QPV on the map → PDF download; files of points and
of addresses located from the web page. Saves screenshots."""

from __future__ import annotations

import csv
import io
import os
import re
import shutil
from pathlib import Path

import pytest

from quartiers.config import current

DATA_DIR = current().data_dir

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
SCREENSHOTS = Path(__file__).resolve().parents[1] / "screenshots"

# Find a pixel of the map where a QPV is drawn, through MapLibre's own hit test.
FIND_QPV_PIXEL = """(layer) => {
  const map = window.quartiersMap;
  const canvas = map.getCanvas();
  const width = canvas.clientWidth, height = canvas.clientHeight;
  for (let y = 5; y < height; y += 4) {
    for (let x = 5; x < width; x += 4) {
      const hit = map.queryRenderedFeatures([x, y], { layers: [layer] });
      if (hit.length) return { x, y, code: hit[0].properties.code };
    }
  }
  return null;
}"""


def launched_chromium():
    """Real Chromium for one test module (also the accessibility tests' fixture)."""
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    playwright = pytest.importorskip("playwright.sync_api").sync_playwright().start()
    browser = playwright.chromium.launch(
        executable_path=CHROMIUM,
        args=["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
              "--disable-component-update", "--disable-sync", "--no-first-run",
              "--use-gl=swiftshader", "--enable-unsafe-swiftshader"])
    yield browser
    browser.close()
    playwright.stop()


browser = pytest.fixture(scope="module", name="browser")(launched_chromium)


def shot(page, name: str) -> None:
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def test_search_profile_map_click_pdf(browser, live_server):
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(live_server.url + "/")
    page.wait_for_function("document.getElementById('map').dataset.loaded === '1606'",
                           timeout=30000)
    shot(page, "1-accueil-carte")

    page.fill("#q-home", "rennes")
    page.press("#q-home", "Enter")
    page.wait_for_url("**/recherche/**")
    shot(page, "2-recherche")
    page.click("a[href='/territoires/commune/35238/']")
    page.wait_for_url("**/territoires/commune/35238/")
    assert "Rennes" in page.inner_text("h1")
    page.wait_for_function("document.getElementById('map').dataset.loaded === '1'", timeout=30000)
    page.wait_for_timeout(500)
    shot(page, "3-fiche-rennes")
    population = "#qpv-table th:nth-child(3) button"
    page.click(population)
    page.click(population)  # second click: descending
    values = page.eval_on_selector_all(
        "#qpv-table tbody td:nth-child(3)", "cells => cells.map(c => parseFloat(c.dataset.value))")
    assert values == sorted(values, reverse=True) and len(values) == 5

    page.locator("#map").scroll_into_view_if_needed()
    hit = page.evaluate(FIND_QPV_PIXEL, "qpv-fill")
    assert hit, "no QPV drawn on the map of Rennes"
    box = page.locator("#map canvas").bounding_box()
    page.mouse.click(box["x"] + hit["x"], box["y"] + hit["y"])
    page.wait_for_url(f"**/territoires/qpv/{hit['code']}/")
    page.wait_for_function("document.getElementById('map').dataset.loaded === '1'", timeout=30000)
    page.wait_for_timeout(500)
    shot(page, "4-fiche-qpv")

    href = page.get_attribute("#pdf-link", "href")
    response = page.request.get(live_server.url + href)
    assert response.status == 200
    assert response.headers["content-type"] == "application/pdf"
    assert response.body().startswith(b"%PDF")
    (SCREENSHOTS / "5-fiche-qpv.pdf").write_bytes(response.body())

    assert not errors, errors
    page.close()


def _locate(browser, live_server, run_tasks, source: Path, screenshot: str) -> tuple[str, str]:
    """Upload ``source`` on the page, wait for the job and its map; returns the page text and
    the downloaded file (cp1252)."""
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(live_server.url + "/localiser/")
    shot(page, f"{screenshot}-depot")
    page.set_input_files("#fichier", str(source))
    page.click(".locator-form button")
    page.wait_for_url(re.compile(r"/localiser/[0-9a-f]{32}/$"))
    run_tasks()  # the worker
    page.wait_for_function("document.getElementById('job-status').dataset.status === 'terminé'",
                           timeout=60000)
    page.wait_for_function("document.getElementById('map').dataset.loaded === '1'",
                           timeout=30000)
    text = page.inner_text("main")
    shot(page, screenshot)
    with page.expect_download() as download:
        page.click("#download")
    content = Path(download.value.path()).read_bytes().decode("cp1252")
    page.close()
    return text, content


def test_locate_a_file_from_the_web_page(browser, live_server, run_tasks, settings, tmp_path):
    settings.QUARTIERS = settings.QUARTIERS.with_options(jobs_dir=tmp_path / "jobs")
    source = tmp_path / "beneficiaires.csv"
    source.write_bytes("id;nom;longitude;latitude\r\n1;Zoé;-1,6588;48,1258\r\n2;Éric;;\r\n"
                       .encode("cp1252"))
    text, content = _locate(browser, live_server, run_tasks, source, "6-localisation")
    assert "Maurepas" in text
    assert content.count("\r\n") == 3 and "QN03504M" in content


def test_locate_the_schools_of_rennes_from_their_addresses(browser, live_server, run_tasks,
                                                           settings, tmp_path, address_server):
    settings.QUARTIERS = settings.QUARTIERS.with_options(jobs_dir=tmp_path / "jobs",
                                                         geocoder=address_server)
    with (DATA_DIR / "education" / "ecoles_35.csv").open(encoding="utf-8") as handle:
        schools = [r for r in csv.DictReader(handle) if r["commune"] == "Rennes"]
    source = tmp_path / "ecoles_rennes.csv"
    with source.open("w", encoding="cp1252", newline="") as handle:
        writer = csv.writer(handle, delimiter=";", lineterminator="\r\n")
        writer.writerow(["Établissement", "Adresse", "CP", "Ville"])
        writer.writerows([s["nom"], s["adresse"], s["code_postal"], s["commune"]] for s in schools)
    text, content = _locate(browser, live_server, run_tasks, source, "7-localisation-adresses")
    assert f"{len(schools)} adresses géocodées" in text and "Maurepas" in text
    rows = list(csv.DictReader(io.StringIO(content), delimiter=";"))
    assert [r["Établissement"] for r in rows] == [s["nom"] for s in schools]
    assert sum(r["qpv_code"] != "" for r in rows) >= 5
