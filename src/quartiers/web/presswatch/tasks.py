"""Background work of the press watch: each active source fetched every hour, one task per
source (a slow server delays only its own)."""

from __future__ import annotations

from django_tasks import task


@task()
def fetch_source(source_id: int) -> str:
    """Fetch one source; its new status (French)."""
    from .models import FeedSource
    from .services import fetch

    source = FeedSource.objects.filter(pk=source_id).first()
    if source is None:  # deleted before the worker came to it
        return ""
    return fetch(source)


@task()
def fetch_all_sources() -> int:
    """Queue the fetch of every active source; how many were queued."""
    from .models import FeedSource

    ids = list(FeedSource.objects.filter(active=True).values_list("pk", flat=True))
    for source_id in ids:
        fetch_source.enqueue(source_id)
    return len(ids)
