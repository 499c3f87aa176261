"""Contacts without activity for three years are asked, once, by e-mail, whether they want to
stay; a signed link (no account) leads to their answer. Without an answer thirty days later, or
when they ask for it, they are erased everywhere (privacy.erase_everywhere)."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.core import signing
from django.core.mail import get_connection, send_mail
from django.db import transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from .models import Erasure, Person
from .privacy import erase_everywhere

INACTIVITY = timedelta(days=3 * 365)
ANSWER_DELAY = timedelta(days=30)
SALT = "quartiers.contacts.renewal"


class LinkRefused(Exception):
    """A renewal link that cannot be honoured; ``status`` 400 (forged) or 410 (gone)."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status


def link_for(person: Person) -> str:
    """The absolute link of ``person``'s pending renewal: valid while it is pending, once."""
    token = signing.dumps({"p": person.pk, "a": person.renewal_asked_at.isoformat()}, salt=SALT)
    return settings.QUARTIERS.site_url.rstrip("/") + reverse("contacts:renewal", args=[token])


def person_from(token: str) -> Person:
    """The person whose renewal is pending under ``token``, or LinkRefused saying why."""
    try:
        data = signing.loads(token, salt=SALT, max_age=ANSWER_DELAY)
    except signing.SignatureExpired as error:
        raise LinkRefused(410, "Ce lien a expiré : il valait trente jours.") from error
    except signing.BadSignature as error:
        raise LinkRefused(400, "Ce lien n'est pas valide : il a été modifié ou mal copié. "
                               "Copiez-le en entier depuis le courriel reçu.") from error
    person = Person.objects.filter(pk=data.get("p"), renewal_asked_at__isnull=False).first()
    if person is None or person.renewal_asked_at.isoformat() != data.get("a"):
        raise LinkRefused(410, "Ce lien a déjà servi : votre réponse a été enregistrée.")
    return person


def keep(person: Person) -> None:
    """The person wants to stay: their activity is now, nothing pending."""
    person.last_activity_at, person.renewal_asked_at = timezone.now(), None
    person.save(update_fields=["last_activity_at", "renewal_asked_at"])


def _ask(person: Person, now: datetime) -> None:
    with transaction.atomic():
        person.renewal_asked_at = now
        person.save(update_fields=["renewal_asked_at"])
        context = {"link": link_for(person), "days": ANSWER_DELAY.days,
                   "site_url": settings.QUARTIERS.site_url}
        send_mail(subject=render_to_string("contacts/email/renewal_subject.txt",
                                           context).strip(),
                  message=render_to_string("contacts/email/renewal.txt", context),
                  from_email=None, recipient_list=[person.email],
                  connection=get_connection(category="renouvellement"))


def renew(now: datetime | None = None) -> tuple[int, int]:
    """Ask those due, erase those who did not answer in time: (asked, erased). People active
    since they were asked (a registration, a subscription) are no longer pending."""
    now = now or timezone.now()
    Person.objects.filter(renewal_asked_at__isnull=False,
                          last_activity_at__gt=F("renewal_asked_at")).update(
        renewal_asked_at=None)
    asked = 0
    for person in Person.objects.filter(last_activity_at__lte=now - INACTIVITY,
                                        renewal_asked_at__isnull=True).exclude(email=""):
        _ask(person, now)
        asked += 1
    erased = 0
    for person in Person.objects.filter(renewal_asked_at__lte=now - ANSWER_DELAY):
        erase_everywhere(person, reason=Erasure.Reason.NO_ANSWER)
        erased += 1
    return asked, erased
