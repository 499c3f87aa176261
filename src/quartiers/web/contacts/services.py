"""Finding or recording the people the other apps meet (registrations, subscriptions)."""

from __future__ import annotations

from django.utils import timezone

from .models import Person


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
