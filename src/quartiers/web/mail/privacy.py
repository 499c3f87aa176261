"""A person's messages in the outbox: exported, and deleted on erasure (a message is not a
count anyone needs)."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from .models import OutgoingMessage


def messages_to(email: str) -> QuerySet[OutgoingMessage]:
    """Messages whose envelope holds this address (alone or among others, in any case)."""
    email = email.strip()
    if not email:
        return OutgoingMessage.objects.none()
    return OutgoingMessage.objects.filter(
        Q(to__iexact=email) | Q(to__istartswith=email + ", ") | Q(to__iendswith=", " + email)
        | Q(to__icontains=", " + email + ", "))


def export_person(person) -> dict:
    return {"courriels": [
        {"catégorie": message.category, "objet": message.subject,
         "destinataires": message.to, "état": message.state_label,
         "créé le": message.created_at.isoformat(),
         "envoyé le": message.sent_at.isoformat() if message.sent_at else None,
         "texte": message.readable_text(), "pièces jointes": message.attachment_names()}
        for message in messages_to(person.email).order_by("created_at", "id")]}


def erase_person(person) -> None:
    messages_to(person.email).delete()
