"""Uploading a file to locate: background job, summary, map data, download; bad uploads."""

from __future__ import annotations

import csv
import html
import io
import json
import os
import re
import time
import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from quartiers.web.locator import jobs

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _jobs_dir(settings, tmp_path):
    settings.QUARTIERS_JOBS_DIR = tmp_path / "jobs"


def wait(job_id: str) -> dict:
    for _ in range(600):
        state = jobs.state(job_id)
        if state["statut"] in ("terminé", "erreur"):
            return state
        time.sleep(0.1)
    raise AssertionError(f"job {job_id} still {state}")


def test_upload_locate_and_download(client):
    lines = ["id;nom;lon;lat"] + [f"{i};Zoé;-1,6588;48,1258" for i in range(500)] + ["x;;;"]
    upload = SimpleUploadedFile("beneficiaires.csv", "\r\n".join(lines).encode("cp1252"))
    response = client.post("/localiser/", {"fichier": upload})
    assert response.status_code == 302
    job_id = response["Location"].rstrip("/").split("/")[-1]
    assert wait(job_id)["statut"] == "terminé"
    page = client.get(f"/localiser/{job_id}/").content.decode()
    assert "Maurepas" in page and "QN03504M" in page and "501" in page
    assert 'id="download"' in page and "±50 m" in page
    download = client.get(f"/localiser/{job_id}/resultat")
    assert download["Content-Disposition"].endswith('beneficiaires_qpv.csv"')
    rows = list(csv.reader(io.StringIO(b"".join(download.streaming_content).decode("cp1252")),
                           delimiter=";"))
    assert len(rows) == 502 and rows[1][4] == "QN03504M" and rows[-1][0] == "x"
    assert rows[-1][-2].startswith("erreur")


def test_a_file_of_addresses_is_geocoded(client, settings, address_server):
    settings.QUARTIERS_GEOCODEUR = address_server
    assert address_server in client.get("/localiser/").content.decode()
    upload = SimpleUploadedFile(
        "ecoles.csv", "nom;adresse;code postal;commune\r\nA;18 rue Théodore Botrel;35171;Bruz"
                      "\r\nB;1 impasse qui n'existe pas;35000;Rennes\r\n".encode("cp1252"))
    response = client.post("/localiser/", {"fichier": upload})
    job_id = response["Location"].rstrip("/").split("/")[-1]
    assert wait(job_id)["statut"] == "terminé"
    page = client.get(f"/localiser/{job_id}/").content.decode()
    assert f"2 adresses géocodées par <code>{address_server}</code>" in page
    download = client.get(f"/localiser/{job_id}/resultat")
    rows = list(csv.DictReader(io.StringIO(b"".join(download.streaming_content).decode("cp1252")),
                               delimiter=";"))
    assert rows[0]["geocodage_libelle"] == "18 rue Théodore Botrel 35171 Bruz"
    assert rows[1]["statut"] == "erreur : adresse introuvable"


def test_address_columns_chosen_on_the_form(client, settings, address_server):
    settings.QUARTIERS_GEOCODEUR = address_server
    upload = SimpleUploadedFile("f.csv", "Lieu;Localité\n18 rue Théodore Botrel;Bruz\n".encode())
    response = client.post("/localiser/", {"fichier": upload, "adresse": "Lieu, Localité"})
    state = wait(response["Location"].rstrip("/").split("/")[-1])
    assert state["statut"] == "terminé" and state["resume"]["geocoded"] == 1


def test_without_geocoding_a_file_of_addresses_ends_with_a_clear_error(client, settings):
    settings.QUARTIERS_GEOCODEUR = "non"
    assert "géocodage des adresses est désactivé" in client.get("/localiser/").content.decode()
    upload = SimpleUploadedFile("adresses.csv", b"nom;adresse\nA;1 rue de Brest\n")
    response = client.post("/localiser/", {"fichier": upload})
    state = wait(response["Location"].rstrip("/").split("/")[-1])
    assert state["statut"] == "erreur" and "géocodage est désactivé" in state["message"]
    assert "adresses.csv" in state["message"]


def _old_job(status: str) -> str:
    job_id = uuid.uuid4().hex
    folder = jobs.folder(job_id)
    folder.mkdir(parents=True)
    (folder / "job.json").write_text(json.dumps({"statut": status, "fichier": "f.csv",
                                                 "lignes": 0}))
    hours_ago = time.time() - 2 * jobs.STALE_S
    os.utime(folder / "job.json", (hours_ago, hours_ago))
    return job_id


def test_an_interrupted_job_says_so_and_old_jobs_are_deleted(client, settings):
    running, queued = _old_job("en cours"), _old_job("en attente")
    assert "interrompue" in client.get(f"/localiser/{running}/").content.decode()
    assert jobs.state(queued)["statut"] == "en attente"  # waiting behind a long job: not dead
    jobs._save(running, lignes=10)  # the worker was alive after all: nothing stale was stored
    assert jobs.state(running)["statut"] == "en cours"
    later = time.time() + settings.QUARTIERS_JOBS_KEPT_DAYS * 86400 + 1
    assert jobs.purge(now=later) == 2
    assert not jobs.folder(running).exists() and not jobs.folder(queued).exists()


@pytest.mark.parametrize(("name", "content", "message"), [
    ("notes.pdf", b"%PDF", "formats acceptés"),
    ("vide.csv", b"", "vide"),
])
def test_bad_uploads_are_refused_on_the_form(client, name, content, message):
    response = client.post("/localiser/", {"fichier": SimpleUploadedFile(name, content)})
    assert response.status_code == 400 and message in response.content.decode()


def test_unknown_job(client):
    assert client.get("/localiser/0123abcd/").status_code == 404
    assert client.get("/localiser/0123abcd/resultat").status_code == 404
    assert client.get("/localiser/").status_code == 200


def test_an_expired_result_cannot_be_downloaded(client, settings):
    upload = SimpleUploadedFile("f.csv", b"id;lon;lat\n1;-1.6588;48.1258\n")
    job_id = client.post("/localiser/", {"fichier": upload})["Location"].rstrip("/").split("/")[-1]
    assert wait(job_id)["statut"] == "terminé"
    assert client.get(f"/localiser/{job_id}/resultat").status_code == 200
    long_ago = time.time() - settings.QUARTIERS_JOBS_KEPT_DAYS * 86400 - 60
    os.utime(jobs.folder(job_id), (long_ago, long_ago))
    assert client.get(f"/localiser/{job_id}/resultat").status_code == 404
    assert not jobs.folder(job_id).exists()


def test_the_map_of_a_lambert_93_file_gets_longitudes_and_latitudes(client):
    from pyproj import Transformer

    x, y = Transformer.from_crs("EPSG:4326", "EPSG:2154", always_xy=True).transform(-1.6588, 48.1258)
    upload = SimpleUploadedFile("l93.csv", f"id;x;y\n1;{x:.1f};{y:.1f}\n".encode())
    job_id = client.post("/localiser/", {"fichier": upload})["Location"].rstrip("/").split("/")[-1]
    assert wait(job_id)["statut"] == "terminé"
    page = client.get(f"/localiser/{job_id}/").content.decode()
    points = json.loads(html.unescape(re.search(r'data-points="([^"]*)"', page).group(1)))
    assert points[0][2] == "QN03504M"
    assert abs(points[0][0] + 1.6588) < 1e-4 and abs(points[0][1] - 48.1258) < 1e-4
