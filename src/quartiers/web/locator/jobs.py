"""Locating an uploaded file in the background, so that large files block nobody.

Each job is a folder (upload, result, ``job.json``); its state lives on disk, so any gunicorn
process can show it, and a restart loses no finished result. A job whose process died shows as
interrupted after an hour without progress; results are deleted after
``QUARTIERS_JOBS_KEPT_DAYS`` since they hold personal data.
"""

from __future__ import annotations

import json
import logging
import shutil
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict
from pathlib import Path

from django.conf import settings
from pyproj import Transformer

from quartiers.engine.geo import WGS84
from quartiers.engine.locator import DEFAULT_RADIUS_M
from quartiers.engine.locator.geocoding import Geocoder
from quartiers.engine.locator.tables import Options, Summary, TableError, locate_file

from ..core.locator import get_locator

STALE_S = 3600  # a running job that has not moved for an hour died with its process
RUNNING = ("en attente", "en cours")
logger = logging.getLogger(__name__)
# The upload form's option fields: their labels, and how messages name them
LABELS = {"lon": "Colonne des longitudes (ou x)", "lat": "Colonne des latitudes (ou y)",
          "adresse": "Colonnes d'adresse à géocoder"}
FORM = Options(lon=f"« {LABELS['lon']} »", lat=f"« {LABELS['lat']} »",
               address=f"« {LABELS['adresse']} »", where=" dans les options du formulaire",
               geocoding="")  # an administrator's setting, not the user's
_executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="localisation")
_lock = threading.Lock()


def folder(job_id: str) -> Path:
    return Path(settings.QUARTIERS.jobs_dir) / job_id


def _stored(job_id: str) -> dict | None:
    path = folder(job_id) / "job.json"
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else None


def _expired(job: Path, now: float) -> bool:
    return job.stat().st_mtime < now - settings.QUARTIERS.jobs_kept_days * 86400


def state(job_id: str) -> dict | None:
    """The job as stored, or None for an unknown id or an expired job (deleted on sight: its
    file holds personal data). A job « en cours » that has not moved for an hour shows as
    interrupted (its process died); a job waiting in the queue is never stale."""
    if not job_id.isalnum():
        return None
    try:
        if _expired(folder(job_id), time.time()):
            shutil.rmtree(folder(job_id), ignore_errors=True)
            return None
        current = _stored(job_id)
        moved = (folder(job_id) / "job.json").stat().st_mtime
    except FileNotFoundError:
        return None
    if current["statut"] == "en cours" and time.time() - moved > STALE_S:
        current.update(statut="erreur", message=f"la localisation de {current['fichier']} a été "
                                                "interrompue (redémarrage du serveur ?) : déposez "
                                                "le fichier à nouveau.")
    return current


def purge(now: float | None = None) -> int:
    """Delete the jobs older than the retention period; returns how many."""
    now = now or time.time()
    deleted = 0
    for job in Path(settings.QUARTIERS.jobs_dir).glob("*/"):
        try:
            if _expired(job, now):
                shutil.rmtree(job)
                deleted += 1
        except FileNotFoundError:  # another process purged it first
            continue
    return deleted


def _save(job_id: str, **changes) -> None:
    with _lock:
        current = _stored(job_id) or {}
        current.update(changes)
        path = folder(job_id) / "job.json"
        path.with_suffix(".tmp").write_text(json.dumps(current, ensure_ascii=False),
                                            encoding="utf-8")
        path.with_suffix(".tmp").replace(path)


def submit(upload, lon: str | None, lat: str | None, crs: str | None,
           address: list[str] | None = None) -> str:
    """Store the upload and queue it; returns the job id."""
    purge()
    job_id = uuid.uuid4().hex
    target = folder(job_id)
    target.mkdir(parents=True)
    name = Path(upload.name).name
    with (target / f"entree{Path(name).suffix.lower()}").open("wb") as handle:
        for chunk in upload.chunks():
            handle.write(chunk)
    _save(job_id, statut="en attente", fichier=name, lignes=0)
    _executor.submit(_run, job_id, lon, lat, crs, address)
    return job_id


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


def _run(job_id: str, lon, lat, crs, address) -> None:
    job = _stored(job_id)
    source = next(folder(job_id).glob("entree.*"))
    stem = Path(job["fichier"]).stem
    result = folder(job_id) / f"{stem}_qpv{source.suffix}"
    _save(job_id, statut="en cours")
    geocoder = Geocoder.from_setting(settings.QUARTIERS.geocoder)
    try:
        summary = locate_file(source, result, get_locator(), lon=lon, lat=lat, crs=crs,
                              radius_m=DEFAULT_RADIUS_M, geocoder=geocoder, address=address,
                              progress=lambda rows: _save(job_id, lignes=rows),
                              name=job["fichier"], options=FORM)
        _save(job_id, statut="terminé", resultat=result.name, lignes=summary.rows,
              resume=_for_the_page(summary))
    except TableError as error:
        _save(job_id, statut="erreur", message=str(error))
    except Exception:  # the user must see the job fail, not wait forever
        logger.exception("localisation %s", job_id)
        _save(job_id, statut="erreur", message=f"{job['fichier']} n'a pas pu être traité "
                                               "(erreur interne, journalisée).")
        raise
    finally:
        source.unlink(missing_ok=True)  # personal data: only the enriched file is kept
        if geocoder:
            geocoder.close()
