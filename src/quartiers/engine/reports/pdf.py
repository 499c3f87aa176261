"""The PDF fiche of one territory, laid out by Typst.

Python gathers the figures and formats every number (``format_number``); the Typst template
only lays out the strings it reads with ``json()``. Nothing from the warehouse is ever pasted
into Typst markup, so no name or source text can break the document.
"""

from __future__ import annotations

import json
import tempfile
import threading
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from functools import cache
from pathlib import Path

import typst

from ..levels import LEVELS
from ..profiles import Profile, build_profile
from ..warehouse.store import Value, Warehouse
from .charts import SYMBOL_UNITS, UNITLESS, format_number
from .comparison import RATE_UNITS, comparison_charts, series_chart
from .maps import perimeters_overlap, territory_map_svg

TEMPLATE = Path(__file__).with_name("templates") / "fiche.typ"
LICENCE = "Licence Ouverte / Etalab 2.0 — données ; document généré par Quartiers"
MAP_BOX = (520, 440)  # about as tall as the key figures beside it
LIST_LEVELS = ("commune", "epci", "departement", "region", "france")
MAX_LISTED_QPV = 60
OUTLINE_SOURCE = {"qpv": "communes", "commune": "communes", "epci": "epci",
                  "departement": "departements", "region": "regions", "france": "regions"}
LEGEND = ("* : valeur d'un autre millésime que celle du territoire",
          "s : secret statistique ou valeur non publiée par la source",
          "° : somme partielle (des unités n'ont pas de valeur publiée ; jamais chiffre clé ni "
          "graphique)",
          "e : estimation (voir la méthode)",
          "> : au-delà de 100 % par construction (voir la méthode)",
          "– : pas de valeur à ce niveau")
STATUS_SIGNS = {"incomplet": "°", "estimation": " e", "hors_bornes": " >"}
MAX_SERIES = 6

_local = threading.local()


def render_fiche(store: Warehouse, level: str, code: str) -> bytes:
    """PDF (A4, in French) of a territory: map, key figures, comparisons, sources."""
    data, files = _gather(store, level, code)
    return compile_typst(TEMPLATE, data, files)


def render_batch(store: Warehouse, level: str, codes: Iterable[str], folder: str | Path,
                 progress: Callable[[int, int, str], None] | None = None) -> list[Path]:
    """Write ``<code>.pdf`` for each code; ``progress(done, total, code)`` after each file."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    codes = list(codes)
    written = []
    for done, code in enumerate(codes, start=1):
        path = folder / f"{code}.pdf"
        path.write_bytes(render_fiche(store, level, code))
        written.append(path)
        if progress:
            progress(done, len(codes), code)
    return written


# -- compilation --------------------------------------------------------------------------
@cache
def _template(path: Path) -> str:
    return path.read_text(encoding="utf-8")


def _compiler() -> typst.Compiler:
    """One compiler per thread: it keeps the fonts loaded, and is not safe to share."""
    if not hasattr(_local, "compiler"):
        _local.compiler = typst.Compiler()
    return _local.compiler


def compile_typst(template: Path, data: dict, files: dict[str, str] | None = None) -> bytes:
    """A PDF from a Typst template that reads ``data.json`` (and the other ``files``): every
    text arrives as a JSON string, never as Typst markup."""
    with tempfile.TemporaryDirectory(prefix="quartiers-typst-") as tmp:
        root = Path(tmp)
        (root / "document.typ").write_text(_template(template), encoding="utf-8")
        (root / "data.json").write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
        for name, text in (files or {}).items():
            (root / name).write_text(text, encoding="utf-8")
        return _compiler().compile(input=str(root / "document.typ"), root=str(root),
                                   format="pdf")


# -- content ------------------------------------------------------------------------------
def _gather(store: Warehouse, level: str, code: str) -> tuple[dict, dict[str, str]]:
    profile = build_profile(store, level, code)
    territory, comparison = profile.territory, profile.comparison
    rows = comparison["rows"]
    refs = _shown_references(comparison, level, code)
    files: dict[str, str] = {}
    map_svg, overlapping = _map(store, territory)
    if map_svg:
        files["carte.svg"] = map_svg
    qpv_list = _qpv_list(profile) if level in LIST_LEVELS else None
    charts = _charts(territory, rows, refs)
    files.update((chart["file"], chart.pop("svg")) for chart in charts)
    series = profile_series(profile)
    files.update((item["file"], item.pop("svg")) for item in series)
    sources = profile_sources(store, territory, rows, refs, bool(map_svg))
    data = {
        "document_title": f"{territory['name']} — fiche territoire",
        "name": territory["name"], "level_label": territory["level_label"], "code": code,
        "parents": _parents_line(profile.parents),
        "map": "carte.svg" if map_svg else None,
        "map_note": _map_note(territory, bool(map_svg), bool(qpv_list), overlapping),
        "key_figures": [_key_figure(row) for row in profile.key_figures],
        "table": _table(territory, rows, refs),
        "qpv_table": qpv_table(profile) if qpv_list else None,
        "charts": charts,
        "series": series,
        "geography_2015": [f"{p.name} ({p.code}) : {p.continuity}" if p.code else
                           p.continuity.capitalize() for p in profile.predecessors],
        "qpv_list": qpv_list,
        "legend": list(LEGEND),
        "notices": profile.notices,
        **sources,
        "built_at": built_at_label(store.build_info()),
        "licence": LICENCE,
        "footer": f"Quartiers — {territory['name']} ({code})",
    }
    return data, files


def profile_series(profile: Profile) -> list[dict]:
    """The series of the profile: a chart each, and its values in a table beneath."""
    items = []
    for number, series in enumerate(profile.series[:MAX_SERIES], 1):
        indicator = series.indicator
        years = series.years
        rows = [{"label": line.label + (f" (géographie {line.geography})" if line.geography
                                        else ""),
                 "note": line.note,
                 "cells": [_cell(next((v for v in line.points if v.year == year), None),
                                 indicator.decimals) for year in years]}
                for line in series.lines]
        items.append({"file": f"serie{number}.svg", "svg": series_chart(series),
                      "years": [str(y) for y in years], "rows": rows})
    return items


def _shown_references(comparison: dict, level: str, code: str) -> list[tuple[int, dict]]:
    """References other than the territory itself that have at least one value, with their
    column index in the comparison cells: an empty column only takes room."""
    return [(index, ref) for index, ref in enumerate(comparison["references"])
            if (ref["level"], ref["code"]) != (level, code)
            and any(row["cells"][index]["value"] for row in comparison["rows"])]


def _parents_line(parents: list[dict]) -> str:
    by_level: dict[str, list[str]] = {}
    for parent in sorted(parents, key=lambda p: LEVELS[p["level"]].rank):
        if parent["level"] != "france":
            by_level.setdefault(parent["level"], []).append(parent["name"])
    return " · ".join(f"{(LEVELS[lv].plural if len(names) > 1 else LEVELS[lv].label)} : "
                      f"{', '.join(names)}" for lv, names in by_level.items())


def _cell(value: Value | None, decimals: int, unit: str = "", other_vintage: bool = False) -> str:
    """Text of one value, with the signs explained in LEGEND."""
    if value is None:
        return "–"
    text = "s" if value.value is None else format_number(value.value, decimals, unit)
    return text + ("*" if other_vintage else "") + STATUS_SIGNS.get(value.status, "")


def _key_figure(row: dict) -> dict:
    """Number in large type, a worded unit (« habitants ») apart so that it may wrap."""
    indicator, subject = row["indicator"], row["subject"]
    note = " · ".join(part for part in (
        subject.status_label if subject.status != "ok" else "", subject.vintage,
        f"géographie {subject.geography}" if subject.geography else "") if part)
    symbol = indicator.unit if indicator.unit in SYMBOL_UNITS else ""
    worded = "" if symbol or indicator.unit in UNITLESS or subject.value is None else indicator.unit
    return {"label": indicator.label, "note": note, "unit": worded,
            "value": _cell(subject, indicator.decimals, symbol)}


def _unit_suffix(unit: str) -> str:
    return "" if unit in UNITLESS else f" ({unit})"


def _table(territory: dict, rows: list[dict], refs: list[tuple[int, dict]]) -> dict:
    lines, theme = [], None
    for row in rows:
        indicator = row["indicator"]
        if indicator.theme != theme:
            theme = indicator.theme
            lines.append({"theme": theme})
        cells = [_cell(row["subject"], indicator.decimals)]
        cells += [_cell(row["cells"][i]["value"], indicator.decimals,
                        other_vintage=row["cells"][i]["other_vintage"]) for i, _ in refs]
        lines.append({"label": indicator.label + _unit_suffix(indicator.unit), "cells": cells})
    return {"headers": [territory["name"], *(ref["label"] for _, ref in refs)], "rows": lines}


def qpv_table(profile: Profile) -> dict | None:
    """The territory's QPV taken together, against those of its région and of France (the
    rates most QPV figures exist for), as on the web page."""
    groups = profile.qpv_comparison
    rows = [row for row in groups["rows"] if row["indicator"].unit in RATE_UNITS]
    if not rows:
        return None
    refs = list(enumerate(groups["references"]))[1:]
    return _table({"name": groups["references"][0]["label"]}, rows, refs)


def _charts(territory: dict, rows: list[dict], refs: list[tuple[int, dict]]) -> list[dict]:
    return [{"file": f"graphique{number}.svg", "svg": chart["svg"], "caption": chart["caption"]}
            for number, chart in enumerate(comparison_charts(territory["name"], rows, refs), 1)]


def _map(store: Warehouse, territory: dict) -> tuple[str | None, bool]:
    """The territory and its QPV (a QPV within its commune, among its neighbours), and whether
    simplified perimeters visibly overlap there."""
    level, code = territory["level"], territory["code"]
    if level == "qpv":
        commune = territory["commune"]
        outline = store.geojson("commune", commune) if commune else None
        layer = store.layer("qpv", within=("commune", commune)) if commune else {}
        if not any(f["properties"]["code"] == code for f in layer.get("features", [])):
            layer = {"features": [{"geometry": store.geojson("qpv", code),
                                   "properties": {"code": code}}]}
        return (territory_map_svg(outline, layer, *MAP_BOX, highlight=code),
                perimeters_overlap(layer, outline))
    if level not in LIST_LEVELS:
        return None, False  # QPV 2015: no contours in the warehouse
    outline = store.geojson(level, code)
    layer = store.layer("qpv", within=(level, code))
    if not (outline or layer["features"]):
        return None, False
    return territory_map_svg(outline, layer, *MAP_BOX), perimeters_overlap(layer, outline)


OVERLAP_NOTE = (" Périmètres simplifiés : ils peuvent se chevaucher de quelques mètres ou déborder "
                "d'une limite communale ; l'éligibilité d'une adresse se vérifie avec le "
                "localisateur (page « Localiser » ou commande « quartiers locate »).")


def _map_note(territory: dict, drawn: bool, has_qpv: bool, overlapping: bool) -> str:
    if not drawn:
        return "Pas de contour disponible pour ce territoire."
    overlap = OVERLAP_NOTE if overlapping else ""
    if territory["level"] == "qpv":
        text = "Le quartier (rouge) dans sa commune, avec les autres QPV 2024 de la commune."
        return text + (" Contour réparé lors de l'empaquetage." if territory["repaired"] else "") + overlap
    if not has_qpv:
        return "Le territoire (gris) ; il ne compte aucun quartier prioritaire 2024."
    return "Le territoire (gris) et ses quartiers prioritaires 2024 (rouge)." + overlap


def _qpv_list(profile: Profile) -> dict | None:
    qpv = sorted((q for q, _ in profile.qpv), key=lambda q: -(q["population"] or 0))
    if not qpv:
        return None
    note = f"{len(qpv)} QPV, du plus peuplé au moins peuplé"
    if len(qpv) > MAX_LISTED_QPV:
        note += f" ; les {MAX_LISTED_QPV} premiers sont listés"
    return {"note": note + ". Population : SIG Ville (millésime non précisé).",
            "rows": [{"code": q["code"], "name": q["name"],
                      "population": format_number(q["population"], 0)}
                     for q in qpv[:MAX_LISTED_QPV]]}


# -- provenance ---------------------------------------------------------------------------
def profile_sources(store: Warehouse, territory: dict, rows: list[dict], refs: list[tuple[int, dict]],
             mapped: bool) -> dict:
    """Which source gave which indicator, and the methods (shared texts said once)."""
    catalogue = store.sources()
    used: dict[str, dict] = {}
    origins: dict[str, list[str]] = {}
    methods: dict[str, list[str]] = {}
    for row in rows:
        label = row["indicator"].label
        values = [row["subject"], *(row["cells"][i]["value"] for i, _ in refs)]
        for record in filter(None, (_source_record(catalogue, v) for v in values if v)):
            used[record["key"]] = record
            _add(origins, _attribution(record), label)
        _add(methods, _method(row), label)
    if mapped:
        for key in ("qpv2024_perimetres", OUTLINE_SOURCE[territory["level"]]):
            used.update((r["key"], r) for r in catalogue if r["key"] == key)
    return {"origins": _grouped(origins), "methods": _grouped(methods),
            "sources": [source_entry(r) for r in used.values()]}


def _add(groups: dict[str, list[str]], key: str, label: str) -> None:
    if label not in groups.setdefault(key, []):
        groups[key].append(label)


def _grouped(groups: dict[str, list[str]]) -> list[dict]:
    return [{"text": text, "indicators": ", ".join(labels)} for text, labels in groups.items()]


def _source_record(catalogue: list[dict], value: Value) -> dict | None:
    """The catalogue entry of a value: its source key, and the vintage for multi-year files."""
    family = [r for r in catalogue if r["family"] == value.source]
    exact = [r for r in family if r["key"] == value.source or r["vintage"] == value.vintage]
    return (exact or family or [None])[0]


def _attribution(record: dict) -> str:
    vintage = record["vintage"]
    return record["attribution"] + ("" if vintage in record["attribution"] else f", {vintage}")


def _method(row: dict) -> str:
    indicator, subject = row["indicator"], row["subject"]
    parts = [indicator.method, subject.note, *indicator.notes,
             f"Valeur de ce territoire : {subject.method}"]
    return " ".join(_sentence(p) for p in parts if p and p.strip())


def _sentence(text: str) -> str:
    """Notes are written as fragments (« population du COG au dénominateur »): make sentences."""
    text = text.strip()
    text = text[0].upper() + text[1:]
    return text if text.endswith((".", "!", "?", "»")) else text + "."


def source_entry(record: dict) -> dict:
    return {"title": f"{record['producer']} — {record['dataset']}",
            "detail": f"Millésime : {record['vintage']} · {record['licence']}"}


def built_at_label(info: dict) -> str:
    stamp = datetime.fromisoformat(info["built_at"])
    if stamp.tzinfo is None:
        return stamp.strftime("%d/%m/%Y à %H:%M")
    return stamp.astimezone(UTC).strftime("%d/%m/%Y à %H:%M (UTC)")
