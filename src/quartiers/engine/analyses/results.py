"""Reading an analysis's results from the served warehouse, for pages, API, notes and maps.

Entries come out one per territory (and facet), with every component beside its status,
vintage, sources and note: nothing is shown without where it comes from.
"""

from __future__ import annotations

import json

from ..warehouse.store import NotFound, Warehouse
from . import ANALYSES_BY_CODE
from .model import RESULT_STATUSES, Analysis

COMPONENT_FIELDS = ("value", "score", "status", "vintage", "sources", "note")


def analysis(code: str) -> Analysis:
    if code not in ANALYSES_BY_CODE:
        raise NotFound(f"analyse inconnue « {code} »",
                       [{"analyse": a.code, "titre": a.title} for a in ANALYSES_BY_CODE.values()])
    return ANALYSES_BY_CODE[code]


def _filters(code: str, level: str | None, within: tuple[str, str] | None,
             facet: str | None) -> tuple[str, list]:
    where, params = "r.analysis = ?", [code]
    if level:
        where += " AND r.level = ?"
        params.append(level)
    if facet is not None:
        where += " AND r.facet = ?"
        params.append(facet)
    clause, extra = _within_clause(within)
    return where + clause, params + extra


def _within_clause(within: tuple[str, str] | None) -> tuple[str, list]:
    """Territories inside ``within`` (level, code), the territory itself included."""
    if not within:
        return "", []
    return (" AND ((r.level = ? AND r.code = ?) OR (r.level, r.code) IN (SELECT level, code "
            "FROM marts.territory_links WHERE parent_level = ? AND parent_code = ?))",
            [*within, *within])


def _entries(rows: list[dict]) -> list[dict]:
    entries: dict[tuple, dict] = {}
    for row in rows:
        key = (row["level"], row["code"], row["facet"])
        entry = entries.setdefault(key, {
            "level": row["level"], "code": row["code"], "name": row["name"],
            "facet": row["facet"], "facet_label": row["facet_label"], "components": {}})
        entry["components"][row["component"]] = {
            **{name: row[name] for name in COMPONENT_FIELDS},
            "status_label": RESULT_STATUSES[row["status"]]}
    return list(entries.values())


RESULT_SELECT = """SELECT r.level, r.code, t.name, r.facet, f.label AS facet_label, f.position,
        r.component, r.value, r.score, r.status, r.vintage, r.sources, r.note
    FROM marts.analysis_results r
    JOIN marts.territories t ON t.level = r.level AND t.code = r.code
    LEFT JOIN marts.analysis_facets f ON f.analysis = r.analysis AND f.facet = r.facet"""


def results(store: Warehouse, code: str, level: str | None = None,
            within: tuple[str, str] | None = None, facet: str | None = None,
            limit: int = 100, offset: int = 0) -> tuple[int, list[dict]]:
    """(number of territories × facets matching, one page of entries in code order)."""
    declared = analysis(code)
    where, params = _filters(declared.code, level, within, facet)
    keys = (f"SELECT DISTINCT r.level, r.code, r.facet FROM marts.analysis_results r "
            f"WHERE {where}")
    total = store.query(f"SELECT count(*) AS n FROM ({keys})", params)[0]["n"]
    rows = store.query(f"""WITH page AS ({keys} ORDER BY 1, 2, 3 LIMIT ? OFFSET ?)
        {RESULT_SELECT} JOIN page p ON p.level = r.level AND p.code = r.code
            AND p.facet = r.facet
        WHERE r.analysis = ? ORDER BY r.level, r.code, f.position NULLS FIRST, r.facet""",
                       [*params, limit, offset, declared.code])
    return total, _entries(rows)


def territory_results(store: Warehouse, code: str, level: str, territory: str) -> list[dict]:
    """One entry per facet of the analysis for one territory ([] when it has none)."""
    declared = analysis(code)
    return _entries(store.query(f"""{RESULT_SELECT} WHERE r.analysis = ? AND r.level = ?
        AND r.code = ? ORDER BY f.position NULLS FIRST, r.facet""",
                                [declared.code, level, territory]))


def analyses_of(store: Warehouse, level: str, territory: str) -> list[Analysis]:
    """The analyses that have results for this territory, in the registry's order."""
    found = {row["analysis"] for row in store.query(
        "SELECT DISTINCT analysis FROM marts.analysis_results WHERE level = ? AND code = ?",
        [level, territory])}
    return [a for a in ANALYSES_BY_CODE.values() if a.code in found]


def facets(store: Warehouse, code: str) -> list[dict]:
    return store.query("""SELECT facet, label FROM marts.analysis_facets WHERE analysis = ?
        ORDER BY position""", [analysis(code).code])


def details(store: Warehouse, code: str, level: str, territory: str) -> list[dict]:
    """The analysis's detail tables for one territory, those with rows only."""
    tables = []
    for table in analysis(code).details:
        rows = store.query(table.sql, [level, territory])
        if rows:
            tables.append({"table": table, "rows": rows})
    return tables


def layer(store: Warehouse, code: str, component: str, level: str = "qpv",
          within: tuple[str, str] | None = None, facet: str = "") -> dict:
    """A FeatureCollection of a level with one component's value, score and status; territories
    without a result are drawn without colour (never as zero)."""
    declared = analysis(code)
    declared.component(component)  # unknown component: StopIteration is a caller's bug
    clause, extra = _within_clause(within)
    rows = store.query(f"""SELECT r.code, t.name, ST_AsGeoJSON(t.geometry) AS g, r.value,
            r.score, r.status
        FROM marts.analysis_results r
        JOIN marts.territories t ON t.level = r.level AND t.code = r.code
        WHERE r.analysis = ? AND r.component = ? AND r.level = ? AND r.facet = ?
          AND t.geometry IS NOT NULL {clause}
        ORDER BY r.code""", [declared.code, component, level, facet, *extra])
    return {"type": "FeatureCollection", "features": [
        {"type": "Feature", "id": i, "geometry": json.loads(r["g"]),
         "properties": {"code": r["code"], "nom": r["name"], "valeur": r["value"],
                        "score": r["score"], "statut": r["status"]}}
        for i, r in enumerate(rows)]}


CSV_COLUMNS = ("analyse", "niveau", "code", "nom", "facette", "facette_libelle", "composante",
               "libelle", "groupe", "unite", "valeur", "score", "statut", "statut_libelle",
               "millesime", "sources", "note")


def write_csv(store: Warehouse, code: str, path: str, level: str | None = None,
              within: tuple[str, str] | None = None, facet: str | None = None) -> None:
    """Every result matching the filters, one row per territory, facet and component, with its
    sources' keys, written by DuckDB (an analysis by commune and year holds hundreds of
    thousands of values): ';' separated, decimal comma and a BOM, as French spreadsheets read
    them and as the other downloads are (engine/exports.py)."""
    declared = analysis(code)
    where, params = _filters(declared.code, level, within, facet)
    components = [(c.code, c.label, c.group, c.unit, i)
                  for i, c in enumerate(declared.components)]
    # the first header carries the BOM
    names = [f'"{chr(0xFEFF) if i == 0 else ""}{name}"' for i, name in enumerate(CSV_COLUMNS)]
    french = "replace(CAST({} AS VARCHAR), '.', ',')"
    columns = ["?", "r.level", "r.code", "t.name", "r.facet", "coalesce(f.label, '')",
               "r.component", "c.label", "c.grp", "c.unit", french.format("r.value"), "r.score",
               "r.status", f"CASE r.status {' '.join('WHEN ? THEN ?' for _ in RESULT_STATUSES)} END",
               "r.vintage", "array_to_string(r.sources, ' ; ')", "coalesce(r.note, '')"]
    store.query(f"""COPY (
        WITH c(component, label, grp, unit, position) AS (
            SELECT * FROM (VALUES {", ".join(["(?, ?, ?, ?, ?)"] * len(components))}))
        SELECT {", ".join(f"{e} AS {n}" for e, n in zip(columns, names, strict=True))}
        FROM marts.analysis_results r
        JOIN marts.territories t ON t.level = r.level AND t.code = r.code
        JOIN c ON c.component = r.component
        LEFT JOIN marts.analysis_facets f ON f.analysis = r.analysis AND f.facet = r.facet
        WHERE {where}
        ORDER BY r.level, r.code, f.position NULLS FIRST, r.facet, c.position
        ) TO '{path}' (HEADER, DELIMITER ';')""",
        [*(v for c in components for v in c), declared.code,
         *(v for item in RESULT_STATUSES.items() for v in item), *params])
