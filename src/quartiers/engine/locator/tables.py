"""Locate the rows of a CSV or XLSX file as the field writes them, keeping every row.

CSV: ``;``, ``,`` or tab; UTF-8 (with or without BOM) or cp1252, even mixed line by line;
decimal commas. Coordinate columns are recognised by name or given explicitly; Lambert-93 is
told from WGS84 by the values. The output holds every input row and column, in order, then the
result columns and a status per row; it is written in the input's format and encoding.
"""

from __future__ import annotations

import contextlib
import csv
import re
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path

import numpy as np

from ..geo import LAMBERT93, WGS84
from .core import ERROR, STATUS_LABELS, Locator

CHUNK_ROWS = 100_000
LON_NAMES = ("longitude", "lon", "lng", "long", "x", "coordx", "xwgs84", "xl93", "xlambert93",
             "lambertx")
LAT_NAMES = ("latitude", "lat", "y", "coordy", "ywgs84", "yl93", "ylambert93", "lamberty")
ADDRESS_NAMES = ("adresse", "address", "adresse1", "voie", "libellevoie", "rue")
RESULT_COLUMNS = ("qpv_code", "qpv_nom", "qpv_commune", "distance_limite_m", "qpv_proche_code",
                  "qpv_proche_nom", "statut", "perimetres")


class TableError(ValueError):
    """A file that cannot be located as a whole; names the file and the column."""


@dataclass
class Summary:
    rows: int = 0
    inside: int = 0
    check: int = 0
    errors: int = 0
    by_qpv: dict[str, int] = field(default_factory=dict)
    crs: str = WGS84
    columns: tuple[str, str] = ("", "")
    perimeters: str = ""
    sample: list[tuple[float, float, str]] = field(default_factory=list)  # for a map


def _key(name: str) -> str:
    text = unicodedata.normalize("NFKD", str(name or "")).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]", "", text.lower())


def find_columns(header: list[str], path: str, lon: str | None = None,
                 lat: str | None = None) -> tuple[int, int]:
    keys = [_key(h) for h in header]

    def pick(explicit: str | None, names: tuple[str, ...], what: str) -> int:
        if explicit:
            if explicit in header:
                return header.index(explicit)
            raise TableError(f"{path} : colonne « {explicit} » absente (colonnes : "
                             f"{', '.join(header)})")
        for name in names:
            if name in keys:
                return keys.index(name)
        if any(k in ADDRESS_NAMES for k in keys):
            raise TableError(
                f"{path} : pas de colonne de {what}, seulement des adresses. Le géocodage passe "
                "par l'API Adresse nationale, injoignable ici : ajoutez des colonnes longitude "
                "et latitude (ou x et y en Lambert-93).")
        raise TableError(f"{path} : aucune colonne de {what} reconnue parmi "
                         f"{', '.join(header)} ; précisez-la (--lon / --lat)")

    return pick(lon, LON_NAMES, "longitude (ou x)"), pick(lat, LAT_NAMES, "latitude (ou y)")


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
    encoding: str
    delimiter: str
    bom: bool


def _decode(raw: bytes) -> str:
    """UTF-8 when the line is valid UTF-8 (a cp1252 line with accents almost never is),
    else cp1252: files exported from Excel and then appended to by other tools mix both."""
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("cp1252", errors="replace")


def _sniff(path: Path) -> CsvDialect:
    """Separator from the header line; output encoding from the first line with accents."""
    with path.open("rb") as handle:
        head = handle.read(1 << 20).splitlines()
    bom = bool(head) and head[0].startswith(b"\xef\xbb\xbf")
    accented = [raw for raw in head[:-1] or head if not raw.isascii()]  # last may be cut
    encoding = "utf-8"
    if accented:
        try:
            accented[0].decode("utf-8")
        except UnicodeDecodeError:
            encoding = "cp1252"
    first = _decode(head[0].removeprefix(b"\xef\xbb\xbf")) if head else ""
    delimiter = max((";", ",", "\t"), key=first.count)
    return CsvDialect(encoding, delimiter, bom)


def _lines(path: Path, dialect: CsvDialect) -> Iterator[str]:
    with path.open("rb") as handle:
        for number, raw in enumerate(handle):
            yield _decode(raw[3:] if number == 0 and dialect.bom else raw)


def _chunks(rows: Iterator[list], size: int) -> Iterator[list[list]]:
    while chunk := list(islice(rows, size)):
        yield chunk


def _result_cells(locator: Locator, xs, ys, crs: str, summary: Summary,
                  decimal: str | None, radius_m: float) -> list[list]:
    """Result columns per row; distances as text with ``decimal`` (CSV) or numbers (XLSX)."""
    perimeters = locator.perimeters
    located = locator.locate(xs, ys, crs)
    cells = []
    for i in range(len(xs)):
        status = located.status[i]
        if status == ERROR:
            summary.errors += 1
            cells.append(["", "", "", "", "", "", f"erreur : {located.reason[i]}",
                          perimeters.label])
            continue
        inside, near = located.qpv[i], located.nearest[i]
        distance = located.distance[i]
        summary.check += int(status != 0)
        row = ["", "", "", "", "", "", STATUS_LABELS[int(status)], perimeters.label]
        if inside >= 0:
            code = perimeters.codes[inside]
            summary.inside += 1
            summary.by_qpv[code] = summary.by_qpv.get(code, 0) + 1
            row[0:4] = [code, perimeters.names[inside], perimeters.communes[inside],
                        _metres(distance, decimal)]
            if len(summary.sample) < 5000:
                summary.sample.append((float(xs[i]), float(ys[i]), code))
        elif near >= 0 and distance <= radius_m:
            row[3:6] = [_metres(distance, decimal), perimeters.codes[near],
                        perimeters.names[near]]
        cells.append(row)
    return cells


def _metres(distance: float, decimal: str | None):
    value = round(float(distance), 1)
    return value if decimal is None else f"{value:.1f}".replace(".", decimal)


def locate_file(source: Path, target: Path, locator: Locator, *, lon: str | None = None,
                lat: str | None = None, crs: str | None = None, radius_m: float | None = None,
                progress: Callable[[int], None] | None = None) -> Summary:
    """Locate every row of ``source`` into ``target`` (same format); returns a summary.
    The nearest QPV is reported within ``radius_m`` (default: the locator's radius)."""
    radius_m = locator.radius_m if radius_m is None else min(radius_m, locator.radius_m)
    source, target = Path(source), Path(target)
    if source.suffix.lower() == ".xlsx":
        return _locate_xlsx(source, target, locator, lon, lat, crs, radius_m, progress)
    if source.stat().st_size == 0:
        raise TableError(f"{source} : fichier vide")
    dialect = _sniff(source)
    reader = csv.reader(_lines(source, dialect), delimiter=dialect.delimiter)
    header = next(reader, None)
    if not header:
        raise TableError(f"{source} : fichier vide")
    summary = Summary(perimeters=locator.perimeters.label)
    ix, iy = find_columns(header, str(source), lon, lat)
    summary.columns = (header[ix], header[iy])
    errors = "replace" if dialect.encoding == "cp1252" else "strict"
    with target.open("w", encoding=("utf-8-sig" if dialect.bom else dialect.encoding),
                     errors=errors, newline="") as handle:
        writer = csv.writer(handle, delimiter=dialect.delimiter, lineterminator="\r\n")
        writer.writerow([*header, *RESULT_COLUMNS])
        for chunk in _chunks(reader, CHUNK_ROWS):
            _locate_chunk(chunk, len(header), ix, iy, crs, locator, summary, writer.writerows,
                          "," if dialect.delimiter == ";" else ".", radius_m)
            if progress:
                progress(summary.rows)
    return summary


def _locate_chunk(chunk, width, ix, iy, crs, locator, summary, write, decimal, radius_m) -> None:
    xs = parse_numbers([row[ix] if len(row) > ix else "" for row in chunk])
    ys = parse_numbers([row[iy] if len(row) > iy else "" for row in chunk])
    if summary.rows == 0:
        summary.crs = crs or guess_crs(xs)
    results = _result_cells(locator, xs, ys, summary.crs, summary, decimal, radius_m)
    padded = (list(row) + [""] * (width - len(row)) for row in chunk)  # short rows kept whole
    write([*row, *result] for row, result in zip(padded, results, strict=True))
    summary.rows += len(chunk)


# -- XLSX --------------------------------------------------------------------------------
def _locate_xlsx(source, target, locator, lon, lat, crs, radius_m, progress) -> Summary:
    from openpyxl import Workbook, load_workbook

    try:
        book = load_workbook(source, read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds for a broken file
        raise TableError(f"{source} : classeur XLSX illisible ({error})") from error
    sheet = book.worksheets[0]
    rows = sheet.iter_rows(values_only=True)
    header = next(rows, None)
    if not header or all(cell is None for cell in header):
        raise TableError(f"{source} : feuille « {sheet.title} » vide")
    header = ["" if cell is None else str(cell) for cell in header]
    summary = Summary(perimeters=locator.perimeters.label)
    ix, iy = find_columns(header, str(source), lon, lat)
    summary.columns = (header[ix], header[iy])
    out = Workbook(write_only=True)
    target_sheet = out.create_sheet(sheet.title)
    target_sheet.append([*header, *RESULT_COLUMNS])
    for chunk in _chunks((list(row) for row in rows), CHUNK_ROWS):
        _locate_chunk(chunk, len(header), ix, iy, crs, locator, summary,
                      lambda lines: [target_sheet.append(line) for line in lines], None,
                      radius_m)
        if progress:
            progress(summary.rows)
    out.save(target)
    book.close()
    return summary

