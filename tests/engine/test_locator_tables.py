"""Files as the field writes them: encodings, separators, decimal commas, bad rows, XLSX."""

from __future__ import annotations

import csv

import pytest
from openpyxl import Workbook, load_workbook

from quartiers.engine.locator.tables import RESULT_COLUMNS, TableError, locate_file

MAUREPAS = ("-1,6588", "48,1258")


def read(path, encoding="utf-8-sig", delimiter=";"):
    with open(path, encoding=encoding, newline="") as handle:
        return list(csv.reader(handle, delimiter=delimiter))


def test_excel_export_cp1252_semicolons_decimal_commas(tmp_path, locator):
    source = tmp_path / "beneficiaires.csv"
    lines = ["N°;Nom;Longitude;Latitude;Commentaire",
             f"1;Éloïse Lebœuf;{MAUREPAS[0]};{MAUREPAS[1]};à suivre",
             "2;Zoé;-1,60;48,05;",
             "3;sans coordonnées;;;",
             "4;texte;abc;48,1;",
             "5;inversé;48,1;-1,66;",
             f"1;Éloïse Lebœuf;{MAUREPAS[0]};{MAUREPAS[1]};à suivre",
             "7;ligne courte;-1,66"]
    source.write_bytes("\r\n".join(lines).encode("cp1252") + b"\r\n")
    summary = locate_file(source, tmp_path / "out.csv", locator)
    rows = read(tmp_path / "out.csv", encoding="cp1252")
    assert rows[0] == ["N°", "Nom", "Longitude", "Latitude", "Commentaire", *RESULT_COLUMNS]
    assert len(rows) == len(lines)  # every row, in order, duplicates included
    assert [r[0] for r in rows[1:]] == ["1", "2", "3", "4", "5", "1", "7"]
    assert rows[1][1] == "Éloïse Lebœuf" and rows[1][5] == "QN03504M"
    assert rows[1][8].startswith("-") and "," in rows[1][8]  # signed, decimal comma
    assert rows[3][-2].startswith("erreur") and rows[4][-2].startswith("erreur")
    assert "inversées" in rows[5][-2]
    assert rows[7][:5] == ["7", "ligne courte", "-1,66", "", ""]  # short row padded, kept
    assert "±50 m" in rows[1][-1]
    assert summary.rows == 7 and summary.inside == 2 and summary.errors == 4


def test_utf8_bom_commas_and_mixed_encodings(tmp_path, locator):
    source = tmp_path / "mixte.csv"
    source.write_bytes(b"\xef\xbb\xbfid,lon,lat,ville\n" + b"1,-1.6588,48.1258,Rennes\n"
                       + "2,-1.6588,48.1258,Saint-Méen\n".encode("cp1252")
                       + "3,-1.6588,48.1258,Châteaugiron\n".encode())
    locate_file(source, tmp_path / "out.csv", locator)
    raw = (tmp_path / "out.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = read(tmp_path / "out.csv", delimiter=",")
    assert [r[3] for r in rows[1:]] == ["Rennes", "Saint-Méen", "Châteaugiron"]
    assert all(r[4] == "QN03504M" for r in rows[1:]) and rows[1][7].startswith("-")


def test_lambert93_columns_are_recognised(tmp_path, locator):
    source = tmp_path / "l93.csv"
    source.write_text("x;y\n352104,5;6791264,3\n", encoding="utf-8")
    summary = locate_file(source, tmp_path / "out.csv", locator)
    assert summary.crs == "EPSG:2154"


@pytest.mark.parametrize(("content", "message"), [
    ("", "fichier vide"),
    ("nom;ville\nA;Rennes\n", "aucune colonne de longitude"),
    ("nom;adresse\nA;1 rue de Paris\n", "géocodage est désactivé"),
])
def test_files_that_cannot_be_located_say_why(tmp_path, locator, content, message):
    source = tmp_path / "f.csv"
    source.write_text(content, encoding="utf-8")
    with pytest.raises(TableError, match=message):
        locate_file(source, tmp_path / "out.csv", locator)


def test_explicit_missing_column(tmp_path, locator):
    source = tmp_path / "f.csv"
    source.write_text("a;b\n1;2\n", encoding="utf-8")
    with pytest.raises(TableError, match="colonne « lng » absente"):
        locate_file(source, tmp_path / "out.csv", locator, lon="lng", lat="b")


def test_xlsx_in_xlsx_out(tmp_path, locator):
    book = Workbook()
    sheet = book.active
    sheet.title = "Logements"
    sheet.append(["ref", "latitude", "longitude"])
    sheet.append(["A1", 48.1258, -1.6588])
    sheet.append(["A2", None, None])
    book.save(tmp_path / "in.xlsx")
    summary = locate_file(tmp_path / "in.xlsx", tmp_path / "out.xlsx", locator)
    rows = list(load_workbook(tmp_path / "out.xlsx").active.iter_rows(values_only=True))
    assert rows[0][:4] == ("ref", "latitude", "longitude", "qpv_code")
    assert rows[1][3] == "QN03504M" and rows[1][6] < 0
    assert rows[2][9].startswith("erreur")
    assert summary.rows == 2


def test_broken_xlsx(tmp_path, locator):
    (tmp_path / "in.xlsx").write_bytes(b"PK not really")
    with pytest.raises(TableError, match="illisible"):
        locate_file(tmp_path / "in.xlsx", tmp_path / "out.xlsx", locator)


def test_a_million_rows_none_lost(tmp_path, locator):
    source = tmp_path / "million.csv"
    with source.open("w", encoding="utf-8", newline="") as handle:
        handle.write("id,lon,lat\n")
        handle.writelines(f"{i},{-1.6588 + (i % 1000) * 1e-4:.5f},48.1258\n"
                          for i in range(1_000_000))
    summary = locate_file(source, tmp_path / "out.csv", locator)
    assert summary.rows == 1_000_000
    with (tmp_path / "out.csv").open(encoding="utf-8") as handle:
        ids = [line.split(",", 1)[0] for line in handle]
    assert ids[0] == "id" and ids[1:] == [str(i) for i in range(1_000_000)]


def test_cells_beyond_the_header_neither_shift_the_results_nor_get_lost(tmp_path, locator):
    source = tmp_path / "f.csv"
    source.write_text(f"id;lon;lat\n1;{MAUREPAS[0]};{MAUREPAS[1]};\n"
                      f"2;{MAUREPAS[0]};{MAUREPAS[1]};note;suite\n", encoding="utf-8")
    locate_file(source, tmp_path / "out.csv", locator)
    rows = read(tmp_path / "out.csv")
    assert all(len(row) == 3 + len(RESULT_COLUMNS) for row in rows)
    assert rows[1][:4] == ["1", MAUREPAS[0], MAUREPAS[1], "QN03504M"]
    assert rows[2][:4] == ["2", MAUREPAS[0], f"{MAUREPAS[1]};note;suite", "QN03504M"]


def test_a_cp1252_file_with_a_character_cp1252_cannot_write_comes_back_in_utf8(tmp_path,
                                                                                 locator):
    source = tmp_path / "f.csv"
    source.write_bytes("nom;lon;lat\r\nZoé;-1,6588;48,1258\r\n".encode("cp1252")
                       + "Łukasz Wałęsa;-1,6588;48,1258\r\n".encode())
    locate_file(source, tmp_path / "out.csv", locator)
    raw = (tmp_path / "out.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    assert [r[0] for r in read(tmp_path / "out.csv")[1:]] == ["Zoé", "Łukasz Wałęsa"]


def test_a_workbook_text_starting_with_equals_stays_text(tmp_path, locator):
    book = Workbook()
    book.active.append(["note", "lon", "lat"])
    book.active.append(["", -1.6588, 48.1258])
    book.active["A2"].value = "=HYPERLINK(\"http://x\")"
    book.active["A2"].data_type = "s"  # typed as text, as a user pasting it would get
    book.save(tmp_path / "in.xlsx")
    locate_file(tmp_path / "in.xlsx", tmp_path / "out.xlsx", locator)
    cell = load_workbook(tmp_path / "out.xlsx").active["A2"]
    assert cell.data_type == "s" and cell.value == "=HYPERLINK(\"http://x\")"
