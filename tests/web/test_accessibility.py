"""Real Chromium at a phone's and a laptop's width over every page type: no serious or critical
axe-core violation (WCAG 2.1 A and AA rules, the basis of RGAA 4.1.2), no sideways scroll of the
page; sortable tables by keyboard in French order; the skip link. Saves full-page screenshots."""

from __future__ import annotations

import pytest

from quartiers.web.accounts.services import ensure_roles
from quartiers.web.site.services import load_bundled

from .accounts.factories import PASSWORD, TerritoryAssignmentFactory
from .test_browser import SCREENSHOTS, launched_chromium

# serialized rollback: the content system's pages are in the database (a transactional test
# empties it after each test; this brings back what the migrations put there)
pytestmark = [pytest.mark.browser,
              pytest.mark.django_db(transaction=True, serialized_rollback=True)]

# one Chromium per test: while a Chromium started by an earlier test runs, the database
# connection of the test thread is another wrapper, which a serialized rollback cannot restore
browser = pytest.fixture(name="browser")(launched_chromium)

WIDTHS = (375, 1366)
PAGES = {
    "accueil": "/",
    "recherche": "/recherche/?q=rennes",
    "qpv": "/territoires/qpv/QN03504M/",
    "qpv2015": "/territoires/qpv2015/QP035005/",
    "arrondissement": "/territoires/arrondissement/13201/",
    "commune": "/territoires/commune/35238/",
    "epci": "/territoires/epci/243500139/",
    "departement": "/territoires/departement/35/",
    "region": "/territoires/region/53/",
    "france": "/territoires/france/FR/",
    "qpv-sans-chiffres": "/territoires/qpv/QN98701M/",
    "indicateurs": "/indicateurs/",
    "indicateur": "/indicateurs/taux_pauvrete/",
    "donnees": "/donnees/",
    "localiser": "/localiser/",
    "api": "/api/",
    "introuvable": "/nulle-part/",
    "connexion": "/comptes/connexion/",
    "mot-de-passe-oublie": "/comptes/mot-de-passe/oubli/",
    "mentions-legales": "/mentions-legales/",
    "donnees-personnelles": "/donnees-personnelles/",
    "accessibilite": "/accessibilite/",
}
SIGNED_IN_PAGES = {"mon-espace": "/comptes/espace/"}
# the resource centre's pages, over the bundled programmes and first resources
CENTRE_PAGES = {
    "programmes": "/programme/",
    "programme-2024": "/programme/2024/",
    "programme-2024-filtre": "/programme/2024/?format=journee",
    "action": "/programme/2024/actions/{action}/",
    "programmes-comparaison": "/programme/comparer/2024/2026/",
    "ressources": "/ressources/",
    "ressources-recherche": "/ressources/?q=compostage",
    "ressource": "/ressources/programme-dactions-2024/",
}
RULES = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
         "resultTypes": ["violations"]}


def _serious(page) -> list[str]:
    from axe_playwright_python.sync_playwright import Axe

    violations = Axe().run(page, options=RULES).response["violations"]
    return [f"{v['id']} ({v['impact']}) : {', '.join(str(n['target']) for n in v['nodes'][:5])}"
            for v in violations if v["impact"] in ("serious", "critical")]


@pytest.fixture(autouse=True)
def _site_pages():
    """The legal pages are the content system's, loaded as ``quartiers init`` does."""
    load_bundled()


@pytest.mark.parametrize("name", PAGES)
def test_page_is_accessible_and_fits_the_screen(browser, live_server, name):
    page = browser.new_page()
    _check(page, live_server.url, name, PAGES[name])


@pytest.mark.parametrize("name", CENTRE_PAGES)
def test_centre_page_is_accessible_and_fits_the_screen(browser, live_server, settings, name):
    from quartiers.web.library.services import load_bundled as load_resources
    from quartiers.web.programme.models import Action
    from quartiers.web.programme.services import load_bundled as load_programmes

    # the documents' text and the search index made at once (the worker is tested elsewhere)
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    load_programmes()
    load_resources()
    dated = Action.objects.filter(axis__pole__programme__year=2024, place="Laval").get()
    page = browser.new_page()
    _check(page, live_server.url, name, CENTRE_PAGES[name].format(action=dated.pk))


@pytest.mark.parametrize("name", SIGNED_IN_PAGES)
def test_signed_in_page_is_accessible_and_fits_the_screen(browser, live_server, name):
    """Signed in through the login form, as a *chef·fe de projet* with two territories."""
    ensure_roles()
    assignment = TerritoryAssignmentFactory(user__email="cheffe@exemple.test")
    TerritoryAssignmentFactory(user=assignment.user, level="commune", code="35238")
    page = browser.new_page()
    page.goto(live_server.url + "/comptes/connexion/")
    page.fill("#id_username", "cheffe@exemple.test")
    page.fill("#id_password", PASSWORD)
    page.click("form.stacked button[type=submit]")
    page.wait_for_url("**/comptes/espace/")
    _check(page, live_server.url, name, SIGNED_IN_PAGES[name])


def _check(page, server: str, name: str, path: str) -> None:
    failures = []
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(server + path, wait_until="networkidle")
        scroll = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
        if scroll[0] > scroll[1]:
            failures.append(f"{width} px : la page défile de côté ({scroll[0]} px de large)")
        failures += [f"{width} px : {v}" for v in _serious(page)]
        SCREENSHOTS.mkdir(exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / f"a11y-{name}-{width}.png"), full_page=True)
    page.close()
    assert not failures, "\n".join(failures)


def test_wide_tables_scroll_in_a_frame_that_says_so(browser, live_server):
    page = browser.new_page(viewport={"width": 375, "height": 900})
    page.goto(live_server.url + "/territoires/qpv/QN03504M/")
    frame = page.locator("#comparaison .table-wrap")
    assert frame.get_attribute("tabindex") == "0" and frame.get_attribute("role") == "region"
    assert frame.get_attribute("aria-label")
    assert "overflowing" in frame.get_attribute("class")
    assert page.locator("#comparaison .scroll-hint").is_visible()
    # the indicator's column stays in view, the subject's values next to it
    label = page.locator("#comparaison tbody th[scope=row]").first.bounding_box()
    subject = page.locator("#comparaison tbody td.subject").first.bounding_box()
    assert label["x"] >= 0 and subject["x"] + subject["width"] <= 375
    frame.evaluate("frame => frame.scrollTo(frame.scrollWidth, 0)")
    page.wait_for_function("document.querySelector('#comparaison .table-wrap')"
                           ".classList.contains('at-end')")
    assert page.locator("#comparaison tbody th[scope=row]").first.bounding_box()["x"] >= 0
    page.set_viewport_size({"width": 1366, "height": 900})
    page.goto(live_server.url + "/indicateurs/")
    assert not page.locator(".scroll-hint").first.is_visible()  # fits: no cue
    page.close()


def test_sorting_by_keyboard_in_french_order(browser, live_server):
    """Noisy-le-Sec: « Béthisy » before « Branly - Boissière » (after it in code-point order);
    populations by value, blanks last in both orders; only the sorted column has aria-sort."""
    page = browser.new_page(viewport={"width": 1366, "height": 900})
    page.goto(live_server.url + "/territoires/commune/93053/")
    names = "rows => rows.map(r => r.cells[0].textContent.trim())"
    page.locator("#qpv-table").evaluate("table => table.parentNode.focus()")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent.trim()") == "Quartier"
    page.keyboard.press("Enter")
    sorted_names = page.eval_on_selector_all("#qpv-table tbody tr", names)
    assert sorted_names[:3] == [
        "Abreuvoir - Bondy Nord - Bondy Centre - Pont-De-Bondy - La Sablière - Secteur Sud",
        "Béthisy", "Branly - Boissière"]
    assert page.get_attribute("#qpv-table th:nth-child(1)", "aria-sort") == "ascending"
    assert page.locator("#qpv-table th[aria-sort]").count() == 1
    assert "ordre croissant" in page.inner_text("[role=status]")

    page.keyboard.press("Tab")
    page.keyboard.press("Tab")  # the third header: population
    page.keyboard.press("Enter")
    page.keyboard.press("Enter")
    assert page.get_attribute("#qpv-table th:nth-child(3)", "aria-sort") == "descending"
    assert page.locator("#qpv-table th[aria-sort]").count() == 1
    for _ in range(2):
        cells = page.eval_on_selector_all("#qpv-table tbody td:nth-child(3)",
                                          "cells => cells.map(c => c.dataset.value)")
        values = [float(v) for v in cells if v]
        assert cells[:len(values)] == [c for c in cells if c]  # blanks last
        descending = page.get_attribute("#qpv-table th:nth-child(3)", "aria-sort") == "descending"
        assert values == sorted(values, reverse=descending)
        page.keyboard.press("Enter")
    page.close()


def test_skip_link_leads_to_the_content(browser, live_server):
    page = browser.new_page(viewport={"width": 375, "height": 900})
    page.goto(live_server.url + "/territoires/commune/35238/")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Aller au contenu"
    assert page.locator("a.skip").is_visible()
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "contenu"
    page.close()


def test_a_flag_leads_to_its_legend(browser, live_server):
    """A mark on a value is a link, for touch and keyboard, to the legend saying what it means."""
    page = browser.new_page(viewport={"width": 375, "height": 900})
    page.goto(live_server.url + "/territoires/qpv/QN03504M/")
    flag = page.locator("#comparaison a.flag").first
    assert "millésime différent" in flag.text_content()  # said to screen readers
    flag.click()
    assert page.evaluate("location.hash").startswith("#legende-")
    target = page.locator(page.evaluate("location.hash"))
    assert target.is_visible() and target.text_content().strip()
    page.close()
