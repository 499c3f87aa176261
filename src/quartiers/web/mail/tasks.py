"""The outbox's background tasks: delivering, retrying when due, purging."""

from __future__ import annotations

from collections import Counter

from django_tasks import task

from . import services


@task()
def deliver_messages(ids: list[int]) -> dict[str, int]:
    """Deliver these messages over one connection; how many ended in each state."""
    return dict(Counter(services.deliver(ids).values()))


@task()
def retry_due() -> dict[str, int]:
    """« relancer les courriels »: the temporary failures whose next attempt has come."""
    return dict(Counter(services.deliver(services.due()).values()))


@task()
def purge_sent() -> int:
    """« purger les courriels envoyés »: the outbox keeps no message beyond 90 days."""
    return services.purge()
