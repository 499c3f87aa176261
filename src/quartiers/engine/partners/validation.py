"""A read file checked against its schema and agreement, in DuckDB SQL over all rows at once.

Columns first (a column the agreement does not allow is refused: data it does not cover must not
enter), then every value: types, dates (``AAAA-MM-JJ`` or ``JJ/MM/AAAA``), choices, and codes
against the warehouse's referential (``marts.territories``: communes and municipal
arrondissements, QPV 2024; an IRIS code is checked by its form and its commune, the warehouse
holding no national IRIS list). Rows are numbered as in the file, the header being row 1.
The errors kept are the first ``MAX_ERRORS`` by row, with their total count.

The typed rows are left in the temporary table ``typed`` (``_ligne``, then each field typed,
each category in its canonical spelling) for location and storage.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import asdict, dataclass, field

from .reading import LINE, header_label
from .schemas import Schema

MAX_ERRORS = 100
TERRITORY_LEVELS = ("france", "region", "departement", "epci", "commune", "arrondissement", "qpv")
DEPARTEMENT_FIELDS = ("insee_dep",)  # text fields read as a row's département / région
REGION_FIELDS = ("insee_reg",)
MAX_TEXT = 200


@dataclass
class DepositError:
    row: int | None
    field: str | None
    message: str  # French, names the file, the row and the column

    def as_json(self) -> dict:
        return asdict(self)


@dataclass
class Errors:
    filename: str
    kept: list[DepositError] = field(default_factory=list)
    count: int = 0

    def add(self, message: str, row: int | None = None, column: str | None = None) -> None:
        self.count += 1
        if len(self.kept) < MAX_ERRORS:
            self.kept.append(DepositError(row, column, self.where(row, column) + message))

    def where(self, row: int | None, column: str | None) -> str:
        said = self.filename
        if row is not None:
            said += f", ligne {row}"
        if column is not None:
            said += f", colonne « {column} »"
        return said + " : "

    def add_query(self, con, sql: str) -> None:
        """Add the errors a query finds: rows (row, column, message), sorted here."""
        con.execute(f"CREATE OR REPLACE TEMP TABLE found AS {sql}")
        self.count += con.execute("SELECT count(*) FROM found").fetchone()[0]
        room = MAX_ERRORS - len(self.kept)
        if room > 0:
            for row, column, message in con.execute(
                    f"SELECT * FROM found ORDER BY 1, 2 LIMIT {room}").fetchall():
                self.kept.append(DepositError(row, column, self.where(row, column) + message))
        con.execute("DROP TABLE found")


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def check_columns(schema: Schema, columns: list[str], allowed_fields: Collection[str],
                  errors: Errors) -> None:
    """Unknown, not allowed or missing columns (file-level errors, named in row 1)."""
    allowed = set(allowed_fields)
    for position, name in enumerate(columns, start=1):
        if name not in schema.names:
            errors.add(f"colonne inconnue du schéma « {schema.title} » ; colonnes attendues : "
                       f"{', '.join(schema.names)} (un fichier sans ligne d'en-tête est refusé "
                       "ainsi)", 1, header_label(name, position))
        elif name not in allowed:
            errors.add("colonne non prévue par la convention : ces données ne peuvent pas être "
                       "déposées (retirez la colonne)", 1, name)
    present = set(columns)
    for f in schema.fields:
        if f.required and f.name not in present:
            errors.add(f"colonne obligatoire absente ({f.label})", 1, f.name)
    if schema.one_of and not any(set(group) <= present for group in schema.one_of):
        groups = " ; ou ".join(" et ".join(group) for group in schema.one_of)
        errors.add(f"aucune localisation : donnez les colonnes {groups}", 1, None)


def _typed(kind: str, v: str, choices: tuple[str, ...]) -> str:
    """SQL of the typed value of the text ``v`` (already trimmed, NULL when empty)."""
    number = f"replace(replace(replace({v}, ' ', ''), chr(160), ''), ',', '.')"
    if kind == "integer":
        return f"TRY_CAST({number} AS BIGINT)"
    if kind in ("decimal", "longitude", "latitude"):
        return f"TRY_CAST({number} AS DOUBLE)"
    if kind == "year":
        return f"TRY_CAST({v} AS INTEGER)"
    if kind == "date":
        return (f"COALESCE(TRY_CAST({v} AS DATE), TRY_CAST(TRY_STRPTIME({v}, '%d/%m/%Y') AS DATE))")
    if kind == "category":
        cases = " ".join(f"WHEN {_literal(c.lower())} THEN {_literal(c)}" for c in choices)
        return f"CASE lower({v}) {cases} END"
    if kind in ("commune", "qpv"):
        return f"upper({v})"
    if kind == "iris":
        return f"CASE WHEN regexp_full_match(upper({v}), '[0-9][0-9AB][0-9]{{7}}') THEN upper({v}) END"
    return v


def _problem(kind: str, typed: str, text: str, choices: tuple[str, ...]) -> tuple[str, str]:
    """SQL condition of a bad value and its message, for a filled cell."""
    shown = f"'« ' || left({text}, 40) || ' »'"
    if kind == "integer":
        return f"{typed} IS NULL OR {typed} < 0", f"{shown} || ' n''est pas un nombre entier positif'"
    if kind == "decimal":
        return f"{typed} IS NULL OR NOT isfinite({typed})", f"{shown} || ' n''est pas un nombre'"
    if kind == "longitude":
        return (f"{typed} IS NULL OR abs({typed}) > 180",
                f"{shown} || ' n''est pas une longitude (degrés décimaux WGS84)'")
    if kind == "latitude":
        return (f"{typed} IS NULL OR abs({typed}) > 90",
                f"{shown} || ' n''est pas une latitude (degrés décimaux WGS84)'")
    if kind == "year":
        return (f"{typed} IS NULL OR {typed} NOT BETWEEN 1900 AND 2100",
                f"{shown} || ' n''est pas une année (AAAA)'")
    if kind == "date":
        return (f"{typed} IS NULL OR year({typed}) NOT BETWEEN 1900 AND 2100",
                f"{shown} || ' n''est pas une date (AAAA-MM-JJ ou JJ/MM/AAAA)'")
    if kind == "category":
        said = " ; ".join(f"« {c} »" for c in choices).replace("'", "''")
        return f"{typed} IS NULL", f"{shown} || ' n''est pas une valeur prévue ; valeurs : {said}'"
    if kind == "commune":
        return (f"{typed} NOT IN (SELECT code FROM ref_communes)",
                f"{shown} || ' n''est pas un code de commune connu du référentiel' || "
                f"CASE WHEN length({text}) = 4 THEN ' (zéro initial perdu par un tableur ?)' "
                "ELSE '' END")
    if kind == "iris":
        return (f"{typed} IS NULL OR left({typed}, 5) NOT IN (SELECT code FROM ref_communes)",
                f"{shown} || ' n''est pas un code IRIS (9 caractères : la commune puis 4 "
                "chiffres) d''une commune connue du référentiel'")
    if kind == "qpv":
        return (f"{typed} NOT IN (SELECT code FROM ref_qpv)",
                f"{shown} || ' n''est pas un code de QPV de la géographie 2024 (QN…)'")
    return (f"length({text}) > {MAX_TEXT}",
            f"'texte de plus de {MAX_TEXT} caractères'")


def check_values(con, schema: Schema, columns: list[str], errors: Errors) -> None:
    """Type every present field into the temp table ``typed`` and add the bad values' errors;
    ``con`` has the raw table ``incoming`` and the warehouse attached as ``wh``."""
    con.execute("""CREATE OR REPLACE TEMP TABLE ref_communes AS SELECT code FROM wh.marts.territories
                   WHERE level IN ('commune', 'arrondissement')""")
    con.execute("CREATE OR REPLACE TEMP TABLE ref_qpv AS SELECT code FROM wh.marts.territories "
                "WHERE level = 'qpv'")
    fields = [f for f in schema.fields if f.name in columns]
    texts = [f"NULLIF(trim({_q(f.name)}), '') AS {_q('t_' + f.name)}" for f in fields]
    con.execute(f"CREATE OR REPLACE TEMP VIEW texts AS SELECT {LINE}, {', '.join(texts)} "
                "FROM incoming")
    typed = [f"{_typed(f.kind, _q('t_' + f.name), f.choices)} AS {_q(f.name)}" for f in fields]
    con.execute(f"CREATE OR REPLACE TEMP TABLE typed AS SELECT *, {', '.join(typed)} FROM texts")
    checks = []
    for f in fields:
        text, value = _q("t_" + f.name), _q(f.name)
        bad, message = _problem(f.kind, value, text, f.choices)
        checks.append(f"SELECT {LINE}, {_literal(f.name)}, {message} FROM typed "
                      f"WHERE {text} IS NOT NULL AND ({bad})")
        if f.required:
            checks.append(f"SELECT {LINE}, {_literal(f.name)}, 'valeur manquante' FROM typed "
                          f"WHERE {text} IS NULL")
    groups = [g for g in schema.one_of if set(g) <= set(columns)]
    if groups:
        filled = " OR ".join("(" + " AND ".join(f"{_q('t_' + n)} IS NOT NULL" for n in g) + ")"
                             for g in groups)
        said = " ; ou ".join(" et ".join(g) for g in groups)
        checks.append(f"SELECT {LINE}, NULL, 'ligne sans localisation : remplissez {said}' "
                      f"FROM typed WHERE NOT ({filled})")
    errors.add_query(con, " UNION ALL ".join(checks))


def check_territories(con, schema: Schema, territories: Collection[tuple[str, str]],
                      errors: Errors) -> None:
    """Rows of ``rows`` (``_ligne``, commune, qpv and the schema's département / région fields)
    outside every territory the agreement covers. No territories: not restricted."""
    if not territories:
        return
    unknown = sorted({level for level, _ in territories} - set(TERRITORY_LEVELS))
    if unknown:
        errors.add(f"la convention couvre des territoires de niveau {', '.join(unknown)}, que le "
                   "contrôle des dépôts ne sait pas lire (niveaux possibles : "
                   f"{', '.join(TERRITORY_LEVELS)}) ; l'équipe du centre doit corriger la "
                   "convention avant tout dépôt")
        return
    con.execute("CREATE OR REPLACE TEMP TABLE allowed (level VARCHAR, code VARCHAR)")
    con.executemany("INSERT INTO allowed VALUES (?, ?)", [list(t) for t in territories])
    columns = [r[0] for r in con.execute("DESCRIBE rows").fetchall()]

    def present(names) -> str:
        found = [f"r.{_q(n)}" for n in names if n in columns]
        return ", ".join(found) if found else "NULL"

    commune = "r.commune" if "commune" in columns else "NULL"
    qpv = "r.qpv" if "qpv" in columns else "NULL"
    named = [n for n in ("commune", "qpv", *DEPARTEMENT_FIELDS, *REGION_FIELDS) if n in columns]
    labels = {"commune": "commune", "qpv": "QPV"} | dict.fromkeys(DEPARTEMENT_FIELDS,
                                                                   "département") \
        | dict.fromkeys(REGION_FIELDS, "région")
    said = ", ".join(f"{_literal(labels[n] + ' ')} || r.{_q(n)}" for n in named)
    errors.add_query(con, f"""
        SELECT r.{LINE}, {_literal(named[0]) if named else 'NULL'},
               'territoire que la convention ne couvre pas (' || concat_ws(', ', {said or "NULL"})
               || ')'
        FROM rows r
        LEFT JOIN wh.marts.territories c ON c.level IN ('commune', 'arrondissement')
                                        AND c.code = {commune}
        LEFT JOIN wh.marts.territories q ON q.level = 'qpv' AND q.code = {qpv}
        WHERE NOT EXISTS (SELECT 1 FROM allowed a WHERE a.level = 'france'
            OR (a.level = 'commune' AND a.code IN ({commune}, c.commune, q.commune))
            OR (a.level = 'arrondissement' AND a.code = {commune})
            OR (a.level = 'qpv' AND a.code = {qpv})
            OR (a.level = 'epci' AND a.code IN (c.epci, q.epci))
            OR (a.level = 'departement' AND a.code IN (c.departement, q.departement,
                                                       {present(DEPARTEMENT_FIELDS)}))
            OR (a.level = 'region' AND a.code IN (c.region, q.region, {present(REGION_FIELDS)})))
    """)
