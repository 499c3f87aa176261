"""One encrypted DuckDB file per agreement, ``<code>.duckdb`` in the partners' store directory.

The file is encrypted by DuckDB (AES-GCM, ``ATTACH … (ENCRYPTION_KEY …)``; writing needs OpenSSL
from the httpfs extension, loaded from its pinned wheel). It holds ``depot.rows`` (``deposit_id``
then the schema's stored columns) and ``depot.columns`` (each column's kind, so that rotation
knows which hold pseudonyms). It lives apart from the public warehouse and the Django database;
without the agreement's key it is noise.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path

import pyarrow as pa

from ..geo import connect as duckdb_connect
from .keys import CODE, rehash

SQL_TYPES = {"identifier": "VARCHAR", "text": "VARCHAR", "integer": "BIGINT", "decimal": "DOUBLE",
             "date": "DATE", "year": "INTEGER", "category": "VARCHAR", "commune": "VARCHAR",
             "iris": "VARCHAR", "qpv": "VARCHAR", "location": "VARCHAR"}

NO_SPILL = "SET temp_directory = ''"
"""DuckDB spills large operations to ``./.tmp`` by default, in clear: never with partners' rows
(a deposit too large for memory fails instead)."""


@dataclass(frozen=True)
class DeletionFacts:
    """What a deletion certificate states."""

    agreement: str
    file: str
    existed: bool
    deposits: int
    rows: int
    bytes: int
    deleted_at: str

    def as_json(self) -> dict:
        return asdict(self)


class AgreementStore:
    def __init__(self, directory: Path, agreement_code: str, key_hex: str):
        if not CODE.match(agreement_code):
            raise ValueError(f"code de convention invalide : {agreement_code!r}")
        self.directory = Path(directory)
        self.code = agreement_code
        self._key = key_hex

    @property
    def path(self) -> Path:
        return self.directory / f"{self.code}.duckdb"

    def exists(self) -> bool:
        return self.path.exists()

    @contextlib.contextmanager
    def connect(self) -> Iterator:
        """A DuckDB connection with the store attached as ``depot`` (created if absent)."""
        self.directory.mkdir(parents=True, exist_ok=True, mode=0o700)
        con = duckdb_connect(extensions=("httpfs",))
        try:
            con.execute(NO_SPILL)
            con.execute(f"ATTACH '{self.path}' AS depot (ENCRYPTION_KEY '{self._key}')")
            yield con
        finally:
            con.close()

    def _has_rows(self, con) -> bool:
        return bool(con.execute("SELECT count(*) FROM duckdb_tables() WHERE database_name = "
                                "'depot' AND table_name = 'rows'").fetchone()[0])

    def append(self, deposit_id: str, table: pa.Table, kinds: dict[str, str]) -> int:
        """Store a deposit's rows (``table``: the stored columns, ``kinds`` their kinds) in one
        transaction: all of them or, on any failure, none."""
        with self.connect() as con:
            con.register("incoming", table)
            con.execute("BEGIN TRANSACTION")
            try:
                if not self._has_rows(con):
                    columns = ", ".join(f'"{n}" {SQL_TYPES[k]}' for n, k in kinds.items())
                    con.execute(f"CREATE TABLE depot.rows (deposit_id VARCHAR, {columns})")
                    con.execute("CREATE TABLE depot.columns (name VARCHAR, kind VARCHAR)")
                    con.executemany("INSERT INTO depot.columns VALUES (?, ?)", list(kinds.items()))
                stored = [r[0] for r in con.execute("SELECT name FROM depot.columns").fetchall()]
                if stored != list(kinds):
                    raise ValueError(f"le dépôt n'a pas les colonnes de la base de la convention "
                                     f"{self.code} ({', '.join(stored)})")
                names = ", ".join(f'"{n}"' for n in kinds)
                con.execute(f"INSERT INTO depot.rows SELECT ?, {names} FROM incoming",
                            [deposit_id])
                con.execute("COMMIT")
            except Exception:
                con.execute("ROLLBACK")
                raise
            con.execute("CHECKPOINT depot")
        return table.num_rows

    def deposits(self) -> dict[str, int]:
        if not self.exists():
            return {}
        with self.connect() as con:
            if not self._has_rows(con):
                return {}
            return dict(con.execute("SELECT deposit_id, count(*) FROM depot.rows "
                                    "GROUP BY ALL ORDER BY 1").fetchall())

    def delete_deposit(self, deposit_id: str) -> int:
        if not self.exists():
            return 0
        with self.connect() as con:
            if not self._has_rows(con):
                return 0
            deleted = con.execute("DELETE FROM depot.rows WHERE deposit_id = ?",
                                  [deposit_id]).fetchone()[0]
            con.execute("CHECKPOINT depot")
            return deleted

    def rehash(self, key: bytes) -> int:
        """Fold ``key`` over every stored pseudonym (rotation), in one transaction."""
        if not self.exists():
            return 0
        with self.connect() as con:
            if not self._has_rows(con):
                return 0
            identifiers = [r[0] for r in con.execute(
                "SELECT name FROM depot.columns WHERE kind = 'identifier'").fetchall()]
            rows = con.execute("SELECT count(*) FROM depot.rows").fetchone()[0]
            con.execute("BEGIN TRANSACTION")
            try:
                for name in identifiers:
                    values = [v for (v,) in con.execute(
                        f'SELECT DISTINCT "{name}" FROM depot.rows WHERE "{name}" IS NOT NULL'
                    ).fetchall()]
                    mapping = pa.table({"old": values, "new": [rehash(v, key) for v in values]})
                    con.register("mapping", mapping)
                    con.execute(f'UPDATE depot.rows SET "{name}" = mapping.new FROM mapping '
                                f'WHERE depot.rows."{name}" = mapping.old')
                    con.unregister("mapping")
                con.execute("COMMIT")
            except Exception:
                con.execute("ROLLBACK")
                raise
            con.execute("CHECKPOINT depot")
            return rows

    def destroy(self) -> DeletionFacts:
        """Erase the store (and its write-ahead log); the facts say what was there."""
        existed = self.exists()
        size = self.path.stat().st_size if existed else 0
        try:  # without its key (destroyed by an earlier, interrupted deletion) it cannot be read
            deposits = self.deposits() if existed else {}
        except Exception:  # any failure to read: the file is erased all the same
            deposits = {}
        for path in (self.path, self.path.with_name(self.path.name + ".wal")):
            path.unlink(missing_ok=True)
        return DeletionFacts(self.code, self.path.name, existed, len(deposits),
                             sum(deposits.values()), size,
                             datetime.now(UTC).isoformat(timespec="seconds"))
