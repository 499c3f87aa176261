"""Which scheduled tasks are declared, and enqueueing those that are due."""

from __future__ import annotations

import dataclasses
from datetime import datetime, timedelta

from django.apps import apps
from django.db.models import Q
from django.utils import timezone
from django.utils.module_loading import import_string

from .models import ScheduledRun


@dataclasses.dataclass(frozen=True)
class ScheduledTask:
    name: str
    task_path: str
    every: timedelta
    app_label: str


def declared() -> list[ScheduledTask]:
    """Every app's ``scheduled_tasks``, in the order of ``INSTALLED_APPS``."""
    return [ScheduledTask(name, path, every, config.label)
            for config in apps.get_app_configs()
            for name, (path, every) in getattr(config, "scheduled_tasks", {}).items()]


def enqueue_due(now: datetime | None = None) -> list[str]:
    """Enqueue each declared task not enqueued within its interval; the names enqueued."""
    now = now or timezone.now()
    enqueued = []
    for scheduled in declared():
        ScheduledRun.objects.get_or_create(name=scheduled.name)
        claimed = ScheduledRun.objects.filter(
            Q(last_enqueued_at__isnull=True) | Q(last_enqueued_at__lte=now - scheduled.every),
            name=scheduled.name).update(last_enqueued_at=now)
        if claimed:
            import_string(scheduled.task_path).enqueue()
            enqueued.append(scheduled.name)
    return enqueued


def last_runs() -> dict[str, datetime | None]:
    return dict(ScheduledRun.objects.values_list("name", "last_enqueued_at"))
