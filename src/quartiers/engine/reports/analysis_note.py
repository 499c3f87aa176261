"""The note of one analysis for one territory, as a PDF (Typst) or as plain text.

Both come from one gathering (``note_data``) whose every number is already formatted, as for
the fiche. A territory at one of the analysis's levels shows its own results; a wider one (a
commune or an EPCI for an analysis by QPV) shows the results of the analysis's finest level
within it: that is how a note is made « pour un QPV, une commune, un EPCI ». The web pages
read the same pieces (``subject``, ``entry_groups``, ``detail_tables``) so the page and the
note never disagree.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from itertools import pairwise
from pathlib import Path

from ..analyses import results
from ..analyses.model import Analysis
from ..levels import LEVELS
from ..warehouse.store import NotFound, Warehouse
from .charts import UNITLESS, format_number
from .maps import territory_map_svg
from .pdf import LICENCE, built_at_label, compile_typst

TEMPLATE = Path(__file__).with_name("templates") / "analysis_note.typ"
MAX_WITHIN = 300  # territories within a wider one listed (all QPV of a région but Île-de-France)
MAP_BOX = (520, 380)
# tercile classes, least to most; drawn the same on the web maps (passed to their script)
CLASS_COLOURS = ("#fdd9a0", "#f08c4f", "#b3262e")
NO_RESULT_COLOUR = "#c8ced6"
SCORE_LABELS = {1: "tiers le plus bas", 2: "tiers médian", 3: "tiers le plus haut"}
DIRECTIONS = {"defavorable": "plus élevé : plus défavorable",
              "favorable": "plus élevé : plus favorable", "": ""}


def format_value(value, unit: str = "") -> str:
    """A component's or a detail cell's value in French: whole numbers without decimals,
    others with one (two below 10, where a rank or a ratio needs them)."""
    if value is None:
        return "–"
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "oui" if value else "non"
    number = float(value)
    decimals = 0 if number.is_integer() else 1 if abs(number) >= 10 else 2
    return format_number(number, decimals, unit if unit in ("%", "€") else "")


def score_label(score: int | None) -> str:
    return f"{score}/3 · {SCORE_LABELS[score]}" if score else ""


@dataclass(frozen=True)
class Subject:
    """What a page or a note shows: the territory, and the entries of its own results or of
    the territories of the analysis's finest level within it."""

    analysis: Analysis
    territory: dict
    entries: list[dict]
    within: bool  # entries are of territories inside the territory, not of itself
    total: int  # entries matching (more than ``entries`` past MAX_WITHIN)

    @property
    def title(self) -> str:
        return f"{self.analysis.title} — {self.territory['name']}"


def subject(store: Warehouse, code: str, level: str, territory: str) -> Subject:
    """The territory's entries, or those within it; NotFound (French, with the levels that
    have results) when there are none."""
    analysis = results.analysis(code)
    found = store.territory(level, territory)
    if level in analysis.levels:
        entries = results.territory_results(store, analysis.code, level, territory)
        total, within = len(entries), False
    else:
        total, entries = results.results(store, analysis.code, level=analysis.levels[0],
                                         within=(level, territory), limit=MAX_WITHIN)
        within = True
    if not entries:
        levels = ", ".join(LEVELS[lv].plural for lv in analysis.levels)
        raise NotFound(f"l'analyse « {analysis.title} » n'a pas de résultat pour "
                       f"{found['name']} ({level} {territory}) ni pour ses territoires ; "
                       f"elle porte sur les {levels}")
    return Subject(analysis, found, entries, within, total)


def latest_facet(store: Warehouse, code: str) -> str:
    """The facet of the most recent data (the latest year, the latest election): what a map or
    a summary shows first, whatever order the analysis lists its facets in."""
    return store.remember(("latest_facet", code), lambda: (store.query(
        """SELECT facet FROM marts.analysis_results WHERE analysis = ? GROUP BY facet
           ORDER BY max(vintage) DESC NULLS LAST, facet DESC LIMIT 1""", [code]) or [
        {"facet": ""}])[0]["facet"])


def source_titles(store: Warehouse, keys) -> list[str]:
    """« producer — dataset (vintage) » of each source key, in the warehouse's words."""
    known = {s["key"]: s for s in store.sources()}
    return [f"{known[k]['producer']} — {known[k]['dataset']} ({known[k]['vintage']})"
            if k in known else k for k in keys]


def analysis_sources(store: Warehouse, analysis: Analysis) -> list[dict]:
    """The analysis's own and related sources as marts.sources describes them."""
    keys = [s.key for s in analysis.sources] + list(analysis.related_sources)
    known = {s["key"]: s for s in store.sources()}
    return [known[k] for k in keys if k in known]


def entry_groups(store: Warehouse, analysis: Analysis, entry: dict) -> list[dict]:
    """An entry's components in their declared order, grouped (« Sensibilité »…), formatted."""
    groups: dict[str, list[dict]] = {}
    for component in analysis.components:
        found = entry["components"].get(component.code)
        if found is None:
            continue
        groups.setdefault(component.group, []).append({
            "code": component.code, "label": component.label, "unit": component.unit,
            "direction": DIRECTIONS.get(component.higher_is, ""),
            "value": format_value(found["value"], component.unit)
            if found["status"] == "ok" else "–",
            "raw": found["value"], "score": found["score"], "score_label": score_label(found["score"]),
            "status": found["status"], "status_label": found["status_label"],
            "vintage": found["vintage"] or "", "sources": source_titles(store, found["sources"]),
            "source_keys": list(found["sources"]), "note": found["note"] or ""})
    return [{"group": group, "components": rows} for group, rows in groups.items()]


def entry_heading(entry: dict, within: bool) -> str:
    parts = [f"{entry['name']} ({entry['code']})"] if within else []
    if entry["facet"]:
        parts.append(entry["facet_label"] or entry["facet"])
    return " — ".join(parts)


TIERS = ("tiers le plus bas", "tiers médian", "tiers le plus haut")
SCORED_LEGEND = [*({"colour": c, "label": n} for c, n in zip(CLASS_COLOURS, TIERS, strict=True)),
                 {"colour": NO_RESULT_COLOUR, "label": "sans résultat (non disponible ou secret)"}]


def classify(values: dict[str, float | None], scores: dict[str, int | None],
             unit: str = "") -> tuple[dict[str, str], list[dict]]:
    """(colour of each code, legend): by tercile score when the values have one, else by
    three equal intervals between the lowest and highest values drawn (shares with many
    zeros stay readable, which quantiles with ties are not); no colour without a value."""
    if any(s is not None for s in scores.values()):
        return {code: CLASS_COLOURS[s - 1] for code, s in scores.items() if s}, SCORED_LEGEND
    drawn = {code: v for code, v in values.items() if v is not None}
    if not drawn:
        return {}, []
    low, high = min(drawn.values()), max(drawn.values())
    step = (high - low) / 3
    cuts = [low + step, low + 2 * step]
    fills = {code: CLASS_COLOURS[sum(v >= c for c in cuts) if step else 1]
             for code, v in drawn.items()}
    bounds = [low, *cuts, high] if step else [low, high]
    labels = ([f"de {format_value(a, unit)} à {format_value(b, unit)}"
               for a, b in pairwise(bounds)] if step
              else [f"{format_value(low, unit)} partout"])
    colours = CLASS_COLOURS if step else CLASS_COLOURS[1:2]
    return fills, [*({"colour": c, "label": t} for c, t in zip(colours, labels, strict=True)),
                   {"colour": NO_RESULT_COLOUR, "label": "sans valeur"}]


def detail_tables(store: Warehouse, analysis: Analysis, level: str, territory: str) -> list[dict]:
    """The analysis's detail tables for the territory, cells formatted, with an SVG map when
    the table declares one."""
    tables = []
    for found in results.details(store, analysis.code, level, territory):
        table, rows = found["table"], found["rows"]
        drawn, legend = None, []
        if table.map_value and rows and "geojson" in rows[0]:
            drawn, legend = _detail_map(table, rows)
        tables.append({
            "code": table.code, "title": table.title, "note": table.note,
            "headers": [heading + (f" ({unit})" if unit else "")
                        for _, heading, unit in table.columns],
            # a column is numeric when its filled cells are (the first row may be blank)
            "numeric": [any(isinstance(row[c], int | float) and not isinstance(row[c], bool)
                            for row in rows) for c, _, _ in table.columns],
            "rows": [[format_value(row[c], unit) for c, _, unit in table.columns] for row in rows],
            "map": drawn,
            "map_legend": legend,
            "map_title": _column_heading(table, table.map_value) if drawn else ""})
    return tables


def _column_heading(table, column: str) -> str:
    return next((heading for name, heading, _ in table.columns if name == column), column)


def _detail_map(table, rows: list[dict]) -> tuple[str | None, list[dict]]:
    features = [{"geometry": json.loads(r["geojson"]), "properties": {"code": str(i + 1)}}
                for i, r in enumerate(rows) if r.get("geojson")]
    if not features:
        return None, []
    values = {str(i + 1): r[table.map_value] for i, r in enumerate(rows) if r.get("geojson")}
    unit = next((u for name, _, u in table.columns if name == table.map_value), "")
    fills, legend = classify(values, {}, unit)
    return territory_map_svg(None, {"features": features}, *MAP_BOX, fills=fills), legend


def results_maps(store: Warehouse, found: Subject) -> list[dict]:
    """One map per component the analysis draws for a territory (for heat waves: exposure,
    sensitivity, capacity and the combined score), over the territories shown (a QPV among
    those of its commune), coloured by class, with its legend and title; none where the level
    has no contours or nothing to draw."""
    analysis, territory = found.analysis, found.territory
    level = found.entries[0]["level"]
    if level not in analysis.map_levels:
        return []
    if found.within:
        area = (territory["level"], territory["code"])
    elif level == "qpv" and territory["commune"]:
        area = ("commune", territory["commune"])
    else:
        return []
    facets = {e["facet"] for e in found.entries}
    facet = latest if (latest := latest_facet(store, analysis.code)) in facets \
        else found.entries[0]["facet"]
    label = next(e["facet_label"] for e in found.entries if e["facet"] == facet)
    focus = None if found.within else territory["code"]  # a QPV: the view centred on it
    maps = []
    for code in analysis.territory_map_components:
        component = analysis.component(code)
        layer = results.layer(store, analysis.code, code, level, within=area, facet=facet)
        properties = [f["properties"] for f in layer["features"]]
        if all(p["valeur"] is None for p in properties):
            continue
        fills, legend = classify({p["code"]: p["valeur"] for p in properties},
                                 {p["code"]: p["score"] for p in properties}, component.unit)
        maps.append({"component": component, "legend": legend,
                     "title": f"{component.label} — {label}" if label else component.label,
                     "svg": territory_map_svg(store.geojson(*area), layer, *MAP_BOX,
                                              highlight=focus, fills=fills)})
    return maps


def note_data(store: Warehouse, code: str, level: str, territory: str) -> tuple[dict, dict]:
    """(data.json of the Typst template, other files) for the note; the text note reads the
    same data."""
    found = subject(store, code, level, territory)
    analysis, place = found.analysis, found.territory
    files = {}
    maps = results_maps(store, found)
    for number, drawn in enumerate(maps, 1):
        files[f"carte{number}.svg"] = drawn["svg"]
    details = detail_tables(store, analysis, level, territory)
    for number, table in enumerate(details, 1):
        if table["map"]:
            files[f"detail{number}.svg"] = table.pop("map")
            table["map"] = f"detail{number}.svg"
    shown = LEVELS[found.entries[0]["level"]].plural
    data = {
        "document_title": found.title, "title": analysis.title, "name": place["name"],
        "territory_line": f"{place['level_label']} · code {place['code']}",
        "date": date.today().strftime("%d/%m/%Y"),
        "built_at": built_at_label(store.build_info()),
        "summary": analysis.summary, "method": list(analysis.method),
        "within_note": (f"Résultats des {shown} situés dans le territoire "
                        f"({found.total} entrée(s)"
                        + (f", les {MAX_WITHIN} premières listées" if found.total > MAX_WITHIN
                           else "") + ").") if found.within else "",
        "entries": [{"heading": entry_heading(e, found.within),
                     "groups": [{"group": g["group"], "rows": [
                         {k: c[k] for k in ("label", "value", "score_label", "status_label",
                                            "vintage", "note", "direction")}
                         | {"ok": c["status"] == "ok",
                            "unit": "" if c["unit"] in (*UNITLESS, "%", "€") else c["unit"]}
                         for c in g["components"]]}
                         for g in entry_groups(store, analysis, e)]}
                    for e in found.entries],
        "maps": [{"file": f"carte{number}.svg", "title": drawn["title"],
                  "legend": drawn["legend"]} for number, drawn in enumerate(maps, 1)],
        "details": details,
        "limits": list(analysis.limits),
        "sources": [{"title": f"{s['producer']} — {s['dataset']}",
                     "detail": f"Millésime : {s['vintage']} · {s['licence']}"
                               + (f" · {s['attribution']}" if s["attribution"] else ""),
                     "origin": s["origin"] or ""}
                    for s in analysis_sources(store, analysis)],
        "licence": LICENCE,
        "footer": f"Quartiers — {found.title}",
    }
    return data, files


def render_note(store: Warehouse, code: str, level: str, territory: str) -> bytes:
    """The note as a tagged A4 PDF."""
    data, files = note_data(store, code, level, territory)
    return compile_typst(TEMPLATE, data, files)


def note_text(data: dict) -> str:
    """The same note as plain text, for the terminal."""
    lines = [data["document_title"], data["territory_line"],
             f"Note du {data['date']} ; entrepôt construit le {data['built_at']}.", "",
             "Méthode", *(f"  {p}" for p in data["method"]), ""]
    if data["within_note"]:
        lines += [data["within_note"], ""]
    for entry in data["entries"]:
        if entry["heading"]:
            lines.append(entry["heading"])
        for group in entry["groups"]:
            lines.append(f"  {group['group']}")
            for row in group["rows"]:
                value = f"{row['value']} {row['unit']}".strip() if row["ok"] \
                    else row["status_label"]
                extra = " ; ".join(p for p in (row["score_label"] and "score " + row["score_label"],
                                               row["vintage"], row["note"]) if p)
                lines.append(f"    {row['label']} : {value}" + (f" ({extra})" if extra else ""))
        lines.append("")
    for table in data["details"]:
        lines += [table["title"], "  " + " | ".join(table["headers"]),
                  *("  " + " | ".join(row) for row in table["rows"]), ""]
    lines += ["Limites", *(f"  - {limit}" for limit in data["limits"]), "", "Sources"]
    lines += [f"  - {s['title']} ({s['detail']})" for s in data["sources"]]
    lines += ["", data["licence"]]
    return "\n".join(lines) + "\n"
