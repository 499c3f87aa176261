"""Real Chromium: a visitor subscribes, confirms by the link of the message received by a real
SMTP server, changes their letters, then leaves a letter in one click from an issue received;
the issue's e-mail read at a phone's width; no serious axe-core violation on the public pages.
Saves screenshots (tests/screenshots/newsletters-*.png)."""

from __future__ import annotations

import pytest

from quartiers.web.newsletters import sending
from quartiers.web.newsletters.models import Status, Subscription

from ..test_accessibility import WIDTHS, _serious
from ..test_browser import launched_chromium, shot
from .conftest import full_issue, html_part, issue, links

pytestmark = [pytest.mark.browser,
              pytest.mark.django_db(transaction=True, serialized_rollback=True)]

browser = pytest.fixture(name="browser")(launched_chromium)
EMAIL = "visiteuse.essai@exemple.test"


@pytest.fixture(autouse=True)
def _links_to_the_live_server(settings, live_server):
    settings.QUARTIERS = settings.QUARTIERS.with_options(site_url=live_server.url)


def _states():
    return dict(Subscription.objects.filter(person__email=EMAIL)
                .values_list("newsletter__slug", "status"))


def _accessible(page, url: str, name: str) -> list[str]:
    failures = []
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(url, wait_until="networkidle")
        scroll = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
        if scroll[0] > scroll[1]:
            failures.append(f"{name} {width} px : la page défile de côté")
        failures += [f"{name} {width} px : {v}" for v in _serious(page)]
        shot(page, f"newsletters-{name}-{width}")
    return failures


def test_subscribe_confirm_choose_and_leave_in_one_click(browser, live_server, lists,
                                                          smtp_server, run_tasks):
    page = browser.new_page(viewport={"width": 375, "height": 800})
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(f"{live_server.url}/lettres/")
    page.fill("#id_email", EMAIL)
    page.get_by_label("La Minute Pop (mensuelle)").check()
    page.get_by_label("Lettre d'information santé (trimestrielle)").check()
    page.locator("#id_consent").check()
    shot(page, "newsletters-1-formulaire")
    page.get_by_role("button", name="M'abonner").click()
    page.wait_for_selector("text=Un courriel vient d'être envoyé")
    shot(page, "newsletters-2-demande-envoyee")
    assert set(_states().values()) == {Status.PENDING}

    run_tasks()
    [(_, message)] = smtp_server.messages
    [confirm_url] = [u for u in links(message.get_content()) if "/confirmation/" in u]
    page.goto(confirm_url)
    shot(page, "newsletters-3-confirmer")
    page.get_by_role("button", name="Confirmer mon abonnement").click()
    page.wait_for_selector("h1:text('Abonnement confirmé')")
    shot(page, "newsletters-4-confirme")
    assert _states() == {"la-minute-pop": Status.SUBSCRIBED, "sante": Status.SUBSCRIBED}

    page.get_by_role("link", name="choisir vos lettres ou vous désabonner").click()
    page.get_by_label("Lettre d'information santé (trimestrielle)").uncheck()
    page.get_by_label("Lettre d'information culture (trimestrielle)").check()
    page.locator("#id_consent").check()
    page.get_by_role("button", name="Enregistrer mes choix").click()
    page.wait_for_selector("text=Vos choix sont enregistrés")
    shot(page, "newsletters-5-preferences")
    assert _states() == {"la-minute-pop": Status.SUBSCRIBED, "sante": Status.UNSUBSCRIBED,
                         "culture": Status.SUBSCRIBED}
    preferences_failures = [f"préférences : {v}" for v in _serious(page)]

    letter = full_issue(lists)
    sending.start(letter, None)
    run_tasks()
    received = smtp_server.messages[-1][1]
    page.set_content(html_part(received))
    shot(page, "newsletters-6-lettre-375")
    page.set_viewport_size({"width": 1000, "height": 900})
    shot(page, "newsletters-7-lettre-1000")
    page.set_viewport_size({"width": 375, "height": 800})
    page.get_by_role("link", name="Se désabonner de cette lettre").click()
    page.get_by_role("button", name="Me désabonner").click()
    page.wait_for_selector("text=vous ne recevrez plus « La Minute Pop »")
    shot(page, "newsletters-8-desabonne")
    assert _states()["la-minute-pop"] == Status.UNSUBSCRIBED

    failures = preferences_failures
    failures += _accessible(page, f"{live_server.url}/lettres/", "lettres")
    failures += _accessible(page, f"{live_server.url}/lettres/archives/", "archives")
    failures += _accessible(page, live_server.url + letter.url, "numero")
    assert failures == [] and errors == []


def test_staff_send_a_test_then_the_issue_from_its_page(browser, live_server, lists,
                                                         smtp_server, run_tasks):
    from quartiers.web.accounts.models import Role
    from quartiers.web.accounts.services import ensure_roles

    from ..accounts.factories import UserFactory
    from ..staff_browser import logged_in_page
    from .conftest import subscriber

    ensure_roles()
    staff = UserFactory(email="redaction@exemple.test", roles=[Role.STAFF])
    subscriber("lectrice.un@exemple.test", lists["culture"])
    letter = issue(lists["culture"], "Lettre culture — numéro d'essai")
    page, _errors = logged_in_page(browser, live_server, staff,
                                   f"/gestion/pages/{letter.pk}/edit/")
    # the page's actions menu leads there (test_sending checks the button)
    page.goto(f"{live_server.url}/gestion/lettres/numero/{letter.pk}/")
    page.get_by_role("button", name="Envoyer un test").click()
    page.wait_for_selector("text=Test envoyé à redaction@exemple.test")
    page.get_by_role("button", name="Envoyer à 1 abonné·e").click()
    page.wait_for_selector("text=Envoi lancé")
    run_tasks()
    page.reload()
    assert page.locator("td[data-status=envoye]").inner_text() == "1"
    shot(page, "newsletters-9-envoi-gestion")
    assert sorted(rcpt[0] for rcpt, _ in smtp_server.messages) == [
        "lectrice.un@exemple.test", "redaction@exemple.test"]
