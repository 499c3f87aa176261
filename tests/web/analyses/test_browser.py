"""Real Chromium over the analyses' pages: no serious or critical axe-core violation at a
phone's and a laptop's width, no sideways scroll; the map of an analysis draws its territories
and follows the component chosen. Saves screenshots (tests/screenshots/)."""

from __future__ import annotations

import pytest

from quartiers.engine.analyses import ANALYSES
from quartiers.web.site.services import load_bundled

from ..test_accessibility import _check
from ..test_browser import launched_chromium, shot

pytestmark = [pytest.mark.browser,
              pytest.mark.django_db(transaction=True, serialized_rollback=True)]

browser = pytest.fixture(name="browser")(launched_chromium)

PAGES = {
    "analyses": "/analyses/",
    **{f"analyse-{a.code}": f"/analyses/{a.code}/" for a in ANALYSES[:2]},
    "analyse-chaleur-epci": "/analyses/chaleur/epci/244400404/",
    "analyse-participation-brest": "/analyses/participation/commune/29019/",
}


@pytest.fixture(autouse=True)
def _site_pages():
    load_bundled()


@pytest.mark.parametrize("name", PAGES)
def test_analysis_page_is_accessible_and_fits_the_screen(browser, live_server, name):
    page = browser.new_page()
    _check(page, live_server.url, name, PAGES[name])


def test_the_map_draws_the_chosen_component(browser, live_server, store):
    """Heat: every QPV drawn, those without exposition in grey and counted as such."""
    page = browser.new_page(viewport={"width": 1366, "height": 900})
    page.goto(live_server.url + "/analyses/chaleur/")
    page.wait_for_selector("#analysis-map[data-loaded]", timeout=60_000)
    drawn = store.query("SELECT count(*) AS n FROM marts.territories WHERE level = 'qpv' "
                        "AND geometry IS NOT NULL")[0]["n"]
    assert int(page.get_attribute("#analysis-map", "data-loaded")) == drawn
    blank = store.query("""SELECT count(*) AS n FROM marts.analysis_results r
        JOIN marts.territories t ON t.level = r.level AND t.code = r.code
        WHERE r.analysis = 'chaleur' AND r.component = 'exposition' AND r.value IS NULL
          AND t.geometry IS NOT NULL""")[0]["n"]
    assert blank > 1000  # exposure exists only where a heat layer is loaded (Nantes)
    page.select_option("#map-component", "exposition")
    page.wait_for_function("text => document.querySelector('#map-status').textContent"
                           ".includes(text)", arg=f"dont {blank} sans résultat")
    shot(page, "analyse-chaleur-carte")
    page.close()
