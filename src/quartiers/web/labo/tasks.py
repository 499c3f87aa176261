"""The Labo's scheduled work, run by ``quartiers worker``: what its consent text promises."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone
from django_tasks import task

DRAFTS_KEPT = timedelta(days=183)
"""A draft never submitted is deleted this long after its call's deadline (six months)."""
CONTACTS_KEPT = timedelta(days=3 * 365)
"""A submitted application's contact is erased this long after its call's deadline."""


def purge(now=None) -> tuple[int, int]:
    """(drafts deleted, applications whose contact was erased)."""
    from .models import Application

    now = now or timezone.now()
    _, deleted = Application.objects.filter(
        status=Application.Status.DRAFT, call__deadline__lte=now - DRAFTS_KEPT).delete()
    drafts = deleted.get(Application._meta.label, 0)
    contacts = (Application.objects.exclude(status=Application.Status.DRAFT)
                .filter(call__deadline__lte=now - CONTACTS_KEPT, person__isnull=False)
                .update(person=None, contact_name="", contact_role=""))
    return drafts, contacts


@task()
def purge_expired() -> int:
    """Scheduled: the retention the consent text states."""
    drafts, contacts = purge()
    return drafts + contacts
