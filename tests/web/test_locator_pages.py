"""Uploading a file to locate: background job (run by a real database worker), summary, map data,
download; bad uploads; interrupted and expired jobs."""

from __future__ import annotations

import csv
import html
import io
import json
import os
import re
import time
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from quartiers.web.locator import jobs
from quartiers.web.locator.models import STALE, LocatorJob

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _jobs_dir(settings, tmp_path):
    settings.QUARTIERS = settings.QUARTIERS.with_options(jobs_dir=tmp_path / "jobs")


@pytest.fixture
def wait(run_tasks):
    """The job once the worker has run what waits in the queue."""
    def finished(job_id: str) -> LocatorJob:
        assert jobs.find(job_id).status == LocatorJob.Status.QUEUED
        run_tasks()
        return jobs.find(job_id)

    return finished


def test_upload_locate_and_download(client, wait):
    lines = ["id;nom;lon;lat"] + [f"{i};Zoé;-1,6588;48,1258" for i in range(500)] + ["x;;;"]
    upload = SimpleUploadedFile("beneficiaires.csv", "\r\n".join(lines).encode("cp1252"))
    response = client.post("/localiser/", {"fichier": upload})
    assert response.status_code == 302
    job_id = response["Location"].rstrip("/").split("/")[-1]
    waiting = client.get(f"/localiser/{job_id}/").content.decode()
    assert 'data-status="en attente"' in waiting and 'http-equiv="refresh"' in waiting
    assert wait(job_id).status == LocatorJob.Status.DONE
    page = client.get(f"/localiser/{job_id}/").content.decode()
    assert "Maurepas" in page and "QN03504M" in page and "Terminé" in page
    assert re.search(r'id="count-rows">501<', page)
    assert 'id="download"' in page and "±50 m" in page
    download = client.get(f"/localiser/{job_id}/resultat")
    assert download["Content-Disposition"].endswith('beneficiaires_qpv.csv"')
    rows = list(csv.reader(io.StringIO(b"".join(download.streaming_content).decode("cp1252")),
                           delimiter=";"))
    assert len(rows) == 502 and rows[1][4] == "QN03504M" and rows[-1][0] == "x"
    assert rows[-1][-2].startswith("erreur")


def test_a_job_is_deleted_when_it_expires_even_if_nobody_comes_back(client, run_tasks):
    """A task due at expiry purges it (personal data), without any visit or upload."""
    from django_tasks_db.models import DBTaskResult

    upload = SimpleUploadedFile("points.csv", b"lon;lat\n-1,6588;48,1258\n")
    job_id = client.post("/localiser/", {"fichier": upload})["Location"].rstrip("/").split("/")[-1]
    run_tasks()
    job = LocatorJob.objects.get(pk=job_id)
    [due] = DBTaskResult.objects.filter(task_path__endswith=".purge_expired")
    assert due.run_after == job.expires_at > job.created
    assert job.folder.exists()
    later = job.expires_at + timedelta(seconds=1)
    assert jobs.purge(now=later) == 1 and not job.folder.exists()


def test_a_file_of_addresses_is_geocoded(client, settings, address_server, wait):
    settings.QUARTIERS = settings.QUARTIERS.with_options(geocoder=address_server)
    assert address_server in client.get("/localiser/").content.decode()
    upload = SimpleUploadedFile(
        "ecoles.csv", "nom;adresse;code postal;commune\r\nA;18 rue Théodore Botrel;35171;Bruz"
                      "\r\nB;1 impasse qui n'existe pas;35000;Rennes\r\n".encode("cp1252"))
    response = client.post("/localiser/", {"fichier": upload})
    job_id = response["Location"].rstrip("/").split("/")[-1]
    assert wait(job_id).status == LocatorJob.Status.DONE
    page = client.get(f"/localiser/{job_id}/").content.decode()
    assert f"2 adresses géocodées par <code>{address_server}</code>" in page
    download = client.get(f"/localiser/{job_id}/resultat")
    rows = list(csv.DictReader(io.StringIO(b"".join(download.streaming_content).decode("cp1252")),
                               delimiter=";"))
    assert rows[0]["geocodage_libelle"] == "18 rue Théodore Botrel 35171 Bruz"
    assert rows[1]["statut"] == "erreur : adresse introuvable"


def test_address_columns_chosen_on_the_form(client, settings, address_server, wait):
    settings.QUARTIERS = settings.QUARTIERS.with_options(geocoder=address_server)
    upload = SimpleUploadedFile("f.csv", "Lieu;Localité\n18 rue Théodore Botrel;Bruz\n".encode())
    response = client.post("/localiser/", {"fichier": upload, "adresse": "Lieu, Localité"})
    state = wait(response["Location"].rstrip("/").split("/")[-1])
    assert state.status == LocatorJob.Status.DONE and state.summary["geocoded"] == 1


def test_without_geocoding_a_file_of_addresses_ends_with_a_clear_error(client, settings, wait):
    settings.QUARTIERS = settings.QUARTIERS.with_options(geocoder="non")
    assert "géocodage des adresses est désactivé" in client.get("/localiser/").content.decode()
    upload = SimpleUploadedFile("adresses.csv", b"nom;adresse\nA;1 rue de Brest\n")
    response = client.post("/localiser/", {"fichier": upload})
    state = wait(response["Location"].rstrip("/").split("/")[-1])
    assert state.status == LocatorJob.Status.FAILED and "géocodage est désactivé" in state.error
    assert state.error.startswith("adresses.csv : ")
    assert "QUARTIERS_GEOCODEUR" not in state.error and "activez" not in state.error


@pytest.fixture
def submit(client, wait):
    """Upload, wait for the job; its id, state and page."""
    def submitted(name: str, content: bytes, **fields) -> tuple[str, LocatorJob, str]:
        response = client.post("/localiser/", {"fichier": SimpleUploadedFile(name, content),
                                               **fields})
        job_id = response["Location"].rstrip("/").split("/")[-1]
        return job_id, wait(job_id), client.get(f"/localiser/{job_id}/").content.decode()

    return submitted


@pytest.mark.parametrize(("content", "fields", "expected"), [
    (b"nom;ville\nA;Rennes\n", {}, "Relevés 2024.csv : aucune colonne de longitude (ou x) "
     "reconnue parmi « nom », « ville » ; indiquez dans les options du formulaire les colonnes "
     "des coordonnées (« Colonne des longitudes (ou x) », « Colonne des latitudes (ou y) ») ou "
     "celles de l'adresse (« Colonnes d'adresse à géocoder »)"),
    (b"nom;ville\nA;Rennes\n", {"lon": "X", "lat": "ville"}, "Relevés 2024.csv : colonne « X » "
     "absente (« Colonne des longitudes (ou x) ») ; colonnes du fichier : « nom », « ville »"),
    (b"nom;ville\nA;Rennes\n", {"adresse": "nom, rue"}, "Relevés 2024.csv : colonne « rue » "
     "absente (« Colonnes d'adresse à géocoder ») ; colonnes du fichier : « nom », « ville »"),
])
def test_job_errors_speak_the_form_language(submit, settings, content, fields, expected):
    _, state, page = submit("Relevés 2024.csv", content, **fields)
    assert state.status == LocatorJob.Status.FAILED and state.error == expected
    assert html.escape(expected, quote=False) in page.replace("&#x27;", "'")
    assert "--" not in state.error and str(settings.QUARTIERS.jobs_dir) not in state.error
    assert "entree" not in state.error


@pytest.mark.parametrize(("name", "content", "expected"), [
    ("faux.xlsx", b"id;lon;lat\n1;-1,6588;48,1258\n",
     "faux.xlsx n'est pas un classeur XLSX lisible : c'est du texte."),
    ("image.csv", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01",
     "image.csv n'est pas un fichier texte CSV : c'est une image PNG."),
    ("archive.csv", b"PK\x03\x04\x14\x00\x00\x00\x08\x00",
     "archive.csv n'est pas un fichier texte CSV : c'est une archive ZIP"),
])
def test_binary_and_fake_files_are_refused_in_french(submit, name, content, expected):
    _, state, page = submit(name, content)
    assert state.status == LocatorJob.Status.FAILED and state.error.startswith(expected)
    assert "zip file" not in state.error.lower() and "Erreur" in page
    assert not state.upload_path.exists()  # personal data: the upload goes whatever happens


def test_an_unclosed_quote_names_the_uploaded_file_and_the_line(submit):
    content = "id;lon;lat\n1;-1,6588;48,1258\n2;\"-1,6588;48,1258\n" + "3;x;y\n" * 30_000
    _, state, _ = submit("saisie.csv", content.encode())
    assert re.match(r"saisie\.csv, ligne \d+ : une cellule", state.error)


def test_extra_cells_get_their_own_columns_and_counts_are_french(client, submit):
    lines = ["id;lon;lat"] + [f"{i};-1,6588;48,1258" for i in range(1500)]
    lines += ["x;-1,6588;48,1258;extra;encore", "y;-1,70;48,30", "z;;"]
    job_id, state, page = submit("gros.csv", "\r\n".join(lines).encode())
    assert state.status == LocatorJob.Status.DONE and state.rows == 1503
    assert re.search(r'id="count-rows">1\u202f503<', page)
    assert re.search(r'id="count-inside">1\u202f501<', page)
    assert 'id="count-outside">1<' in page and 'id="count-errors">1<' in page
    assert "dont 1\u202f501 à vérifier" in page and "dont 0 à vérifier" in page
    assert "colonne_sup_1 à colonne_sup_2" in page
    summary = state.summary
    assert summary["inside"] + summary["outside"] + summary["errors"] == summary["rows"] == 1503
    rows = list(csv.reader(io.StringIO(b"".join(
        client.get(f"/localiser/{job_id}/resultat").streaming_content).decode()), delimiter=";"))
    assert rows[0][:6] == ["id", "lon", "lat", "colonne_sup_1", "colonne_sup_2", "qpv_code"]
    assert rows[1501][:6] == ["x", "-1,6588", "48,1258", "extra", "encore", "QN03504M"]


def test_the_upload_form_labels_every_field(client):
    page = client.get("/localiser/").content.decode()
    fields = re.findall(r'<(?:input|select)[^>]*\bid="([^"]+)"', page)
    assert {"fichier", "lon", "lat", "adresse", "crs"} <= set(fields)
    for field in fields:
        assert f'<label for="{field}"' in page or f'<label for="{field}" ' in page, field
    assert "--lon" not in page and "colonne_sup_1" in page


def _old_job(status: LocatorJob.Status) -> LocatorJob:
    """A job that has not moved for twice the time after which a running one is stale."""
    job = LocatorJob.objects.create(file_name="f.csv", status=status)
    job.folder.mkdir(parents=True)
    LocatorJob.objects.filter(pk=job.pk).update(updated=timezone.now() - 2 * STALE)
    return job


def test_an_interrupted_job_says_so_and_old_jobs_are_deleted(client, settings):
    running, queued = _old_job(LocatorJob.Status.RUNNING), _old_job(LocatorJob.Status.QUEUED)
    page = client.get(f"/localiser/{running.id.hex}/").content.decode()
    assert "la localisation de f.csv a été interrompue" in page and 'http-equiv="refresh"' not in page
    assert jobs.find(queued.id.hex).status == LocatorJob.Status.QUEUED  # waiting behind a long job
    running.record_progress(10)  # the worker was alive after all: nothing stale was stored
    assert jobs.find(running.id.hex).status == LocatorJob.Status.RUNNING
    assert 'http-equiv="refresh"' in client.get(f"/localiser/{running.id.hex}/").content.decode()
    later = timezone.now() + timedelta(days=settings.QUARTIERS.jobs_kept_days, seconds=1)
    assert jobs.purge(now=later) == 2
    assert not running.folder.exists() and not queued.folder.exists()
    assert not LocatorJob.objects.exists()


def test_folders_without_a_job_are_deleted_after_the_same_time(settings):
    orphan = settings.QUARTIERS.jobs_dir / "0123abcd"
    orphan.mkdir(parents=True)
    (orphan / "job.json").write_text("{}")
    assert jobs.purge() == 0 and orphan.exists()
    long_ago = time.time() - settings.QUARTIERS.jobs_kept_days * 86400 - 60
    os.utime(orphan, (long_ago, long_ago))
    jobs.purge()
    assert not orphan.exists()


@pytest.mark.parametrize(("name", "content", "message"), [
    ("notes.pdf", b"%PDF", "formats acceptés"),
    ("vide.csv", b"", "vide"),
])
def test_bad_uploads_are_refused_on_the_form(client, name, content, message):
    response = client.post("/localiser/", {"fichier": SimpleUploadedFile(name, content)})
    assert response.status_code == 400 and message in response.content.decode()


def test_unknown_job(client):
    assert client.get("/localiser/0123abcd/").status_code == 404
    assert client.get(f"/localiser/{'0' * 32}/").status_code == 404
    assert client.get("/localiser/0123abcd/resultat").status_code == 404
    assert client.get("/localiser/").status_code == 200


def test_an_expired_result_cannot_be_downloaded(client, settings, wait):
    upload = SimpleUploadedFile("f.csv", b"id;lon;lat\n1;-1.6588;48.1258\n")
    job_id = client.post("/localiser/", {"fichier": upload})["Location"].rstrip("/").split("/")[-1]
    job = wait(job_id)
    assert job.status == LocatorJob.Status.DONE
    assert client.get(f"/localiser/{job_id}/resultat").status_code == 200
    long_ago = timezone.now() - timedelta(days=settings.QUARTIERS.jobs_kept_days, minutes=1)
    LocatorJob.objects.filter(pk=job.pk).update(created=long_ago)
    assert client.get(f"/localiser/{job_id}/resultat").status_code == 404
    assert not job.folder.exists() and not LocatorJob.objects.filter(pk=job.pk).exists()


def test_when_tasks_run_in_the_request_the_job_is_done_on_upload(client, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    upload = SimpleUploadedFile("f.csv", b"id;lon;lat\n1;-1.6588;48.1258\n")
    job_id = client.post("/localiser/", {"fichier": upload})["Location"].rstrip("/").split("/")[-1]
    page = client.get(f"/localiser/{job_id}/").content.decode()
    assert 'data-status="terminé"' in page and 'http-equiv="refresh"' not in page


def test_the_map_of_a_lambert_93_file_gets_longitudes_and_latitudes(client, wait):
    from pyproj import Transformer

    x, y = Transformer.from_crs("EPSG:4326", "EPSG:2154", always_xy=True).transform(-1.6588, 48.1258)
    upload = SimpleUploadedFile("l93.csv", f"id;x;y\n1;{x:.1f};{y:.1f}\n".encode())
    job_id = client.post("/localiser/", {"fichier": upload})["Location"].rstrip("/").split("/")[-1]
    assert wait(job_id).status == LocatorJob.Status.DONE
    page = client.get(f"/localiser/{job_id}/").content.decode()
    points = json.loads(html.unescape(re.search(r'data-points="([^"]*)"', page).group(1)))
    assert points[0][2] == "QN03504M"
    assert abs(points[0][0] + 1.6588) < 1e-4 and abs(points[0][1] - 48.1258) < 1e-4
