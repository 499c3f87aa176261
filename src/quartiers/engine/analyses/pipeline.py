"""Running the analyses inside ``quartiers build`` and checking what each one wrote.

An analysis writes its own staging tables and ``marts.analysis_<code>``; nothing it writes is
trusted until checked here: declared components, levels and sources only, known territories,
one row per territory, facet and component, a value exactly when its status says so. Then all
results are gathered in ``marts.analysis_results`` (and facets in ``marts.analysis_facets``),
the only tables pages, API and notes read for per-territory figures.
"""

from __future__ import annotations

from ..warehouse.staging import BuildError, first_row
from . import ANALYSES
from .model import RESULT_COLUMNS, RESULT_STATUSES, Analysis, BuildContext

FACET_COLUMNS = (("facet", "VARCHAR"), ("label", "VARCHAR"), ("position", "INTEGER"))


def build_analyses(con, context: BuildContext, analyses: tuple[Analysis, ...] = ANALYSES,
                   progress=None) -> None:
    for analysis in analyses:
        if progress:
            progress(analysis)
        analysis.build(con, context)
        check_results(con, analysis)
    _gather(con, analyses)


def _columns(con, table: str) -> list[tuple[str, str]] | None:
    schema, name = table.split(".")
    rows = con.execute("""SELECT column_name, data_type FROM information_schema.columns
        WHERE table_schema = ? AND table_name = ? ORDER BY ordinal_position""",
                       [schema, name]).fetchall()
    return rows or None


def _fail(analysis: Analysis, problem: str) -> BuildError:
    return BuildError(f"analyse « {analysis.code} » : {problem}")


def check_results(con, analysis: Analysis) -> None:
    table = analysis.results_table
    found = _columns(con, table)
    if found is None:
        raise _fail(analysis, f"table {table} absente après le calcul")
    if [(n, t) for n, t in found] != list(RESULT_COLUMNS):
        raise _fail(analysis, f"{table} : colonnes {found}, attendues {list(RESULT_COLUMNS)}")
    components = [c.code for c in analysis.components]
    scored = [c.code for c in analysis.components if c.scored]
    sources = [s.key for s in analysis.sources] + list(analysis.related_sources)
    problems = {
        "composante non déclarée": (
            f"SELECT level, code, component FROM {table} WHERE component NOT IN ?", [components]),
        "niveau non déclaré": (
            f"SELECT level, code, component FROM {table} WHERE level NOT IN ?",
            [list(analysis.levels)]),
        "territoire inconnu du référentiel": (
            f"SELECT r.level, r.code, r.component FROM {table} r ANTI JOIN marts.territories t "
            "ON t.level = r.level AND t.code = r.code", []),
        "statut inconnu": (
            f"SELECT level, code, component FROM {table} WHERE status NOT IN ?",
            [list(RESULT_STATUSES)]),
        "valeur présente sans statut « ok » ou absente avec": (
            f"SELECT level, code, component FROM {table} "
            "WHERE (status = 'ok') <> (value IS NOT NULL) OR isnan(value) OR isinf(value)", []),
        "score hors de 1 à 3 ou sur une composante sans score": (
            f"SELECT level, code, component FROM {table} WHERE score IS NOT NULL "
            "AND (score NOT BETWEEN 1 AND 3 OR component NOT IN ?)", [scored or [""]]),
        "source non déclarée": (
            f"SELECT level, code, component FROM {table} WHERE len(sources) = 0 "
            "OR NOT list_has_all(?, sources)", [sources]),
        "ligne en double": (
            f"SELECT level, code, component FROM {table} "
            "GROUP BY level, code, facet, component HAVING count(*) > 1", []),
        "facette absente": (f"SELECT level, code, component FROM {table} WHERE facet IS NULL", []),
    }
    for problem, (sql, params) in problems.items():
        row = first_row(con, sql, params)
        if row:
            raise _fail(analysis, f"{problem} ({row[0]} {row[1]}, composante {row[2]})")
    if analysis.facet_label:
        facets = f"{table}_facets"
        if _columns(con, facets) != list(FACET_COLUMNS):
            raise _fail(analysis, f"table {facets} absente ou mal formée")
        row = first_row(con, f"SELECT DISTINCT facet FROM {table} WHERE facet NOT IN "
                          f"(SELECT facet FROM {facets})")
        if row:
            raise _fail(analysis, f"facette « {row[0]} » sans libellé dans {facets}")
    for label, (sql, expected) in analysis.checks.items():
        found_count = con.execute(sql).fetchone()[0]
        if found_count != expected:
            raise _fail(analysis, f"contrôle « {label} » : {found_count} trouvés, "
                                  f"{expected} attendus")


def _gather(con, analyses: tuple[Analysis, ...]) -> None:
    columns = ", ".join(f"{name} {kind}" for name, kind in RESULT_COLUMNS)
    con.execute(f"CREATE OR REPLACE TABLE marts.analysis_results (analysis VARCHAR, {columns})")
    con.execute("CREATE OR REPLACE TABLE marts.analysis_facets (analysis VARCHAR, facet VARCHAR,"
                " label VARCHAR, position INTEGER)")
    for analysis in analyses:
        con.execute(f"INSERT INTO marts.analysis_results SELECT ?, * FROM "
                    f"{analysis.results_table} ORDER BY level, code, facet, component",
                    [analysis.code])
        if analysis.facet_label:
            con.execute(f"INSERT INTO marts.analysis_facets SELECT ?, * FROM "
                        f"{analysis.results_table}_facets", [analysis.code])
