"""Real Chromium: a member of the staff opens the outbox, finds a message held while no server
was configured, reads it and sends it once a server is there; the SMTP server receives it.
Saves screenshots (tests/screenshots/mail-*.png)."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from quartiers.web.accounts.models import Role
from quartiers.web.accounts.services import ensure_roles
from quartiers.web.mail import services
from quartiers.web.mail.models import OutgoingMessage

from ..accounts.factories import UserFactory
from ..conftest import use_email_url
from ..staff_browser import logged_in_page
from ..test_browser import launched_chromium, shot
from .test_delivery import _letter

pytestmark = [pytest.mark.browser,
              pytest.mark.django_db(transaction=True, serialized_rollback=True)]

browser = pytest.fixture(name="browser")(launched_chromium)


def test_staff_send_a_held_message_from_the_outbox(browser, live_server, settings, smtp_server):
    ensure_roles()
    staff = UserFactory(email="equipe@exemple.test", roles=[Role.STAFF])
    use_email_url(settings, "")
    [held] = services.queue([_letter()], category="inscription")
    services.queue([_letter(f"abonne{n}@exemple.test") for n in range(3)], category="lettre:4")
    use_email_url(settings, smtp_server.url)  # EMAIL_URL set, platform restarted

    page, errors = logged_in_page(browser, live_server, staff, "/gestion/courriels/")
    assert page.get_by_role("link", name="Envoyer les courriels retenus (4)").is_visible()
    shot(page, "mail-1-boite-d-envoi")

    page.goto(f"{live_server.url}/gestion/courriels/inspect/{held}/")
    assert page.get_by_text("programme.pdf").is_visible()
    shot(page, "mail-2-courriel")
    page.get_by_role("button", name="Envoyer ce courriel retenu").click()
    page.wait_for_selector(".messages .success")
    call_command("db_worker", batch=True, no_startup_delay=True, verbosity=0)
    assert OutgoingMessage.objects.get(pk=held).status == OutgoingMessage.Status.SENT
    assert [rcpt for rcpt, _ in smtp_server.messages] == [["camille.martin@exemple.test",
                                                           "archives@exemple.test"]]
    page.goto(f"{live_server.url}/gestion/courriels/?status=envoye")
    shot(page, "mail-3-envoye")
    assert not errors
