"""Files of addresses, geocoded by a real addok server indexed with the schools of Ille-et-Vilaine
(their addresses and the ministry's positions), then located in the QPV."""

from __future__ import annotations

import csv
import math
import threading
from collections import defaultdict
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx
import numpy as np
import pytest

from quartiers.config import current
from quartiers.engine.locator.geocoding import (
    DEFAULT_URL,
    AddressColumns,
    Geocoder,
    GeocodingError,
    public_url,
)
from quartiers.engine.locator.tables import (
    GEOCODING_COLUMNS,
    RESULT_COLUMNS,
    TableError,
    column_names,
    locate_file,
)

DATA_DIR = current().data_dir

SCHOOLS = DATA_DIR / "education" / "ecoles_35.csv"


@pytest.fixture(scope="module")
def schools():
    with SCHOOLS.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def metres(lon1, lat1, lon2, lat2) -> float:
    dx = math.radians(lon2 - lon1) * math.cos(math.radians(lat1)) * 6_371_000
    return math.hypot(dx, math.radians(lat2 - lat1) * 6_371_000)


def read(path, encoding="utf-8", delimiter=";"):
    with path.open(encoding=encoding, newline="") as handle:
        return list(csv.DictReader(handle, delimiter=delimiter))


def test_school_addresses_exported_from_excel_are_geocoded_and_located(
        tmp_path, locator, schools, address_server):
    """996 real addresses, cp1252 and « ; », no coordinates: every row comes back, in order, at
    the ministry's position when the house number is known, and in the same QPV as that
    position."""
    source = tmp_path / "ecoles.csv"
    with source.open("w", encoding="cp1252", newline="") as handle:
        writer = csv.writer(handle, delimiter=";", lineterminator="\r\n")
        writer.writerow(["UAI", "Nom", "Adresse", "Code postal", "Commune"])
        writer.writerows([s["uai"], s["nom"], s["adresse"], s["code_postal"], s["commune"]]
                         for s in schools)
    geocoder = Geocoder(address_server, batch_rows=250)
    summary = locate_file(source, tmp_path / "out.csv", locator, geocoder=geocoder)
    rows = read(tmp_path / "out.csv", encoding="cp1252")
    assert list(rows[0]) == ["UAI", "Nom", "Adresse", "Code postal", "Commune",
                             *GEOCODING_COLUMNS, *RESULT_COLUMNS]
    assert [r["UAI"] for r in rows] == [s["uai"] for s in schools]
    assert summary.rows == summary.geocoded == len(schools) == 996  # none is blank
    assert geocoder.requests == 4  # 996 rows in batches of 250
    assert summary.geocoder == address_server

    official = locator.locate(
        [float(s["longitude"]) for s in schools], [float(s["latitude"]) for s in schools])
    numbered = [(s, r, i) for i, (s, r) in enumerate(zip(schools, rows, strict=True))
                if s["precision_localisation"] == "Numéro de rue" and s["adresse"][:1].isdigit()]
    at_number = [(s, r, i) for s, r, i in numbered if r["geocodage_type"] == "housenumber"]
    assert len(at_number) >= 0.99 * len(numbered)
    placed = defaultdict(list)  # the ministry places schools sharing an address apart
    for school in schools:
        placed[school["commune"], school["adresse"].lower()].append(
            (float(school["longitude"]), float(school["latitude"])))
    gaps, same_qpv = [], 0
    for school, row, i in at_number:
        lon = float(row["geocodage_longitude"].replace(",", "."))
        lat = float(row["geocodage_latitude"].replace(",", "."))
        gaps.append(min(metres(lon, lat, *position)
                        for position in placed[school["commune"], school["adresse"].lower()]))
        expected = official.qpv[i]
        same_qpv += row["qpv_code"] == (locator.perimeters.codes[expected] if expected >= 0 else "")
    # A few addresses are written two ways (« Brequigny », « Bréquigny ») and placed 20 to 110 m
    # apart; the index keeps one position per house number.
    assert sum(gap < 1 for gap in gaps) >= 0.99 * len(gaps)
    assert max(gaps) < 150
    assert same_qpv >= len(at_number) - 3
    assert summary.inside > 0  # schools of Rennes, Saint-Malo… in their QPV
    statuses = {r["statut"] for r in rows}
    assert statuses <= {"ok", "à vérifier", "à vérifier : adresse localisée à la voie",
                        "erreur : adresse introuvable", "erreur : adresse vide"} | {
        s for s in statuses if s.startswith("à vérifier : géocodage incertain")}


def test_each_row_says_how_well_its_address_was_found(tmp_path, locator, address_server):
    source = tmp_path / "adresses.csv"
    source.write_text(
        "id,adresse,cp,ville\n"
        "1,18 rue Théodore Botrel,35171,Bruz\n"  # a school's house number
        "2,rue des Ecoles,35190,Cardroc\n"  # a street without number
        "3,,,\n"
        "4,1 impasse qui n'existe pas,99999,Nulle Part\n"
        "5,18 RUE THEODORE BOTREL,,BRUZ\n",
        encoding="utf-8")
    summary = locate_file(source, tmp_path / "out.csv", locator,
                          geocoder=Geocoder(address_server))
    rows = read(tmp_path / "out.csv", delimiter=",")
    assert [r["id"] for r in rows] == ["1", "2", "3", "4", "5"]
    assert rows[0]["geocodage_type"] == "housenumber"
    assert rows[0]["statut"] in ("ok", "à vérifier")
    assert rows[0]["geocodage_libelle"] == "18 rue Théodore Botrel 35171 Bruz"
    assert rows[1]["statut"] == "à vérifier : adresse localisée à la voie"
    assert rows[2]["statut"] == "erreur : adresse vide"
    assert rows[3]["statut"] == "erreur : adresse introuvable"
    assert rows[3]["geocodage_longitude"] == rows[3]["qpv_code"] == ""
    assert rows[4]["geocodage_longitude"] == rows[0]["geocodage_longitude"]
    assert summary.errors == 2


def test_addresses_in_a_workbook(tmp_path, locator, address_server):
    from openpyxl import Workbook, load_workbook

    book = Workbook()
    book.active.append(["Bénéficiaire", "Adresse", "Code postal", "Commune"])
    book.active.append(["A", "18 rue Théodore Botrel", "35171", "Bruz"])
    book.active.append(["B", None, None, None])
    book.save(tmp_path / "in.xlsx")
    locate_file(tmp_path / "in.xlsx", tmp_path / "out.xlsx", locator,
                geocoder=Geocoder(address_server))
    rows = list(load_workbook(tmp_path / "out.xlsx").active.iter_rows(values_only=True))
    header = list(rows[0])
    assert len(rows) == 3
    assert isinstance(rows[1][header.index("geocodage_longitude")], float)
    assert rows[2][header.index("statut")] == "erreur : adresse vide"


def test_a_busy_service_is_asked_again(tmp_path, locator, address_server):
    """The national service answers 429 above 50 requests/s: wait as told, then retry."""
    calls = []

    class Busy(BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers["Content-Length"]))
            calls.append(len(body))
            if len(calls) == 1:
                self.send_response(429)
                self.send_header("Retry-After", "0")
                self.end_headers()
                return
            answer = httpx.post(address_server, content=body,
                                headers={"Content-Type": self.headers["Content-Type"]})
            self.send_response(answer.status_code)
            self.send_header("Content-Type", answer.headers["Content-Type"])
            self.end_headers()
            self.wfile.write(answer.content)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Busy)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        source = tmp_path / "in.csv"
        source.write_text("adresse;commune\n18 rue Théodore Botrel;Bruz\n", encoding="utf-8")
        geocoder = Geocoder(f"http://127.0.0.1:{server.server_port}/search/csv/")
        summary = locate_file(source, tmp_path / "out.csv", locator, geocoder=geocoder)
    finally:
        server.shutdown()
    assert len(calls) == geocoder.requests == 2
    assert summary.errors == 0


def test_unreachable_service_names_it_and_keeps_the_previous_result(tmp_path, locator):
    source = tmp_path / "in.csv"
    source.write_text("adresse;commune\n18 rue Théodore Botrel;Bruz\n", encoding="utf-8")
    target = tmp_path / "out.csv"
    target.write_text("résultat précédent", encoding="utf-8")
    with pytest.raises(TableError, match=r"127\.0\.0\.1:9/search/csv/ est injoignable.*longitude"):
        locate_file(source, target, locator, geocoder=Geocoder("http://127.0.0.1:9/search/csv/"))
    assert target.read_text(encoding="utf-8") == "résultat précédent"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.csv", "out.csv"]


def test_geocoding_can_be_turned_off(tmp_path, locator, monkeypatch):
    source = tmp_path / "in.csv"
    source.write_text("nom;adresse\nA;1 rue de Paris\n", encoding="utf-8")
    with pytest.raises(TableError, match="géocodage est désactivé"):
        locate_file(source, tmp_path / "out.csv", locator, geocoder=None)
    assert Geocoder.from_setting("non") is None
    assert Geocoder.from_setting(" NON ") is None
    assert Geocoder.from_setting("").url == DEFAULT_URL
    assert Geocoder.from_setting("http://adresses.interne/search/csv/").url.startswith("http://adr")


def test_an_overlong_address_is_an_error_on_its_row_only(tmp_path, locator, address_server):
    source = tmp_path / "in.csv"
    source.write_text(f"adresse;commune\n18 rue Théodore Botrel;Bruz\n{'rue très longue ' * 20};"
                      "Rennes\n", encoding="utf-8")
    summary = locate_file(source, tmp_path / "out.csv", locator, geocoder=Geocoder(address_server))
    rows = read(tmp_path / "out.csv")
    assert rows[0]["geocodage_type"] == "housenumber"
    assert rows[1]["statut"] == "erreur : adresse trop longue (plus de 200 caractères)"
    assert summary.geocoded == 1


def test_record_numbers_and_other_columns_never_leave_the_machine():
    header = ["Numéro", "N°", "Nom", "Prénom", "Numéro voie", "Adresse", "CP", "Ville", "Code INSEE"]
    columns = AddressColumns.find(header)
    assert columns.names(header) == ["Numéro voie", "Adresse", "CP", "Ville", "Code INSEE"]
    # an INSEE code or a postcode typed as a number in Excel gets its leading zero back
    assert columns.text([None, None, None, None, 3, "rue A", 1000, "Bourg", 1053], 8) == "01053"
    assert columns.text([None, None, None, None, 3, "rue A", 1000, "Bourg", 1053], 4) == "3"


def answering(body: str, status: int = 200, before: tuple = ()):
    """A transport answering ``body``, after raising or answering each of ``before``."""
    queue = list(before)

    def handler(request):
        if queue:
            item = queue.pop(0)
            if isinstance(item, Exception):
                raise item
            return httpx.Response(item, headers={"Retry-After": "-1"})
        return httpx.Response(status, text=body)

    return httpx.MockTransport(handler)


ROWS = [["18 rue Théodore Botrel", "Bruz"], ["7 rue des Ecoles", "Cardroc"]]
COLUMNS = AddressColumns(query=(0, 1))


@pytest.mark.parametrize("body", [
    "<html><body>Maintenance</body></html>",
    '{"type": "FeatureCollection"}',
    "ligne;latitude;longitude\n0;48.0;-1.7\n",
])
def test_an_unreadable_answer_is_a_clear_error(body):
    with pytest.raises(GeocodingError, match="réponse illisible"):
        Geocoder("http://adresses.test/search/csv", transport=answering(body)).geocode(ROWS, COLUMNS)


def test_answers_for_rows_never_sent_are_ignored_and_bad_numbers_stay_on_their_row():
    body = ("ligne,latitude,longitude,result_score,result_type,result_label\n"
            "-1,48.0,-1.7,0.9,housenumber,x\n7,48.0,-1.7,0.9,housenumber,x\n"
            "abc,48.0,-1.7,0.9,housenumber,x\n0,abc,-1.7,0.9,housenumber,x\n")
    found = Geocoder("http://adresses.test/search/csv", transport=answering(body)).geocode(
        ROWS, COLUMNS)
    assert found.problem == ["erreur : adresse introuvable",
                             "erreur : ligne absente de la réponse du géocodeur"]
    assert np.isnan(found.lon).all()


def test_timeouts_and_odd_retry_headers_are_retried(monkeypatch):
    monkeypatch.setattr("quartiers.engine.locator.geocoding.time.sleep", lambda s: None)
    body = ("ligne,latitude,longitude,result_score,result_type,result_label\n"
            "0,48.02,-1.74,0.95,housenumber,a\n")
    geocoder = Geocoder("http://adresses.test/search/csv", transport=answering(
        body, before=(httpx.ReadTimeout("lent"), 503, 429)))
    found = geocoder.geocode(ROWS[:1], COLUMNS)
    assert found.problem == [""] and geocoder.requests == 3  # two refusals, then the answer
    always_slow = Geocoder("http://adresses.test/search/csv", retries=1, transport=answering(
        body, before=(httpx.ReadTimeout("lent"), httpx.ReadTimeout("lent"))))
    with pytest.raises(GeocodingError, match="ne répond plus"):
        always_slow.geocode(ROWS[:1], COLUMNS)


def test_a_point_outside_france_is_an_error_even_when_its_address_was_only_to_check(tmp_path,
                                                                                      locator):
    body = ("ligne,latitude,longitude,result_score,result_type,result_label\n"
            "0,46.78,-56.17,0.9,street,Rue de l'Église 97500 Saint-Pierre\n")
    source = tmp_path / "in.csv"
    source.write_text("adresse;commune\nrue de l'Église;Saint-Pierre\n", encoding="utf-8")
    geocoder = Geocoder("http://adresses.test/search/csv", transport=answering(body))
    summary = locate_file(source, tmp_path / "out.csv", locator, geocoder=geocoder)
    row = read(tmp_path / "out.csv")[0]
    assert row["statut"].startswith("erreur") and "vérifier" not in row["statut"]
    assert summary.errors == 1 and summary.check == 0


def test_the_service_address_is_shown_without_credentials():
    assert public_url("https://moi:secret@adresses.test:8443/search/csv?cle=abc") == \
        "https://adresses.test:8443/search/csv"


def test_address_columns_named_by_the_user(tmp_path, locator, address_server):
    """Headers nobody could guess: the user names the columns to join, in order."""
    source = tmp_path / "in.csv"
    source.write_text("Dossier;Lieu de vie;Cd;Localité\nA1;18 rue Théodore Botrel;35171;Bruz\n",
                      encoding="utf-8")
    with pytest.raises(TableError, match="aucune colonne de longitude"):
        locate_file(source, tmp_path / "out.csv", locator, geocoder=Geocoder(address_server))
    with pytest.raises(TableError, match="colonne « Ville » absente"):
        locate_file(source, tmp_path / "out.csv", locator, geocoder=Geocoder(address_server),
                    address=["Lieu de vie", "Ville"])
    summary = locate_file(source, tmp_path / "out.csv", locator, geocoder=Geocoder(address_server),
                          address=column_names("Lieu de vie, Cd ,Localité"))
    assert summary.columns[0] == "adresse : Lieu de vie, Cd, Localité"
    assert read(tmp_path / "out.csv")[0]["geocodage_type"] == "housenumber"
