"""Real Chromium, the centre's staff by keyboard: the calls, the applications of a call, an
application scored on the grid (refused first with a note missing) and selected, then its
roadmap written (a step, a heat component, a catalogue indicator, a local one and its value).
At 375 and 1,366 px, nothing scrolls sideways and axe finds nothing serious. Screenshots
tests/screenshots/labo-equipe-*.png."""

from __future__ import annotations

import pytest

from quartiers.web.labo.models import Application, Indicator, LocalValue, Review, Step

from ..staff_browser import check_both_widths, logged_in_page
from ..test_browser import launched_chromium
from .conftest import form_data, make_call

pytestmark = [pytest.mark.browser,
              pytest.mark.django_db(transaction=True, serialized_rollback=True)]
browser = pytest.fixture(name="browser")(launched_chromium)


def _check(page, name: str) -> None:
    check_both_widths(page, "labo-equipe-" + name)


def _press_enter_on(page, locator) -> None:
    """A link or button reached by keyboard: focused, then Enter, and the page it leads to."""
    locator.focus()
    assert page.evaluate("document.activeElement.tagName") in ("A", "BUTTON")
    with page.expect_navigation():
        page.keyboard.press("Enter")


def _choose(page, selector: str, label: str) -> None:
    """A select set by keyboard: focused, then its option typed."""
    page.focus(selector)
    page.keyboard.type(label)
    assert page.locator(f"{selector} option:checked").inner_text() == label


def test_staff_score_decide_and_write_the_roadmap(browser, live_server, client, staff_user,
                                                  outbox):
    call = make_call()
    client.post(f"/labo/{call.slug}/candidater/", form_data(call, action="deposer"))
    application = Application.objects.get()
    assert application.status == Application.Status.SUBMITTED
    page, errors = logged_in_page(browser, live_server, staff_user, next_path="/labo/equipe/")
    _check(page, "1-appels")

    _press_enter_on(page, page.get_by_role("link", name=call.title))
    assert "Nantes Métropole" in page.inner_text("main table")
    _check(page, "2-candidatures")
    _press_enter_on(page, page.get_by_role("link", name="Nantes Métropole"))

    # the grid: the last note forgotten, then given
    criteria = list(call.criteria.all())
    for criterion, note in zip(criteria[:-1], ("3", "2"), strict=True):
        _choose(page, f"#id_grille-score_{criterion.pk}", note)
        page.fill(f"#id_grille-comment_{criterion.pk}", f"Commentaire d'essai ({note}).")
    _press_enter_on(page, page.get_by_role("button", name="Enregistrer ma notation"))
    summary = page.locator("main .error-summary")
    last = f"Note : {criteria[-1].title} (poids {criteria[-1].weight})"
    assert f"{last} : choisissez une note de 0 à 4." in summary.inner_text()
    assert summary.inner_text().count("Note :") == 1  # the field named once
    assert not Review.objects.exists()
    _check(page, "3-notation-erreur")
    summary.locator("a").first.focus()
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == f"id_grille-score_{criteria[-1].pk}"
    page.keyboard.type("4")
    _press_enter_on(page, page.get_by_role("button", name="Enregistrer ma notation"))
    assert "Votre notation est enregistrée." in page.inner_text("main [role=status]")
    review = Review.objects.get()
    assert review.weighted_total == 3 * 3 + 2 * 2 + 4 * 1

    # the decision, by keyboard
    page.locator("input[name=decision-decision][value=retenue]").focus()
    page.keyboard.press("Space")
    _press_enter_on(page, page.get_by_role("button", name="Enregistrer la décision"))
    assert "Décision enregistrée" in page.inner_text("main [role=status]")
    application.refresh_from_db()
    assert application.status == Application.Status.SELECTED
    assert outbox.filter(subject__startswith="Votre candidature est retenue").count() == 1
    _check(page, "4-candidature-retenue")

    # the roadmap: a step and three indicators, then the local indicator's value
    _press_enter_on(page, page.get_by_role("link", name="Feuille de route", exact=True))
    _check(page, "5-feuille-de-route-vide")
    page.fill("#id_etapes-0-position", "1")
    page.fill("#id_etapes-0-title", "Diagnostic de vulnérabilité (étape d'essai)")
    page.fill("#id_etapes-0-starts_on", "2026-09-01")
    page.fill("#id_etapes-0-ends_on", "2026-12-15")
    page.fill("#id_etapes-0-progress", "40")
    page.fill("#id_indicateurs-0-position", "1")
    page.select_option("#id_indicateurs-0-kind", "local")
    page.fill("#id_indicateurs-0-label", "Cours d'école désimperméabilisées (indicateur d'essai)")
    page.fill("#id_indicateurs-0-unit", "cours")
    _press_enter_on(page, page.get_by_role("button", name="Enregistrer la feuille de route"))
    assert "Feuille de route enregistrée." in page.inner_text("main [role=status]")
    assert Step.objects.get().progress == 40
    local = Indicator.objects.get(kind=Indicator.Kind.LOCAL)
    page.select_option("#id_valeurs-0-indicator", str(local.pk))
    page.fill("#id_valeurs-0-measured_on", "2026-10-01")
    page.fill("#id_valeurs-0-value", "2")
    page.fill("#id_valeurs-0-source", "Relevé d'essai de l'équipe")
    _press_enter_on(page, page.get_by_role("button", name="Enregistrer la feuille de route"))
    assert LocalValue.objects.get().source == "Relevé d'essai de l'équipe"
    _check(page, "6-feuille-de-route")

    _press_enter_on(page, page.get_by_role("link", name="Voir la page publique"))
    assert "Diagnostic de vulnérabilité (étape d'essai)" in page.inner_text("main")
    _check(page, "7-page-publique")
    assert errors == []
    page.close()
