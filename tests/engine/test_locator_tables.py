"""Files as the field writes them: encodings, separators, decimal commas, bad rows, XLSX."""

from __future__ import annotations

import csv
import io
import zipfile

import pytest
from openpyxl import Workbook, load_workbook

from quartiers.config import current
from quartiers.engine.locator.tables import RESULT_COLUMNS, Options, TableError, locate_file

DATA_DIR = current().data_dir

MAUREPAS = ("-1,6588", "48,1258")
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"


def zipped(name: str, content: bytes) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(name, content)
    return buffer.getvalue()


def workbook_bytes() -> bytes:
    book = Workbook()
    book.active.append(["id", "lon", "lat"])
    book.active.append([1, -1.6588, 48.1258])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


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
    assert summary.outside == 1 and summary.inside + summary.outside + summary.errors == 7


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


@pytest.mark.parametrize(("content", "what"), [
    (b"PK\x03\x04 cut short", "une archive ZIP endommagée, incomplète ou sans classeur"),
    (zipped("notes.txt", b"hello"), "une archive ZIP endommagée, incomplète ou sans classeur"),
    (b"id;lon;lat\n1;-1,6588;48,1258\n", "c'est du texte"),
    (PNG, "une image PNG"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(500), "un document Office ancien (.xls"),
])
def test_a_file_named_xlsx_that_is_no_workbook_is_refused_in_french(tmp_path, locator, content,
                                                                      what):
    (tmp_path / "in.xlsx").write_bytes(content)
    with pytest.raises(TableError) as raised:
        locate_file(tmp_path / "in.xlsx", tmp_path / "out.xlsx", locator, name="Logements.xlsx")
    message = str(raised.value)
    assert message.startswith("Logements.xlsx n'est pas un classeur XLSX lisible : c'est ")
    assert what in message and "Enregistrez-le depuis le tableur" in message
    assert "zip file" not in message.lower() and str(tmp_path) not in message
    assert not (tmp_path / "out.xlsx").exists()


@pytest.mark.parametrize(("content", "what"), [
    (PNG, "une image PNG"),
    (zipped("a.csv", b"id;lon;lat"), "une archive ZIP (un classeur XLSX renommé ?)"),
    (workbook_bytes(), "une archive ZIP (un classeur XLSX renommé ?)"),
    ("id;lon;lat\n".encode("utf-16"), "du texte UTF-16"),
    (b"id;lon;lat\n\x00\x01\x02\x03", "des données binaires"),
])
def test_a_binary_file_named_csv_is_refused_not_read_as_garbage(tmp_path, locator, content,
                                                                what):
    (tmp_path / "in.csv").write_bytes(content)
    with pytest.raises(TableError) as raised:
        locate_file(tmp_path / "in.csv", tmp_path / "out.csv", locator, name="export.csv")
    assert str(raised.value).startswith(f"export.csv n'est pas un fichier texte CSV : c'est {what}")
    assert not (tmp_path / "out.csv").exists()


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


def test_cells_beyond_the_header_get_columns_of_their_own(tmp_path, locator):
    source = tmp_path / "f.csv"
    source.write_bytes(f"id;lon;lat\r\n1;{MAUREPAS[0]};{MAUREPAS[1]};\r\n"
                       f"2;{MAUREPAS[0]};{MAUREPAS[1]};extra;encore\r\n"
                       f"3;{MAUREPAS[0]}\r\n"
                       f"4;{MAUREPAS[0]};{MAUREPAS[1]};;\"a;b\"\r\n"
                       f"5;{MAUREPAS[0]};{MAUREPAS[1]};Zoé\r\n".encode("cp1252"))
    summary = locate_file(source, tmp_path / "out.csv", locator)
    rows = read(tmp_path / "out.csv", encoding="cp1252")
    assert rows[0] == ["id", "lon", "lat", "colonne_sup_1", "colonne_sup_2", *RESULT_COLUMNS]
    assert all(len(row) == 5 + len(RESULT_COLUMNS) for row in rows)
    assert [row[:6] for row in rows[1:]] == [
        ["1", *MAUREPAS, "", "", "QN03504M"],  # a trailing separator adds nothing
        ["2", *MAUREPAS, "extra", "encore", "QN03504M"],  # the latitude stays a latitude
        ["3", MAUREPAS[0], "", "", "", ""],  # short row padded, then an error
        ["4", *MAUREPAS, "", "a;b", "QN03504M"],  # an empty cell in the middle is kept
        ["5", *MAUREPAS, "Zoé", "", "QN03504M"]]
    assert rows[3][-2].startswith("erreur")
    assert summary.extra_columns == 2 and summary.rows == 5
    assert not list(tmp_path.glob(".*partiel"))


def test_a_workbook_without_declared_size_keeps_every_cell_in_its_column(tmp_path, locator):
    book = Workbook()
    book.active.append(["id", "lon", "lat"])
    book.active.append([1, -1.6588, 48.1258, "note", None, "fin"])
    book.active.append([2, -1.6588])
    book.save(tmp_path / "sized.xlsx")
    with zipfile.ZipFile(tmp_path / "sized.xlsx") as sized, \
            zipfile.ZipFile(tmp_path / "in.xlsx", "w") as unsized:
        for item in sized.infolist():  # as some exporters write it: no <dimension>
            data = sized.read(item)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = data.replace(b'<dimension ref="A1:F3" />', b"")
                assert b"<dimension" not in data
            unsized.writestr(item, data)
    summary = locate_file(tmp_path / "in.xlsx", tmp_path / "out.xlsx", locator)
    rows = list(load_workbook(tmp_path / "out.xlsx").active.iter_rows(values_only=True))
    assert rows[0][:7] == ("id", "lon", "lat", None, None, None, "qpv_code")
    assert rows[1][:7] == (1, -1.6588, 48.1258, "note", None, "fin", "QN03504M")
    assert rows[2][:3] == (2, -1.6588, None) and rows[2][12].startswith("erreur")
    assert summary.rows == 2


def test_an_unclosed_quote_names_the_line(tmp_path, locator):
    source = tmp_path / "f.csv"
    source.write_text("id;lon;lat\n1;-1,6588;48,1258\n2;\"-1,6588;48,1258\n"
                      + "3;x;y\n" * 30_000, encoding="utf-8")
    with pytest.raises(TableError, match=r"^f\.csv, ligne \d+ : une cellule .* dépasse "
                                         "131\u202f072 caractères ; un guillemet"):
        locate_file(source, tmp_path / "out.csv", locator, name="f.csv")


def test_every_row_of_a_real_file_is_counted_once(tmp_path, locator):
    """The schools of Ille-et-Vilaine, as bundled: the summary adds up, and says what the
    output's columns say."""
    summary = locate_file(DATA_DIR / "education" / "ecoles_35.csv", tmp_path / "out.csv",
                          locator)
    with (tmp_path / "out.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert summary.rows == len(rows) == 996
    assert summary.inside + summary.outside + summary.errors == summary.rows
    assert summary.inside == sum(bool(row["qpv_code"]) for row in rows) > 0
    assert summary.errors == sum(row["statut"].startswith("erreur") for row in rows)
    assert summary.check == sum(row["statut"].startswith("à vérifier") for row in rows) > 0
    assert summary.check_inside == sum(row["statut"].startswith("à vérifier")
                                       and bool(row["qpv_code"]) for row in rows)
    assert 0 < summary.check_inside < summary.check  # à vérifier on both sides of a limit
    assert sum(summary.by_qpv.values()) == summary.inside


@pytest.mark.parametrize(("kwargs", "options", "expected"), [
    ({}, Options(lon="--lon", lat="--lat", address="--adresse"),
     "indiquez les colonnes des coordonnées (--lon, --lat) ou celles de l'adresse (--adresse)"),
    ({}, Options(lon="« Longitudes »", lat="« Latitudes »", address="« Adresse »",
                 where=" dans le formulaire"),
     "indiquez dans le formulaire les colonnes des coordonnées (« Longitudes », « Latitudes ») "
     "ou celles de l'adresse (« Adresse »)"),
    ({"lon": "lng", "lat": "b"}, Options(lon="--lon"), "colonne « lng » absente (--lon) ; "
     "colonnes du fichier : « a », « b »"),
    ({"address": ["rue"]}, Options(address="« Adresse »"), "colonne « rue » absente (« Adresse »)"),
])
def test_messages_name_the_settings_as_the_interface_does(tmp_path, locator, kwargs, options,
                                                          expected):
    source = tmp_path / "f.csv"
    source.write_text("a;b\n1;2\n", encoding="utf-8")
    with pytest.raises(TableError) as raised:
        locate_file(source, tmp_path / "out.csv", locator, name="mon fichier.csv",
                    options=options, **kwargs)
    assert str(raised.value).startswith("mon fichier.csv : ") and expected in str(raised.value)


def test_turning_geocoding_on_is_suggested_only_where_the_user_can(tmp_path, locator):
    source = tmp_path / "f.csv"
    source.write_text("nom;adresse\nA;1 rue de Brest\n", encoding="utf-8")
    for options, remedy in ((Options(geocoding="--geocodeur URL"),
                             ", ou activez le géocodage (--geocodeur URL)."),
                            (Options(geocoding=""), "(ou x et y en Lambert-93).")):
        with pytest.raises(TableError) as raised:
            locate_file(source, tmp_path / "out.csv", locator, options=options)
        assert str(raised.value).endswith(remedy)


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
