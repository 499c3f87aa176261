"""The same deposit as CSV in every encoding and separator, XLSX and Parquet; files that cannot be
read (bad encoding, empty, huge, not a table) are refused before anything is stored."""

from __future__ import annotations

import csv
import datetime
import gzip
import io

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from quartiers.engine.partners.reading import Limits

from .conftest import LOGEMENTS, fixture_text


def _records() -> list[dict]:
    return list(csv.DictReader(io.StringIO(fixture_text()), delimiter=";"))


def _stored(agreement, deposit: str) -> list[tuple]:
    return sorted((tuple(v for k, v in sorted(r.items()) if k != "deposit_id")
                   for r in agreement.rows() if r["deposit_id"] == deposit), key=repr)


@pytest.fixture
def reference(agreement):
    """The rows stored from the UTF-8 CSV fixture, to compare every other format with; the
    other format is then deposited as ``depot-2`` under the same keys."""
    assert agreement.deposit(fixture_text()).accepted
    return _stored(agreement, "depot-1")


@pytest.mark.parametrize("encoding, bom, separator, said", [
    ("cp1252", b"", ",", "Windows-1252, séparateur virgule"),
    ("utf-8", b"\xef\xbb\xbf", "\t", "UTF-8 avec BOM, séparateur tabulation"),
])
def test_csv_encodings_and_separators(agreement, reference, encoding, bom, separator, said):
    text = fixture_text().replace(";", separator).replace("\n", "\r\n")
    report = agreement.deposit(bom + text.encode(encoding))
    assert report.accepted, report.errors
    assert said in report.detected
    assert _stored(agreement, "depot-2") == reference


def test_gzipped_csv(agreement, reference):
    report = agreement.deposit(gzip.compress(fixture_text().encode()), LOGEMENTS + ".gz")
    assert report.accepted and _stored(agreement, "depot-2") == reference


def test_xlsx_with_typed_cells(agreement, reference):
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    records = _records()
    sheet.append(list(records[0]))
    for r in records:
        row = dict(r, longitude=float(r["longitude"]), latitude=float(r["latitude"]),
                   taille_menage=int(r["taille_menage"]),
                   date_entree=datetime.datetime.fromisoformat(r["date_entree"]),
                   date_sortie=(datetime.date.fromisoformat(r["date_sortie"])
                                if r["date_sortie"] else None),
                   commune_precedente=r["commune_precedente"] or None)
        sheet.append(list(row.values()))
    sheet.append([None] * len(records[0]))  # an empty row Excel often leaves
    content = io.BytesIO()
    book.save(content)
    report = agreement.deposit(content.getvalue(), "logements_fichier_essai.xlsx")
    assert report.accepted, report.errors
    assert report.detected == "XLSX (première feuille)"
    assert _stored(agreement, "depot-2") == reference


def test_parquet_with_typed_columns(agreement, reference):
    records = _records()
    columns = {name: [r[name] for r in records] for name in records[0]}
    columns["longitude"] = [float(v) for v in columns["longitude"]]
    columns["latitude"] = [float(v) for v in columns["latitude"]]
    columns["taille_menage"] = [int(v) for v in columns["taille_menage"]]
    columns["date_entree"] = pa.array([datetime.date.fromisoformat(v)
                                       for v in columns["date_entree"]])
    columns["date_sortie"] = pa.array([datetime.date.fromisoformat(v) if v else None
                                       for v in columns["date_sortie"]])
    content = io.BytesIO()
    pq.write_table(pa.table(columns), content)
    report = agreement.deposit(content.getvalue(), "logements_fichier_essai.parquet")
    assert report.accepted, report.errors
    assert _stored(agreement, "depot-2") == reference


@pytest.mark.parametrize("content, filename, message", [
    (b"", LOGEMENTS, "le fichier est vide"),
    (b"  \r\n", LOGEMENTS, "le fichier est vide"),
    (fixture_text().splitlines()[0].encode() + b"\n", LOGEMENTS, "aucune ligne de données"),
    (fixture_text().encode("utf-16"), LOGEMENTS, "UTF-16"),
    (b"logement;menage\n\x81\x8d\x8f;x\n", LOGEMENTS, "encodage illisible"),
    (b"%PDF-1.4 \x00\x01", LOGEMENTS, "ce n'est pas un fichier texte CSV"),
    (b"PK\x03\x04 pas un classeur", "logements.xlsx", "classeur XLSX illisible"),
    (b"PAR1 pas un parquet", "logements.parquet", "fichier Parquet illisible"),
    (b"\x1f\x8b pas du gzip", "logements.csv.gz", "archive gzip illisible"),
    (b"logement;logement\nA;B\n", LOGEMENTS, "apparaît deux fois"),
    (b"logement;menage\nA;B;C\n", LOGEMENTS, "une ligne a 3 colonnes au lieu de 2"),
    (b"a,b", "logements.ods", "format non pris en charge"),
])
def test_unreadable_files_are_refused(agreement, content, filename, message):
    report = agreement.deposit(content, filename)
    assert not report.accepted and report.error_count == 1
    assert report.errors[0].message.startswith(filename + " : ")
    assert message in report.errors[0].message
    assert not agreement.store.exists()


@pytest.mark.parametrize("limits, message", [
    (Limits(max_bytes=1000), "au-delà de la limite de 0 Mo"),
    (Limits(max_rows=10), "au-delà de la limite"),
])
def test_huge_files_are_refused(agreement, limits, message):
    report = agreement.deposit(fixture_text(), limits=limits)
    assert not report.accepted and message in report.errors[0].message
    assert "découpez-le" in report.errors[0].message
    assert not agreement.store.exists()


def test_huge_gzip_is_refused_while_unpacking(agreement):
    bomb = gzip.compress(fixture_text().encode() + b"\n" * 5_000_000)
    report = agreement.deposit(bomb, "bombe.csv.gz", limits=Limits(max_bytes=1 << 20))
    assert "décompressé, le fichier dépasse la limite" in report.errors[0].message
