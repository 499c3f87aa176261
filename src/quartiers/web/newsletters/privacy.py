"""A person's data in the letters, for the contacts app's export and erasure (GDPR): their
subscriptions. The consents are the contacts app's; the copies sent, the outbox's."""

from __future__ import annotations

from .models import IssueRecipient, Subscription


def export_person(person) -> dict:
    return {"abonnements aux lettres": [{
        "lettre": s.newsletter.name,
        "état": s.get_status_display(),
        "demandé le": s.requested_at.isoformat(),
        "confirmé le": s.confirmed_at.isoformat() if s.confirmed_at else None,
        "désabonné le": s.unsubscribed_at.isoformat() if s.unsubscribed_at else None,
        "adresse en échec depuis le": s.failed_at.isoformat() if s.failed_at else None,
        "provenance": s.source,
        "version du texte accepté": s.text_version,
    } for s in Subscription.objects.filter(person=person).select_related("newsletter")]}


def erase_person(person) -> None:
    """Delete the subscriptions; the copies already sent stay counted, tied to nobody."""
    subscriptions = Subscription.objects.filter(person=person)
    IssueRecipient.objects.filter(subscription__in=subscriptions).update(subscription=None)
    subscriptions.delete()
