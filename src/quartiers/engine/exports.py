"""Downloads of a territory's figures, each with its lineage.

- A profile (CSV, XLSX, JSON): one long table, the comparison (one row per indicator ×
  reference, at the territory's latest vintage), then every series point (one row per line ×
  year).
- A wide table (CSV, XLSX, Parquet): every territory of a finer level inside a territory (the
  QPV of a région, the communes of an EPCI…), one row per territory, one column per indicator.

Numbers are written as the warehouse holds them — published values as published, computed
ones rounded once at the build — whole numbers as integers, booleans in French.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass

import pyarrow as pa
import pyarrow.parquet as pq
from openpyxl import Workbook

from .indicators.catalogue import INDICATORS
from .indicators.model import Indicator
from .levels import LEVELS, PROFILE_LEVELS
from .profiles import Profile
from .warehouse.marts import STATUS_LABELS
from .warehouse.store import NotFound, Value, Warehouse, plain

COLUMNS = ("tableau", "territoire_niveau", "territoire_code", "territoire_nom", "reference",
           "reference_niveau", "reference_code", "geographie", "indicateur", "libelle", "unite",
           "millesime", "annee", "valeur", "statut", "statut_libelle", "source", "methode", "note",
           "millesime_different")
YES_NO = {True: "oui", False: "non"}


def profile_rows(profile: Profile) -> list[dict]:
    """The profile in long form: comparison rows, then series rows."""
    territory = profile.territory
    base = {"territoire_niveau": territory["level"], "territoire_code": territory["code"],
            "territoire_nom": territory["name"]}
    comparison = profile.comparison
    rows = []
    for row in comparison["rows"]:
        for ref, cell in zip(comparison["references"], row["cells"], strict=True):
            rows.append({**base, "tableau": "comparaison", "reference": ref["label"],
                         "reference_niveau": ref["level"], "reference_code": ref["code"],
                         **_value_columns(row["indicator"], cell["value"]),
                         "millesime_different": YES_NO[cell["other_vintage"]]})
    for series in profile.series:
        for line in series.lines:
            for value in line.points:
                rows.append({**base, "tableau": "série", "reference": line.label,
                             "reference_niveau": value.level, "reference_code": value.code,
                             **_value_columns(series.indicator, value),
                             "millesime_different": YES_NO[False]})
    return rows


def _value_columns(indicator, value: Value | None) -> dict:
    return {"indicateur": indicator.code, "libelle": indicator.label, "unite": indicator.unit,
            "geographie": value.geography if value else None,
            "millesime": value.vintage if value else None,
            "annee": value.year if value else None,
            "valeur": plain(value.value) if value else None,
            "statut": value.status if value else "absent",
            "statut_libelle": value.status_label if value else "non disponible à ce niveau",
            "source": value.source if value else None,
            "methode": value.method if value else None,
            "note": (value.note or None) if value else None}


def _french(value) -> str | int | None:
    """A CSV cell as a French spreadsheet reads it: decimal comma, no float artefact."""
    if isinstance(value, float):
        return repr(value).replace(".", ",")
    return value


def _csv(lines: Iterable[list]) -> str:
    """Semicolon CSV with a BOM: what French spreadsheet users open without an import wizard."""
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer, delimiter=";")
    writer.writerows([_french(v) for v in line] for line in lines)
    return buffer.getvalue()


def _workbook(sheets: dict[str, Iterable[list]], sources: list[dict]) -> bytes:
    """An XLSX of the given sheets, then a « Sources » sheet (streamed: a wide table of every
    commune of France holds millions of cells)."""
    workbook = Workbook(write_only=True)
    sheets = {**sheets, "Sources": [
        ["source", "producteur", "jeu de données", "millésime", "licence", "mention"],
        *([s["key"], s["producer"], s["dataset"], s["vintage"], s["licence"], s["attribution"]]
          for s in sources)]}
    for title, lines in sheets.items():
        sheet = workbook.create_sheet(title)
        for line in lines:
            sheet.append(line)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def to_csv(rows: list[dict]) -> str:
    return _csv([list(COLUMNS), *([row[c] for c in COLUMNS] for row in rows)])


def to_xlsx(rows: list[dict], sources: list[dict]) -> bytes:
    return _workbook({"Chiffres": [list(COLUMNS), *([row[c] for c in COLUMNS] for row in rows)]},
                     sources)


# -- wide tables ----------------------------------------------------------------------------
STATUS_SUFFIX = "_statut"
ABSENT = "absent"  # no value at the column's vintage for this territory
# main parents written on each row (their codes), those coarser than the rows' level
PARENT_COLUMNS = ("commune", "epci", "departement", "region")
STATUS_LEGEND = {"": STATUS_LABELS["ok"], **{k: v for k, v in STATUS_LABELS.items() if k != "ok"},
                 ABSENT: "pas de valeur à ce millésime pour ce territoire"}


def nested_levels(level: str) -> tuple[str, ...]:
    """Levels whose territories lie inside a territory of ``level`` (the QPV, QPV 2015,
    arrondissements, communes, EPCI… of a région)."""
    rank = LEVELS[level].rank if level in LEVELS else -1
    return tuple(lv for lv in PROFILE_LEVELS if LEVELS[lv].rank < rank)


@dataclass(frozen=True)
class WideColumn:
    indicator: Indicator
    vintage: str
    sources: tuple[str, ...]  # families, as in each value's « source »


@dataclass(frozen=True)
class WideTable:
    """Every territory of ``level`` inside ``parent``, one row each: its code, name and main
    parents, then for each indicator its value and its status (blank when plainly published)."""
    parent: dict  # the enclosing territory's row
    level: str
    parents: tuple[str, ...]  # parent columns written on each row
    columns: tuple[WideColumn, ...]
    rows: list[dict]

    @property
    def keys(self) -> list[str]:
        return ["code", "nom", *self.parents]

    @property
    def names(self) -> list[str]:
        return self.keys + [name for c in self.columns
                            for name in (c.indicator.code, c.indicator.code + STATUS_SUFFIX)]

    @property
    def source_families(self) -> set[str]:
        return {family for column in self.columns for family in column.sources}


def wide_table(store: Warehouse, level: str, code: str, inner: str) -> WideTable:
    """Two set-based queries, whatever the number of territories: the latest vintage of each
    indicator among these territories (one vintage per column, said in the header), then
    every value at that vintage pivoted to one row per territory. A territory with no value
    at the column's vintage has a blank value and the status « absent »."""
    parent = store.territory(level, code)
    if inner not in nested_levels(level):
        raise NotFound(f"niveau « {inner} » impossible dans un territoire de niveau « {level} » ; "
                       f"niveaux possibles : {', '.join(nested_levels(level)) or 'aucun'}")
    members = ("SELECT code FROM marts.territory_links "
               "WHERE level = ? AND parent_level = ? AND parent_code = ?")
    scope = [inner, level, code]
    latest = {}
    for row in store.query(f"""SELECT indicator, vintage, max(year) AS year,
            list(DISTINCT source ORDER BY source) AS sources
        FROM marts.indicator_values WHERE level = ? AND code IN ({members})
        GROUP BY indicator, vintage""", [inner, *scope]):
        rank = (row["year"] is not None, row["year"] or 0, row["vintage"])
        if row["indicator"] not in latest or rank > latest[row["indicator"]][0]:
            latest[row["indicator"]] = (rank, row)
    columns = tuple(WideColumn(i, latest[i.code][1]["vintage"], tuple(latest[i.code][1]["sources"]))
                    for i in INDICATORS if i.code in latest)
    parents = tuple(p for p in PARENT_COLUMNS if LEVELS[p].rank > LEVELS[inner].rank)
    codes = [column.indicator.code for column in columns]
    selected = "".join([f", t.{p}" for p in parents] + [
        f', w."{c}_valeur" AS "{c}", coalesce(w."{c}_statut", \'{ABSENT}\') AS "{c}{STATUS_SUFFIX}"'
        for c in codes])
    wide, params = "SELECT NULL::VARCHAR AS code WHERE false", []  # no indicator has values
    if columns:
        wide = f"""PIVOT (
            SELECT v.code, v.indicator, v.value,
                   CASE v.status WHEN 'ok' THEN '' ELSE v.status END AS status
            FROM marts.indicator_values v
            JOIN (VALUES {", ".join("(?, ?)" for _ in columns)}) latest(indicator, vintage)
              USING (indicator, vintage)
            WHERE v.level = ? AND v.code IN ({members}))
            ON indicator IN ({", ".join(f"'{c}'" for c in codes)})
            USING first(value) AS valeur, first(status) AS statut GROUP BY code"""
        params = [*(x for c in columns for x in (c.indicator.code, c.vintage)), inner, *scope]
    rows = store.query(f"""WITH wide AS ({wide})
        SELECT t.code, t.name AS nom{selected}
        FROM marts.territories t LEFT JOIN wide w USING (code)
        WHERE t.level = ? AND t.code IN ({members}) ORDER BY t.code""", [*params, inner, *scope])
    if not rows:
        raise NotFound(f"aucun territoire de niveau « {inner} » dans {parent['name']} "
                       f"({level} {code})")
    return WideTable(parent, inner, parents, columns, rows)


assert all(re.fullmatch(r"[a-z0-9_]+", i.code) and not i.code.endswith(STATUS_SUFFIX)
           and i.code not in ("code", "nom", *PARENT_COLUMNS) for i in INDICATORS), \
    "indicator codes are written into SQL and used as column names"


def _wide_lines(table: WideTable) -> list[list]:
    """Header (column names), four lines describing each column (label, unit, vintage,
    source), then one line per territory: the same lines in CSV and in XLSX."""
    blank = [None] * (len(table.keys) - 1)

    def line(name, describe, status=lambda c: None) -> list:
        return [name, *blank, *(x for c in table.columns for x in (describe(c), status(c)))]

    return [table.names,
            line("libellé", lambda c: c.indicator.label,
                 lambda c: f"statut de {c.indicator.code} (vide : publié)"),
            line("unité", lambda c: c.indicator.unit),
            line("millésime", lambda c: c.vintage),
            line("source", lambda c: ", ".join(c.sources)),
            *([plain(row[n]) for n in table.names] for row in table.rows)]


def wide_csv(table: WideTable) -> str:
    return _csv(_wide_lines(table))


def wide_xlsx(table: WideTable, sources: list[dict]) -> bytes:
    legend = [["statut", "signification"], *([k or "(vide)", v] for k, v in STATUS_LEGEND.items())]
    return _workbook({"Tableau": _wide_lines(table), "Statuts": legend},
                     [s for s in sources if s["family"] in table.source_families])


def wide_parquet(table: WideTable) -> bytes:
    """Typed columns (numbers as doubles, statuses dictionary-encoded); each indicator
    column's label, unit, vintage and sources in its field metadata, the territory and the
    status legend in the file's metadata."""
    fields, arrays = [], []
    for name in table.keys:
        fields.append(pa.field(name, pa.string()))
        arrays.append(pa.array([row[name] for row in table.rows], pa.string()))
    for column in table.columns:
        code = column.indicator.code
        meta = {"libelle": column.indicator.label, "unite": column.indicator.unit,
                "millesime": column.vintage, "sources": ", ".join(column.sources)}
        fields += [pa.field(code, pa.float64(), metadata=meta),
                   pa.field(code + STATUS_SUFFIX, pa.dictionary(pa.int32(), pa.string()),
                            metadata={"libelle": f"statut de {code} (vide : publié)"})]
        arrays += [pa.array([row[code] for row in table.rows], pa.float64()),
                   pa.array([row[code + STATUS_SUFFIX] for row in table.rows],
                            pa.string()).dictionary_encode()]
    about = {"territoire": {"niveau": table.parent["level"], "code": table.parent["code"],
                            "nom": table.parent["name"]},
             "niveau": table.level, "statuts": STATUS_LEGEND}
    schema = pa.schema(fields, metadata={"quartiers": json.dumps(about, ensure_ascii=False)})
    buffer = io.BytesIO()
    pq.write_table(pa.Table.from_arrays(arrays, schema=schema), buffer, compression="zstd")
    return buffer.getvalue()
