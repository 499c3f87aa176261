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
    settings.QUARTIERS = settings.QUARTIERS.with_options(jobs_dir=tmp_path / "jobs")


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
    assert "Maurepas" in page and "QN03504M" in page and "Terminé" in page
    assert re.search(r'id="count-rows">501<', page)
    assert 'id="download"' in page and "±50 m" in page
    download = client.get(f"/localiser/{job_id}/resultat")
    assert download["Content-Disposition"].endswith('beneficiaires_qpv.csv"')
    rows = list(csv.reader(io.StringIO(b"".join(download.streaming_content).decode("cp1252")),
                           delimiter=";"))
    assert len(rows) == 502 and rows[1][4] == "QN03504M" and rows[-1][0] == "x"
    assert rows[-1][-2].startswith("erreur")


def test_a_file_of_addresses_is_geocoded(client, settings, address_server):
    settings.QUARTIERS = settings.QUARTIERS.with_options(geocoder=address_server)
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
    settings.QUARTIERS = settings.QUARTIERS.with_options(geocoder=address_server)
    upload = SimpleUploadedFile("f.csv", "Lieu;Localité\n18 rue Théodore Botrel;Bruz\n".encode())
    response = client.post("/localiser/", {"fichier": upload, "adresse": "Lieu, Localité"})
    state = wait(response["Location"].rstrip("/").split("/")[-1])
    assert state["statut"] == "terminé" and state["resume"]["geocoded"] == 1


def test_without_geocoding_a_file_of_addresses_ends_with_a_clear_error(client, settings):
    settings.QUARTIERS = settings.QUARTIERS.with_options(geocoder="non")
    assert "géocodage des adresses est désactivé" in client.get("/localiser/").content.decode()
    upload = SimpleUploadedFile("adresses.csv", b"nom;adresse\nA;1 rue de Brest\n")
    response = client.post("/localiser/", {"fichier": upload})
    state = wait(response["Location"].rstrip("/").split("/")[-1])
    assert state["statut"] == "erreur" and "géocodage est désactivé" in state["message"]
    assert state["message"].startswith("adresses.csv : ")
    assert "QUARTIERS_GEOCODEUR" not in state["message"] and "activez" not in state["message"]


def _submit(client, name: str, content: bytes, **fields) -> tuple[str, dict, str]:
    """Upload, wait for the job; its id, state and page."""
    response = client.post("/localiser/", {"fichier": SimpleUploadedFile(name, content), **fields})
    job_id = response["Location"].rstrip("/").split("/")[-1]
    return job_id, wait(job_id), client.get(f"/localiser/{job_id}/").content.decode()


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
def test_job_errors_speak_the_form_language(client, content, fields, expected):
    _, state, page = _submit(client, "Relevés 2024.csv", content, **fields)
    assert state["statut"] == "erreur" and state["message"] == expected
    assert html.escape(expected, quote=False) in page.replace("&#x27;", "'")
    assert "--" not in state["message"] and str(jobs.folder("x").parent) not in state["message"]
    assert "entree" not in state["message"]


@pytest.mark.parametrize(("name", "content", "expected"), [
    ("faux.xlsx", b"id;lon;lat\n1;-1,6588;48,1258\n",
     "faux.xlsx n'est pas un classeur XLSX lisible : c'est du texte."),
    ("image.csv", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01",
     "image.csv n'est pas un fichier texte CSV : c'est une image PNG."),
    ("archive.csv", b"PK\x03\x04\x14\x00\x00\x00\x08\x00",
     "archive.csv n'est pas un fichier texte CSV : c'est une archive ZIP"),
])
def test_binary_and_fake_files_are_refused_in_french(client, name, content, expected):
    _, state, page = _submit(client, name, content)
    assert state["statut"] == "erreur" and state["message"].startswith(expected)
    assert "zip file" not in state["message"].lower() and "Erreur" in page


def test_an_unclosed_quote_names_the_uploaded_file_and_the_line(client):
    content = "id;lon;lat\n1;-1,6588;48,1258\n2;\"-1,6588;48,1258\n" + "3;x;y\n" * 30_000
    _, state, _ = _submit(client, "saisie.csv", content.encode())
    assert re.match(r"saisie\.csv, ligne \d+ : une cellule", state["message"])


def test_extra_cells_get_their_own_columns_and_counts_are_french(client):
    lines = ["id;lon;lat"] + [f"{i};-1,6588;48,1258" for i in range(1500)]
    lines += ["x;-1,6588;48,1258;extra;encore", "y;-1,70;48,30", "z;;"]
    job_id, state, page = _submit(client, "gros.csv", "\r\n".join(lines).encode())
    assert state["statut"] == "terminé"
    assert re.search(r'id="count-rows">1\u202f503<', page)
    assert re.search(r'id="count-inside">1\u202f501<', page)
    assert 'id="count-outside">1<' in page and 'id="count-errors">1<' in page
    assert "dont 1\u202f501 à vérifier" in page and "dont 0 à vérifier" in page
    assert "colonne_sup_1 à colonne_sup_2" in page
    summary = state["resume"]
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


def _old_job(status: str) -> str:
    job_id = uuid.uuid4().hex
    folder = jobs.folder(job_id)
    folder.mkdir(parents=True)
    (folder / "job.json").write_text(json.dumps({"statut": status, "fichier": "f.csv",
                                                 "lignes": 0}))
    hours_ago = time.time() - 2 * jobs.STALE_S
    os.utime(folder / "job.json", (hours_ago, hours_ago))
    return job_id


def test_a_job_summarised_before_the_outside_count_existed_still_shows(client):
    job_id = _old_job("terminé")
    summary = {"rows": 3, "inside": 1, "check": 1, "errors": 1, "by_qpv": [], "sample": [],
               "columns": ["lon", "lat"], "crs": "EPSG:4326", "perimeters": "QPV 2024",
               "geocoder": "", "geocoded": 0}
    jobs._save(job_id, resultat="f_qpv.csv", resume=summary)
    page = client.get(f"/localiser/{job_id}/").content.decode()
    assert 'id="count-rows">3<' in page and 'id="count-outside">n.d.<' in page


def test_an_interrupted_job_says_so_and_old_jobs_are_deleted(client, settings):
    running, queued = _old_job("en cours"), _old_job("en attente")
    assert "la localisation de f.csv a été interrompue" in client.get(
        f"/localiser/{running}/").content.decode()
    assert jobs.state(queued)["statut"] == "en attente"  # waiting behind a long job: not dead
    jobs._save(running, lignes=10)  # the worker was alive after all: nothing stale was stored
    assert jobs.state(running)["statut"] == "en cours"
    later = time.time() + settings.QUARTIERS.jobs_kept_days * 86400 + 1
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
    long_ago = time.time() - settings.QUARTIERS.jobs_kept_days * 86400 - 60
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
