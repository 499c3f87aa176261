"""The outbox against a real SMTP server (aiosmtpd): what the platform sends arrives intact,
once; a server down keeps the messages and they go when it is back; a refused address fails
for good and is signalled; without a server, messages are held."""

from __future__ import annotations

import logging
from datetime import timedelta

import pytest
from aiosmtpd.controller import Controller
from django.core.mail import EmailMessage, EmailMultiAlternatives, get_connection, send_mail
from django.utils import timezone

from quartiers.web.mail import services
from quartiers.web.mail.models import OutgoingMessage
from quartiers.web.mail.signals import permanent_failure
from quartiers.web.mail.tasks import retry_due

from ...address_server import free_port
from ..conftest import _Inbox, use_email_url

pytestmark = pytest.mark.django_db
Status = OutgoingMessage.Status

PDF = b"%PDF-1.4\n" + bytes(range(256)) * 40 + b"\n%%EOF\n"
ICS = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Essai//FR\r\nEND:VCALENDAR\r\n"


class _Refusing(_Inbox):
    """A server that refuses one mailbox for good (550), as a real one does for a typo."""

    def __init__(self, refused: str):
        super().__init__()
        self.refused = refused

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address == self.refused:
            return "550 5.1.1 Boite aux lettres inconnue"
        envelope.rcpt_tos.append(address)
        return "250 OK"


@pytest.fixture
def server_later(settings):
    """EMAIL_URL names a port where nothing listens yet; ``start()`` opens the server there."""
    port = free_port()
    use_email_url(settings, f"smtp://127.0.0.1:{port}")
    controllers = []

    def start(handler=None):
        controller = Controller(handler or _Inbox(), hostname="127.0.0.1", port=port)
        controller.start()
        controllers.append(controller)
        return controller.handler

    yield start
    for controller in controllers:
        controller.stop()


def _letter(to: str = "camille.martin@exemple.test") -> EmailMultiAlternatives:
    message = EmailMultiAlternatives(
        subject="Votre inscription à la journée « Santé et quartiers »",
        body="Bonjour,\n\nVotre inscription est enregistrée.\nÀ bientôt — l'équipe.\n",
        to=[to], bcc=["archives@exemple.test"],
        headers={"List-Unsubscribe": "<https://quartiers.exemple.test/lettres/d/abc>",
                 "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"})
    message.attach_alternative("<p>Bonjour,</p><p>Votre inscription est <b>enregistrée</b>.</p>",
                               "text/html")
    message.attach("programme.pdf", PDF, "application/pdf")
    message.attach("journee.ics", ICS, "text/calendar")
    return message


def test_a_message_arrives_intact_with_its_headers_and_attachments(smtp_server, run_tasks):
    sent = _letter()
    assert sent.send() == 1
    [stored] = OutgoingMessage.objects.all()
    assert (stored.status, stored.category) == (Status.PENDING, "courriel")
    assert not smtp_server.messages  # sent by the worker
    run_tasks()

    [(recipients, received)] = smtp_server.messages
    assert recipients == ["camille.martin@exemple.test", "archives@exemple.test"]
    # Django folds a long encoded subject onto the next line; Python's parser keeps the space
    assert received["Subject"].strip() == "Votre inscription à la journée « Santé et quartiers »"
    assert received["To"] == "camille.martin@exemple.test"
    assert received["Bcc"] is None  # an envelope recipient only
    assert received["List-Unsubscribe"] == "<https://quartiers.exemple.test/lettres/d/abc>"
    assert received["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert "Votre inscription est enregistrée." in received.get_body(("plain",)).get_content()
    assert "<b>enregistrée</b>" in received.get_body(("html",)).get_content()
    attachments = {part.get_filename(): part for part in received.iter_attachments()}
    assert attachments["programme.pdf"].get_content() == PDF
    assert attachments["journee.ics"].get_content().replace("\r\n", "\n") == \
        ICS.replace("\r\n", "\n")
    stored.refresh_from_db()
    assert stored.status == Status.SENT and stored.sent_at and stored.attempts == 1
    assert received["Message-ID"] == stored.parsed()["Message-ID"]  # the stored bytes, sent

    run_tasks()  # nothing left to do: never twice
    assert len(smtp_server.messages) == 1


def test_a_category_names_where_messages_come_from(smtp_server, run_tasks):
    send_mail("Rappel", "Demain.", None, ["a@exemple.test"],
              connection=get_connection(category="inscription"))
    assert OutgoingMessage.objects.get().category == "inscription"


def test_a_rolled_back_transaction_stores_and_sends_nothing(smtp_server, run_tasks):
    from django.db import transaction

    with pytest.raises(RuntimeError), transaction.atomic():
        _letter().send()
        raise RuntimeError
    run_tasks()
    assert not OutgoingMessage.objects.exists() and not smtp_server.messages


def test_server_down_the_message_is_kept_retried_and_sent_once_back(server_later, run_tasks,
                                                                    caplog):
    caplog.set_level(logging.INFO)
    _letter().send()
    run_tasks()
    message = OutgoingMessage.objects.get()
    assert message.status == Status.TEMPORARY_FAILURE and message.attempts == 1
    assert "injoignable" in message.last_error
    assert message.next_attempt_at > timezone.now()

    retry_due.enqueue()  # not yet due: not attempted
    run_tasks()
    message.refresh_from_db()
    assert message.attempts == 1

    inbox = server_later()
    assert services.due(now=message.next_attempt_at) == [message.pk]
    OutgoingMessage.objects.filter(pk=message.pk).update(next_attempt_at=timezone.now())
    retry_due.enqueue()
    run_tasks()
    message.refresh_from_db()
    assert (message.status, message.attempts, message.last_error) == (Status.SENT, 2, "")
    assert len(inbox.messages) == 1

    retry_due.enqueue()  # the worker again, and the same ids delivered again: never twice
    run_tasks()
    assert services.deliver([message.pk]) == {message.pk: Status.SENT}
    assert len(inbox.messages) == 1
    ours = " ".join(record.getMessage() for record in caplog.records
                    if record.name.startswith("quartiers"))
    assert "Courriels : envoyé 1" in ours
    assert "camille" not in ours and "inscription" not in ours  # no address, no subject


def test_retries_wait_longer_each_time(server_later):
    [pk] = services.queue([_letter()], category="inscription")
    waits = []
    for _ in range(8):
        before = timezone.now()
        services.deliver([pk])
        message = OutgoingMessage.objects.get(pk=pk)
        waits.append(round((message.next_attempt_at - before).total_seconds() / 60))
    assert waits == [1, 5, 15, 60, 180, 360, 360, 360]
    assert message.status == Status.TEMPORARY_FAILURE  # never given up, never lost


def test_a_refused_address_fails_for_good_and_is_signalled(server_later):
    inbox = server_later(_Refusing("inconnu@exemple.test"))
    signalled = []

    def receiver(sender, message, address, **kwargs):
        signalled.append((sender, message.pk, address))

    permanent_failure.connect(receiver)
    try:
        ids = services.queue([EmailMessage("Lettre", "Texte", None, [to])
                              for to in ("a@exemple.test", "inconnu@exemple.test",
                                         "b@exemple.test")], category="lettre:12")
        statuses = services.deliver(ids)
    finally:
        permanent_failure.disconnect(receiver)
    assert list(statuses.values()) == [Status.SENT, Status.PERMANENT_FAILURE, Status.SENT]
    assert signalled == [(OutgoingMessage, ids[1], "inconnu@exemple.test")]
    refused = OutgoingMessage.objects.get(pk=ids[1])
    assert refused.last_error.startswith("inconnu@exemple.test refusée par le serveur (550")
    assert [rcpt for rcpt, _ in inbox.messages] == [["a@exemple.test"], ["b@exemple.test"]]


def test_two_workers_never_send_the_same_message(smtp_server):
    ids = services.queue([EmailMessage("Lettre", "Texte", None, [f"p{n}@exemple.test"])
                          for n in range(3)], category="lettre:1")
    [first] = services._claim(ids[:1])  # another worker holds the first one
    assert services.deliver(ids) == {ids[0]: Status.SENDING, ids[1]: Status.SENT,
                                     ids[2]: Status.SENT}
    assert first.pk == ids[0] and len(smtp_server.messages) == 2


def test_a_message_left_in_progress_shows_as_unknown_and_is_resent_only_by_hand(smtp_server,
                                                                               run_tasks):
    [pk] = services.queue([_letter()], category="compte")
    services._claim([pk])  # a worker that died after claiming it
    OutgoingMessage.objects.filter(pk=pk).update(
        claimed_at=timezone.now() - timedelta(minutes=20))
    message = OutgoingMessage.objects.get(pk=pk)
    assert message.unknown and message.state_label == "état inconnu"
    retry_due.enqueue()
    run_tasks()
    services.deliver([pk])
    assert not smtp_server.messages

    assert services.resend([pk]) == 1
    run_tasks()
    assert OutgoingMessage.objects.get(pk=pk).status == Status.SENT
    assert len(smtp_server.messages) == 1


def test_without_email_url_messages_are_held_then_sent_by_staff(settings, run_tasks):
    use_email_url(settings, "")
    _letter().send()
    [pk] = services.queue([_letter("b@exemple.test")], category="lettre:3")
    run_tasks()
    assert set(OutgoingMessage.objects.values_list("status", flat=True)) == {Status.HELD}
    assert services.deliver([pk]) == {pk: Status.HELD}  # nothing attempted
    with pytest.raises(services.NoServer, match="EMAIL_URL"):
        services.release_held()

    port = free_port()
    controller = Controller(inbox := _Inbox(), hostname="127.0.0.1", port=port)
    controller.start()
    try:
        use_email_url(settings, f"smtp://127.0.0.1:{port}")
        assert services.release_held() == 2
        run_tasks()
    finally:
        controller.stop()
    assert set(OutgoingMessage.objects.values_list("status", flat=True)) == {Status.SENT}
    assert sorted(rcpt[0] for rcpt, _ in inbox.messages) == ["b@exemple.test",
                                                             "camille.martin@exemple.test"]


def test_queue_and_deliver_a_letter_over_one_connection(smtp_server, run_tasks):
    ids = services.queue([EmailMultiAlternatives("La Minute Pop", "Texte", None,
                                                 [f"abonne{n}@exemple.test"])
                          for n in range(250)], category="lettre:7")
    assert OutgoingMessage.objects.filter(status=Status.PENDING).count() == 250
    assert not smtp_server.messages  # stored only
    assert services.deliver_later(ids, batch_size=100) == 3
    run_tasks()
    assert set(services.deliver(ids).values()) == {Status.SENT}
    assert len(smtp_server.messages) == 250


def test_the_purge_keeps_90_days(smtp_server):
    ids = services.queue([EmailMessage("Lettre", "Texte", None, [f"p{n}@exemple.test"])
                          for n in range(3)], category="lettre:1")
    services.deliver(ids)
    now = timezone.now()
    OutgoingMessage.objects.filter(pk=ids[0]).update(sent_at=now - timedelta(days=91))
    OutgoingMessage.objects.filter(pk=ids[1]).update(sent_at=now - timedelta(days=89))
    OutgoingMessage.objects.filter(pk=ids[2]).update(status=Status.HELD,
                                                      created_at=now - timedelta(days=200))
    assert services.purge() == 1
    assert sorted(OutgoingMessage.objects.values_list("pk", flat=True)) == ids[1:]


class _DroppingOnce(_Inbox):
    """A server that hangs up in the middle of the second message, once."""

    dropped = False

    async def handle_DATA(self, server, session, envelope):
        if len(self.messages) == 1 and not self.dropped:
            self.dropped = True
            server.transport.close()
            return "421 Connexion fermée"
        return await super().handle_DATA(server, session, envelope)


def test_a_dropped_connection_is_reopened_and_the_batch_goes_on(server_later):
    inbox = server_later(_DroppingOnce())
    ids = services.queue([EmailMessage("Lettre", "Texte", None, [f"p{n}@exemple.test"])
                          for n in range(4)], category="lettre:5")
    assert set(services.deliver(ids).values()) == {Status.SENT}
    assert inbox.dropped
    assert [rcpt for rcpt, _ in inbox.messages] == [[f"p{n}@exemple.test"] for n in range(4)]
