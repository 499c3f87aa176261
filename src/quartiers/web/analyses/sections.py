"""The analyses' block on the territories' profiles (see core/sections.py): each analysis with
results for the territory, or for territories of its finest level within it (the QPV of a
commune), with its key components and a link to the territory's page of the analysis. Reads
only the profile and the warehouse: the profile page is cached per build."""

from __future__ import annotations

from django.template.loader import render_to_string
from django.urls import reverse

from quartiers.engine.analyses import ANALYSES_BY_CODE
from quartiers.engine.levels import LEVELS
from quartiers.engine.reports.analysis_note import format_value, score_label

from ..core.warehouse import get_store

KEY_COMPONENTS = 4


def _own(store, level: str, code: str) -> dict[str, list[dict]]:
    """The territory's own results by analysis: the rows of the most recent facet it has."""
    rows = store.query("""SELECT r.analysis, r.facet, f.label AS facet_label, r.component,
            r.value, r.score, r.status, max(r.vintage) OVER (PARTITION BY r.analysis, r.facet)
              AS latest
        FROM marts.analysis_results r LEFT JOIN marts.analysis_facets f
          ON f.analysis = r.analysis AND f.facet = r.facet
        WHERE r.level = ? AND r.code = ?
        ORDER BY r.analysis, latest DESC NULLS LAST, r.facet DESC""", [level, code])
    found: dict[str, list[dict]] = {}
    for row in rows:
        kept = found.setdefault(row["analysis"], [])
        if not kept or kept[0]["facet"] == row["facet"]:
            kept.append(row)
    return found


def _inner(store, level: str, code: str) -> dict[str, tuple[str, int]]:
    """Per analysis, the territories of a finer level inside this one that have results."""
    return {r["analysis"]: (r["level"], r["n"]) for r in store.query("""
        SELECT r.analysis, r.level, count(DISTINCT r.code) AS n
        FROM marts.analysis_results r JOIN marts.territory_links l
          ON l.level = r.level AND l.code = r.code
        WHERE l.parent_level = ? AND l.parent_code = ?
        GROUP BY ALL""", [level, code])}


def _figures(analysis, rows: list[dict]) -> list[dict]:
    by_code = {r["component"]: r for r in rows}
    order = [analysis.map_component] if analysis.map_component else []
    order += [c.code for c in analysis.components if c.scored and c.code not in order]
    order += [c.code for c in analysis.components if c.code not in order]
    figures = []
    for code in order:
        row = by_code.get(code)
        if row is None or row["status"] != "ok":
            continue
        component = analysis.component(code)
        unit = component.unit if component.unit in ("%", "€") else ""
        figures.append({"label": component.label,
                        "value": format_value(row["value"], unit) + (
                            f" {component.unit}" if component.unit and not unit else ""),
                        "score_label": score_label(row["score"])})
    return figures[:KEY_COMPONENTS]


def territory_analyses(request, profile) -> str:
    store = get_store()
    level, code = profile.level, profile.code
    own, inner = _own(store, level, code), _inner(store, level, code)
    items = []
    for analysis in ANALYSES_BY_CODE.values():
        url = reverse("analyses:territory", args=[analysis.code, level, code])
        if analysis.code in own:
            rows = own[analysis.code]
            items.append({"analysis": analysis, "url": url,
                          "facet": rows[0]["facet_label"] or rows[0]["facet"],
                          "figures": _figures(analysis, rows)})
        elif analysis.code in inner and level not in analysis.levels:
            inner_level, count = inner[analysis.code]
            items.append({"analysis": analysis, "url": url,
                          "within": f"résultats de {count} territoire{'s' if count > 1 else ''} "
                                    f"du niveau « {LEVELS[inner_level].plural} » situé"
                                    f"{'s' if count > 1 else ''} dans ce territoire"})
    if not items:
        return ""
    return render_to_string("analyses/_section.html", {"items": items})
