"""Real Chromium: a member of the staff publishes an event in the back office; visitors
register (one place: the second waits); the first cancels through their signed link and the
waiting person confirms the place offered; the staff check them in on a 375 px phone and
download the certificates. Axe on the agenda and the event page. Screenshots
tests/screenshots/events-*.png."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.utils import timezone
from pypdf import PdfReader

from quartiers.web.accounts.models import Role
from quartiers.web.accounts.services import ensure_roles
from quartiers.web.events.models import EventPage, Registration
from quartiers.web.events.registration import manage_url, offer_url
from quartiers.web.events.services import agenda_index
from quartiers.web.site.services import load_bundled as load_site_pages

from ..accounts.factories import UserFactory
from ..staff_browser import logged_in_page
from ..test_accessibility import _check, _serious
from ..test_browser import launched_chromium, shot

pytestmark = [pytest.mark.browser,
              pytest.mark.django_db(transaction=True, serialized_rollback=True)]
browser = pytest.fixture(name="browser")(launched_chromium)

TITLE = "Rencontre d'essai du réseau des médiateurs santé"
Status = Registration.Status


def visitor_registers(page, url: str, n: int) -> None:
    page.goto(url)
    page.fill("#id_first_name", "Personne")
    page.fill("#id_last_name", f"D'essai {n}")
    page.fill("#id_email", f"visiteur{n}@exemple.test")
    page.click("text=S'inscrire")
    page.wait_for_selector("h1:has-text('Inscription enregistrée')")


def test_publish_register_waitlist_check_in_certificates(browser, live_server):
    load_site_pages()
    ensure_roles()
    index_page, _ = agenda_index()
    staff = UserFactory(email="equipe@exemple.test", roles=[Role.STAFF])
    page, errors = logged_in_page(browser, live_server, staff)
    page.goto(f"{live_server.url}/gestion/pages/add/events/eventpage/{index_page.pk}/")
    day = timezone.localdate() + timedelta(days=14)
    page.fill("#id_title", TITLE)
    page.fill("#id_summary", "Événement d'essai créé par le test du navigateur.")
    for field, value in (("date", day.strftime("%d/%m/%Y")), ("start_time", "09:30"),
                         ("end_time", "16:30")):  # typed past the pickers
        page.locator(f"#id_{field}").evaluate("(input, value) => { input.value = value; }", value)
    page.fill("#id_place_name", "Salle d'essai")
    page.fill("#id_commune", "Rennes")
    page.fill("#id_department", "35")
    page.fill("#id_capacity", "1")
    page.keyboard.press("Escape")
    shot(page, "events-1-editeur")
    page.locator("footer .w-dropdown__toggle").first.click()
    page.click("button[name=action-publish]")
    page.wait_for_selector(".messages .success", timeout=30000)
    event = EventPage.objects.get(title=TITLE)
    assert event.live and event.capacity == 1 and event.date == day

    visitor = browser.new_page(viewport={"width": 375, "height": 800})
    visitor.goto(f"{live_server.url}/agenda/")
    assert TITLE in visitor.inner_text("main")
    assert _serious(visitor) == []
    shot(visitor, "events-2-agenda-375")
    visitor.goto(live_server.url + event.url)
    assert _serious(visitor) == []
    shot(visitor, "events-3-evenement-375")
    visitor_registers(visitor, live_server.url + event.url, 1)
    visitor_registers(visitor, live_server.url + event.url, 2)
    shot(visitor, "events-4-liste-attente")
    first = Registration.objects.get(person__email="visiteur1@exemple.test")
    second = Registration.objects.get(person__email="visiteur2@exemple.test")
    assert (first.status, second.status) == (Status.CONFIRMED, Status.WAITING)

    visitor.goto(live_server.url + manage_url(first))
    visitor.click("text=Annuler mon inscription")
    visitor.wait_for_selector("text=Votre inscription est annulée")
    second.refresh_from_db()
    assert second.status == Status.OFFERED
    visitor.goto(live_server.url + offer_url(second))
    shot(visitor, "events-5-place-proposee")
    visitor.click("text=Je confirme ma place")
    visitor.wait_for_selector("dd:has-text('Confirmée')")
    second.refresh_from_db()
    assert second.status == Status.CONFIRMED

    page.goto(f"{live_server.url}/gestion/pages/{event.pk}/edit/")
    assert page.locator(f"a[href='/agenda/equipe/{event.pk}/']").count()
    page.goto(f"{live_server.url}/agenda/equipe/{event.pk}/")
    shot(page, "events-6-inscriptions")
    page.set_viewport_size({"width": 375, "height": 800})
    page.click("text=Pointage du jour")
    page.fill("#check-in-query", "essai 2")
    page.get_by_role("button", name="Personne D'essai 2 : présence").click()
    page.wait_for_selector("#present-count:has-text('1')")
    assert page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]") == [375, 375]
    shot(page, "events-7-pointage-375")
    second.refresh_from_db()
    assert second.attended_at is not None
    response = page.request.get(f"{live_server.url}/agenda/equipe/{event.pk}/attestations.pdf")
    assert response.headers["content-type"] == "application/pdf"
    text = PdfReader(io.BytesIO(response.body())).pages[0].extract_text()
    assert "Attestation de présence" in text and "D'ESSAI 2 Personne" in text
    assert errors == []


def test_agenda_and_event_page_accessible_at_both_widths(browser, live_server):
    """The accessibility walk of the other pages (axe, no sideways scroll, 375 and 1366 px)
    over the agenda, an event page with its form, and past events."""
    from .conftest import make_event

    load_site_pages()
    event = make_event("Rencontre d'essai accessible", capacity=10, asks_diet=True)
    make_event("Journée d'essai passée", days=-20)
    page = browser.new_page()
    for name, path in (("agenda", "/agenda/"), ("agenda-passes", "/agenda/?passes=1"),
                       ("evenement", event.url)):
        _check(page, live_server.url, name, path)
        page = browser.new_page()
