"""A deposit, end to end: read, check, locate, pseudonymise, store — all of it or nothing.

The report says what was detected (format, encoding, separator), how rows were located, and the
first errors with their row (the header being row 1) and column. The file's SHA-256 lets the web
app refuse the same file twice. The bytes stay in memory; only the checked, located and
pseudonymised rows reach the agreement's encrypted store, in one transaction.
"""

from __future__ import annotations

import hashlib
from collections.abc import Collection, Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc

from ..geo import connect
from .keys import pseudonymise
from .location import PRECISIONS, locate
from .reading import DEFAULT_LIMITS, LINE, Limits, ReadingError, read
from .schemas import LOCATION_COLUMNS, Schema
from .store import NO_SPILL, SQL_TYPES, AgreementStore
from .validation import (
    MAX_ERRORS,
    DepositError,
    Errors,
    check_columns,
    check_territories,
    check_values,
)

__all__ = ["DepositError", "DepositReport", "ingest"]


@dataclass
class DepositReport:
    accepted: bool
    rows: int
    errors: list[DepositError]
    error_count: int
    warnings: list[str]
    sha256: str
    located: dict[str, int] = field(default_factory=dict)
    columns: list[str] = field(default_factory=list)
    detected: str = ""

    def as_json(self) -> dict:
        data = asdict(self)
        data["errors_shown"] = min(self.error_count, MAX_ERRORS)
        data["located_labels"] = {k: PRECISIONS.get(k, k) for k in self.located}
        return data


def ingest(schema: Schema, filename: str, content: bytes, *, deposit_id: str,
           allowed_fields: Collection[str], store: AgreementStore, keys: list[bytes],
           warehouse: Path, geocoder=None, territories: Collection[tuple[str, str]] = (),
           fixed: Mapping[str, str] | None = None, limits: Limits = DEFAULT_LIMITS) -> DepositReport:
    """``fixed``: values for columns the file lacks, the same for every row (e.g. the
    ``dispositif`` of an ANCT posts file), checked like the file's own."""
    sha256 = hashlib.sha256(content).hexdigest()
    errors = Errors(filename)

    def refused(warnings=(), detected="") -> DepositReport:
        """The report kept of a refused file names no column: a file without a header row
        would have its first data row (names, identifiers) kept as « columns »."""
        return DepositReport(False, 0, errors.kept, errors.count, list(warnings), sha256,
                             columns=[], detected=detected)

    try:
        read_ = read(filename, content, limits)
    except ReadingError as error:
        errors.add(str(error).split(" : ", 1)[-1])
        return refused()
    table, detected = read_.table, read_.detected
    del read_  # the table is dropped once typed: memory
    for name, value in (fixed or {}).items():
        if name in table.column_names:
            errors.add(f"la colonne est dans le fichier et donnée aussi au dépôt ({value})", 1,
                       name)
        else:
            table = table.append_column(name, pa.array([value] * table.num_rows, pa.string()))
    columns = [n for n in table.column_names if n != LINE]
    check_columns(schema, columns, allowed_fields, errors)
    if errors.count:
        return refused(detected=detected)
    con = connect()
    try:
        con.execute(NO_SPILL)
        con.execute(f"ATTACH '{Path(warehouse)}' AS wh (READ_ONLY)")
        con.register("incoming", table)
        check_values(con, schema, columns, errors)
        if errors.count:
            return refused(detected=detected)
        located = locate(con, schema, Path(warehouse), errors, geocoder) if schema.place else {}
        if errors.count:
            return refused(detected=detected)
        kept = list(schema.stored_columns)
        select = ", ".join(_stored(schema, n, columns) for n in kept)
        join = f"JOIN located l USING ({LINE})" if schema.place else ""
        con.execute(f"CREATE OR REPLACE TEMP TABLE rows AS SELECT t.{LINE}, {select} "
                    f"FROM typed t {join} ORDER BY t.{LINE}")
        con.execute("DROP TABLE typed")
        con.unregister("incoming")
        del table  # with the file's text columns
        check_territories(con, schema, territories, errors)
        if errors.count:
            return refused(detected=detected)
        rows = con.execute(f'SELECT {", ".join(f"{chr(34)}{n}{chr(34)}" for n in kept)} '
                           "FROM rows ORDER BY _ligne").to_arrow_table()
    finally:
        con.close()
    kinds = {}
    for name in kept:
        kind = "location" if name in LOCATION_COLUMNS and schema.place else schema.field(name).kind
        kinds[name] = kind
        if kind == "identifier":
            rows = rows.set_column(rows.column_names.index(name), name,
                                   _pseudonyms(rows.column(name), keys))
    store.append(deposit_id, rows, kinds)
    warnings = [f"format détecté : {detected}"]
    missing = [f.name for f in schema.fields if f.name not in columns and f.name not in schema.place]
    if missing:
        warnings.append(f"colonnes facultatives absentes : {', '.join(missing)}")
    return DepositReport(True, rows.num_rows, [], 0, warnings, sha256, located, kept,
                         detected)


def _stored(schema: Schema, name: str, columns: list[str]) -> str:
    """SQL of a stored column: located, typed, or NULL for an optional field the file lacks."""
    if name in LOCATION_COLUMNS and schema.place:
        return f'l."{name}"'
    if name in columns:
        return f't."{name}"'
    return f'CAST(NULL AS {SQL_TYPES[schema.field(name).kind]}) AS "{name}"'


def _pseudonyms(column: pa.ChunkedArray, keys: list[bytes]) -> pa.Array:
    """Each distinct identifier hashed once, then spread back over the rows."""
    if not keys:
        raise ValueError("aucune clé de pseudonymisation pour cette convention")
    distinct = pc.unique(column).drop_null()
    hashed = pa.array([pseudonymise(v, keys) for v in distinct.to_pylist()], pa.string())
    return pc.take(hashed, pc.index_in(column, value_set=distinct))
