"""Pages: home and map, search, territory profiles and their downloads, indicators, data."""

from __future__ import annotations

import json

from django.http import Http404, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.urls import reverse

from quartiers.engine import exports
from quartiers.engine.indicators.catalogue import INDICATORS, THEMES
from quartiers.engine.levels import LEVELS
from quartiers.engine.reports import histogram, render_fiche
from quartiers.engine.reports.comparison import comparison_charts, key_rows

from .middleware import not_found
from .warehouse import get_store

QPV_COLUMNS = ("population", "taux_pauvrete", "taux_emploi", "part_etrangers", "part_alloc_rsa")
MAP_INDICATORS = ("population", "taux_pauvrete", "taux_emploi", "part_etrangers", "part_immigres",
                  "part_alloc_rsa", "taux_logements_sociaux", "indice_jeunesse")


def home(request):
    store = get_store()
    return render(request, "territories/home.html", {
        "regions": store.territories("region", limit=50)[1],
        "map_indicators": [store.indicator(code) for code in MAP_INDICATORS],
        "info": store.build_info(),
    })


def search(request):
    query = request.GET.get("q", "").strip()
    results = get_store().search(query, limit=50) if query else []
    exact = [r for r in results if r["code"].lower() == query.lower()]
    if len(exact) == 1:
        return HttpResponseRedirect(reverse("profile", args=[exact[0]["level"], exact[0]["code"]]))
    return render(request, "territories/search.html", {"query": query, "results": results})


def _notices(store, territory: dict, rows: list[dict]) -> list[str]:
    """The doubts about the sources this profile uses, the perimeters' and key figures' first."""
    used = ["qpv2024_perimetres"] if territory["level"] != "qpv2015" else []
    used += [row["subject"].source for row in rows]
    doubts = {source["family"]: source["doubts"] for source in store.sources()}
    notices = []
    for family in dict.fromkeys(used):
        notices += [d for d in (doubts.get(family) or "").split("\n") if d and d not in notices]
    if territory.get("repaired"):
        notices.insert(0, "Le contour de ce quartier était invalide dans la source ; il a été "
                          "réparé (make_valid).")
    return notices


def _charts(comparison: dict) -> list[dict]:
    """Charts of the subject (the first reference) against the others, as in the PDF."""
    refs = comparison["references"]
    return comparison_charts(refs[0]["label"], comparison["rows"], list(enumerate(refs))[1:])


def _table(comparison: dict) -> dict:
    """A comparison grouped by theme, references linked to their profiles (new rows: the
    store's answers are shared)."""
    references = [{**ref, "url": reverse("profile", args=[ref["level"], ref["code"]])}
                  if ref["level"] in LEVELS else ref for ref in comparison["references"]]
    themes = [(theme, [r for r in comparison["rows"] if r["indicator"].theme == theme])
              for theme in THEMES]
    return {"references": references, "themes": [t for t in themes if t[1]]}


def profile(request, level: str, code: str):
    store = get_store()
    territory = store.territory(level, code)
    comparison = store.comparison(level, code)
    rows = comparison["rows"]
    key_figures = key_rows(rows, 6)
    qpv = store.children(level, code, "qpv") if level not in ("qpv", "qpv2015") else []
    figures = store.latest_values("qpv", [q["code"] for q in qpv], list(QPV_COLUMNS))
    groups = (store.qpv_comparison(level, code)
              if level not in ("qpv", "qpv2015") and qpv else None)
    charts = _charts(comparison) + (_charts(groups) if groups else [])
    return render(request, "territories/profile.html", {
        "territory": territory, "parents": store.parents(level, code),
        "comparison": _table(comparison), "qpv_comparison": groups and _table(groups),
        "key_figures": key_figures, "charts": charts[:3],
        "qpv": [(q, figures.get(q["code"], {})) for q in qpv],
        "qpv_columns": [store.indicator(c) for c in QPV_COLUMNS],
        "contrats": store.contrats_de_ville(code) if level == "epci" else [],
        "notices": _notices(store, territory, key_figures + rows),
        "has_map": territory["xmin"] is not None,
        "bbox": json.dumps([territory["xmin"], territory["ymin"], territory["xmax"],
                            territory["ymax"]]),
    })


def profile_export(request, level: str, code: str, fmt: str):
    store = get_store()
    rows = exports.profile_rows(store, level, code)
    filename = f"quartiers_{level}_{code}"
    if fmt == "csv":
        response = HttpResponse(exports.to_csv(rows), content_type="text/csv; charset=utf-8")
    elif fmt == "xlsx":
        response = HttpResponse(
            exports.to_xlsx(rows, store.sources()),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    elif fmt == "json":
        response = JsonResponse({"territoire": {"niveau": level, "code": code},
                                 "chiffres": rows}, json_dumps_params={"ensure_ascii": False})
    else:
        raise Http404(fmt)
    response["Content-Disposition"] = f'attachment; filename="{filename}.{fmt}"'
    return response


def profile_pdf(request, level: str, code: str):
    response = HttpResponse(render_fiche(get_store(), level, code), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="fiche_{level}_{code}.pdf"'
    return response


def indicator_list(request):
    themes = [(theme, [i for i in INDICATORS if i.theme == theme]) for theme in THEMES]
    return render(request, "territories/indicators.html", {"themes": themes})


def indicator_detail(request, code: str):
    store = get_store()
    indicator = store.indicator(code)
    level = indicator.distribution_level
    distribution = store.distribution(code, level) if level else None
    chart = None
    if distribution and distribution["count"]:
        chart = histogram([r["value"] for r in distribution["rows"] if r["value"] is not None],
                          distribution["quantiles"]["mediane"], indicator.unit,
                          decimals=indicator.decimals)
    return render(request, "territories/indicator.html", {
        "indicator": indicator, "distribution": distribution, "chart": chart,
        "level_label": LEVELS[level].plural if level else "",
        "sources": [s for s in store.sources() if s["family"] in indicator.sources],
        "measures": indicator.measures,
    })


def data_page(request):
    store = get_store()
    return render(request, "territories/data.html", {
        "sources": store.sources(), "info": store.build_info(),
        "indicator_count": len(INDICATORS)})


def page_not_found(request, exception=None):  # Django's handler404
    return not_found(request, "Cette page n'existe pas.", [])
