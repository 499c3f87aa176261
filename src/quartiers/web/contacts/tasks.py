"""The contacts' scheduled work (ContactsConfig.scheduled_tasks)."""

from __future__ import annotations

from django_tasks import task

from .renewal import renew


@task()
def renew_inactive_contacts() -> str:
    """Daily: ask the contacts inactive for three years, erase those who never answered."""
    asked, erased = renew()
    return f"{asked} demande(s) de renouvellement, {erased} effacement(s)"
