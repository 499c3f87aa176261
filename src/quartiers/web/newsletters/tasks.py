"""The letters' background work: building an issue's copies batch by batch, and forgetting the
requests never confirmed (a scheduled task)."""

from __future__ import annotations

from django_tasks import task

from . import sending, services


@task()
def build_batch(sending_id: int) -> None:
    """One batch, which enqueues the next one as a new task: each reads the subscriptions
    afresh."""
    sending.build(sending_id)


@task()
def purge_pending() -> int:
    return services.purge_pending()
