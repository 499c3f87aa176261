"""Scheduled tasks: enqueued when due, once per interval even when two workers ask at the same
time, and listed by ``quartiers taches``."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.apps import apps
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from quartiers.web.schedule.models import ScheduledRun
from quartiers.web.schedule.services import declared, enqueue_due

pytestmark = pytest.mark.django_db


@pytest.fixture
def one_scheduled_task(monkeypatch):
    """Only the locator's hourly purge of expired uploads (the other apps' are silenced)."""
    config = apps.get_app_config("locator")
    for other in apps.get_app_configs():
        if other is not config and getattr(other, "scheduled_tasks", None):
            monkeypatch.setattr(other, "scheduled_tasks", {})
    return "supprimer les fichiers localisés expirés"


def test_a_due_task_is_enqueued_once_per_interval(one_scheduled_task):
    now = timezone.now()
    assert enqueue_due(now) == [one_scheduled_task]
    assert enqueue_due(now + timedelta(minutes=59)) == []  # not due again within the hour
    assert DBTaskResult.objects.count() == 1
    assert enqueue_due(now + timedelta(hours=1)) == [one_scheduled_task]
    assert DBTaskResult.objects.count() == 2
    assert ScheduledRun.objects.get().last_enqueued_at == now + timedelta(hours=1)


def test_two_workers_asking_at_once_enqueue_it_once(one_scheduled_task):
    now = timezone.now()
    first, second = enqueue_due(now), enqueue_due(now)
    assert (first, second) == ([one_scheduled_task], [])


def test_every_declared_task_names_a_real_task():
    from django.utils.module_loading import import_string
    from django_tasks.base import Task

    for scheduled in declared():
        assert isinstance(import_string(scheduled.task_path), Task), scheduled
        assert scheduled.every >= timedelta(minutes=1), scheduled

