"""Real Chromium on a 375 px phone: a territory's team fills the application form, saves a
draft, comes back by the link and submits; axe finds nothing serious on the call page and the
form, and nothing scrolls sideways. Screenshots tests/screenshots/labo-*.png."""

from __future__ import annotations

import pytest

from quartiers.web.labo.models import Application
from quartiers.web.labo.services import resume_url
from quartiers.web.site.services import load_bundled as load_site_pages

from ..test_accessibility import _serious
from ..test_browser import launched_chromium, shot
from .conftest import make_call

pytestmark = [pytest.mark.browser,
              pytest.mark.django_db(transaction=True, serialized_rollback=True)]
browser = pytest.fixture(name="browser")(launched_chromium)


def _fits(page) -> None:
    assert page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]") == [375, 375]


def test_application_form_on_a_phone(browser, live_server, outbox):
    load_site_pages()
    call = make_call()
    page = browser.new_page(viewport={"width": 375, "height": 800})
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(f"{live_server.url}/labo/{call.slug}/")
    assert _serious(page) == []
    _fits(page)
    page.click("text=Remplir le formulaire de candidature")
    page.wait_for_selector("h1:has-text('Candidature')")
    page.fill("#id_contact_name", "Personne D'essai")
    page.fill("#id_email", "pas-une-adresse")
    page.check("#id_consent")
    page.click("button[value=enregistrer]")
    page.wait_for_selector(".error-summary")
    assert "Adresse électronique mal formée" in page.inner_text(".error-summary")
    assert _serious(page) == []
    _fits(page)
    shot(page, "labo-1-formulaire-erreur-375")

    page.fill("#id_email", "candidat@exemple.test")
    page.select_option("#id_level", "epci")
    page.fill("#id_code", "244400404")
    page.fill("#id_structure", "Structure d'essai")
    page.fill("#id_contact_role", "Chef·fe de projet d'essai")
    page.check("#id_consent")
    page.click("button[value=enregistrer]")
    page.wait_for_selector("text=Brouillon enregistré")
    application = Application.objects.get()
    assert application.territory_name == "Nantes Métropole"
    assert outbox.filter(to="candidat@exemple.test").count() == 1

    page.goto(live_server.url + resume_url(application))
    for criterion in call.criteria.all():
        page.fill(f"#id_answer_{criterion.pk}", f"Réponse d'essai : {criterion.title}.")
    page.fill("#id_motivation", "Motivation d'essai.")
    page.check("#id_consent")
    _fits(page)
    assert _serious(page) == []
    shot(page, "labo-2-formulaire-375")
    page.click("button[value=deposer]")
    page.wait_for_selector("text=Candidature déposée")
    shot(page, "labo-3-deposee-375")
    application.refresh_from_db()
    assert application.status == Application.Status.SUBMITTED
    assert outbox.filter(subject__startswith="Candidature déposée").count() == 1
    assert errors == []
