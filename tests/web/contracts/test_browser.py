"""Real Chromium over the contrats de ville: the registry filtered, Rennes Métropole's contract
read anonymously, then its project lead uploads a PDF typeset from the bundled 2024 programme
(refused first without a file), the worker extracts it, the lead confirms the QPV list; the
search highlights the words found and the comparison table counts the passages. At 375 and
1,366 px, nothing scrolls sideways and axe finds nothing serious. Screenshots
tests/screenshots/contrats-*.png."""

from __future__ import annotations

import pytest

from quartiers.web.accounts.services import ensure_roles
from quartiers.web.contracts.models import ConfirmedPerimeter, ContractDocument

from ..accounts.factories import TerritoryAssignmentFactory
from ..staff_browser import check_both_widths, logged_in_page
from ..test_browser import launched_chromium
from .factories import programme_pdf

pytestmark = [pytest.mark.browser,
              pytest.mark.django_db(transaction=True, serialized_rollback=True)]
browser = pytest.fixture(name="browser")(launched_chromium)
RENNES = "CN03501I"  # Rennes Métropole's 2024-2030 contract (EPCI 243500139)


def _check(page, name: str) -> None:
    check_both_widths(page, "contrats-" + name)


def _press_enter_on(page, locator) -> None:
    """A link or button reached by keyboard: focused, then Enter, and the page it leads to."""
    locator.focus()
    assert page.evaluate("document.activeElement.tagName") in ("A", "BUTTON")
    with page.expect_navigation():
        page.keyboard.press("Enter")


def test_registry_and_contract_page_anonymously(browser, live_server, store):
    page = browser.new_page(viewport={"width": 1366, "height": 900})
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(live_server.url + "/contrats/")
    page.fill("#contrats-q", "rennes")
    page.select_option("#filtre-region", "53")
    _press_enter_on(page, page.get_by_role("button", name="Afficher les contrats"))
    assert "region=53" in page.url
    results = page.inner_text("main section[aria-labelledby=results-title]")
    assert "Rennes Métropole" in results and RENNES in results
    _check(page, "1-registre-filtre")

    _press_enter_on(page, page.locator(f"main a[href='/contrats/{RENNES}/']").first)
    assert page.locator("h1").inner_text().startswith("Rennes Métropole")
    main = page.inner_text("main")
    assert "à confirmer" in main and "QN03504M" in main
    assert "Déposer un document" not in main  # reading only
    _check(page, "2-contrat")
    assert errors == []
    page.close()


def test_project_lead_uploads_confirms_searches_and_compares(browser, live_server, run_tasks,
                                                             store):
    ensure_roles()
    from quartiers.web.contracts import services

    services.load_bundled()
    lead = TerritoryAssignmentFactory(level="epci", code="243500139").user
    page, errors = logged_in_page(browser, live_server, lead, next_path=f"/contrats/{RENNES}/")

    # the upload: refused without a file, then the 2024 programme typeset as a PDF
    _press_enter_on(page, page.get_by_role("link", name="Déposer un document"))
    page.select_option("#id_kind", "contrat")
    page.fill("#id_title", "Programme d'actions 2024 (document d'essai)")
    _press_enter_on(page, page.get_by_role("button", name="Déposer"))
    assert page.locator("#id_file_error").is_visible()
    assert page.get_attribute("#id_file", "aria-describedby") == "id_file_helptext id_file_error"
    assert "Fichier : Choisissez le fichier à déposer." in page.inner_text("main [role=alert]")
    assert not ContractDocument.objects.exists()
    _check(page, "3-depot-erreur")
    page.set_input_files("#id_file", files=[{"name": "programme-2024.pdf",
                                             "mimeType": "application/pdf",
                                             "buffer": programme_pdf(2024)}])
    _press_enter_on(page, page.get_by_role("button", name="Déposer"))
    assert "son texte sera extrait" in page.inner_text("main")
    assert "en attente d'extraction" in page.inner_text("main")
    run_tasks()  # the worker
    page.reload()
    document = ContractDocument.objects.get()
    assert document.indexed and document.public
    assert "extrait et cherché" in page.inner_text("main")
    assert page.locator("main ol.passages mark").count() > 0
    _check(page, "4-document")

    # the QPV list confirmed without its first quartier, by keyboard
    _press_enter_on(page, page.locator("main nav.crumbs a").last)
    summary = page.locator("#qpv details summary")
    summary.focus()
    page.keyboard.press("Enter")
    boxes = page.locator("#qpv details input[type=checkbox]")
    assert boxes.count() > 1
    dropped = boxes.first.get_attribute("value")
    boxes.first.focus()
    page.keyboard.press("Space")
    assert not boxes.first.is_checked()
    _check(page, "5-contrat-confirmation")
    _press_enter_on(page, page.get_by_role("button", name="Confirmer la liste"))
    assert "Liste des QPV confirmée" in page.inner_text("main [role=status]")
    perimeter = ConfirmedPerimeter.objects.get(contract=RENNES)
    assert dropped not in perimeter.codes and perimeter.codes
    assert "Liste confirmée par" in page.inner_text("#qpv")
    assert dropped not in page.inner_text("#qpv table")

    # the search: accents and case ignored, the words highlighted
    page.goto(live_server.url + "/contrats/recherche/")
    page.fill("#documents-q", "QUARTIERS 2030 gouvernance")
    page.keyboard.press("Enter")
    page.wait_for_url("**/recherche/?q=*")
    results = page.locator("main section[aria-labelledby=results-title]")
    assert "1 document pour" in results.locator("h2").inner_text()
    marked = {m.lower() for m in results.locator("mark").all_inner_texts()}
    assert {"quartiers", "2030", "gouvernance"} <= marked
    _check(page, "6-recherche")

    # the comparison
    page.goto(live_server.url + "/contrats/comparaison/")
    table = page.locator("main table")
    assert "Rennes Métropole" in table.inner_text()
    assert "Clauses data" in table.locator("thead").inner_text()
    _check(page, "7-comparaison")
    assert errors == []
    page.close()
