"""Pages: home and map, search, territory profiles and their downloads, indicators, data."""

from __future__ import annotations

import json

from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse

from quartiers.engine.exports import nested_levels
from quartiers.engine.indicators.catalogue import INDICATORS, THEMES
from quartiers.engine.levels import LEVELS, OVERSEAS_STATUS, territory_label
from quartiers.engine.profiles import QPV_COLUMNS, build_profile
from quartiers.engine.reports import histogram, render_fiche
from quartiers.engine.reports.comparison import comparison_charts, series_chart

from ..core import downloads
from ..core.build_cache import served_from_build
from ..core.sections import profile_sections
from ..core.warehouse import get_store
from .comparison import comparison_table

MAP_INDICATORS = ("population", "taux_pauvrete", "taux_emploi", "part_etrangers", "part_immigres",
                  "part_alloc_rsa", "taux_logements_sociaux", "indice_jeunesse")


@served_from_build
def home(request):
    store = get_store()
    return render(request, "territories/home.html", {
        "regions": store.territories("region", limit=50)[1],
        # not régions: listed apart, those with inhabitants (not the TAAF nor Clipperton)
        "collectivities": [{**t, "level_label": territory_label("departement", t["code"])}
                           for t in store.territories("departement", limit=200)[1]
                           if t["code"] in OVERSEAS_STATUS and t["population"]],
        "map_indicators": [store.indicator(code) for code in MAP_INDICATORS],
        "info": store.build_info(),
    })


@served_from_build
def search(request):
    """Every territory the query may mean, each with why it matched; straight to the profile
    only when exactly one territory has the query as code or postcode (44100 is the INSEE
    code of Monnières and a postcode of Nantes: both are listed). Close names when nothing
    matches by code or whole words (« Renes » → Rennes)."""
    query = request.GET.get("q", "").strip()
    store = get_store()
    results = store.search(query, limit=50, every_exact=True) if query else []
    exact = [r for r in results if r["match"] in ("code", "postcode")]
    if len(exact) == 1:
        return HttpResponseRedirect(reverse("profile", args=[exact[0]["level"], exact[0]["code"]]))

    shown = {(r["level"], r["code"]) for r in results}
    suggestions = [] if not query or any(r["match"] != "partial" for r in results) else [
        {**s, "level_label": territory_label(s["niveau"], s["code"])} for s in store.suggest(None, query)
        if (s["niveau"], s["code"]) not in shown]
    return render(request, "territories/search.html", {
        "query": query, "exact": exact, "suggestions": suggestions,
        "results": [{**r, "level_label": territory_label(r["level"], r["code"])} for r in results]})


def _charts(comparison: dict) -> list[dict]:
    """Charts of the subject (the first reference) against the others, as in the PDF."""
    refs = comparison["references"]
    return comparison_charts(refs[0]["label"], comparison["rows"], list(enumerate(refs))[1:])


@served_from_build
def profile(request, level: str, code: str):
    store = get_store()
    profile = build_profile(store, level, code)
    territory, groups = profile.territory, profile.qpv_comparison
    charts = _charts(profile.comparison) + (_charts(groups) if groups else [])
    return render(request, "territories/profile.html", {
        "profile": profile, "territory": territory, "parents": profile.parents,
        "comparison": comparison_table(profile.comparison),
        "qpv_comparison": groups and comparison_table(groups),
        "key_figures": profile.key_figures[:6], "charts": charts[:3],
        "series": profile.series,  # charts as images apart: half of the page's weight
        "qpv": profile.qpv, "qpv_columns": [store.indicator(c) for c in QPV_COLUMNS],
        # wide tables of the finer levels inside it (XLSX only where a spreadsheet copes)
        "tables": [(LEVELS[inner], n, n <= downloads.WIDE_XLSX_MAX_ROWS)
                   for inner in nested_levels(level)
                   if (n := store.inner_counts(level, code).get(inner))],
        "sections": profile_sections(request, profile),
        "has_map": territory["xmin"] is not None,
        "bbox": json.dumps([territory["xmin"], territory["ymin"], territory["xmax"],
                            territory["ymax"]]),
    })


@served_from_build
def profile_series_chart(request, level: str, code: str, indicator: str):
    """One series chart of a profile, as an SVG image the page loads lazily."""
    profile = build_profile(get_store(), level, code)
    series = next((s for s in profile.series if s.indicator.code == indicator), None)
    if series is None:
        raise Http404(f"pas de série « {indicator} » pour ce territoire")
    return HttpResponse(series_chart(series), content_type="image/svg+xml")


@served_from_build
def profile_export(request, level: str, code: str, fmt: str):
    return downloads.profile_download(level, code, fmt)


@served_from_build
def profile_pdf(request, level: str, code: str):
    response = HttpResponse(render_fiche(get_store(), level, code), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="fiche_{level}_{code}.pdf"'
    return response


@served_from_build
def indicator_list(request):
    themes = [(theme, [i for i in INDICATORS if i.theme == theme]) for theme in THEMES]
    return render(request, "territories/indicators.html", {"themes": themes})


@served_from_build
def indicator_detail(request, code: str):
    store = get_store()
    indicator = store.indicator(code)
    level = indicator.distribution_level
    distribution = store.distribution(code, level) if level else None
    chart = None
    if distribution and distribution["count"]:
        chart = histogram([r["value"] for r in distribution["rows"] if r["value"] is not None],
                          distribution["quantiles"]["mediane"], indicator.unit,
                          decimals=indicator.decimals, title=indicator.label)
    return render(request, "territories/indicator.html", {
        "indicator": indicator, "distribution": distribution, "chart": chart,
        "level_label": LEVELS[level].plural if level else "",
        "sources": [s for s in store.sources() if s["family"] in indicator.sources],
        "measures": indicator.measures,
    })


@served_from_build
def data_page(request):
    store = get_store()
    return render(request, "territories/data.html", {
        "sources": store.sources(), "info": store.build_info(),
        "indicator_count": len(INDICATORS)})


@served_from_build
def profile_table(request, level: str, code: str, inner: str, fmt: str):
    """Every territory of a finer level inside this one, one column per indicator."""
    return downloads.table_download(level, code, inner, fmt)
