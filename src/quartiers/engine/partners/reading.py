"""A deposited file's bytes → a table of text columns, in memory only.

CSV (UTF-8 with or without BOM, else Windows-1252; ``;``, ``,`` or tab), XLSX (the first sheet,
read-only) and Parquet. Every value is read as text (dates as ISO ``AAAA-MM-JJ``): validation
types them and names the bad ones. The bytes are never written to disk. Rows are numbered as a
spreadsheet shows them, the header being row 1, in the column ``_ligne``.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass

import pyarrow as pa

LINE = "_ligne"
SEPARATORS = {";": "point-virgule", ",": "virgule", "\t": "tabulation"}


class ReadingError(ValueError):
    """The file cannot be read as a table; the message (French) names the file."""


@dataclass(frozen=True)
class Limits:
    max_bytes: int = 200 << 20
    max_rows: int = 2_000_000


DEFAULT_LIMITS = Limits()


@dataclass
class Read:
    table: pa.Table  # text columns named as the header, then _ligne
    format: str  # what was detected, said in the report
    encoding: str = ""
    separator: str = ""

    @property
    def detected(self) -> str:
        said = self.format
        if self.encoding:
            said += f", encodage {self.encoding}"
        if self.separator:
            said += f", séparateur {SEPARATORS[self.separator]}"
        return said


def read(filename: str, content: bytes, limits: Limits = DEFAULT_LIMITS) -> Read:
    if len(content) > limits.max_bytes:
        raise ReadingError(f"{filename} : fichier de {len(content) / 2**20:.1f} Mo, au-delà de la "
                           f"limite de {limits.max_bytes / 2**20:.0f} Mo par dépôt ; "
                           "découpez-le en plusieurs fichiers")
    name = filename.lower()
    if content.startswith(b"\x1f\x8b"):
        content, name = _gunzip(filename, content, limits), name.removesuffix(".gz")
    if not content.strip():
        raise ReadingError(f"{filename} : le fichier est vide")
    suffix = name.rsplit(".", 1)[-1] if "." in name else ""
    if content.startswith(b"PAR1") or suffix == "parquet":
        result = _parquet(filename, content)
    elif content.startswith(b"PK\x03\x04") or suffix == "xlsx":
        result = _xlsx(filename, content, limits)
    elif suffix in ("csv", "txt", ""):
        result = _csv(filename, content, limits)
    else:
        raise ReadingError(f"{filename} : format non pris en charge (.{suffix}) ; déposez un "
                           "fichier CSV, XLSX ou Parquet")
    rows = result.table.num_rows
    if rows > limits.max_rows:
        raise ReadingError(f"{filename} : {rows} lignes, au-delà de la limite de "
                           f"{limits.max_rows} lignes par dépôt ; découpez-le")
    if rows == 0:
        raise ReadingError(f"{filename} : aucune ligne de données sous l'en-tête")
    _check_header(filename, [n for n in result.table.column_names if n != LINE])
    return result


def _gunzip(filename: str, content: bytes, limits: Limits) -> bytes:
    """A gzipped file (``.csv.gz``), unpacked in memory up to the size limit."""
    import gzip
    import zlib

    try:
        with gzip.GzipFile(fileobj=io.BytesIO(content)) as packed:
            data = packed.read(limits.max_bytes + 1)
    except (OSError, EOFError, zlib.error) as error:
        raise ReadingError(f"{filename} : archive gzip illisible ({error})") from None
    if len(data) > limits.max_bytes:
        raise ReadingError(f"{filename} : décompressé, le fichier dépasse la limite de "
                           f"{limits.max_bytes / 2**20:.0f} Mo par dépôt ; découpez-le")
    return data


SAFE_HEADER = re.compile(r"[a-z][a-z0-9_]{0,39}")


def header_label(name: str, position: int) -> str:
    """How a report names a column of the file: its name when it looks like a field name, else
    its position — a file without a header row has a data row (a name, an identifier) there,
    and the report is kept in the site's database."""
    return name if SAFE_HEADER.fullmatch(name) else f"n° {position}"


def _check_header(filename: str, names: list[str]) -> None:
    blank = [i + 1 for i, name in enumerate(names) if not name.strip()]
    if blank:
        raise ReadingError(f"{filename} : colonne {blank[0]} sans nom dans l'en-tête (ligne 1)")
    seen = set()
    for position, name in enumerate(names, start=1):
        if name in seen:
            raise ReadingError(f"{filename} : la colonne « {header_label(name, position)} » "
                               "apparaît deux fois dans l'en-tête (ligne 1)")
        seen.add(name)


def _numbered(table: pa.Table) -> pa.Table:
    return table.append_column(LINE, pa.array(range(2, table.num_rows + 2), pa.int64()))


def _csv(filename: str, content: bytes, limits: Limits) -> Read:
    import pyarrow.csv as pcsv

    if content[:2] in (b"\xff\xfe", b"\xfe\xff"):
        raise ReadingError(f"{filename} : texte UTF-16 (« Texte Unicode » d'Excel) ; enregistrez "
                           "le fichier en « CSV UTF-8 »")
    if b"\x00" in content[:65536]:
        raise ReadingError(f"{filename} : ce n'est pas un fichier texte CSV")
    if content.count(b"\n") > limits.max_rows + 1:
        raise ReadingError(f"{filename} : plus de {limits.max_rows} lignes, au-delà de la limite "
                           "par dépôt ; découpez-le")
    if content.startswith(b"\xef\xbb\xbf"):
        encoding, content = "UTF-8 avec BOM", content[3:]
    else:
        encoding = "UTF-8"
    try:
        header = content.split(b"\n", 1)[0].decode("utf-8")
        content.decode("utf-8")  # checked whole, then read as is
    except UnicodeDecodeError:
        try:
            content, encoding = content.decode("cp1252").encode("utf-8"), "Windows-1252"
        except UnicodeDecodeError as error:
            raise ReadingError(f"{filename} : encodage illisible (ni UTF-8 ni Windows-1252, octet "
                               f"{error.object[error.start]:#04x} à la position {error.start}) ; "
                               "enregistrez le fichier en « CSV UTF-8 »") from None
        header = content.split(b"\n", 1)[0].decode("utf-8")
    separator = max(SEPARATORS, key=header.count)
    if not header.count(separator):
        raise ReadingError(f"{filename} : une seule colonne dans l'en-tête ; séparateur attendu : "
                           "point-virgule, virgule ou tabulation")
    names = [n.strip().strip('"').strip() for n in header.rstrip("\r").split(separator)]
    _check_header(filename, names)
    try:
        table = pcsv.read_csv(
            io.BytesIO(content),
            read_options=pcsv.ReadOptions(column_names=names, skip_rows=1,
                                          block_size=16 << 20),
            parse_options=pcsv.ParseOptions(delimiter=separator),
            convert_options=pcsv.ConvertOptions(column_types=dict.fromkeys(names, pa.string()),
                                                strings_can_be_null=False))
    except pa.ArrowInvalid as error:
        raise ReadingError(f"{filename} : CSV illisible ({_arrow_message(error)})") from None
    return Read(_numbered(table), "CSV", encoding, separator)


def _arrow_message(error: Exception) -> str:
    """pyarrow's « CSV parse error: Expected 5 columns, got 6: … » in French, without the
    row's content: the report is kept in the site's database, the row may hold identifiers."""
    text = str(error).split(":", 1)[-1].strip()
    if "Expected" in text and "columns, got" in text:
        expected, got = text.split("Expected", 1)[1].split("columns, got")
        return (f"une ligne a {got.split(':')[0].strip()} colonnes au lieu de "
                f"{expected.strip()} (vérifiez le séparateur et les guillemets)")
    return "format non reconnu (vérifiez le séparateur, l'encodage et les guillemets)"


def _xlsx(filename: str, content: bytes, limits: Limits) -> Read:
    import datetime
    import zipfile

    import openpyxl

    try:
        book = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as error:
        raise ReadingError(f"{filename} : classeur XLSX illisible ({type(error).__name__})") \
            from None
    try:
        rows = book.worksheets[0].iter_rows(values_only=True)
        header = next(rows, None)
        if not header:
            raise ReadingError(f"{filename} : la première feuille est vide")
        width = max((i + 1 for i, v in enumerate(header) if v is not None), default=0)
        names = ["" if v is None else str(v).strip() for v in header[:width]]
        _check_header(filename, names)
        columns: list[list[str]] = [[] for _ in names]
        for count, row in enumerate(rows, start=1):
            if count > limits.max_rows:
                raise ReadingError(f"{filename} : plus de {limits.max_rows} lignes, au-delà de "
                                   "la limite par dépôt ; découpez-le")
            for i, column in enumerate(columns):
                value = row[i] if i < len(row) else None
                if isinstance(value, datetime.datetime):
                    value = value.date() if value.time() == datetime.time() else value
                if isinstance(value, float) and value.is_integer():
                    value = int(value)
                column.append("" if value is None else str(value).strip())
    finally:
        book.close()
    while columns and columns[0] and not any(c[-1] for c in columns):  # trailing empty rows
        for column in columns:
            column.pop()
    table = pa.table({name: pa.array(col, pa.string()) for name, col in zip(names, columns,
                                                                            strict=True)})
    return Read(_numbered(table), "XLSX (première feuille)")


def _parquet(filename: str, content: bytes) -> Read:
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    try:
        table = pq.read_table(io.BytesIO(content))
    except (pa.ArrowException, OSError) as error:
        raise ReadingError(f"{filename} : fichier Parquet illisible ({str(error)[:200]})") \
            from None
    columns = {}
    for name, column in zip(table.column_names, table.columns, strict=True):
        if pa.types.is_timestamp(column.type):
            column = column.cast(pa.date32())
        if pa.types.is_floating(column.type):  # 12.0 read as 12, as a spreadsheet shows it
            whole = pc.equal(pc.floor(column), column)
            text = pc.if_else(whole, pc.cast(pc.cast(column, pa.int64(), safe=False), pa.string()),
                              pc.cast(column, pa.string()))
        else:
            try:
                text = pc.cast(column, pa.string())
            except pa.ArrowNotImplementedError:
                raise ReadingError(f"{filename} : la colonne « {name} » est de type {column.type}, "
                                   "qui n'est pas un texte, un nombre ni une date") from None
        columns[str(name).strip()] = pc.fill_null(text, "")
    return Read(_numbered(pa.table(columns)), "Parquet")
