"""Upload a CSV or XLSX file, follow its localisation, see a summary and a map, download."""

from __future__ import annotations

import json
from pathlib import Path

from django.conf import settings
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render

from quartiers.engine.geo import CRS_CODES
from quartiers.engine.locator.geocoding import Geocoder, public_url
from quartiers.engine.locator.tables import GEOCODING_COLUMNS, RESULT_COLUMNS, column_names

from ..core.locator import get_locator
from . import jobs

ACCEPTED = (".csv", ".txt", ".xlsx")


def upload(request):
    error = None
    if request.method == "POST":
        upload = request.FILES.get("fichier")
        if upload is None:
            error = "Choisissez un fichier CSV ou XLSX."
        elif Path(upload.name).suffix.lower() not in ACCEPTED:
            error = f"{upload.name} : formats acceptés CSV (.csv, .txt) et XLSX (.xlsx)."
        elif upload.size == 0:
            error = f"{upload.name} : fichier vide."
        elif request.POST.get("crs") and request.POST["crs"] not in CRS_CODES:
            error = "Système de coordonnées inconnu."
        else:
            job = jobs.submit(upload, {"lon": request.POST.get("lon") or None,
                                       "lat": request.POST.get("lat") or None,
                                       "crs": CRS_CODES.get(request.POST.get("crs")),
                                       "address": column_names(request.POST.get("adresse"))})
            return redirect("locator_job", job_id=job.id.hex)
    geocoder = Geocoder.setting(settings.QUARTIERS.geocoder)
    return render(request, "locator/upload.html", {
        "error": error, "labels": jobs.LABELS, "perimeters": get_locator().perimeters.label,
        "result_columns": RESULT_COLUMNS, "geocoding_columns": GEOCODING_COLUMNS,
        "geocoder": public_url(geocoder) if geocoder else None,
        "kept_days": settings.QUARTIERS.jobs_kept_days}, status=400 if error else 200)


def job(request, job_id: str):
    found = jobs.find(job_id)
    if found is None:
        raise Http404("localisation inconnue")
    summary = found.summary
    return render(request, "locator/job.html", {
        "job": found, "summary": summary, "by_qpv": summary["by_qpv"] if summary else [],
        "check_outside": summary["check"] - summary["check_inside"] if summary else None,
        "points": json.dumps(summary["sample"] if summary else [])})


def result(request, job_id: str):
    found = jobs.find(job_id)
    if found is None or found.status != found.Status.DONE:
        raise Http404("résultat indisponible")
    path = found.result_path
    return FileResponse(path.open("rb"), as_attachment=True, filename=path.name)
