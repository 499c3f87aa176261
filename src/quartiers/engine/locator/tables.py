"""Locate the rows of a CSV or XLSX file as the field writes them, keeping every row.

CSV: ``;``, ``,`` or tab; UTF-8 (with or without BOM) or cp1252, even mixed line by line;
decimal commas. Coordinate columns are recognised by name or given explicitly; Lambert-93 is
told from WGS84 by the values. A file with addresses and no coordinates is geocoded first (see
``geocoding``). The output holds every input row and column, in order, then the result columns
and a status per row; it is written in the input's format and encoding, and only replaces the
target once complete. Cells beyond the header (a row with more cells than the header has names)
keep their order in columns of their own, ``colonne_sup_1``, ``colonne_sup_2``…, right after the
input's columns; short rows are padded. A binary file named .csv, or a file named .xlsx that is
no workbook, is refused with a message saying what it is.

Messages name the file as the user knows it (``name``) and the settings to change as the
interface calls them (``Options``: « --lon » on the command line, a form field on the web).
"""

from __future__ import annotations

import contextlib
import csv
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path

import numpy as np

from ..atomic import replacing
from ..geo import LAMBERT93, WGS84
from .core import Locator
from .geocoding import (
    AddressColumns,
    Geocoded,
    Geocoder,
    GeocodingError,
    column_key,
    first_column,
)

CHUNK_ROWS = 100_000
LON_NAMES = ("longitude", "lon", "lng", "long", "x", "coordx", "xwgs84", "xl93", "xlambert93",
             "lambertx")
LAT_NAMES = ("latitude", "lat", "y", "coordy", "ywgs84", "yl93", "ylambert93", "lamberty")
GEOCODING_COLUMNS = ("geocodage_longitude", "geocodage_latitude", "geocodage_score",
                     "geocodage_type", "geocodage_libelle")
RESULT_COLUMNS = ("qpv_code", "qpv_nom", "qpv_commune", "distance_limite_m", "qpv_proche_code",
                  "qpv_proche_nom", "statut", "perimetres")
EXTRA_COLUMN = "colonne_sup_{}"  # header of the n-th cell beyond the input's header
HEAD_BYTES = 64 << 10  # read to tell text from binary
ZIP = b"PK\x03\x04"  # what an XLSX workbook is
SIGNATURES = ((b"\xd0\xcf\x11\xe0", "un document Office ancien (.xls, .doc) ou protégé par mot de "
                                   "passe"),
              (b"%PDF", "un document PDF"),
              (b"\x89PNG", "une image PNG"),
              (b"\xff\xd8\xff", "une image JPEG"),
              (b"\xff\xfe", "du texte UTF-16 (« Texte Unicode » d'Excel)"),
              (b"\xfe\xff", "du texte UTF-16"))
TEXT = "du texte"


class TableError(ValueError):
    """A file that cannot be located as a whole; names the file and the column."""


@dataclass(frozen=True)
class Options:
    """How an interface names the settings a message may ask the user to change, so that one
    message serves the command line (« --lon ») and the web form (« Colonne des longitudes »).
    The defaults are ``locate_file``'s own parameters."""

    lon: str = "lon"
    lat: str = "lat"
    address: str = "address"
    where: str = ""  # where these settings are, said after « indiquez »
    geocoding: str = "geocoder"  # how to turn geocoding on; empty when the user cannot


@dataclass
class Summary:
    """Every row is counted once: rows = inside + outside + errors (``inside``: placed in a
    QPV, as ``by_qpv`` and the output's qpv_code; ``outside``: located, in no QPV). The rows
    « à vérifier » are among the first two: ``check`` = ``check_inside`` + those outside."""

    rows: int = 0
    inside: int = 0
    outside: int = 0
    errors: int = 0
    check: int = 0
    check_inside: int = 0
    extra_columns: int = 0  # colonne_sup_1… added for cells beyond the header
    by_qpv: dict[str, int] = field(default_factory=dict)
    crs: str = WGS84
    columns: tuple[str, str] = ("", "")
    perimeters: str = ""
    geocoder: str = ""  # the service that gave the positions, when the file had addresses only
    geocoded: int = 0
    sample: list[tuple[float, float, str]] = field(default_factory=list)  # for a map


@dataclass(frozen=True)
class Columns:
    """Where each row's position comes from: x/y columns, or address columns to geocode."""

    x: int | None = None
    y: int | None = None
    address: AddressColumns | None = None

    def names(self, header: list[str]) -> tuple[str, str]:
        if self.address:
            return ("adresse : " + ", ".join(self.address.names(header)), "géocodée")
        return header[self.x], header[self.y]


def column_names(text: str | None) -> list[str] | None:
    """« Rue, CP ,Ville » (as typed in a form or a command line) → ["Rue", "CP", "Ville"]."""
    names = [name.strip() for name in (text or "").split(",") if name.strip()]
    return names or None


def find_columns(header: list[str], name: str, lon: str | None = None, lat: str | None = None,
                 geocoder: Geocoder | None = None, address: list[str] | None = None,
                 options: Options = Options()) -> Columns:
    """Coordinate columns (given, or recognised by name), else address columns to geocode
    (given in ``address``, or recognised by name). ``name`` is the file's, as the user knows it."""
    keys = [column_key(h) for h in header]
    listed = ", ".join(f"« {h} »" for h in header)

    def check(column: str, option: str) -> str:
        if column not in header:
            raise TableError(f"{name} : colonne « {column} » absente ({option}) ; colonnes du "
                             f"fichier : {listed}")
        return column

    def pick(explicit: str | None, names: tuple[str, ...], option: str) -> int | None:
        if explicit:
            return header.index(check(explicit, option))
        return first_column(keys, names)

    if address:
        chosen = AddressColumns.chosen(header, [check(column, options.address)
                                                for column in address])
    else:
        x, y = pick(lon, LON_NAMES, options.lon), pick(lat, LAT_NAMES, options.lat)
        if x is not None and y is not None:
            return Columns(x, y)
        chosen = None if lon or lat else AddressColumns.find(header)
        if chosen is None:
            what = "longitude (ou x)" if x is None else "latitude (ou y)"
            raise TableError(f"{name} : aucune colonne de {what} reconnue parmi {listed} ; "
                             f"indiquez{options.where} les colonnes des coordonnées "
                             f"({options.lon}, {options.lat}) ou celles de l'adresse "
                             f"({options.address})")
    if geocoder is None:
        enable = f", ou activez le géocodage ({options.geocoding})" if options.geocoding else ""
        raise TableError(
            f"{name} : pas de coordonnées, seulement des adresses, et le géocodage est "
            "désactivé : ajoutez des colonnes longitude et latitude (ou x et y en "
            f"Lambert-93){enable}.")
    return Columns(address=chosen)


def parse_numbers(values: list) -> np.ndarray:
    """Floats from cells as typed: « 48,117 », « 48.117 », « 352 104,5 », numbers, blanks."""
    out = np.full(len(values), np.nan)
    for i, value in enumerate(values):
        if isinstance(value, int | float):
            out[i] = value
        elif value:
            text = str(value).strip().replace("\u00a0", "").replace("\u202f", "").replace(" ", "")
            with contextlib.suppress(ValueError):
                out[i] = float(text.replace(",", "."))
    return out


def guess_crs(x: np.ndarray) -> str:
    known = x[np.isfinite(x)]
    return LAMBERT93 if len(known) and np.median(np.abs(known)) > 1000 else WGS84


# -- CSV ---------------------------------------------------------------------------------
@dataclass
class CsvDialect:
    encoding: str  # of the output: the input's, or UTF-8 when cp1252 cannot hold a character
    delimiter: str
    bom: bool  # written at the head of the output


def _decode(raw: bytes) -> str:
    """UTF-8 when the line is valid UTF-8 (a cp1252 line with accents almost never is),
    else cp1252: files exported from Excel and then appended to by other tools mix both."""
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("cp1252", errors="replace")


UTF8_SEQUENCE = re.compile(rb"[\xc2-\xf4][\x80-\xbf]+")


def _beyond_cp1252(path: Path) -> bool:
    """Whether a UTF-8 line holds a character cp1252 cannot write (« Ł », « ę »…): such a
    mixed file is written back in UTF-8 (with BOM, for Excel) rather than lose it."""
    with path.open("rb") as handle:
        while block := handle.read(8 << 20) + handle.readline():
            for match in UTF8_SEQUENCE.finditer(block):
                try:
                    match.group().decode("utf-8").encode("cp1252")
                except UnicodeDecodeError:
                    continue
                except UnicodeEncodeError:
                    return True
    return False


def _sniff(path: Path) -> CsvDialect:
    """Separator from the header line; output encoding from the first line with accents."""
    with path.open("rb") as handle:
        block = handle.read(1 << 20)
    head = block.splitlines()
    whole = head[:-1] if len(block) == 1 << 20 else head  # the last line may be cut
    bom = bool(head) and head[0].startswith(b"\xef\xbb\xbf")
    accented = [raw for raw in whole or head if not raw.isascii()]
    encoding = "utf-8"
    if accented:
        try:
            accented[0].decode("utf-8")
        except UnicodeDecodeError:
            encoding = "cp1252"
    if encoding == "cp1252" and _beyond_cp1252(path):
        encoding, bom = "utf-8", True
    first = _decode(head[0].removeprefix(b"\xef\xbb\xbf")) if head else ""
    delimiter = max((";", ",", "\t"), key=first.count)
    return CsvDialect(encoding, delimiter, bom)


def _lines(path: Path) -> Iterator[str]:
    with path.open("rb") as handle:
        for number, raw in enumerate(handle):
            yield _decode(raw.removeprefix(b"\xef\xbb\xbf") if number == 0 else raw)


def _chunks(rows: Iterator[list], size: int) -> Iterator[list[list]]:
    while chunk := list(islice(rows, size)):
        yield chunk


@dataclass
class _Run:
    """What every chunk of one file needs to be located."""

    locator: Locator
    name: str  # the file's, as the user knows it
    columns: Columns
    width: int
    crs: str | None
    radius_m: float
    decimal: str | None  # "," or "." for CSV cells; None keeps numbers (XLSX)
    geocoder: Geocoder | None
    summary: Summary

    @property
    def chunk_rows(self) -> int:
        """Rows per step: one geocoding request when geocoding, so progress shows each."""
        return self.geocoder.batch_rows if self.columns.address else CHUNK_ROWS

    @property
    def result_header(self) -> list[str]:
        return [*GEOCODING_COLUMNS, *RESULT_COLUMNS] if self.columns.address else [*RESULT_COLUMNS]

    def locate(self, chunk: list[list]) -> list[list]:
        """Input rows, padded to the header's width, followed by their result cells, then by
        their cells beyond the header, if any (``_move_extra_cells`` gives them columns)."""
        summary, geocoded = self.summary, None
        if self.columns.address:
            try:
                geocoded = self.geocoder.geocode(chunk, self.columns.address)
            except GeocodingError as error:
                raise TableError(
                    f"{self.name} : {error}. Le fichier n'a que des adresses : ajoutez des "
                    "colonnes longitude et latitude (ou x et y en Lambert-93), ou réessayez "
                    "quand le service répond.") from error
            xs, ys, summary.crs = geocoded.lon, geocoded.lat, WGS84
            summary.geocoded += geocoded.sent
        else:
            xs = parse_numbers([row[self.columns.x] if len(row) > self.columns.x else ""
                                for row in chunk])
            ys = parse_numbers([row[self.columns.y] if len(row) > self.columns.y else ""
                                for row in chunk])
            if summary.rows == 0:
                summary.crs = self.crs or guess_crs(xs)
        results = self._results(xs, ys, geocoded)
        summary.rows += len(chunk)
        return [self._line(row, result) for row, result in zip(chunk, results, strict=True)]

    def _line(self, row: list, result: list) -> list:
        """Short rows are padded to the header's width, so that the results line up; cells
        beyond it go after the results, but for trailing empty ones (a separator at the end of
        the line)."""
        if len(row) == self.width:
            return [*row, *result]
        if len(row) < self.width:
            return [*row, *[""] * (self.width - len(row)), *result]
        extra = row[self.width:]
        while extra and extra[-1] in ("", None):
            extra.pop()
        self.summary.extra_columns = max(self.summary.extra_columns, len(extra))
        return [*row[:self.width], *result, *extra]

    def _results(self, xs, ys, geocoded: Geocoded | None) -> list[list]:
        perimeters, summary = self.locator.perimeters, self.summary
        located = self.locator.locate(xs, ys, summary.crs, self.radius_m)
        answers = located.answers(geocoded.problem if geocoded else None)
        cells = []
        for i, answer in enumerate(answers):
            row = ["", "", "", "", "", "", answer.text, perimeters.label]
            self._count(answer)
            if answer.qpv >= 0:
                code = perimeters.codes[answer.qpv]
                summary.by_qpv[code] = summary.by_qpv.get(code, 0) + 1
                row[0:4] = [code, perimeters.names[answer.qpv], perimeters.communes[answer.qpv],
                            self._metres(answer.distance)]
                if len(summary.sample) < 5000:
                    summary.sample.append((float(xs[i]), float(ys[i]), code))
            elif answer.nearest >= 0:
                row[3:6] = [self._metres(answer.distance), perimeters.codes[answer.nearest],
                            perimeters.names[answer.nearest]]
            cells.append([*self._geocoding_cells(geocoded, i), *row] if geocoded else row)
        return cells

    def _count(self, answer) -> None:
        summary, checked = self.summary, answer.status == "à vérifier"
        summary.check += checked
        if answer.status == "erreur":
            summary.errors += 1
        elif answer.qpv >= 0:
            summary.inside += 1
            summary.check_inside += checked
        else:
            summary.outside += 1

    def _geocoding_cells(self, geocoded: Geocoded, i: int) -> list:
        numbers = [self._number(value, digits) if np.isfinite(value) else ""
                   for value, digits in ((geocoded.lon[i], 6), (geocoded.lat[i], 6),
                                         (geocoded.score[i], 2))]
        return [*numbers, geocoded.kind[i], geocoded.label[i]]

    def _metres(self, distance: float):
        return self._number(distance, 1)

    def _number(self, value: float, digits: int):
        value = round(float(value), digits)
        return value if self.decimal is None else f"{value:.{digits}f}".replace(".", self.decimal)


def locate_file(source: Path, target: Path, locator: Locator, *, lon: str | None = None,
                lat: str | None = None, crs: str | None = None, radius_m: float | None = None,
                geocoder: Geocoder | None = None, address: list[str] | None = None,
                progress: Callable[[int], None] | None = None, name: str | None = None,
                options: Options = Options()) -> Summary:
    """Locate every row of ``source`` into ``target`` (same format); returns a summary.
    The nearest QPV is reported within ``radius_m`` (default: the locator's radius). A file
    with addresses only (or whose ``address`` columns are named) is geocoded by ``geocoder``;
    without one it is refused. Messages call the file ``name`` (default: its path) and the
    settings as ``options`` says."""
    radius_m = locator.radius_m if radius_m is None else min(radius_m, locator.radius_m)
    source, target = Path(source), Path(target)
    name = name or str(source)

    def start(header: list[str], decimal: str | None) -> _Run:
        columns = find_columns(header, name, lon, lat, geocoder, address, options)
        summary = Summary(perimeters=locator.perimeters.label, columns=columns.names(header),
                          geocoder=geocoder.public_url if columns.address else "")
        return _Run(locator, name, columns, len(header), crs, radius_m, decimal, geocoder,
                    summary)

    with replacing(target) as partial:
        if source.suffix.lower() == ".xlsx":
            return _locate_xlsx(source, name, partial, start, progress)
        return _locate_csv(source, name, partial, start, progress)


def _content(path: Path, archive: str) -> str:
    """What a file holds, from its first bytes: ``archive`` for a ZIP archive, a known binary
    format, « du texte », or else « des données binaires » (a text CSV never holds a NUL)."""
    with path.open("rb") as handle:
        head = handle.read(HEAD_BYTES)
    if head.startswith(ZIP):
        return archive
    known = next((what for signature, what in SIGNATURES if head.startswith(signature)), None)
    return known or ("des données binaires" if b"\x00" in head else TEXT)


SAVE_AS = ("Enregistrez-le depuis le tableur au format CSV (UTF-8 ou Windows-1252) ou XLSX, avec "
           "l'extension qui correspond.")


def _locate_csv(source: Path, name: str, target: Path, start, progress) -> Summary:
    if source.stat().st_size == 0:
        raise TableError(f"{name} : fichier vide")
    if (content := _content(source, "une archive ZIP (un classeur XLSX renommé ?)")) != TEXT:
        raise TableError(f"{name} n'est pas un fichier texte CSV : c'est {content}. {SAVE_AS}")
    dialect = _sniff(source)
    reader = csv.reader(_lines(source), delimiter=dialect.delimiter)
    header = next(reader, None)
    if not header:
        raise TableError(f"{name} : fichier vide")
    run = start(header, "," if dialect.delimiter == ";" else ".")
    errors = "replace" if dialect.encoding == "cp1252" else "strict"
    encoding = "utf-8-sig" if dialect.bom else dialect.encoding
    with target.open("w", encoding=encoding, errors=errors, newline="") as handle:
        writer = csv.writer(handle, delimiter=dialect.delimiter, lineterminator="\r\n")
        writer.writerow([*header, *run.result_header])
        try:
            for chunk in _chunks(reader, run.chunk_rows):
                writer.writerows(run.locate(chunk))
                if progress:
                    progress(run.summary.rows)
        except csv.Error as error:  # the only one: a cell over the size limit
            limit = f"{csv.field_size_limit():,}".replace(",", "\u202f")
            raise TableError(
                f"{name}, ligne {reader.line_num} : une cellule qui s'achève à cette ligne "
                f"dépasse {limit} caractères ; un guillemet (\") ouvert plus haut n'est sans "
                "doute pas refermé") from error
    if run.summary.extra_columns:
        _move_extra_cells(target, encoding, dialect.delimiter, run)
    return run.summary


def _move_extra_cells(path: Path, encoding: str, delimiter: str, run: _Run) -> None:
    """Cells beyond the header were written after the results, as they came (how many columns
    they need is only known at the end): move them into columns of their own, named
    colonne_sup_1…, between the input's columns and the results. Only files with such rows
    pay for this second pass."""
    width, results, extra = run.width, len(run.result_header), run.summary.extra_columns
    with replacing(path) as moved, path.open(encoding=encoding, newline="") as source, \
            moved.open("w", encoding=encoding, newline="") as target:
        reader = csv.reader(source, delimiter=delimiter)
        writer = csv.writer(target, delimiter=delimiter, lineterminator="\r\n")
        header = next(reader)
        writer.writerow([*header[:width], *(EXTRA_COLUMN.format(n) for n in range(1, extra + 1)),
                         *header[width:]])
        for row in reader:
            cells = row[width + results:]
            writer.writerow([*row[:width], *cells, *[""] * (extra - len(cells)),
                             *row[width:width + results]])


def _locate_xlsx(source: Path, name: str, target: Path, start, progress) -> Summary:
    from openpyxl import Workbook, load_workbook
    from openpyxl.cell import WriteOnlyCell

    try:
        book = load_workbook(source, read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds for a broken file
        content = _content(source, "une archive ZIP endommagée, incomplète ou sans classeur")
        raise TableError(f"{name} n'est pas un classeur XLSX lisible : c'est {content}. "
                         f"{SAVE_AS}") from error
    sheet = book.worksheets[0]
    # without a declared size, openpyxl gives each row its own length: make them all as wide
    # as the widest, so that no cell lies beyond the header
    width = sheet.max_column or max(map(len, sheet.iter_rows(values_only=True)), default=0)
    rows = sheet.iter_rows(max_col=width or None, values_only=True)
    header = next(rows, None)
    if not header or all(cell is None for cell in header):
        raise TableError(f"{name} : feuille « {sheet.title} » vide")
    header = ["" if cell is None else str(cell) for cell in header]
    run = start(header, None)
    out = Workbook(write_only=True)
    target_sheet = out.create_sheet(sheet.title)
    def as_text(cell):  # a text starting with « = » stays text, never becomes a formula
        if isinstance(cell, str) and cell.startswith("="):
            cell = WriteOnlyCell(target_sheet, value=cell)
            cell.data_type = "s"
        return cell

    target_sheet.append([*header, *run.result_header])
    for chunk in _chunks((list(row) for row in rows), run.chunk_rows):
        for line in run.locate(chunk):
            target_sheet.append([as_text(cell) for cell in line])
        if progress:
            progress(run.summary.rows)
    with target.open("wb") as handle:  # the partial name has no .xlsx suffix
        out.save(handle)
    book.close()
    return run.summary
