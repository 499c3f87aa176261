"""Contacts without activity for three years are asked once by e-mail (through the real SMTP
server), answer by a signed link without an account, or are erased thirty days later."""

from __future__ import annotations

import re
import time
from datetime import timedelta

import pytest
from django.core import signing
from django.utils import timezone

from quartiers.web.contacts import renewal
from quartiers.web.contacts.models import Erasure, Person
from quartiers.web.contacts.services import person_for
from quartiers.web.contacts.tasks import renew_inactive_contacts

from .factories import PersonFactory

pytestmark = pytest.mark.django_db
LONG_AGO = timezone.now() - timedelta(days=3 * 365 + 1)


@pytest.fixture
def inactive():
    return PersonFactory(email="inactive@exemple.test", last_activity_at=LONG_AGO)


def _asked(smtp_server, run_tasks) -> list[str]:
    """The renewal links the SMTP server received once the scheduled task and the mail ran."""
    renew_inactive_contacts.enqueue()
    run_tasks()
    return [re.search(r"http\S+/contacts/renouvellement/\S+/", message.get_content())[0]
            for _, message in smtp_server.messages]


def _path(link: str) -> str:
    return link[link.index("/contacts/"):]


def test_the_renewal_is_declared_daily():
    from django.apps import apps

    declared = apps.get_app_config("contacts").scheduled_tasks
    assert declared == {"renouvellement des contacts": (
        "quartiers.web.contacts.tasks.renew_inactive_contacts", timedelta(days=1))}


def test_an_inactive_contact_is_asked_once_and_stays(client, inactive, smtp_server, run_tasks):
    PersonFactory(email="active@exemple.test")
    links = _asked(smtp_server, run_tasks)
    assert len(links) == 1
    rcpt, message = smtp_server.messages[0]
    assert rcpt == ["inactive@exemple.test"]
    assert message["Subject"] == "Souhaitez-vous rester dans les contacts du centre de ressources ?"
    assert "30 jours" in message.get_content()
    assert _asked(smtp_server, run_tasks) == links  # not asked twice

    page = client.get(_path(links[0]))
    assert page.status_code == 200
    text = page.content.decode()
    assert "Je souhaite rester dans vos contacts" in text and "Effacer mes données" in text
    assert "inactive@exemple.test" not in text and "Personne" not in text  # nothing about them
    answered = client.post(_path(links[0]), {"choix": "rester"})
    assert "vous restez dans les contacts" in answered.content.decode()
    inactive.refresh_from_db()
    assert inactive.renewal_asked_at is None
    assert inactive.last_activity_at > timezone.now() - timedelta(minutes=1)

    replayed = client.post(_path(links[0]), {"choix": "effacer"})
    assert replayed.status_code == 410 and "déjà servi" in replayed.content.decode()
    assert Person.objects.filter(pk=inactive.pk).exists()


def test_a_contact_may_ask_to_be_erased(client, inactive, smtp_server, run_tasks):
    link = _asked(smtp_server, run_tasks)[0]
    answered = client.post(_path(link), {"choix": "effacer"})
    assert "Vos données ont été effacées" in answered.content.decode()
    assert not Person.objects.filter(email="inactive@exemple.test").exists()
    assert Erasure.objects.get().reason == Erasure.Reason.RENEWAL_REFUSED
    assert client.get(_path(link)).status_code == 410


def test_forged_and_expired_links_are_refused(client, inactive, smtp_server, run_tasks,
                                              monkeypatch):
    link = _asked(smtp_server, run_tasks)[0]
    forged = client.get(_path(link).replace("/renouvellement/", "/renouvellement/x"))
    assert forged.status_code == 400 and "pas valide" in forged.content.decode()
    inactive.refresh_from_db()
    other = signing.dumps({"p": inactive.pk + 1, "a": inactive.renewal_asked_at.isoformat()},
                          salt="autre")
    assert client.get(f"/contacts/renouvellement/{other}/").status_code == 400

    monkeypatch.setattr(signing.TimestampSigner, "timestamp",
                        lambda self: signing.b62_encode(int(time.time()) - 31 * 86400))
    old = renewal.link_for(inactive)
    expired = client.post(_path(old), {"choix": "effacer"})
    assert expired.status_code == 410 and "expiré" in expired.content.decode()
    assert Person.objects.filter(pk=inactive.pk).exists()


def test_without_an_answer_in_thirty_days_the_contact_is_erased(inactive, smtp_server,
                                                                run_tasks):
    _asked(smtp_server, run_tasks)
    Person.objects.filter(pk=inactive.pk).update(
        renewal_asked_at=timezone.now() - timedelta(days=31))
    assert renewal.renew() == (0, 1)
    assert not Person.objects.filter(pk=inactive.pk).exists()
    erasure = Erasure.objects.get()
    assert erasure.reason == Erasure.Reason.NO_ANSWER and erasure.by is None


def test_activity_after_the_question_keeps_the_contact(inactive, smtp_server, run_tasks):
    _asked(smtp_server, run_tasks)
    asked_at = timezone.now() - timedelta(days=31)
    Person.objects.filter(pk=inactive.pk).update(renewal_asked_at=asked_at,
                                                 last_activity_at=asked_at - timedelta(days=1))
    person_for("inactive@exemple.test")  # a registration, a subscription…
    assert renewal.renew() == (0, 0)
    inactive.refresh_from_db()
    assert inactive.renewal_asked_at is None
