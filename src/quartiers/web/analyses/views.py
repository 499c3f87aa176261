"""Pages of the analyses: the list, one analysis (method, components, map, results, download),
one territory's results and its PDF note. Served from the build like the profiles."""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from urllib.parse import urlencode

from django.http import FileResponse, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.safestring import mark_safe

from quartiers.engine.analyses import ANALYSES_BY_CODE, results
from quartiers.engine.analyses.model import Analysis
from quartiers.engine.exports import nested_levels
from quartiers.engine.levels import LEVELS
from quartiers.engine.reports.analysis_note import (
    CLASS_COLOURS,
    DIRECTIONS,
    NO_RESULT_COLOUR,
    SCORED_LEGEND,
    analysis_sources,
    detail_tables,
    entry_groups,
    entry_heading,
    format_value,
    latest_facet,
    render_note,
    results_maps,
    subject,
)
from quartiers.engine.warehouse.store import NotFound

from ..core.build_cache import served_from_build
from ..core.errors import BadRequest
from ..core.middleware import not_found
from ..core.warehouse import get_store
from .filters import Filters, read_filters

PAGE_SIZE = 50


class UnknownAnalysis(NotFound):
    """An analysis code not in the registry: the 404 page names those that exist."""


def _analysis(code: str) -> Analysis:
    if code not in ANALYSES_BY_CODE:
        known = ", ".join(f"{a.code} ({a.title})" for a in ANALYSES_BY_CODE.values())
        raise UnknownAnalysis(f"analyse inconnue « {code} » ; analyses disponibles : "
                              f"{known or 'aucune'}")
    return ANALYSES_BY_CODE[code]


def _levels(analysis: Analysis) -> str:
    return ", ".join(LEVELS[lv].plural for lv in analysis.levels)


def _groups(analysis: Analysis) -> list[tuple[str, list[dict]]]:
    groups: dict[str, list[dict]] = {}
    for c in analysis.components:
        groups.setdefault(c.group, []).append({"component": c,
                                               "direction": DIRECTIONS.get(c.higher_is, "")})
    return list(groups.items())


def _missing(view):
    """An unknown analysis answers the 404 page without suggestions of territories."""
    def wrapped(request, code, *args, **kwargs):
        try:
            return view(request, code, *args, **kwargs)
        except UnknownAnalysis as error:
            return not_found(request, str(error), [])

    wrapped.__name__, wrapped.__doc__ = view.__name__, view.__doc__
    return wrapped


@served_from_build
def index(request):
    return render(request, "analyses/index.html", {"analyses": [
        {"analysis": a, "levels": _levels(a)} for a in ANALYSES_BY_CODE.values()]})


@served_from_build
@_missing
def detail(request, code: str):
    """Method, components, sources, map, and the results table filtered and paginated."""
    analysis = _analysis(code)
    store = get_store()
    facets = results.facets(store, analysis.code)
    context = {"analysis": analysis, "levels": _levels(analysis), "groups": _groups(analysis),
               "sources": analysis_sources(store, analysis), "facets": facets,
               "map": _map(analysis), "filters": Filters(), "error": "",
               "latest_facet": latest_facet(store, analysis.code),
               "csv": reverse("analyses:csv", args=[analysis.code]),
               "dans": request.GET.get("dans", "")}
    try:
        filters = read_filters(analysis, request.GET)
        page = _page(request.GET.get("page", "1"))
    except (BadRequest, NotFound) as error:
        context["error"] = str(error)
        return render(request, "analyses/detail.html", context, status=400)
    total, entries = results.results(store, analysis.code, filters.level, filters.within,
                                     filters.facet, PAGE_SIZE, (page - 1) * PAGE_SIZE)
    pages = max(1, (total + PAGE_SIZE - 1) // PAGE_SIZE)
    query = filters.query()
    context.update({
        "filters": filters,
        "total": total, "page": page, "pages": pages,
        "previous": _page_url(request.path, query, page - 1) if page > 1 else "",
        "next": _page_url(request.path, query, page + 1) if page < pages else "",
        "csv": context["csv"] + _query(query),
        "rows": [_row(analysis, e) for e in entries]})
    return render(request, "analyses/detail.html", context)


def _page(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise BadRequest(f"« page » doit être un entier positif (reçu « {text} »)")
    return int(text)


def _query(params: dict) -> str:
    return "?" + urlencode(params) if params else ""


def _page_url(path: str, query: dict, page: int) -> str:
    return path + _query({**query, "page": page} if page > 1 else query)


def _row(analysis: Analysis, entry: dict) -> dict:
    cells = []
    for c in analysis.components:
        found = entry["components"].get(c.code)
        if found is None:
            cells.append({"value": "", "blank": "—"})
        elif found["status"] != "ok":
            cells.append({"value": "", "blank": found["status_label"]})
        else:
            cells.append({"value": format_value(found["value"], c.unit), "raw": found["value"],
                          "score": found["score"]})
    return {"entry": entry, "cells": cells,
            "url": reverse("analyses:territory", args=[analysis.code, entry["level"],
                                                       entry["code"]])}


def _map(analysis: Analysis) -> dict | None:
    """What the map's script needs: its layer's address, colours, components and levels."""
    if not analysis.map_component:
        return None
    return {"layer": reverse("api_analysis_layer", args=[analysis.code]),
            "colours": json.dumps(list(CLASS_COLOURS)), "blank": NO_RESULT_COLOUR,
            "levels": [(lv, LEVELS[lv].plural) for lv in analysis.map_levels],
            "legend": SCORED_LEGEND}


@served_from_build
@_missing
def results_csv(request, code: str):
    """Every result matching the filters, one row per territory, facet and component, with its
    sources' keys (described in the page's « Sources » and on /donnees/). Written by DuckDB
    and streamed: an analysis by commune and year holds hundreds of thousands of values."""
    analysis = _analysis(code)
    try:
        filters = read_filters(analysis, request.GET)
    except (BadRequest, NotFound) as error:
        return HttpResponse(str(error), status=400, content_type="text/plain; charset=utf-8")
    folder = tempfile.mkdtemp(prefix="quartiers-csv-")
    path = os.path.join(folder, "resultats.csv")
    results.write_csv(get_store(), analysis.code, path, filters.level, filters.within,
                      filters.facet)
    stream = open(path, "rb")  # noqa: SIM115 - closed by the response once sent
    shutil.rmtree(folder)  # the open file stays readable until the response closes it
    response = FileResponse(stream, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="analyse_{analysis.code}.csv"'
    return response


@served_from_build
@_missing
def territory(request, code: str, level: str, territory: str):
    """One territory's results (or those of the analysis's finest level within it)."""
    _analysis(code)
    store = get_store()
    found = subject(store, code, level, territory)
    analysis = found.analysis
    latest = latest_facet(store, analysis.code)
    if all(e["facet"] != latest for e in found.entries):
        latest = found.entries[0]["facet"]
    details = detail_tables(store, analysis, level, territory)
    for table in details:
        table["map"] = mark_safe(table["map"]) if table["map"] else None  # our own SVG
        table["cells"] = [list(zip(row, table["numeric"], strict=True)) for row in table["rows"]]
    return render(request, "analyses/territory.html", {
        "analysis": analysis, "found": found, "territory": found.territory,
        # within a wider territory, one row per territory (each links to its own page)
        "rows": [_row(analysis, e) for e in found.entries] if found.within else [],
        "facets": results.facets(store, analysis.code),
        "entries": [] if found.within else [
            {"heading": entry_heading(e, False), "groups": entry_groups(store, analysis, e),
             "latest": e["facet"] == latest} for e in found.entries],
        "maps": [{**drawn, "svg": mark_safe(drawn["svg"])}  # our own SVG
                 for drawn in results_maps(store, found)],
        "details": details, "sources": analysis_sources(store, analysis),
        "finer": [(LEVELS[lv].plural, reverse("analyses:detail", args=[code]) + _query(
            {"niveau": lv, "dans": f"{level}:{territory}"})) for lv in analysis.levels
                  if lv in nested_levels(level) and not found.within],
        "shown_level": LEVELS[found.entries[0]["level"]].plural})


@served_from_build
@_missing
def note_pdf(request, code: str, level: str, territory: str):
    _analysis(code)
    response = HttpResponse(render_note(get_store(), code, level, territory),
                            content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="note_{code}_{level}_{territory}.pdf"'
    return response
