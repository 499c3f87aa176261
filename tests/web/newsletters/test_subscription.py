"""Subscribing with double opt-in, the proof kept, preferences and one-click unsubscribe by
signed links; forged, replayed and expired links answered by French pages. The confirmation
message is read from a real SMTP server."""

from __future__ import annotations

import time

import pytest
from django.core import signing
from django.test import Client
from django.utils.html import escape

from quartiers.web.contacts.models import Consent, Person
from quartiers.web.mail.models import OutgoingMessage
from quartiers.web.newsletters import services
from quartiers.web.newsletters.models import Status, Subscription

from .conftest import links, path_of, subscriber

pytestmark = pytest.mark.django_db


def _subscribe(client, email="camille.essai@exemple.test", slugs=("la-minute-pop", "sante"),
               consent=True):
    data = {"email": email, "lists": list(slugs), "text_version": services.CONSENT_VERSION}
    if consent:
        data["consent"] = "on"
    return client.post("/lettres/", data)


def test_bundled_lists_are_the_programmes_letters_once(lists):
    assert [(n.name, n.rhythm) for n in lists.values()] == [
        ("La Minute Pop", "mensuelle"),
        ("Lettre d'information santé", "trimestrielle"),
        ("Lettre d'information culture", "trimestrielle"),
        ("Lettre d'information participation citoyenne", "trimestrielle"),
        ("Lettre d'information sur le développement économique et les transitions",
         "trimestrielle")]
    assert "déjà en place" in services.load_bundled()


def test_the_page_shows_the_lists_and_the_consent_text_with_its_version(client, lists):
    page = client.get("/lettres/").content.decode()
    assert all(escape(n.name) in page and escape(n.description) in page
               for n in lists.values())
    assert escape(services.CONSENT_TEXTS[services.CONSENT_VERSION]) in page
    assert f"version du {services.CONSENT_VERSION}" in page


def test_subscribe_then_confirm_by_the_link_received(client, lists, smtp_server, run_tasks):
    answer = _subscribe(client)
    assert answer.status_code == 200 and "Confirmez votre adresse" in answer.content.decode()
    def states():
        return set(Subscription.objects.filter(person__email="camille.essai@exemple.test")
                   .values_list("status", flat=True))

    assert states() == {Status.PENDING}  # nothing active before the click
    assert not Consent.objects.exists()

    run_tasks()
    [(rcpt, message)] = smtp_server.messages
    assert rcpt == ["camille.essai@exemple.test"]
    assert OutgoingMessage.objects.get().category == "lettre-confirmation"
    assert "La Minute Pop" in message.get_content() and "santé" in message.get_content()
    [confirm_url] = [u for u in links(message.get_content()) if "/confirmation/" in u]

    assert "Confirmer mon abonnement" in client.get(path_of(confirm_url)).content.decode()
    assert states() == {Status.PENDING}  # a GET (a link checker) is not a click
    done = client.post(path_of(confirm_url))
    assert done.status_code == 200 and "Abonnement confirmé" in done.content.decode()
    assert states() == {Status.SUBSCRIBED}
    consents = Consent.objects.order_by("purpose")
    assert [c.purpose for c in consents] == ["lettre:la-minute-pop", "lettre:sante"]
    assert {(c.text, c.text_version, c.method, c.source) for c in consents} == {(
        services.CONSENT_TEXTS[services.CONSENT_VERSION], services.CONSENT_VERSION,
        "formulaire + confirmation par courriel", "http://testserver/lettres/")}

    replay = client.post(path_of(confirm_url))
    assert replay.status_code == 410 and "déjà servi" in replay.content.decode()


def test_the_same_answer_whether_the_address_is_known_or_not(client, lists, smtp_server,
                                                               run_tasks):
    subscriber("deja.abonnee@exemple.test", lists["sante"])
    known = _subscribe(client, "deja.abonnee@exemple.test", ["sante"])
    unknown = _subscribe(client, "inconnue@exemple.test", ["sante"])
    assert (known.status_code, known.content) == (unknown.status_code, unknown.content)
    run_tasks()
    messages = {rcpt[0]: message.get_content() for rcpt, message in smtp_server.messages}
    assert "/confirmation/" not in messages["deja.abonnee@exemple.test"]
    assert "/preferences/" in messages["deja.abonnee@exemple.test"]  # a way to manage them
    assert "/confirmation/" in messages["inconnue@exemple.test"]
    assert Subscription.objects.get(person__email="deja.abonnee@exemple.test").status == \
        Status.SUBSCRIBED


@pytest.mark.parametrize(("data", "message"), [
    ({"email": "pas-une-adresse", "lists": ["sante"], "consent": "on"},
     "Cette adresse électronique n&#x27;est pas valide"),
    ({"email": "", "lists": ["sante"], "consent": "on"}, "Indiquez votre adresse électronique"),
    ({"email": "a@exemple.test", "lists": ["lettre-inconnue"], "consent": "on"},
     "« lettre-inconnue » n&#x27;est pas une lettre proposée"),
    ({"email": "a@exemple.test", "consent": "on"}, "Cochez au moins une lettre"),
    ({"email": "a@exemple.test", "lists": ["sante"]}, "Cochez la case d&#x27;accord"),
    ({"email": "a@exemple.test", "lists": ["sante"], "consent": "on", "text_version": "1999"},
     "Le texte d&#x27;accord a changé"),
])
def test_bad_input_is_refused_in_french_and_nothing_is_kept(client, lists, smtp_server,
                                                            run_tasks, data, message):
    answer = client.post("/lettres/", {"text_version": services.CONSENT_VERSION, **data})
    assert answer.status_code == 400 and message in answer.content.decode()
    run_tasks()
    assert not Person.objects.exists() and not smtp_server.messages


def test_an_inactive_list_cannot_be_subscribed(client, lists):
    lists["culture"].active = False
    lists["culture"].save()
    assert _subscribe(client, slugs=["culture"]).status_code == 400


def _later(monkeypatch, days):
    real = time.time
    monkeypatch.setattr(signing.time, "time", lambda: real() + days * 86400)


@pytest.mark.parametrize("kind", ["confirmation", "preferences", "desabonnement"])
def test_forged_and_expired_links_get_a_french_page(client, lists, monkeypatch, kind):
    subscription = subscriber("lien@exemple.test", lists["sante"], Status.PENDING)
    url = {"confirmation": lambda: path_of(services.confirmation_url(
               [subscription], subscription.changed_at)),
           "preferences": lambda: path_of(services.preferences_url(subscription.person)),
           "desabonnement": lambda: path_of(services.unsubscribe_url(subscription))}[kind]()
    forged = url.replace(url.split("/")[-2], url.split("/")[-2][:-3] + "abc")
    for bad in (forged, f"/lettres/{kind}/nimportequoi/"):
        answer = client.get(bad)
        assert answer.status_code == 400 and "Lien invalide" in answer.content.decode()
    other_use = f"/lettres/{kind}/{signing.dumps(subscription.pk, salt='autre-usage')}/"
    assert client.get(other_use).status_code == 400  # signed, but for something else
    days = {"confirmation": 8, "preferences": 401, "desabonnement": 401}[kind]
    _later(monkeypatch, days)
    answer = client.get(url)
    assert answer.status_code == 410 and "Lien expiré" in answer.content.decode()
    assert answer["X-Robots-Tag"] == "noindex" and answer["Referrer-Policy"] == "same-origin"
    subscription.refresh_from_db()
    assert subscription.status == Status.PENDING


def test_one_click_unsubscribe_without_a_page_nor_a_token_of_form(lists):
    subscription = subscriber("partante@exemple.test", lists["la-minute-pop"])
    services.record_consent(subscription.person, purpose="lettre:la-minute-pop", text="t",
                            text_version="v", method="m", source="s")
    url = path_of(services.unsubscribe_url(subscription))
    client = Client(enforce_csrf_checks=True)  # as a mail reader posts: no cookie, no token
    page = client.get(url)
    assert page.status_code == 200 and "Me désabonner" in page.content.decode()
    answer = client.post(url, "List-Unsubscribe=One-Click",
                         content_type="application/x-www-form-urlencoded")
    assert answer.status_code == 200 and "vous ne recevrez plus" in answer.content.decode()
    subscription.refresh_from_db()
    assert subscription.status == Status.UNSUBSCRIBED and subscription.unsubscribed_at
    assert Consent.objects.get().withdrawn_at is not None
    again = client.post(url, "List-Unsubscribe=One-Click",
                        content_type="application/x-www-form-urlencoded")
    assert again.status_code == 200 and "déjà désabonné·e" in again.content.decode()
    subscription.delete()
    gone = client.post(url)
    assert gone.status_code == 410 and "ne correspond plus" in gone.content.decode()


def test_preferences_change_the_lists_and_leave_them_all(client, lists):
    subscription = subscriber("choix@exemple.test", lists["la-minute-pop"])
    url = path_of(services.preferences_url(subscription.person))
    page = client.get(url).content.decode()
    assert "c•••@exemple.test" in page and "choix@exemple.test" not in page
    assert 'value="la-minute-pop" id="id_lists_0" checked' in page

    refused = client.post(url, {"lists": ["la-minute-pop", "culture"]})
    assert refused.status_code == 400 and "cochez la case d&#x27;accord" in \
        refused.content.decode()
    saved = client.post(url, {"lists": ["culture"], "consent": "on"})
    assert saved.status_code == 200 and "Vos choix sont enregistrés" in saved.content.decode()
    states = dict(Subscription.objects.values_list("newsletter__slug", "status"))
    assert states == {"la-minute-pop": Status.UNSUBSCRIBED, "culture": Status.SUBSCRIBED}
    culture = Consent.objects.get(purpose="lettre:culture")
    assert culture.method == services.PREFERENCES_METHOD and culture.withdrawn_at is None

    client.post(url, {"lists": ["culture"], "tout": "1"})
    assert set(Subscription.objects.values_list("status", flat=True)) == {Status.UNSUBSCRIBED}
    assert Consent.objects.get(purpose="lettre:culture").withdrawn_at is not None


def test_pending_requests_are_forgotten_when_their_link_expires(lists, monkeypatch):
    subscriber("oubli@exemple.test", lists["sante"], Status.PENDING)
    kept = subscriber("reste@exemple.test", lists["sante"])
    assert services.purge_pending() == 0
    Subscription.objects.update(changed_at=kept.changed_at.replace(year=2020))
    assert services.purge_pending() == 1
    assert list(Subscription.objects.all()) == [kept]


def test_a_person_data_exported_and_erased(lists):
    from quartiers.web.newsletters import privacy

    subscription = subscriber("rgpd@exemple.test", lists["culture"])
    exported = privacy.export_person(subscription.person)
    [entry] = exported["abonnements aux lettres"]
    assert entry["lettre"] == "Lettre d'information culture" and entry["état"] == "Abonné·e"
    privacy.erase_person(subscription.person)
    assert not Subscription.objects.exists()


def test_a_second_request_at_once_mails_nothing_more(client, lists, smtp_server, run_tasks):
    first, second = _subscribe(client), _subscribe(client, slugs=["culture"])
    assert first.content == second.content
    run_tasks()
    assert len(smtp_server.messages) == 1
    assert not Subscription.objects.filter(newsletter__slug="culture").exists()


def test_a_subscribed_address_gets_one_mail_per_delay_too(client, lists, smtp_server,
                                                          run_tasks):
    subscriber("deja.abonnee@exemple.test", lists["sante"])
    first = _subscribe(client, "deja.abonnee@exemple.test", ["sante"])
    second = _subscribe(client, "Deja.Abonnee@exemple.test", ["sante"])
    assert first.content == second.content
    assert OutgoingMessage.objects.count() == 1
    OutgoingMessage.objects.update(
        created_at=OutgoingMessage.objects.get().created_at - services.RESEND_AFTER)
    _subscribe(client, "deja.abonnee@exemple.test", ["sante"])
    run_tasks()
    assert [rcpt for rcpt, _ in smtp_server.messages] == [["deja.abonnee@exemple.test"]] * 2


def test_a_request_touches_nobody_and_is_erased_with_its_new_person(client, lists,
                                                                    smtp_server):
    known = subscriber("connue@exemple.test", lists["sante"])
    Person.objects.update(last_activity_at=known.person.created_at.replace(year=2020))
    _subscribe(client, "connue@exemple.test", ["culture"])
    _subscribe(client, "nouvelle@exemple.test", ["culture"])
    assert Person.objects.get(email="connue@exemple.test").last_activity_at.year == 2020
    assert OutgoingMessage.objects.filter(to="nouvelle@exemple.test").count() == 1

    Subscription.objects.filter(status=Status.PENDING).update(
        changed_at=known.changed_at.replace(year=2020))
    assert services.purge_pending() == 2
    assert list(Person.objects.values_list("email", flat=True)) == ["connue@exemple.test"]
    assert not OutgoingMessage.objects.filter(to="nouvelle@exemple.test").exists()
    assert list(Subscription.objects.all()) == [known]


def test_the_confirmation_is_the_persons_activity(lists):
    known = subscriber("active@exemple.test", lists["sante"])
    Person.objects.update(last_activity_at=known.person.created_at.replace(year=2020))
    request = services.request_subscription("active@exemple.test", [lists["culture"]],
                                            source="essai")
    url = services.confirmation_url(request.pending, request.pending[0].changed_at)
    services.confirm(url.rstrip("/").rsplit("/", 1)[1])
    assert Person.objects.get().last_activity_at.year > 2020
