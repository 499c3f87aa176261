"""Values of a framework's indicators read live from the warehouse, for the contract's QPV
taken together (the pooled group of the signatory territory, in both QPV geographies) or, for
an analysis, QPV by QPV; beside the reference value recorded when the indicator was bound.

Everything here returns plain, already formatted data: the framework page and the mid-term
report (engine/reports/midterm.py) show the same words and numbers.
"""

from __future__ import annotations

from django.utils import timezone

from quartiers.engine.analyses import ANALYSES_BY_CODE, results
from quartiers.engine.indicators.catalogue import INDICATORS_BY_CODE
from quartiers.engine.levels import level_label, qpv_geography
from quartiers.engine.profiles import Series, SeriesLine
from quartiers.engine.reports.analysis_note import format_value, latest_facet
from quartiers.engine.reports.charts import format_number
from quartiers.engine.warehouse.store import Value, Warehouse

from .models import FrameworkIndicator

Kind = FrameworkIndicator.Kind
ANALYSIS_LEVELS = ("qpv", "qpv2015")  # an analysis is read QPV by QPV
MAX_QPV = 200


def pooled_levels(contract: dict) -> list[str]:
    """The pooled groups of the signatory's QPV: the contract's own geography first."""
    own = contract["qpv_level"]
    other = "qpv2015" if own == "qpv" else "qpv"
    return [f"{geo}_{contract['signatory_level']}" for geo in (own, other)]


def indicator_label(item: FrameworkIndicator) -> str:
    if item.kind == Kind.CATALOGUE and item.indicator_code in INDICATORS_BY_CODE:
        return INDICATORS_BY_CODE[item.indicator_code].label
    if item.kind == Kind.ANALYSIS and item.analysis in ANALYSES_BY_CODE:
        analysis = ANALYSES_BY_CODE[item.analysis]
        component = next((c for c in analysis.components if c.code == item.component), None)
        if component:
            return f"{component.label} ({analysis.title})"
    return item.label or item.indicator_code or item.component


def indicator_unit(item: FrameworkIndicator) -> tuple[str, int]:
    """(unit, decimals) of the indicator's values."""
    if item.kind == Kind.CATALOGUE and item.indicator_code in INDICATORS_BY_CODE:
        indicator = INDICATORS_BY_CODE[item.indicator_code]
        return indicator.unit, indicator.decimals
    if item.kind == Kind.ANALYSIS and item.analysis in ANALYSES_BY_CODE:
        component = next((c for c in ANALYSES_BY_CODE[item.analysis].components
                          if c.code == item.component), None)
        return (component.unit if component else ""), 1
    return item.unit, 1


def _shown(value: float | None, unit: str, decimals: int) -> str:
    return format_number(value, decimals, unit) if value is not None else "–"


# -- reading ---------------------------------------------------------------------------
def catalogue_values(store: Warehouse, contract: dict, code: str) -> dict[str, list[Value]]:
    """{pooled level: its values of the indicator, oldest first} (levels with values only)."""
    found = {}
    for level in pooled_levels(contract):
        values = store.values(level, contract["signatory_code"], code)
        if values:
            found[level] = values
    return found


def _latest_sound(values: list[Value]) -> Value | None:
    sound = [v for v in values if v.is_sound]
    return sound[-1] if sound else None


def analysis_entries(store: Warehouse, contract: dict, analysis: str, component: str) -> dict:
    """{"level", "vintage", "facet", "rows": {qpv code: {name, value, status, vintage}}}: the
    component for each QPV within the signatory's territory at the analysis's latest facet,
    in the contract's geography when the analysis has it."""
    declared = ANALYSES_BY_CODE[analysis]
    levels = [lv for lv in pooled_levels(contract) if lv.split("_")[0] in declared.levels]
    if not levels:
        return {"level": "", "vintage": "", "facet": "", "rows": {}}
    level = levels[0].split("_")[0]
    within = (contract["signatory_level"], contract["signatory_code"])
    facet = latest_facet(store, analysis)
    _, entries = results.results(store, analysis, level=level, within=within, facet=facet,
                                 limit=MAX_QPV)
    if not entries:  # the latest facet may not cover this territory: take what it has
        _, entries = results.results(store, analysis, level=level, within=within, limit=MAX_QPV)
        facet = entries[-1]["facet"] if entries else ""
        entries = [e for e in entries if e["facet"] == facet]
    rows, vintage = {}, ""
    for entry in entries:
        found = entry["components"].get(component)
        if found is None:
            continue
        rows[entry["code"]] = {"name": entry["name"], "value": found["value"],
                               "status": found["status"], "vintage": found["vintage"] or ""}
        vintage = vintage or found["vintage"] or ""
    return {"level": level, "vintage": vintage, "facet": facet, "rows": rows}


# -- binding ---------------------------------------------------------------------------
def record_baseline(store: Warehouse, contract: dict, item: FrameworkIndicator) -> None:
    """Set the indicator's reference value from the warehouse, now (not saved)."""
    item.baseline_level = item.baseline_vintage = item.baseline_source = ""
    item.baseline_year = item.baseline_value = None
    item.baseline_values = {}
    item.baseline_recorded_at = None
    if item.kind == Kind.CATALOGUE:
        for level, values in catalogue_values(store, contract, item.indicator_code).items():
            latest = _latest_sound(values)
            if latest:
                item.baseline_level, item.baseline_vintage = level, latest.vintage
                item.baseline_year, item.baseline_value = latest.year, latest.value
                item.baseline_source = latest.source
                break
    elif item.kind == Kind.ANALYSIS:
        found = analysis_entries(store, contract, item.analysis, item.component)
        if found["rows"]:
            item.baseline_level, item.baseline_vintage = found["level"], found["vintage"]
            item.baseline_values = {code: {"name": row["name"], "value": row["value"],
                                           "vintage": row["vintage"], "facet": found["facet"]}
                                    for code, row in found["rows"].items()}
    else:
        return
    item.baseline_recorded_at = timezone.now()


# -- showing ---------------------------------------------------------------------------
def _vintage(vintage: str) -> str:
    """« millésime : 2019 », « millésime : publication 2022 », but « millésime non précisé
    (sources 2020–2022) » as the warehouse says it."""
    return vintage if vintage.startswith("millésime") else f"millésime : {vintage}"


def vintage_note(baseline_vintage: str, recorded_at, latest_vintage: str | None,
                 still_there: bool) -> str:
    """« Valeur de référence (millésime : X, enregistrée le …) ; dernière valeur disponible
    (millésime : Y) », and what changed since the binding. Vintages are the warehouse's own
    words (« 2019 », « publication 2022 »), hence the colon."""
    if not baseline_vintage:
        return "Aucune valeur de référence : l'entrepôt n'avait pas de valeur pour ces QPV " \
               "quand l'indicateur a été rattaché."
    when = timezone.localtime(recorded_at).strftime("%d/%m/%Y") if recorded_at else "?"
    text = f"Valeur de référence ({_vintage(baseline_vintage)}, enregistrée le {when})"
    if latest_vintage is None:
        return text + " ; l'entrepôt actuel n'a plus de valeur pour ces QPV."
    text += f" ; dernière valeur disponible ({_vintage(latest_vintage)})"
    if latest_vintage != baseline_vintage:
        text += " (nouveau millésime depuis l'enregistrement)"
    if not still_there:
        text += (f" ; le millésime « {baseline_vintage} » n'est plus dans l'entrepôt (reconstruit "
                 "depuis) : la valeur de référence est celle qui avait été lue")
    return text + "."


def target_text(item: FrameworkIndicator, unit: str, decimals: int) -> str:
    if item.target_value is None:
        return (f"évolution recherchée : {item.get_direction_display()}"
                if item.direction else "pas de cible")
    text = f"{_shown(item.target_value, unit, decimals)} en {item.target_year}"
    return text + (f" ({item.get_direction_display()})" if item.direction else "")


def live(store: Warehouse, contract: dict, item: FrameworkIndicator) -> dict:
    """What the page and the report show of one indicator."""
    unit, decimals = indicator_unit(item)
    shown = {"label": indicator_label(item), "kind": item.get_kind_display(),
             "kind_code": item.kind, "unit": unit, "target": target_text(item, unit, decimals),
             "baseline": "–", "latest": "–", "note": "", "series": None, "qpv": [],
             "local_values": [], "sources": []}
    if item.kind == Kind.CATALOGUE:
        shown.update(_catalogue(store, contract, item, unit, decimals))
    elif item.kind == Kind.ANALYSIS:
        shown.update(_analysis(store, contract, item, unit, decimals))
    else:
        shown.update(_local(item, unit, decimals))
    return shown


def _catalogue(store, contract, item, unit, decimals) -> dict:
    by_level = catalogue_values(store, contract, item.indicator_code)
    lines = [SeriesLine(f"{level_label(level)} ({contract['signatory_name'] or ''})".replace(
        " ()", ""), qpv_geography(level), "", tuple(v for v in values if v.year is not None))
        for level, values in by_level.items()]
    lines = [line for line in lines if any(v.is_sound for v in line.points)]
    years = {v.year for line in lines for v in line.points if v.is_sound}
    series = Series(INDICATORS_BY_CODE[item.indicator_code], tuple(lines)) \
        if len(years) >= 2 else None
    own = by_level.get(item.baseline_level, []) if item.baseline_level else \
        next(iter(by_level.values()), [])
    latest = _latest_sound(own)
    still_there = any(v.vintage == item.baseline_vintage for v in own)
    geography = qpv_geography(item.baseline_level or (latest.level if latest else "")) or ""
    baseline = (f"{_shown(item.baseline_value, unit, decimals)} ({item.baseline_vintage})"
                if item.baseline_vintage else "–")
    return {
        "baseline": baseline,
        "latest": f"{_shown(latest.value, unit, decimals)} ({latest.vintage})" if latest else "–",
        "latest_value": latest.value if latest else None,
        "geography": geography,
        "place": level_label(item.baseline_level) if item.baseline_level else "",
        "note": vintage_note(item.baseline_vintage, item.baseline_recorded_at,
                             latest.vintage if latest else None, still_there),
        "changed": bool(latest and item.baseline_vintage
                        and latest.vintage != item.baseline_vintage),
        "series": series,
        "series_table": _series_table(series, decimals) if series else None,
        "sources": list(dict.fromkeys(v.source for values in by_level.values()
                                      for v in values if v.is_sound)),
        "values": [v for values in by_level.values() for v in values],
    }


def _series_table(series: Series, decimals: int) -> dict:
    years = series.years
    return {"years": [str(y) for y in years], "rows": [
        {"label": line.label + (f" (géographie {line.geography})"
                                if line.geography and line.geography not in line.label else ""),
         "cells": [_point(next((v for v in line.points if v.year == y), None), decimals)
                   for y in years]} for line in series.lines]}


def _point(value: Value | None, decimals: int) -> str:
    if value is None:
        return "–"
    if value.value is None:
        return "s"
    return format_number(value.value, decimals) + ("" if value.is_sound else " °")


def _analysis(store, contract, item, unit, decimals) -> dict:
    now = analysis_entries(store, contract, item.analysis, item.component)
    codes = list(dict.fromkeys([*item.baseline_values, *now["rows"]]))
    rows = []
    for code in codes:
        before, after = item.baseline_values.get(code), now["rows"].get(code)
        rows.append({
            "code": code, "name": (after or before)["name"],
            "baseline": format_value(before["value"], unit) if before else "–",
            "latest": (format_value(after["value"], unit) if after["status"] == "ok"
                       else "non disponible") if after else "–",
            "vintage": after["vintage"] if after else ""})
    declared = ANALYSES_BY_CODE[item.analysis]
    keys = list(dict.fromkeys([*(s.key for s in declared.sources), *declared.related_sources]))
    return {"qpv": rows, "baseline": f"{len(item.baseline_values)} QPV"
            if item.baseline_values else "–",
            "latest": f"{len(now['rows'])} QPV ({now['vintage']})" if now["rows"] else "–",
            "note": vintage_note(item.baseline_vintage, item.baseline_recorded_at,
                                 now["vintage"] if now["rows"] else None,
                                 now["vintage"] == item.baseline_vintage or not now["rows"]),
            "changed": bool(now["rows"] and now["vintage"] != item.baseline_vintage),
            "sources": keys}


def _local(item, unit, decimals) -> dict:
    values = list(item.local_values.all())
    listed = [{"pk": v.pk, "value": _shown(v.value, unit, decimals),
               "date": v.date.strftime("%d/%m/%Y"), "source": v.source,
               "entered_by": str(v.entered_by) if v.entered_by else ""} for v in values]
    first, last = (values[0], values[-1]) if values else (None, None)
    return {"local_values": listed,
            "baseline": f"{_shown(first.value, unit, decimals)} ({first.date:%d/%m/%Y})"
            if first else "–",
            "latest": f"{_shown(last.value, unit, decimals)} ({last.date:%d/%m/%Y})"
            if last else "–",
            "note": "Indicateur local : la valeur de référence est la première valeur saisie ; "
                    "chaque valeur porte sa date et sa source." if values else
                    "Indicateur local : aucune valeur saisie pour le moment.",
            "local_sources": list(dict.fromkeys(v.source for v in values))}
