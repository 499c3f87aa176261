"""Real Chromium: a chef·fe de projet of Rennes Métropole builds the contract's evaluation
framework from the template, by keyboard: edits an objective, binds a catalogue indicator with
a target, enters a local value, writes a section of the report, reads the history, downloads
the mid-term report. At 375 and 1,366 px, nothing scrolls sideways and axe finds nothing
serious on the framework page, the indicator form, the history and the synthesis.
Screenshots tests/screenshots/evaluation-*.png."""

from __future__ import annotations

import io
from urllib.parse import urlparse

import pytest
from pypdf import PdfReader

from quartiers.web.evaluation.models import Framework, FrameworkIndicator, LocalValue

from ..staff_browser import check_both_widths, logged_in_page
from ..test_browser import SCREENSHOTS, launched_chromium, shot
from .conftest import RENNES

pytestmark = [pytest.mark.browser,
              pytest.mark.django_db(transaction=True, serialized_rollback=True)]
browser = pytest.fixture(name="browser")(launched_chromium)
BASE = f"/contrats/{RENNES}/cadre/"


def _check(page, name: str) -> None:
    check_both_widths(page, "evaluation-" + name)


def _follow(page, link) -> None:
    """A link reached by keyboard: focused, then Enter."""
    link.focus()
    assert page.evaluate("document.activeElement.tagName") == "A"
    with page.expect_navigation():
        page.keyboard.press("Enter")


def _at_home(page) -> None:
    """Back on the framework page (a fragment followed on the form may have come along)."""
    assert urlparse(page.url).path == BASE


def _submit(page) -> None:
    """The form sent by Enter on its button, as a keyboard user does."""
    page.locator("main form.evaluation-form button[type=submit]").focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")


def test_project_lead_builds_the_framework_by_keyboard(browser, live_server, rennes_lead):
    page, errors = logged_in_page(browser, live_server, rennes_lead, next_path=BASE)
    assert "pas encore de cadre" in page.inner_text("main")

    # created from the template
    _follow(page, page.get_by_role("link", name="Créer le cadre d'évaluation"))
    assert page.input_value("#id_title").startswith("Cadre d'évaluation du contrat de ville")
    assert page.is_checked("input[name=start][value=modele]")
    shot(page, "evaluation-1-creer-1366")
    _submit(page)
    _at_home(page)
    assert "Le cadre d'évaluation est créé." in page.inner_text("[role=status]")
    framework = Framework.objects.get(contract_code=RENNES)
    assert framework.from_template
    _check(page, "2-cadre")

    # an objective renamed, with its questions
    page.set_viewport_size({"width": 1366, "height": 900})
    objective = framework.objectives.first()
    _follow(page, page.locator(f"a[href$='/cadre/objectifs/{objective.pk}/']"))
    page.fill("#id_title", "Suivre la situation sociale des quartiers de Rennes Métropole")
    _check(page, "3-objectif")
    page.set_viewport_size({"width": 1366, "height": 900})
    _submit(page)
    _at_home(page)
    objective.refresh_from_db()
    assert objective.title == "Suivre la situation sociale des quartiers de Rennes Métropole"

    # a catalogue indicator bound with a target: first with a missing year, then right
    question = objective.questions.first()
    _follow(page, page.locator(f"a[href$='/cadre/indicateurs/ajouter/?question={question.pk}']"))
    assert page.input_value("#id_question") == str(question.pk)
    page.locator("input[name=kind][value=catalogue]").focus()
    page.keyboard.press("Space")
    page.select_option("#id_indicator_code", "part_alloc_aah")
    page.fill("#id_target_value", "12")
    page.select_option("#id_direction", "baisse")
    _submit(page)
    summary = page.locator("main .evaluation-errors")
    assert "Année cible : indiquez l'année" in summary.inner_text()
    _check(page, "4-indicateur-erreur")
    page.set_viewport_size({"width": 1366, "height": 900})
    summary.locator("a").first.focus()
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "id_target_year"
    page.keyboard.type("2030")
    _submit(page)
    _at_home(page)
    bound = FrameworkIndicator.objects.get(question=question, indicator_code="part_alloc_aah")
    assert (bound.target_value, bound.target_year, bound.baseline_level) == (12, 2030,
                                                                             "qpv2015_epci")
    _follow(page, page.locator(f"a[href$='/cadre/indicateurs/{bound.pk}/']"))
    _check(page, "5-indicateur")
    page.set_viewport_size({"width": 1366, "height": 900})
    page.go_back()

    # a local value, with its source
    local = FrameworkIndicator.objects.filter(question__objective__framework=framework,
                                              kind="local").first()
    _follow(page, page.locator(f"a[href$='/cadre/indicateurs/{local.pk}/valeurs/']"))
    page.fill("#id_value", "212")
    page.fill("#id_date", "2025-06-30")
    page.fill("#id_source", "Tableau de suivi des actions (fichier fictif d'essai)")
    _submit(page)
    assert "La valeur est enregistrée." in page.inner_text("[role=status]")
    assert LocalValue.objects.get(indicator=local).value == 212
    _check(page, "6-valeurs-locales")
    page.set_viewport_size({"width": 1366, "height": 900})
    _follow(page, page.get_by_role("link", name="Retour au cadre"))

    # a section of the report written
    _follow(page, page.locator("a[href$='/cadre/redaction/synthese/']"))
    page.fill("#id_text", "Texte d'essai de la synthèse.\n\nSecond paragraphe d'essai.")
    shot(page, "evaluation-7-redaction-1366")
    _submit(page)
    _at_home(page)
    assert "Second paragraphe d'essai." in page.inner_text("section[aria-labelledby=redaction]")
    # the series of the indicator just bound, opened by keyboard
    page.locator(f"#indicateur-{bound.pk} details summary").first.focus()
    page.keyboard.press("Enter")
    assert page.locator(f"#indicateur-{bound.pk} table").first.is_visible()
    _check(page, "8-cadre-rempli")

    # the history names each change
    page.set_viewport_size({"width": 1366, "height": 900})
    _follow(page, page.get_by_role("link", name="Historique des modifications"))
    history = page.inner_text("main ol.changes")
    for change in ("à partir du modèle", "Suivre la situation sociale des quartiers de Rennes",
                   "Part des allocataires percevant l'AAH", "212", "Synthèse"):
        assert change in history, change
    page.locator("ol.changes details summary").first.focus()
    page.keyboard.press("Enter")
    assert "Second paragraphe d'essai." in page.inner_text("ol.changes dl")
    _check(page, "9-historique")

    # the mid-term report
    page.set_viewport_size({"width": 1366, "height": 900})
    page.goto(live_server.url + BASE)
    link = page.get_by_role("link", name="Rapport à mi-parcours (PDF)")
    response = page.request.get(live_server.url + link.get_attribute("href"))
    assert response.headers["content-type"] == "application/pdf"
    assert f"rapport-mi-parcours-{RENNES}.pdf" in response.headers["content-disposition"]
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(response.body())).pages)
    flat = " ".join(text.split())
    for written in ("Second paragraphe d'essai.", "Part des allocataires percevant l'AAH",
                    "Tableau de suivi des actions"):
        assert written in flat, written
    (SCREENSHOTS / "evaluation-rapport-mi-parcours.pdf").write_bytes(response.body())
    assert errors == []
    page.close()


def test_synthesis_is_accessible(browser, live_server, rennes_lead, client):
    client.force_login(rennes_lead)
    client.post(BASE + "creer/", {"title": "Cadre d'essai", "start": "modele"})
    page = browser.new_page()
    page.goto(live_server.url + "/contrats/cadres/synthese/?region=53")
    assert "1 contrat a un cadre" in page.inner_text("main")
    _check(page, "10-synthese")
    page.close()
