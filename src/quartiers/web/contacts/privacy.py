"""A person's rights under the GDPR across the whole platform: everything held about them, and
its erasure. Each app holding personal data declares ``personal_data = "<module>"`` on its
AppConfig, a module with ``export_person(person) -> dict`` and ``erase_person(person)``; this
module asks every one of them, then deals with what contacts itself holds."""

from __future__ import annotations

from dataclasses import dataclass
from types import ModuleType

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils.module_loading import import_module
from wagtail.models import ModelLogEntry

from .models import Erasure, Person


@dataclass(frozen=True)
class Holder:
    """An app holding personal data, and its privacy module."""

    label: str
    name: str  # the app's verbose name, in French
    module: ModuleType


def holders() -> list[Holder]:
    """Every app declaring ``personal_data``, in the order of INSTALLED_APPS."""
    return [Holder(config.label, str(config.verbose_name), import_module(config.personal_data))
            for config in apps.get_app_configs() if getattr(config, "personal_data", None)]


def _when(moment) -> str | None:
    return moment.isoformat() if moment else None


def _history(person: Person):
    return ModelLogEntry.objects.filter(content_type=ContentType.objects.get_for_model(Person),
                                        object_id=str(person.pk))


def contacts_export(person: Person) -> dict:
    """What the contacts app holds about ``person``."""
    organisation = person.organisation
    return {
        "prénom": person.first_name,
        "nom": person.last_name,
        "adresse électronique": person.email,
        "fonction": person.function,
        "organisation": organisation and {
            "nom": organisation.name, "type": organisation.get_kind_display(),
            "territoires": [f"{t.level}:{t.code}" for t in organisation.territories.all()]},
        "fiche créée le": _when(person.created_at),
        "dernière activité": _when(person.last_activity_at),
        "renouvellement demandé le": _when(person.renewal_asked_at),
        "réseaux": [{"réseau": m.network.name, "rôle": m.role, "depuis": _when(m.since)}
                    for m in person.memberships.select_related("network")],
        "consentements": [{"finalité": c.purpose, "texte": c.text, "version": c.text_version,
                           "manière": c.method, "provenance": c.source,
                           "accepté le": _when(c.accepted_at), "retiré le": _when(c.withdrawn_at)}
                          for c in person.consents.all()],
        "historique de la fiche": [{"date": _when(entry.timestamp), "action": str(entry.message)}
                                   for entry in _history(person).order_by("timestamp")],
    }


def export_everything(person: Person) -> dict:
    """Everything the platform holds about ``person``, JSON-serialisable, French keys."""
    return {"personne": contacts_export(person),
            "applications": {holder.name: holder.module.export_person(person)
                             for holder in holders()}}


@transaction.atomic
def erase_everywhere(person: Person, *, reason: str, by=None) -> Erasure:
    """Every app erases (or anonymises, to keep its counts) what it holds about ``person``, then
    the person goes with their memberships, consent records, revisions and history entries.
    All or nothing: an app that fails leaves everything as it was. The record kept says when,
    why, on whose decision and which apps erased, nothing about the person."""
    answered = []
    for holder in holders():
        holder.module.erase_person(person)
        answered.append(holder.label)
    _history(person).delete()
    person.delete()  # consents, memberships and revisions follow (cascade)
    return Erasure.objects.create(reason=reason, by=by, apps=[*answered, "contacts"])
