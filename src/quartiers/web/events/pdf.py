"""The sign-in sheet (feuille d'émargement) and the certificates of attendance (attestations de
présence) of an event, A4 PDF laid out by Typst.

Python gathers the texts; the templates only lay out the strings they read with ``json()``, so
no name typed in the registration form can become Typst markup.
"""

from __future__ import annotations

from pathlib import Path

from django.utils import timezone
from django.utils.formats import date_format

from quartiers.engine.reports import compile_typst

from ..site.models import CentreIdentity
from .models import EventPage, Registration

TYPST = Path(__file__).with_name("typst")
CENTRE = "Centre de ressources politique de la ville"


def sign_in_sheet(event: EventPage) -> bytes:
    """Every confirmed registrant, by name, with an empty box to sign (and one blank line per
    ten people for those who come unannounced)."""
    people = _confirmed(event)
    return compile_typst(TYPST / "emargement.typ", {
        **_event(event),
        "people": [{"name": _name(r), "organisation": r.organisation} for r in people],
        "blank": max(3, len(people) // 10),
    })


def certificates(event: EventPage) -> bytes | None:
    """One page per person marked present and not erased (nobody to give it to); None when
    there is none."""
    present = [r for r in _confirmed(event) if r.attended_at and r.person_id]
    if not present:
        return None
    return compile_typst(TYPST / "attestations.typ", {
        **_event(event),
        "people": [{"name": _name(r), "organisation": r.organisation} for r in present],
        "issued": date_format(timezone.localdate(), "j F Y"),
    })


def _confirmed(event: EventPage) -> list[Registration]:
    rows = (event.registrations.filter(status=Registration.Status.CONFIRMED)
            .select_related("person"))
    return sorted(rows, key=lambda r: (_name(r).lower()))


def _name(registration: Registration) -> str:
    person = registration.person
    if person is None:
        return "Personne effacée"
    return f"{person.last_name.upper()} {person.first_name}".strip() or person.email


def _event(event: EventPage) -> dict:
    identity = CentreIdentity.load()
    return {"title": event.title, "when": event.when, "where": event.where or "",
            "centre": identity.name or CENTRE, "address": identity.address or "",
            "author": f"{identity.name or CENTRE} — plateforme Quartiers"}
