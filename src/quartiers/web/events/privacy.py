"""A person's registrations to events, exported or erased on request (GDPR). Erasure keeps each
registration, anonymous, so that the events' counts and statuses stay true."""

from __future__ import annotations

from .models import Registration


def export_person(person) -> dict:
    return {"inscriptions aux événements": [{
        "événement": registration.event.title,
        "date": registration.event.date.isoformat(),
        "statut": registration.get_status_display(),
        "inscrite le": registration.created_at.isoformat(),
        "organisme": registration.organisation,
        "fonction": registration.function,
        "besoins d'accessibilité": registration.accessibility_needs,
        "régime alimentaire": registration.diet,
        "présence notée le": (registration.attended_at.isoformat()
                              if registration.attended_at else None),
    } for registration in Registration.objects.filter(person=person).select_related("event")]}


def erase_person(person) -> None:
    Registration.objects.filter(person=person).update(
        person=None, organisation="", function="", accessibility_needs="", diet="")
