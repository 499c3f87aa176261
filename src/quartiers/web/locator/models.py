"""A file being located in the background. Its state is a row of the database, so that every web
process and the worker see the same; its files are under ``jobs_dir/<id>/`` (personal data:
deleted with the row after ``jobs_kept_days``)."""

from __future__ import annotations

import shutil
import uuid
from datetime import datetime, timedelta
from pathlib import Path

from django.conf import settings
from django.db import models
from django.utils import timezone

STALE = timedelta(hours=1)  # a running job that has not moved for an hour died with its worker


class LocatorJob(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", "en attente"
        RUNNING = "running", "en cours"
        DONE = "done", "terminé"
        FAILED = "failed", "erreur"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    status = models.CharField("statut", max_length=8, choices=Status.choices, default=Status.QUEUED)
    file_name = models.CharField("fichier déposé", max_length=255)
    options = models.JSONField("options du formulaire", default=dict, blank=True)
    rows = models.PositiveIntegerField("lignes traitées", default=0)
    summary = models.JSONField("résumé", null=True, blank=True)
    error = models.TextField("message d'erreur", blank=True)
    created = models.DateTimeField("déposé le", auto_now_add=True)
    updated = models.DateTimeField("dernier progrès", auto_now=True)
    finished = models.DateTimeField("fini le", null=True, blank=True)

    class Meta:
        verbose_name = "localisation de fichier"
        verbose_name_plural = "localisations de fichiers"
        ordering = ["-created"]

    def __str__(self) -> str:
        return f"{self.file_name} ({self.get_status_display()})"

    @property
    def folder(self) -> Path:
        return Path(settings.QUARTIERS.jobs_dir) / self.id.hex

    @property
    def upload_path(self) -> Path:
        """The file as deposited, under a name that says nothing of its content."""
        return self.folder / f"entree{Path(self.file_name).suffix.lower()}"

    @property
    def result_path(self) -> Path:
        return self.folder / f"{Path(self.file_name).stem}_qpv{self.upload_path.suffix}"

    @property
    def running(self) -> bool:
        return self.status in (self.Status.QUEUED, self.Status.RUNNING)

    @property
    def interrupted(self) -> bool:
        """Running without progress for an hour: its worker died. A job waiting in the queue
        behind a long one is never stale."""
        return self.status == self.Status.RUNNING and timezone.now() - self.updated > STALE

    @staticmethod
    def kept_since(now: datetime | None = None) -> datetime:
        """Jobs created before this time are deleted (``jobs_kept_days``)."""
        return (now or timezone.now()) - timedelta(days=settings.QUARTIERS.jobs_kept_days)

    def expired(self) -> bool:
        return self.created < self.kept_since()

    @property
    def expires_at(self) -> datetime:
        return self.created + timedelta(days=settings.QUARTIERS.jobs_kept_days, seconds=1)

    def record_progress(self, rows: int) -> None:
        """Rows done so far, written alone (the page reads them while the task runs)."""
        LocatorJob.objects.filter(pk=self.pk).update(rows=rows, updated=timezone.now())

    def finish(self, status: Status, **fields) -> None:
        for name, value in fields.items():
            setattr(self, name, value)
        self.status = status
        self.finished = timezone.now()
        self.save()

    def delete(self, *args, **kwargs):
        """The row and the files: they hold personal data."""
        shutil.rmtree(self.folder, ignore_errors=True)
        return super().delete(*args, **kwargs)
