"""Registering, cancelling, the waiting list and its offers: each change of an event's places
happens in one transaction that locks the event's row first, so that concurrent requests are
served one after the other (200 people at once for 50 places: 50 confirmed, 150 waiting).

The e-mails are background tasks enqueued in the same transaction: a registration rolled back
sends nothing, a registration kept always has its message.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.core import signing
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from ..contacts.services import person_for, record_consent
from .models import EventPage, Registration, WebinarCycle

Status = Registration.Status
OFFER_HOURS = 48
"""How long a freed place offered to the next person waits for their confirmation."""
NEEDS_PURPOSE = "Besoins pour un événement (accessibilité, repas)"
NEEDS_TEXT = ("J'accepte que le centre de ressources conserve les besoins que j'indique "
              "(accessibilité, régime alimentaire) pour organiser mon accueil à cet événement ; "
              "ils sont effacés après l'événement.")
NEEDS_TEXT_VERSION = "2026-11"

# one salt per purpose: a link made for one thing never works for another
MANAGE_SALT = "events.registration"
OFFER_SALT = "events.offer"

RESENT = {Status.CONFIRMED: "confirmed", Status.OFFERED: "offered", Status.WAITING: "waiting"}
"""The message sent again, with its manage link, to an address that registers twice."""


class Refused(Exception):
    """A registration or a link that cannot be honoured; the message is French, for the page."""

    def __init__(self, message: str, status: int = 400):
        super().__init__(message)
        self.status = status


@dataclass(frozen=True)
class Applicant:
    email: str
    first_name: str
    last_name: str
    organisation: str = ""
    function: str = ""
    accessibility_needs: str = ""
    diet: str = ""
    needs_consent: bool = False


def register(event: EventPage, applicant: Applicant, *, source: str,
             cycle: WebinarCycle | None = None) -> Registration:
    """Register ``applicant``: confirmed while places remain and nobody waits, else on the
    waiting list.

    An address already registered gets its manage link again by e-mail, and the answer a
    newcomer would get (unsaved): the page never tells a visitor who is registered."""
    has_needs = bool(applicant.accessibility_needs or applicant.diet)
    if has_needs and not applicant.needs_consent:
        raise Refused("Pour que nous gardions vos besoins, cochez la case qui l'accepte ; "
                      "sinon, laissez ces champs vides.")
    with transaction.atomic():
        event = _locked(event.pk)
        closed = event.registration_state()
        if closed:
            raise Refused(closed)
        # places free but people waiting (capacity raised, offers pending): they come first
        full = event.capacity is not None and (
            event.places_taken() >= event.capacity
            or event.registrations.filter(status=Status.WAITING).exists())
        status = Status.WAITING if full else Status.CONFIRMED
        person = person_for(applicant.email, applicant.first_name, applicant.last_name)
        existing = event.registrations.filter(person=person,
                                              status__in=Registration.ACTIVE).first()
        if existing is not None:
            _notify(existing, RESENT[existing.status])
            return Registration(event=event, person=person, cycle=cycle, status=status)
        if has_needs:
            record_consent(person, purpose=NEEDS_PURPOSE, text=NEEDS_TEXT,
                           text_version=NEEDS_TEXT_VERSION, method="formulaire d'inscription",
                           source=source)
        now = timezone.now()
        registration = Registration.objects.create(
            event=event, person=person, cycle=cycle, status=status,
            confirmed_at=None if full else now, created_at=now,
            organisation=applicant.organisation, function=applicant.function,
            accessibility_needs=applicant.accessibility_needs, diet=applicant.diet)
        _notify(registration, "waiting" if full else "confirmed")
    return registration


def register_cycle(cycle: WebinarCycle, applicant: Applicant, *, source: str
                   ) -> tuple[list[Registration], list[tuple[EventPage, str]]]:
    """Register to each event of the cycle still open; the registrations, and the events
    skipped with why (already registered, closed)."""
    made, skipped = [], []
    events = EventPage.objects.live().public().filter(cycle=cycle).order_by("date", "start_time")
    for event in events:
        try:
            made.append(register(event, applicant, source=source, cycle=cycle))
        except Refused as refusal:
            skipped.append((event, str(refusal)))
    return made, skipped


def cancel(registration_id: int) -> Registration:
    """Cancel a registration; a place it held goes to the next person waiting."""
    with transaction.atomic():
        registration = Registration.objects.select_related("event").get(pk=registration_id)
        event = _locked(registration.event_id)
        registration.refresh_from_db()
        if registration.status == Status.CANCELLED:
            raise Refused("Cette inscription est déjà annulée.", status=410)
        if event.is_past:
            raise Refused("L'événement a eu lieu : l'inscription ne peut plus être annulée.",
                          status=410)
        held = registration.status in Registration.HOLDING
        registration.status = Status.CANCELLED
        registration.cancelled_at = timezone.now()
        registration.offer_expires_at = None
        registration.save(update_fields=["status", "cancelled_at", "offer_expires_at"])
        _notify(registration, "cancelled")
        if held:
            offer_freed_places(event)
    return registration


def confirm_offer(registration_id: int, offered_at: str) -> Registration:
    """The person offered a freed place takes it (the link names the offer it answers)."""
    with transaction.atomic():
        registration = Registration.objects.get(pk=registration_id)
        _locked(registration.event_id)
        registration.refresh_from_db()
        if registration.status == Status.CONFIRMED:
            raise Refused("Votre place est déjà confirmée : rien de plus à faire.", status=410)
        if (registration.status != Status.OFFERED or registration.offered_at is None
                or registration.offered_at.isoformat() != offered_at):
            raise Refused("Cette proposition de place n'est plus valable : elle a expiré ou "
                          "a été annulée, et la place a été proposée à la personne suivante.",
                          status=410)
        if registration.offer_expires_at <= timezone.now():
            raise Refused("Le délai pour confirmer cette place est passé : elle a été "
                          "proposée à la personne suivante.", status=410)
        registration.status = Status.CONFIRMED
        registration.confirmed_at = timezone.now()
        registration.offer_expires_at = None
        registration.save(update_fields=["status", "confirmed_at", "offer_expires_at"])
        _notify(registration, "confirmed")
    return registration


def offer_freed_places(event: EventPage) -> int:
    """Offer each free place to the next person waiting, every one of them when the event has
    no limit (call with the event locked); nothing once the event has started, when an offer
    could no longer be confirmed. The number of offers made."""
    if timezone.now() >= event.starts_at:
        return 0
    waiting = event.registrations.filter(status=Status.WAITING).order_by("created_at", "pk")
    if event.capacity is not None:
        waiting = waiting[:max(event.capacity - event.places_taken(), 0)]
    now = timezone.now()
    offered = 0
    for registration in waiting:
        registration.status = Status.OFFERED
        registration.offered_at = now
        registration.offer_expires_at = min(now + timedelta(hours=OFFER_HOURS), event.starts_at)
        registration.save(update_fields=["status", "offered_at", "offer_expires_at"])
        _notify(registration, "offered")
        offered += 1
    return offered


def on_published(sender, instance: EventPage, **kwargs) -> None:
    """Wagtail's ``page_published``: a capacity raised or removed offers the places it frees
    to the people waiting."""
    with transaction.atomic():
        offer_freed_places(_locked(instance.pk))


def expire_offers(now=None) -> int:
    """Offers not confirmed in time are withdrawn (the person is told) and each place passes to
    the next person waiting; the number withdrawn."""
    now = now or timezone.now()
    expired = 0
    event_ids = set(Registration.objects.filter(status=Status.OFFERED,
                                                offer_expires_at__lte=now)
                    .values_list("event_id", flat=True))
    for event_id in event_ids:
        with transaction.atomic():
            event = _locked(event_id)
            for registration in event.registrations.filter(status=Status.OFFERED,
                                                           offer_expires_at__lte=now):
                registration.status = Status.CANCELLED
                registration.cancelled_at = now
                registration.save(update_fields=["status", "cancelled_at"])
                _notify(registration, "expired")
                expired += 1
            offer_freed_places(event)
    return expired


def _locked(event_id: int) -> EventPage:
    """The event, its row locked until the transaction ends (PostgreSQL; SQLite serialises
    writers anyway)."""
    return EventPage.objects.select_for_update(of=("self",)).get(pk=event_id)


def _notify(registration: Registration, kind: str) -> None:
    from .tasks import send_registration_mail

    send_registration_mail.enqueue(registration.pk, kind, _offer_stamp(registration))


def _offer_stamp(registration: Registration) -> str:
    return registration.offered_at.isoformat() if registration.offered_at else ""


# -- signed links (no account) ---------------------------------------------------------------
def manage_token(registration: Registration) -> str:
    """The registrant's own page (status, visio link, cancellation); valid until erased."""
    return signing.dumps(registration.pk, salt=MANAGE_SALT)


def offer_token(registration: Registration) -> str:
    return signing.dumps([registration.pk, _offer_stamp(registration)], salt=OFFER_SALT)


def manage_url(registration: Registration) -> str:
    return reverse("events:registration", args=[manage_token(registration)])


def offer_url(registration: Registration) -> str:
    return reverse("events:offer", args=[offer_token(registration)])


def registration_from(token: str) -> Registration:
    try:
        pk = signing.loads(token, salt=MANAGE_SALT)
    except signing.BadSignature:
        raise Refused("Ce lien n'est pas valable : il a été modifié ou mal copié. Utilisez le "
                      "lien reçu par courriel, en entier.") from None
    registration = (Registration.objects.select_related("event", "person")
                    .filter(pk=pk, person__isnull=False).first())
    if registration is None:
        raise Refused("Cette inscription n'existe plus.", status=410)
    return registration


def offer_from(token: str) -> tuple[int, str]:
    try:
        pk, stamp = signing.loads(token, salt=OFFER_SALT,
                                  max_age=timedelta(hours=OFFER_HOURS))
    except signing.SignatureExpired:
        raise Refused("Le délai pour confirmer cette place est passé : elle a été proposée à "
                      "la personne suivante.", status=410) from None
    except signing.BadSignature:
        raise Refused("Ce lien n'est pas valable : il a été modifié ou mal copié. Utilisez le "
                      "lien reçu par courriel, en entier.") from None
    return pk, stamp
