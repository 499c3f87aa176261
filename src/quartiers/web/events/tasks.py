"""The events' e-mails and their scheduled work, run by ``quartiers worker``.

A message is written when the worker runs, from the registration as it is then: a message
whose reason has passed (a confirmation for a registration cancelled since, an offer replaced
by a newer one, a person erased) is not sent.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django_tasks import task

REMINDER_BEFORE = timedelta(days=2)
"""Reminders go out when the event starts within this delay."""

SUBJECTS = {
    "confirmed": "Inscription confirmée : {title}",
    "waiting": "Liste d'attente : {title}",
    "offered": "Une place s'est libérée : {title}",
    "cancelled": "Inscription annulée : {title}",
    "expired": "Place non confirmée à temps : {title}",
    "reminder": "Rappel : {title}",
}


@task()
def send_registration_mail(registration_id: int, kind: str, offer_stamp: str = "") -> bool:
    """Send one message of the registration's life; whether it was sent."""
    from .models import Registration
    from .registration import Status

    registration = (Registration.objects.select_related("event", "person")
                    .filter(pk=registration_id, person__isnull=False).first())
    if registration is None:
        return False
    expected = {"confirmed": Status.CONFIRMED, "waiting": Status.WAITING,
                "offered": Status.OFFERED, "cancelled": Status.CANCELLED,
                "expired": Status.CANCELLED, "reminder": Status.CONFIRMED}[kind]
    stamp = registration.offered_at.isoformat() if registration.offered_at else ""
    if registration.status != expected or (kind == "offered" and stamp != offer_stamp):
        return False
    _send(registration, kind)
    return True


def _send(registration, kind: str) -> None:
    from .ical import calendar
    from .registration import manage_url, offer_url

    event = registration.event
    site = settings.QUARTIERS.site_url.rstrip("/")
    confirmed = registration.status == registration.Status.CONFIRMED
    context = {
        "registration": registration, "event": event, "site_url": site,
        "event_url": site + event.url, "manage_url": site + manage_url(registration),
        "offer_url": site + offer_url(registration) if kind == "offered" else "",
        # the visio link: only to a confirmed registrant
        "visio_link": event.visio_link if confirmed and event.online else "",
    }
    message = EmailMultiAlternatives(
        subject=SUBJECTS[kind].format(title=event.title),
        body=render_to_string(f"events/email/{kind}.txt", context),
        to=[registration.person.email])
    if confirmed:
        message.attach(f"evenement-{event.pk}.ics", calendar([event], event.title),
                       "text/calendar; charset=utf-8; method=PUBLISH")
    message.send()


@task()
def expire_offers() -> int:
    """Scheduled: offers of a freed place not confirmed in time pass to the next person."""
    from .registration import expire_offers as expire

    return expire()


@task()
def send_reminders() -> int:
    """Scheduled: one reminder to each confirmed registrant of an event starting soon."""
    from .models import EventPage, Registration

    now = timezone.now()
    soon = [event.pk for event in EventPage.objects.live().filter(
        date__gte=timezone.localdate(now), date__lte=timezone.localdate(now + REMINDER_BEFORE))
        if now < event.starts_at <= now + REMINDER_BEFORE]
    sent = 0
    for pk in Registration.objects.filter(
            event_id__in=soon, status=Registration.Status.CONFIRMED, reminded_at__isnull=True,
            person__isnull=False).values_list("pk", flat=True):
        with transaction.atomic():
            # claimed by one conditional update: two workers never remind twice
            if Registration.objects.filter(pk=pk, reminded_at__isnull=True).update(
                    reminded_at=now):
                send_registration_mail.enqueue(pk, "reminder")
                sent += 1
    return sent


@task()
def delete_needs() -> int:
    """Scheduled: the needs (accessibility, diet) of the registrations to events that have
    ended are deleted; the number of registrations cleared."""
    from .models import EventPage, Registration

    # through the registrations: an event already cleared, or without any, is not read again
    pending = Registration.objects.filter(
        needs_deleted_at__isnull=True, event__date__lte=timezone.localdate()).values("event_id")
    ended = [event.pk for event in EventPage.objects.filter(pk__in=pending) if event.is_past]
    return Registration.objects.filter(event_id__in=ended, needs_deleted_at__isnull=True).update(
        accessibility_needs="", diet="", needs_deleted_at=timezone.now())
