"""The outbox in the back office: staff only; the list filtered by state and category; a
message's headers, text and attachments; resending a failed one, sending held ones; nobody
writes or deletes a message by hand."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.core.mail import EmailMessage
from django.urls import reverse

from quartiers.web.mail import services
from quartiers.web.mail.models import OutgoingMessage

from ..accounts.factories import UserFactory
from ..conftest import use_email_url
from .test_delivery import _letter

pytestmark = pytest.mark.django_db
Status = OutgoingMessage.Status
INDEX = "/gestion/courriels/"



@pytest.fixture
def outbox(settings):
    """Three messages as the platform leaves them: held, failed for good, sent."""
    use_email_url(settings, "")
    held = services.queue([_letter("held@exemple.test")], category="inscription")[0]
    failed, sent = services.queue([EmailMessage("Lettre de mars", "Texte", None, [to])
                                   for to in ("refuse@exemple.test", "lu@exemple.test")],
                                  category="lettre:12")
    OutgoingMessage.objects.filter(pk=failed).update(
        status=Status.PERMANENT_FAILURE, attempts=1,
        last_error="refuse@exemple.test refusée par le serveur (550 inconnue)")
    OutgoingMessage.objects.filter(pk=sent).update(status=Status.SENT)
    return {"held": held, "failed": failed, "sent": sent}


@pytest.mark.parametrize("url", [INDEX, f"{INDEX}envoyer-retenus/", f"{INDEX}inspect/1/"])
def test_anonymous_visitors_are_sent_to_log_in(client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse(settings.LOGIN_URL))


def test_an_account_without_the_staff_role_is_refused(client, outbox):
    client.force_login(UserFactory(email="public@exemple.test"))
    for url in (INDEX, f"{INDEX}inspect/{outbox['held']}/", f"{INDEX}envoyer-retenus/"):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse(settings.LOGIN_URL))
    client.post(f"{INDEX}renvoyer/{outbox['failed']}/")
    assert OutgoingMessage.objects.get(pk=outbox["failed"]).status == Status.PERMANENT_FAILURE


def test_staff_list_and_filter_the_outbox(staff_client, outbox):
    page = staff_client.get(INDEX)
    assert page.status_code == 200
    text = page.content.decode()
    assert "Courriels" in text and "Lettre de mars" in text and "held@exemple.test" in text
    assert "Envoyer les courriels retenus (1)" in text
    assert "retenu (aucun serveur d&#x27;envoi configuré)" in text

    failed = staff_client.get(INDEX, {"status": Status.PERMANENT_FAILURE}).content.decode()
    assert "refuse@exemple.test" in failed and "lu@exemple.test" not in failed
    letters = staff_client.get(INDEX, {"category": "lettre"}).content.decode()
    assert "lu@exemple.test" in letters and "held@exemple.test" not in letters


def test_staff_read_a_message_headers_text_and_attachments(staff_client, outbox):
    text = staff_client.get(f"{INDEX}inspect/{outbox['held']}/").content.decode()
    for shown in ("List-Unsubscribe", "One-Click", "programme.pdf", "journee.ics",
                  "Votre inscription est enregistrée.", "archives@exemple.test",
                  "Envoyer ce courriel retenu"):
        assert shown in text


def test_nobody_adds_edits_or_deletes_a_message(staff_client, outbox):
    pk = outbox["sent"]
    for url in (f"{INDEX}new/", f"{INDEX}edit/{pk}/", f"{INDEX}delete/{pk}/"):
        assert staff_client.get(url).status_code in (302, 403)
    staff_client.post(f"{INDEX}delete/{pk}/")
    assert OutgoingMessage.objects.filter(pk=pk).exists()


def test_staff_resend_a_failed_message(staff_client, outbox, smtp_server, run_tasks):
    page = staff_client.get(f"{INDEX}inspect/{outbox['failed']}/").content.decode()
    assert "Renvoyer ce courriel" in page
    response = staff_client.post(f"{INDEX}renvoyer/{outbox['failed']}/", follow=True)
    assert "Courriel remis en file d&#x27;envoi." in response.content.decode()
    run_tasks()
    assert OutgoingMessage.objects.get(pk=outbox["failed"]).status == Status.SENT
    assert [rcpt for rcpt, _ in smtp_server.messages] == [["refuse@exemple.test"]]

    again = staff_client.post(f"{INDEX}renvoyer/{outbox['sent']}/", follow=True)
    assert "rien n&#x27;a été renvoyé" in again.content.decode()


def test_held_messages_wait_for_a_server_then_staff_send_them(staff_client, outbox, settings,
                                                              run_tasks):
    page = staff_client.get(f"{INDEX}envoyer-retenus/").content.decode()
    assert "Aucun serveur d'envoi n'est configuré" in page
    refused = staff_client.post(f"{INDEX}envoyer-retenus/", follow=True).content.decode()
    assert "définissez EMAIL_URL" in refused
    assert OutgoingMessage.objects.get(pk=outbox["held"]).status == Status.HELD

    from aiosmtpd.controller import Controller

    from ...address_server import free_port
    from ..conftest import _Inbox  # a server appears (EMAIL_URL set, platform restarted)

    port = free_port()
    controller = Controller(inbox := _Inbox(), hostname="127.0.0.1", port=port)
    controller.start()
    try:
        use_email_url(settings, f"smtp://127.0.0.1:{port}")
        assert "Envoyer les 1 courriel(s)" in staff_client.get(
            f"{INDEX}envoyer-retenus/").content.decode()
        done = staff_client.post(f"{INDEX}envoyer-retenus/", follow=True).content.decode()
        assert "1 courriel(s) retenu(s) mis en file d&#x27;envoi." in done
        run_tasks()
    finally:
        controller.stop()
    assert OutgoingMessage.objects.get(pk=outbox["held"]).status == Status.SENT
    assert [rcpt for rcpt, _ in inbox.messages] == [["held@exemple.test",
                                                     "archives@exemple.test"]]


def test_a_password_reset_link_is_never_shown_to_the_staff(staff_client, settings):
    """A staff member who asks a reset for someone else's address cannot read the link in the
    outbox, nor in that person's export."""
    from quartiers.web.accounts.tasks import send_password_reset
    from quartiers.web.mail import privacy

    use_email_url(settings, "")
    target = UserFactory(email="directrice@exemple.test")
    send_password_reset.call(target.pk)
    message = OutgoingMessage.objects.get(category="compte")
    assert "/comptes/mot-de-passe/nouveau/" in message.text()  # the link is there, for its recipient
    page = staff_client.get(f"{INDEX}inspect/{message.pk}/").text
    assert "Contenu masqué" in page and "/comptes/mot-de-passe/nouveau/" not in page
    exported = str(privacy.export_person(type("P", (), {"email": target.email})()))
    assert "Contenu masqué" in exported and "/comptes/mot-de-passe/nouveau/" not in exported
