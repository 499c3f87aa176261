"""Finding or recording the people the other apps meet (registrations, subscriptions)."""

from __future__ import annotations

from django.utils import timezone

from .models import Consent, Person


def person_for(email: str, first_name: str = "", last_name: str = "") -> Person:
    """The person with this e-mail address (any case), created if new; their activity is now.
    Names given fill the blanks, never overwrite what is known."""
    email = email.strip().lower()
    person = Person.objects.filter(email=email).order_by("pk").first()
    if person is None:
        return Person.objects.create(email=email, first_name=first_name.strip(),
                                     last_name=last_name.strip())
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
