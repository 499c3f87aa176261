"""Finding or recording the people the other apps meet (registrations, subscriptions), spotting
duplicates, and the networks the centre animates."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils import timezone

from .models import Consent, Network, Person, normalised_name


def person_for(email: str, first_name: str = "", last_name: str = "") -> Person:
    """The person with this e-mail address (any case), created if new; their activity is now.
    Names given fill the blanks, never overwrite what is known. Two requests creating the same
    address at once end with one person (the address is unique)."""
    email = email.strip().lower()
    person = Person.objects.filter(email=email).order_by("pk").first()
    if person is None:
        try:
            with transaction.atomic():
                return Person.objects.create(email=email, first_name=first_name.strip(),
                                             last_name=last_name.strip())
        except IntegrityError:
            person = Person.objects.get(email=email)
    person.first_name = person.first_name or first_name.strip()
    person.last_name = person.last_name or last_name.strip()
    person.last_activity_at = timezone.now()
    person.save(update_fields=["first_name", "last_name", "last_activity_at"])
    return person


def record_consent(person: Person, *, purpose: str, text: str, text_version: str, method: str,
                   source: str) -> Consent:
    """Keep the proof of what ``person`` accepted, now."""
    return Consent.objects.create(person=person, purpose=purpose, text=text,
                                  text_version=text_version, method=method, source=source)


def withdraw_consent(person: Person, purpose: str) -> int:
    """Date the withdrawal of every standing consent of ``person`` for ``purpose``."""
    return person.consents.filter(purpose=purpose, withdrawn_at__isnull=True).update(
        withdrawn_at=timezone.now())


def same_name_in_organisation(first_name: str, last_name: str, organisation_id: int | None,
                              exclude_pk: int | None = None) -> Person | None:
    """Another person with the same normalised name in the same organisation (or both without
    one): probably the same person under another address."""
    key = normalised_name(first_name, last_name)
    if not key:
        return None
    return (Person.objects.filter(name_key=key, organisation_id=organisation_id)
            .exclude(pk=exclude_pk).order_by("pk").first())


# The networks the centre animates, as its roadmap names them (name, public concerned).
NETWORKS = [
    ("Chef·fe·s de projet politique de la ville",
     "Chef·fe·s de projet politique de la ville des collectivités"),
    ("Agents de l'État et délégués du préfet",
     "Agents des services de l'État et délégués du préfet"),
    ("Programmes de Réussite Éducative et Cités éducatives",
     "Professionnels des Programmes de Réussite Éducative et des Cités éducatives"),
    ("Médiateurs santé", "Médiateurs et médiatrices santé"),
    ("Formateurs VRL", "Formateurs et formatrices « Valeurs de la République et laïcité »"),
    ("Coordinateurs GUSP", "Coordinateurs et coordinatrices de la gestion urbaine et sociale "
                           "de proximité"),
    ("Conseils citoyens de Nantes Métropole", "Les neuf conseils citoyens de Nantes Métropole"),
    ("Acteurs culturels", "Acteurs culturels des quartiers"),
]


def load_bundled() -> str:
    """The networks the centre animates (never people or organisations): created when missing,
    left as staff edited them otherwise."""
    created = sum(Network.objects.get_or_create(name=name, defaults={"public": public})[1]
                  for name, public in NETWORKS)
    return (f"Réseaux : {len(NETWORKS)} réseaux animés par le centre "
            f"({created} créé{'s' if created > 1 else ''}).")
