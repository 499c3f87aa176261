"""Real Chromium: a member of the staff checks a contacts file made by hand for the test (the
report names row and field), then checks and imports a good one, and finds the people; a
contact asked to renew answers on the public page (accessible at 375 and 1366 px). Saves
screenshots (tests/screenshots/contacts-*.png)."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone

from quartiers.web.contacts.models import Person
from quartiers.web.contacts.renewal import link_for
from quartiers.web.contacts.services import load_bundled

from ..staff_browser import logged_in_page
from ..test_accessibility import WIDTHS, _serious
from ..test_browser import SCREENSHOTS, launched_chromium, shot
from .factories import PersonFactory

pytestmark = [pytest.mark.browser,
              pytest.mark.django_db(transaction=True, serialized_rollback=True)]
browser = pytest.fixture(name="browser")(launched_chromium)
FILES = Path(__file__).parent / "fichiers"


def test_staff_check_then_import_a_contacts_file(browser, live_server, staff_user):
    load_bundled()
    page, errors = logged_in_page(browser, live_server, staff_user)

    page.goto(f"{live_server.url}/gestion/contacts/importer/")
    page.set_input_files("#id_fichier", str(FILES / "contacts-essai-erreurs.csv"))
    page.get_by_role("button", name="Importer").click()
    report = page.locator("#report")
    report.wait_for()
    assert "Problèmes : rien n'a été importé" in report.inner_text()
    assert "personne.deux@@exemple.test" in report.inner_text()
    assert "Rennes Métropole (243500139)" in report.inner_text()
    shot(page, "contacts-1-import-erreurs")
    assert not Person.objects.exists()

    page.set_input_files("#id_fichier", str(FILES / "contacts-essai.csv"))
    page.get_by_role("button", name="Vérifier").click()
    page.wait_for_selector("text=Vérification : rien de bloquant")
    assert "3 personne(s) à créer" in page.locator("#report").inner_text()
    assert not Person.objects.exists()
    page.set_input_files("#id_fichier", str(FILES / "contacts-essai.csv"))
    page.get_by_role("button", name="Importer").click()
    page.wait_for_selector("text=Import effectué")
    shot(page, "contacts-2-import-effectue")
    assert Person.objects.count() == 3

    page.goto(f"{live_server.url}/gestion/snippets/contacts/person/?q=essai")
    assert page.locator("text=personne.trois@exemple.test").count() == 1
    shot(page, "contacts-3-personnes")
    trois = Person.objects.get(email="personne.trois@exemple.test")
    page.goto(f"{live_server.url}/gestion/snippets/contacts/person/inspect/{trois.pk}/")
    assert "Médiateurs santé" in page.content()
    shot(page, "contacts-4-fiche")
    assert errors == []


def test_the_renewal_page_is_accessible_and_fits_the_screen(browser, live_server):
    person = PersonFactory(last_activity_at=timezone.now() - timedelta(days=4 * 365),
                           renewal_asked_at=timezone.now())
    link = link_for(person)
    page = browser.new_page()
    failures = []
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(live_server.url + link[link.index("/contacts/"):], wait_until="networkidle")
        scroll = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
        if scroll[0] > scroll[1]:
            failures.append(f"{width} px : la page défile de côté ({scroll[0]} px de large)")
        failures += [f"{width} px : {v}" for v in _serious(page)]
        page.screenshot(path=str(SCREENSHOTS / f"contacts-5-renouvellement-{width}.png"),
                        full_page=True)
    assert not failures, "\n".join(failures)
    page.get_by_role("button", name="Je souhaite rester dans vos contacts").click()
    page.wait_for_selector("text=vous restez dans les contacts")
    shot(page, "contacts-6-renouvellement-merci")
    person.refresh_from_db()
    assert person.renewal_asked_at is None
