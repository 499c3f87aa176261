"""Registering through the public form: capacity and waiting list, the e-mails (received by a
real SMTP server, their .ics parsed back, their links followed), cancellation and the offers of
a freed place, refusals in French, and the scheduled work (offers expiring, reminders, needs
deleted)."""

from __future__ import annotations

import re
import time
from datetime import timedelta

import pytest
from django.core import signing
from django.utils import timezone
from icalendar import Calendar
from wagtail.models import PageViewRestriction

from quartiers.web.contacts.models import Consent
from quartiers.web.contacts.services import person_for
from quartiers.web.events import tasks
from quartiers.web.events.models import EventPage, Mode, Registration, WebinarCycle
from quartiers.web.events.registration import (
    NEEDS_PURPOSE,
    OFFER_SALT,
    Applicant,
    cancel,
    manage_url,
    register,
)

from .conftest import form_data

pytestmark = pytest.mark.django_db
Status = Registration.Status
VISIO = "https://visio.exemple.test/salle-essai"


def links(message) -> list[str]:
    return re.findall(r"https?://\S+", message.get_body(("plain",)).get_content())


def subject(message) -> str:
    return str(message["Subject"]).strip()


def path_of(url: str) -> str:
    return "/" + url.split("/", 3)[3]


def inbox_for(smtp_server, email):
    return [m for rcpt, m in smtp_server.messages if email in rcpt]


def test_register_confirms_then_waitlists_and_mails_with_ics(
        client, event_factory, smtp_server, run_tasks):
    event = event_factory(capacity=1, mode=Mode.HYBRID, visio_link=VISIO)
    first = client.post(event.url, form_data(1))
    assert first.status_code == 200 and "Votre place est confirmée" in first.text
    second = client.post(event.url, form_data(2))
    assert "liste d'attente" in second.text
    assert [r.status for r in Registration.objects.order_by("pk")] == [Status.CONFIRMED,
                                                                      Status.WAITING]
    run_tasks()
    [confirmed] = inbox_for(smtp_server, "personne1@exemple.test")
    assert subject(confirmed) == f"Inscription confirmée : {event.title}"
    assert VISIO in confirmed.get_body(("plain",)).get_content()
    [attachment] = list(confirmed.iter_attachments())
    assert attachment.get_content_type() == "text/calendar"
    cal = Calendar.from_ical(attachment.get_content())
    [vevent] = cal.walk("VEVENT")
    assert str(vevent["SUMMARY"]) == event.title and VISIO not in cal.to_ical().decode()
    [waiting] = inbox_for(smtp_server, "personne2@exemple.test")
    assert "liste d'attente" in waiting.get_body(("plain",)).get_content()
    assert VISIO not in waiting.as_string()
    # the event page says it is full, and never shows the visio link
    page = client.get(event.url)
    assert "Complet" in page.text and VISIO not in page.text


def test_cancellation_offers_the_place_and_the_offer_link_confirms_once(
        client, event_factory, smtp_server, run_tasks):
    event = event_factory(capacity=1, mode=Mode.ONLINE, visio_link=VISIO, commune="",
                          place_name="", department="")
    client.post(event.url, form_data(1))
    client.post(event.url, form_data(2))
    run_tasks()
    [confirmation] = inbox_for(smtp_server, "personne1@exemple.test")
    manage = next(link for link in links(confirmation) if "/agenda/inscription/" in link)
    page = client.get(path_of(manage))
    assert page.status_code == 200 and VISIO in page.text
    cancelled = client.post(path_of(manage))
    assert "Votre inscription est annulée" in cancelled.text
    assert client.post(path_of(manage)).status_code == 410  # replayed
    second = Registration.objects.get(person__email="personne2@exemple.test")
    assert second.status == Status.OFFERED and second.offer_expires_at > timezone.now()
    run_tasks()
    [offer] = [m for m in inbox_for(smtp_server, "personne2@exemple.test")
               if "Une place s'est libérée" in subject(m)]
    offer_link = next(link for link in links(offer) if "/agenda/place/" in link)
    assert client.get(path_of(offer_link)).status_code == 200  # opening takes nothing
    second.refresh_from_db()
    assert second.status == Status.OFFERED
    confirmed = client.post(path_of(offer_link), follow=True)
    assert "Confirmée" in confirmed.text and VISIO in confirmed.text
    replay = client.post(path_of(offer_link))
    assert replay.status_code == 410 and "déjà confirmée" in replay.text
    run_tasks()
    mails = inbox_for(smtp_server, "personne2@exemple.test")
    assert subject(mails[-1]).startswith("Inscription confirmée")
    assert VISIO in mails[-1].get_body(("plain",)).get_content()


def test_an_expired_offer_passes_to_the_next(client, event_factory, smtp_server, run_tasks):
    event = event_factory(capacity=1)
    for n in (1, 2, 3):
        client.post(event.url, form_data(n))
    first = Registration.objects.get(person__email="personne1@exemple.test")
    client.post(manage_url(first))
    second = Registration.objects.get(person__email="personne2@exemple.test")
    assert second.status == Status.OFFERED
    Registration.objects.filter(pk=second.pk).update(
        offer_expires_at=timezone.now() - timedelta(minutes=1))
    tasks.expire_offers.enqueue()
    run_tasks()
    second.refresh_from_db()
    third = Registration.objects.get(person__email="personne3@exemple.test")
    assert second.status == Status.CANCELLED and third.status == Status.OFFERED
    assert any("non confirmée à temps" in subject(m)
               for m in inbox_for(smtp_server, "personne2@exemple.test"))
    assert any("Une place s'est libérée" in subject(m)
               for m in inbox_for(smtp_server, "personne3@exemple.test"))


def test_offer_links_forged_or_expired_are_refused_in_french(client, event_factory):
    event = event_factory(capacity=1)
    client.post(event.url, form_data(1))
    client.post(event.url, form_data(2))
    registration = Registration.objects.get(status=Status.WAITING)
    forged = client.get("/agenda/place/abc:def/")
    assert forged.status_code == 400 and "pas valable" in forged.text
    assert client.get("/agenda/inscription/1:forge/").status_code == 400
    old = signing.dumps([registration.pk, ""], salt=OFFER_SALT)
    stale = client.post(f"/agenda/place/{old}/")
    assert stale.status_code == 410 and "plus valable" in stale.text
    with pytest.MonkeyPatch.context() as patch:  # a link made 49 hours ago
        patch.setattr(signing.TimestampSigner, "timestamp",
                      lambda self: signing.b62_encode(int(time.time()) - 49 * 3600))
        expired = signing.dumps([registration.pk, ""], salt=OFFER_SALT)
    answer = client.post(f"/agenda/place/{expired}/")
    assert answer.status_code == 410 and "délai" in answer.text


@pytest.mark.parametrize("change, expected", [
    ({"registration_closes": timezone.now() - timedelta(hours=1)}, "Les inscriptions sont closes"),
    ({"registration_opens": timezone.now() + timedelta(days=1)}, "Les inscriptions ouvrent"),
    ({"days": -3}, "a eu lieu"),
    ({"registration_enabled": False}, "ne se font pas sur ce site"),
])
def test_closed_or_past_events_refuse_registrations(client, event_factory, change, expected):
    event = event_factory(**change)
    assert expected in client.get(event.url).text
    response = client.post(event.url, form_data(1))
    assert response.status_code == 400 and expected in response.text
    assert not Registration.objects.exists()


def test_malformed_registrations(client, event_factory):
    event = event_factory(capacity=5)
    bad = client.post(event.url, form_data(2, email="personne2@exemple"))
    assert bad.status_code == 400 and "Adresse électronique mal formée" in bad.text
    assert not Registration.objects.exists()


def test_a_second_registration_reveals_nothing_and_resends_the_link(
        client, event_factory, smtp_server, run_tasks):
    event = event_factory(capacity=1)
    client.post(event.url, form_data(1))
    client.post(event.url, form_data(2))  # now full: a newcomer waits
    run_tasks()
    smtp_server.messages.clear()
    newcomer = client.post(event.url, form_data(3))
    again = client.post(event.url, form_data(1, email="PERSONNE1@exemple.test"))
    assert again.status_code == newcomer.status_code == 200
    assert again.content == newcomer.content and "déjà inscrite" not in again.text
    assert Registration.objects.filter(person__email="personne1@exemple.test").count() == 1
    run_tasks()
    [resent] = inbox_for(smtp_server, "personne1@exemple.test")
    mine = Registration.objects.get(person__email="personne1@exemple.test")
    assert subject(resent).startswith("Inscription confirmée")
    assert path_of(next(link for link in links(resent) if "/agenda/inscription/" in link)) == (
        manage_url(mine))


def test_nobody_jumps_the_waiting_list_and_publishing_offers_the_new_places(
        client, event_factory, smtp_server, run_tasks):
    event = event_factory(capacity=1)
    for n in (1, 2, 3):
        client.post(event.url, form_data(n))
    event.capacity = 3
    event.save()  # a draft saved: nothing happens before publication
    client.post(event.url, form_data(4))
    assert Registration.objects.get(person__email="personne4@exemple.test").status == (
        Status.WAITING)
    event.save_revision().publish()
    statuses = dict(Registration.objects.values_list("person__email", "status"))
    assert [statuses[f"personne{n}@exemple.test"] for n in (1, 2, 3, 4)] == [
        Status.CONFIRMED, Status.OFFERED, Status.OFFERED, Status.WAITING]
    event.capacity = None
    event.save_revision().publish()
    assert Registration.objects.get(person__email="personne4@exemple.test").status == (
        Status.OFFERED)
    run_tasks()
    assert any("Une place s'est libérée" in subject(m)
               for m in inbox_for(smtp_server, "personne4@exemple.test"))
    # with no limit and nobody waiting, a newcomer is confirmed
    client.post(event.url, form_data(5))
    assert Registration.objects.get(person__email="personne5@exemple.test").status == (
        Status.CONFIRMED)


def test_no_offer_once_the_event_has_started(event_factory, smtp_server, run_tasks):
    # from yesterday to tomorrow: started, not over
    event = event_factory(days=-1, end_date=timezone.localdate() + timedelta(days=1),
                          capacity=1)
    first, second = (Registration.objects.create(
        event=event, status=status, person=person_for(f"personne{n}@exemple.test", "Personne",
                                                      "D'essai"))
        for n, status in ((1, Status.CONFIRMED), (2, Status.WAITING)))
    cancel(first.pk)
    second.refresh_from_db()
    assert second.status == Status.WAITING and second.offer_expires_at is None
    run_tasks()
    assert not inbox_for(smtp_server, "personne2@exemple.test")


def test_needs_ask_consent_which_is_recorded(client, event_factory):
    event = event_factory(asks_diet=True)
    refused = client.post(event.url, form_data(1, diet="végétarien"))
    assert refused.status_code == 400 and "cochez cette case" in refused.text
    client.post(event.url, form_data(1, diet="végétarien", accessibility_needs="fauteuil",
                                     needs_consent="on"))
    registration = Registration.objects.get()
    assert registration.diet == "végétarien"
    consent = Consent.objects.get(person=registration.person)
    assert consent.purpose == NEEDS_PURPOSE and consent.text_version


def test_a_webinar_cycle_registers_to_each_of_its_events(client, event_factory, smtp_server,
                                                        run_tasks):
    cycle = WebinarCycle.objects.create(title="Cycle d'essai", slug="cycle-essai")
    events = [event_factory(f"Webinaire d'essai {n}", days=10 + n, cycle=cycle,
                            mode=Mode.ONLINE, visio_link=VISIO) for n in (1, 2)]
    event_factory("Webinaire d'essai passé", days=-5, cycle=cycle)
    private = event_factory("Webinaire d'essai privé", days=14, cycle=cycle)
    PageViewRestriction.objects.create(page=private, restriction_type="login")
    event_factory("Webinaire d'essai dépublié", days=15, cycle=cycle).unpublish()
    page = client.get("/agenda/cycles/cycle-essai/")
    assert "aux 2 webinaires" in page.text
    done = client.post("/agenda/cycles/cycle-essai/", form_data(1))
    assert "Inscription enregistrée à 2 webinaires" in done.text
    assert "privé" not in done.text and "dépublié" not in done.text
    assert set(Registration.objects.values_list("event", flat=True)) == {e.pk for e in events}
    run_tasks()
    assert len(inbox_for(smtp_server, "personne1@exemple.test")) == 2


def test_reminders_once_and_needs_deleted_after_the_event(event_factory, smtp_server,
                                                          run_tasks, monkeypatch):
    soon = event_factory(days=1, asks_diet=True)
    applicant = Applicant("personne1@exemple.test", "Personne", "D'essai", diet="sans gluten",
                          needs_consent=True)
    register(soon, applicant, source="test")
    run_tasks()
    smtp_server.messages.clear()
    for _ in range(2):
        tasks.send_reminders.enqueue()
        run_tasks()
    [reminder] = [m for _, m in smtp_server.messages]
    assert subject(reminder).startswith("Rappel")
    past = event_factory(days=-2, asks_diet=True)
    Registration.objects.create(event=past, status=Status.CONFIRMED, diet="sans sel",
                                accessibility_needs="boucle magnétique")
    event_factory("Événement d'essai passé sans inscrit", days=-3)
    tasks.delete_needs.enqueue()
    run_tasks()
    cleared = Registration.objects.get(event=past)
    assert cleared.diet == cleared.accessibility_needs == "" and cleared.needs_deleted_at
    assert Registration.objects.get(event=soon).diet == "sans gluten"
    # the next runs read no event again: neither the cleared one nor the one without anybody
    read = []
    is_past = EventPage.is_past
    monkeypatch.setattr(EventPage, "is_past", property(
        lambda event: read.append(event.pk) or is_past.fget(event)))
    tasks.delete_needs.enqueue()
    run_tasks()
    assert read == []
