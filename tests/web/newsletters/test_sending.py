"""Issues composed from blocks, rendered as HTML and text, sent through a real SMTP server:
a test to oneself, then once to the list's confirmed subscribers with their own one-click
unsubscribe; a refused address is marked; an unsubscribe is honoured before the next batch."""

from __future__ import annotations

import pytest
from aiosmtpd.controller import Controller
from django.test import Client
from django.utils.html import escape

from quartiers.web.accounts.models import Role
from quartiers.web.mail.models import OutgoingMessage
from quartiers.web.newsletters import sending
from quartiers.web.newsletters.models import IssueRecipient, Status, Subscription

from ...address_server import free_port
from ..accounts.factories import UserFactory
from ..conftest import _Inbox, use_email_url
from .conftest import full_issue, html_part, issue, links, path_of, subscriber, text_part

pytestmark = pytest.mark.django_db


def test_an_issue_renders_as_html_email_and_plain_text(lists, smtp_server, run_tasks):
    letter = full_issue(lists)
    sending.send_test(letter, "equipe@exemple.test")
    run_tasks()
    [(rcpt, message)] = smtp_server.messages
    assert rcpt == ["equipe@exemple.test"] and message["Subject"] == "[Test] Numéro d'essai"
    assert message.get_content_type() == "multipart/alternative"
    assert "List-Unsubscribe" not in message  # a test goes to no subscriber
    html, text = html_part(message), text_part(message)
    assert '<html lang="fr">' in html and "max-width:600px" in html
    assert 'role="presentation"' in html and '<meta name="viewport"' in html
    for title in ("Fiche d'essai sur les halls d'immeuble", "Action d'essai du programme",
                  "Journée d'essai", "[Veille] Article d'essai de la veille"):
        assert title in text
    assert "écarté depuis" not in text  # the centre no longer shows it
    assert "Source d'essai · " in text and "https://presse.exemple.test/article-" in html
    assert "13 juin 2030 · Laval" in text and "Salle d'essai · Rennes" in text
    assert "le programme (http://" in text  # links spelt out in the text part
    assert 'href="http' in html and 'href="/' not in html  # absolute links only
    assert all(not url.startswith("/") for url in links(text))
    assert OutgoingMessage.objects.get().category == f"lettre-test:{letter.pk}"


def test_sent_once_to_confirmed_subscribers_with_their_own_unsubscribe(
        lists, smtp_server, run_tasks):
    minute = lists["la-minute-pop"]
    first = subscriber("abonnee.un@exemple.test", minute)
    subscriber("abonne.deux@exemple.test", minute)
    subscriber("partie@exemple.test", minute, Status.UNSUBSCRIBED)
    subscriber("pas.confirmee@exemple.test", minute, Status.PENDING)
    subscriber("autre.lettre@exemple.test", lists["sante"])
    letter = issue(minute)
    assert sending.counts(letter)["total"] == 0
    sending.start(letter, None)
    with pytest.raises(sending.Refused, match="déjà été envoyé"):
        sending.start(letter, None)
    run_tasks()

    received = {rcpt[0]: message for rcpt, message in smtp_server.messages}
    assert sorted(received) == ["abonne.deux@exemple.test", "abonnee.un@exemple.test"]
    counts = sending.counts(letter)
    assert (counts["envoye"], counts["total"]) == (2, 2)
    message = received["abonnee.un@exemple.test"]
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    header = message["List-Unsubscribe"].strip()
    assert header.startswith("<http") and header.endswith(">") and "," not in header
    https = header.strip("<>")  # one-click only: no mailto to a mailbox nobody reads
    assert "/lettres/desabonnement/" in https
    assert message["List-Id"].startswith("La Minute Pop <la-minute-pop.")
    assert https in text_part(message) and https in html_part(message)
    assert https != received["abonne.deux@exemple.test"]["List-Unsubscribe"].strip(" <>")

    # the mail reader's one-click POST (RFC 8058): no page, no cookie, no form token
    answer = Client(enforce_csrf_checks=True).post(
        path_of(https), "List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded")
    assert answer.status_code == 200
    first.refresh_from_db()
    assert first.status == Status.UNSUBSCRIBED

    run_tasks()  # nothing more goes: each copy was built once
    assert len(smtp_server.messages) == 2 and IssueRecipient.objects.count() == 2


def test_an_unsubscribe_is_honoured_before_the_next_batch(lists, monkeypatch, smtp_server,
                                                          run_tasks):
    minute = lists["la-minute-pop"]
    subscriber("lot.un@exemple.test", minute)
    leaving = subscriber("lot.deux@exemple.test", minute)
    monkeypatch.setattr(sending, "BATCH_SIZE", 1)
    record = sending.start(issue(minute), None)
    assert sending.build(record.pk) is True  # the first batch: one copy
    leaving.status = Status.UNSUBSCRIBED
    leaving.save()
    assert sending.build(record.pk) is False  # nobody left: done
    run_tasks()
    assert [rcpt for rcpt, _ in smtp_server.messages] == [["lot.un@exemple.test"]]
    record.refresh_from_db()
    assert record.built_at is not None


def test_an_erasure_during_a_sending_does_not_end_it(lists, monkeypatch, smtp_server,
                                                     run_tasks):
    from quartiers.web.contacts.privacy import erase_everywhere

    minute = lists["la-minute-pop"]
    erased = subscriber("lot.efface@exemple.test", minute)
    subscriber("lot.suivant@exemple.test", minute)
    subscriber("lot.dernier@exemple.test", minute)
    monkeypatch.setattr(sending, "BATCH_SIZE", 1)
    record = sending.start(issue(minute), None)
    assert sending.build(record.pk) is True  # the erased person's copy
    erase_everywhere(erased.person, reason="demande")
    assert IssueRecipient.objects.get().subscription is None  # still counted, tied to nobody
    run_tasks()
    assert sorted(rcpt[0] for rcpt, _ in smtp_server.messages) == [
        "lot.dernier@exemple.test", "lot.suivant@exemple.test"]
    record.refresh_from_db()
    assert record.built_at is not None and IssueRecipient.objects.count() == 3


def test_each_batch_enqueues_the_next_in_its_own_transaction(lists, monkeypatch):
    from django_tasks_db.models import DBTaskResult

    subscriber("file.un@exemple.test", lists["la-minute-pop"])
    monkeypatch.setattr(sending, "BATCH_SIZE", 1)
    record = sending.start(issue(lists["la-minute-pop"]), None)
    queued = DBTaskResult.objects.filter(task_path__endswith="build_batch")
    assert queued.count() == 1
    assert sending.build(record.pk) is True and queued.count() == 2  # enqueued by build itself
    assert sending.build(record.pk) is False and queued.count() == 2  # the end: nothing more


def test_leaving_drops_the_copies_still_queued(lists, monkeypatch):
    from quartiers.web.newsletters import services

    minute = lists["la-minute-pop"]
    leaving = subscriber("file.quitte@exemple.test", minute)
    failing = subscriber("file.echec@exemple.test", minute)
    staying = subscriber("file.reste@exemple.test", minute)
    monkeypatch.setattr(sending, "deliver_later", lambda *args, **kwargs: 0)  # no worker yet
    record = sending.start(issue(minute), None)
    assert sending.build(record.pk) is True
    copies = {r.subscription_id: r.message_id for r in IssueRecipient.objects.all()}
    OutgoingMessage.objects.filter(pk=copies[staying.pk]).update(
        status=OutgoingMessage.Status.SENDING)  # being sent: too late to take back
    services.unsubscribe(leaving)
    services.mark_failed("File.Echec@exemple.test")
    services.unsubscribe(staying)
    assert set(OutgoingMessage.objects.values_list("pk", flat=True)) == {copies[staying.pk]}
    assert not OutgoingMessage.objects.filter(pk=copies[failing.pk]).exists()


class _Refusing(_Inbox):
    """A server that refuses one mailbox for good, as a real one does for a mistyped one."""

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address == "inconnue@exemple.test":
            return "550 5.1.1 Boite aux lettres inconnue"
        envelope.rcpt_tos.append(address)
        return "250 OK"


def test_a_refused_address_is_marked_and_gets_no_more_letters(lists, settings, run_tasks):
    inbox = _Refusing()
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        use_email_url(settings, f"smtp://127.0.0.1:{port}")
        minute, culture = lists["la-minute-pop"], lists["culture"]
        subscriber("inconnue@exemple.test", minute)
        subscriber("inconnue@exemple.test", culture)
        subscriber("connue@exemple.test", minute)
        subscriber("connue@exemple.test", culture)
        first = issue(minute, "Numéro d'essai 1")
        sending.start(first, None)
        run_tasks()
        assert sending.counts(first)["echec_definitif"] == 1
        assert set(Subscription.objects.filter(person__email="inconnue@exemple.test")
                   .values_list("status", flat=True)) == {Status.FAILED}
        second = issue(culture, "Numéro d'essai 2")
        sending.start(second, None)
        run_tasks()
        assert sending.counts(second)["total"] == 1
        assert [rcpt for rcpt, _ in inbox.messages] == [["connue@exemple.test"]] * 2
    finally:
        controller.stop()


def test_the_archive_shows_sent_issues_only_and_no_ones_links(client, lists):
    minute = lists["la-minute-pop"]
    sent, draft = issue(minute, "Numéro envoyé"), issue(minute, "Numéro pas encore envoyé")
    subscriber("lectrice@exemple.test", minute)
    sending.start(sent, None)
    archive = client.get("/lettres/archives/").content.decode()
    assert "Numéro envoyé" in archive and "pas encore envoyé" not in archive
    assert client.get(draft.url).status_code == 404
    web = client.get(sent.url)
    page = web.content.decode()
    assert web.status_code == 200 and "Numéro envoyé" in page
    assert "/desabonnement/" not in page and "/preferences/" not in page
    assert "lectrice" not in page and "lectrice" not in archive


def test_the_back_office_preview_is_the_email(staff_client, lists):
    letter = issue(lists["culture"], live=False)
    page = staff_client.get(f"/gestion/pages/{letter.pk}/view_draft/")
    assert page.status_code == 200
    assert 'role="presentation"' in page.content.decode()
    assert escape("Chapeau d'un numéro d'essai.") in page.content.decode()


def test_staff_test_then_send_from_the_back_office(staff_client, lists, smtp_server, run_tasks):
    minute = lists["la-minute-pop"]
    subscriber("une@exemple.test", minute)
    letter = issue(minute)
    url = f"/gestion/lettres/numero/{letter.pk}/"
    screen = staff_client.get(url).content.decode()
    assert "Envoyer un test" in screen and "Envoyer à 1 abonné·e" in screen
    staff_client.post(url, {"action": "test"})
    staff_client.post(url, {"action": "envoyer"})
    refused = staff_client.post(url, {"action": "envoyer"}, follow=True).content.decode()
    assert "déjà été envoyé" in refused
    run_tasks()
    assert sorted(rcpt[0] for rcpt, _ in smtp_server.messages) == [
        "equipe@exemple.test", "une@exemple.test"]
    screen = staff_client.get(url).content.decode()
    assert 'data-status="envoye">1<' in screen and 'data-status="total">1<' in screen
    assert f"/gestion/courriels/?category=lettre:{letter.pk}" in screen  # one row a recipient
    edit = staff_client.get(f"/gestion/pages/{letter.pk}/edit/").content.decode()
    assert url in edit  # the button on the issue's page


def test_an_unpublished_issue_is_not_sent(lists):
    with pytest.raises(sending.Refused, match="pas publié"):
        sending.start(issue(lists["culture"], live=False), None)


@pytest.mark.parametrize("who", ["anonyme", "sans-role", "cheffe-de-projet"])
def test_only_staff_reach_the_sending_screen(client, lists, smtp_server, run_tasks, who):
    from quartiers.web.accounts.services import ensure_roles

    ensure_roles()
    minute = lists["la-minute-pop"]
    subscriber("une@exemple.test", minute)
    letter = issue(minute)
    if who != "anonyme":
        roles = [Role.PROJECT_LEAD] if who == "cheffe-de-projet" else []
        client.force_login(UserFactory(roles=roles))
    url = f"/gestion/lettres/numero/{letter.pk}/"
    for answer in (client.get(url), client.post(url, {"action": "test"}),
                   client.post(url, {"action": "envoyer"})):
        assert answer.status_code in (302, 403)
        if answer.status_code == 302:
            assert "/connexion/" in answer["Location"] or answer["Location"].startswith(
                "/gestion/")
    run_tasks()
    assert letter.sending is None and not smtp_server.messages


def test_subscriptions_are_read_only_in_the_back_office(client, lists):
    subscriber("lue@exemple.test", lists["sante"])
    client.force_login(UserFactory(is_superuser=True))
    listing = client.get("/gestion/snippets/newsletters/subscription/")
    assert listing.status_code == 200 and "Lettre d&#x27;information santé" in \
        listing.content.decode()
    assert client.get("/gestion/snippets/newsletters/subscription/add/").status_code in (
        302, 403)
    assert client.get("/gestion/snippets/newsletters/newsletterlist/").status_code == 200
