"""Locating an uploaded file in the background (Django's tasks API, run by ``quartiers worker``),
so that large files block nobody. The upload is kept in the job's folder; the task records its
progress and result on the job's row, which every web process reads. Jobs are deleted after
``QUARTIERS_JOBS_KEPT_DAYS`` since they hold personal data: by a task due when the job
expires (so even if nobody comes back), and at each upload and on sight.
"""

from __future__ import annotations

import shutil
import uuid
from dataclasses import asdict
from datetime import datetime
from pathlib import Path

from django.conf import settings
from django_tasks import task
from pyproj import Transformer

from quartiers.engine.geo import WGS84
from quartiers.engine.locator import DEFAULT_RADIUS_M
from quartiers.engine.locator.geocoding import Geocoder
from quartiers.engine.locator.tables import Options, Summary, TableError, locate_file

from ..core.locator import get_locator
from .models import LocatorJob

# The upload form's option fields: their labels, and how messages name them
LABELS = {"lon": "Colonne des longitudes (ou x)", "lat": "Colonne des latitudes (ou y)",
          "adresse": "Colonnes d'adresse à géocoder"}
FORM = Options(lon=f"« {LABELS['lon']} »", lat=f"« {LABELS['lat']} »",
               address=f"« {LABELS['adresse']} »", where=" dans les options du formulaire",
               geocoding="")  # an administrator's setting, not the user's


def find(job_id: str) -> LocatorJob | None:
    """The job as the page shows it, or None for an unknown id or an expired job (deleted on
    sight). A job « en cours » that has not moved for an hour shows as interrupted; this is not
    stored, so that a worker that was only slow shows its next progress."""
    try:
        job = LocatorJob.objects.filter(pk=uuid.UUID(hex=job_id)).first()
    except ValueError:
        return None
    if job is None:
        return None
    if job.expired():
        job.delete()
        return None
    if job.interrupted:
        job.status = LocatorJob.Status.FAILED
        job.error = (f"la localisation de {job.file_name} a été interrompue (redémarrage du "
                     "serveur ?) : déposez le fichier à nouveau.")
    return job


def purge(now: datetime | None = None) -> int:
    """Delete the jobs older than the retention period, rows and files; returns how many.
    Folders left without a row (a crash between two writes, the jobs of an older version) go
    after the same time."""
    cutoff = LocatorJob.kept_since(now)
    expired = list(LocatorJob.objects.filter(created__lt=cutoff))
    for job in expired:
        job.delete()
    for folder in Path(settings.QUARTIERS.jobs_dir).glob("*/"):
        try:
            if folder.stat().st_mtime < cutoff.timestamp():
                shutil.rmtree(folder)
        except FileNotFoundError:  # another process purged it first
            continue
    return len(expired)


@task()
def purge_expired() -> int:
    return purge()


def submit(upload, options: dict) -> LocatorJob:
    """Store the upload and queue it, and its deletion at expiry. ``options``: lon, lat, crs,
    address (see ``locate``)."""
    purge()
    job = LocatorJob.objects.create(file_name=Path(upload.name).name, options=options)
    job.folder.mkdir(parents=True)
    with job.upload_path.open("wb") as handle:
        for chunk in upload.chunks():
            handle.write(chunk)
    locate.enqueue(job.id.hex)
    if purge_expired.get_backend().supports_defer:  # not the in-request backend
        purge_expired.using(run_after=job.expires_at).enqueue()
    return job


def _for_the_page(summary: Summary) -> dict:
    """The summary as the job page shows it, computed once: map points in longitude /
    latitude, QPV named and ordered by count."""
    shown = asdict(summary)
    points = summary.sample
    if summary.crs != WGS84 and points:
        to_wgs84 = Transformer.from_crs(summary.crs, WGS84, always_xy=True)
        lons, lats = to_wgs84.transform([p[0] for p in points], [p[1] for p in points])
        points = [(x, y, p[2]) for x, y, p in zip(lons, lats, points, strict=True)]
    perimeters = get_locator().perimeters
    names = dict(zip(perimeters.codes, perimeters.names, strict=True))
    shown["sample"] = points
    shown["by_qpv"] = sorted(([code, names.get(code, ""), n] for code, n in summary.by_qpv.items()),
                             key=lambda item: -item[2])
    return shown


@task()
def locate(job_id: str) -> None:
    """Locate the job's upload into its result file; the upload is deleted whatever happens
    (personal data: only the enriched file is kept). A mistake in the file ends the job with a
    French message; anything else too, and fails the task (logged by the worker)."""
    job = LocatorJob.objects.get(pk=uuid.UUID(hex=job_id))
    job.status = LocatorJob.Status.RUNNING
    job.save(update_fields=["status", "updated"])
    options = job.options
    geocoder = Geocoder.from_setting(settings.QUARTIERS.geocoder)
    try:
        summary = locate_file(job.upload_path, job.result_path, get_locator(), lon=options.get("lon"),
                              lat=options.get("lat"), crs=options.get("crs"),
                              radius_m=DEFAULT_RADIUS_M, geocoder=geocoder,
                              address=options.get("address"), progress=job.record_progress,
                              name=job.file_name, options=FORM)
        job.finish(LocatorJob.Status.DONE, rows=summary.rows, summary=_for_the_page(summary))
    except TableError as error:
        job.finish(LocatorJob.Status.FAILED, error=str(error))
    except Exception:  # the user must see the job fail, not wait forever
        job.finish(LocatorJob.Status.FAILED, error=f"{job.file_name} n'a pas pu être traité "
                                                    "(erreur interne, journalisée).")
        raise
    finally:
        job.upload_path.unlink(missing_ok=True)
        if geocoder:
            geocoder.close()
