"""The analyses in the API: the list, one analysis's method and components, its results per
territory (paginated, filtered like the pages) and its map layer. Registered by ``urls.py``."""

from __future__ import annotations

from quartiers.engine.analyses import ANALYSES, ANALYSES_BY_CODE, results
from quartiers.engine.analyses.model import RESULT_STATUSES, Analysis
from quartiers.engine.levels import PROFILE_LEVELS
from quartiers.engine.reports.analysis_note import latest_facet

from ..analyses.filters import read_filters
from ..core.warehouse import get_store
from .views import (
    BOOLEAN,
    GEOMETRIE,
    INTEGER,
    PAGE,
    PAGING,
    STRING,
    BadRequest,
    Param,
    _page,
    array,
    component,
    endpoint,
    nullable,
    obj,
)

EXAMPLE = ANALYSES[0].code if ANALYSES else "code"
ANALYSIS_PARAM = {"analysis_code": Param("analyse", STRING,
                                         "code de l'analyse (voir /api/v1/analyses)")}
NIVEAU = {"type": "string", "enum": list(PROFILE_LEVELS)}
COMPOSANTE = component("Composante", obj({
    "code": STRING, "libelle": STRING, "unite": STRING, "groupe": STRING,
    "description": STRING,
    "sens": {"type": "string", "enum": ["defavorable", "favorable", ""],
             "description": "ce que dit une valeur plus élevée (vide : ni l'un ni l'autre)"},
    "score": BOOLEAN}, description="une composante de l'analyse, jamais cachée dans une autre"))
RESUME = {"code": STRING, "titre": STRING, "resume": STRING, "niveaux": array(NIVEAU),
          "url": STRING}
ANALYSE_RESUME = component("AnalyseResume", obj(RESUME))
LISTE_ANALYSES = component("ListeAnalyses", obj({"total": INTEGER,
                                                 "resultats": array(ANALYSE_RESUME)}))
ANALYSE = component("Analyse", obj({
    **RESUME, "methode": array(STRING), "limites": array(STRING),
    "composantes": array(COMPOSANTE), "facette": nullable("string"),
    "facettes": array(obj({"code": STRING, "libelle": STRING})),
    "tableaux_detail": array(obj({"code": STRING, "titre": STRING, "note": STRING})),
    "sources": array(obj({"cle": STRING, "producteur": STRING, "jeu": STRING,
                          "millesime": STRING, "licence": STRING, "origine": STRING,
                          "mention": STRING}))},
    description="une analyse : sa méthode en mots, ses composantes, ses sources"))
RESULTAT_COMPOSANTE = component("ResultatComposante", obj({
    "valeur": nullable("number"),
    "score": {"type": ["integer", "null"], "description": "tercile 1 (le plus bas) à 3"},
    "statut": {"type": "string", "enum": list(RESULT_STATUSES)}, "statut_libelle": STRING,
    "millesime": nullable("string"), "sources": array(STRING), "note": nullable("string")}))
RESULTAT = component("ResultatAnalyse", obj({
    "niveau": NIVEAU, "code": STRING, "nom": STRING, "facette": STRING,
    "facette_libelle": nullable("string"), "url": STRING,
    "composantes": {"type": "object", "additionalProperties": RESULTAT_COMPOSANTE,
                    "description": "par code de composante"}},
    description="un territoire (et une facette), chaque composante avec sa provenance"))
PAGE_RESULTATS = component("PageResultatsAnalyse", obj({
    "analyse": STRING, **PAGE, "pages": INTEGER, "resultats": array(RESULTAT)}))
COUCHE_ANALYSE = component("CoucheAnalyse", obj({
    "type": {"const": "FeatureCollection"},
    "features": array(obj({"type": {"const": "Feature"}, "id": INTEGER,
                           "geometry": GEOMETRIE,
                           "properties": obj({"code": STRING, "nom": STRING,
                                              "valeur": nullable("number"),
                                              "score": nullable("integer"),
                                              "statut": STRING})}))},
    description="FeatureCollection GeoJSON : une composante par territoire (valeur null : "
                "pas de résultat, dessiné sans couleur)"))
FILTERS = (Param("niveau", NIVEAU, "niveau des territoires (parmi ceux de l'analyse)"),
           Param("dans", STRING, "niveau:code d'un territoire englobant, ex. commune:35238"),
           Param("facette", STRING, "code d'une facette (scrutin, année…)"))


def _analysis(code: str) -> Analysis:
    return results.analysis(code)  # NotFound with the list of analyses: a 404


def _summary(analysis: Analysis) -> dict:
    return {"code": analysis.code, "titre": analysis.title, "resume": analysis.summary,
            "niveaux": list(analysis.levels), "url": f"/analyses/{analysis.code}/"}


@endpoint("v1/analyses", "analysis_list", "Les analyses (cas d'usage) et leurs niveaux",
          tags=("analyses",), response=LISTE_ANALYSES)
def analyses(request):
    return {"total": len(ANALYSES_BY_CODE),
            "resultats": [_summary(a) for a in ANALYSES_BY_CODE.values()]}


@endpoint("v1/analyses/<str:analysis_code>", "analysis",
          "Une analyse : méthode, composantes (unité, sens, score), facettes, limites, sources",
          tags=("analyses",), response=ANALYSE, path_params=ANALYSIS_PARAM,
          example=f"v1/analyses/{EXAMPLE}")
def analysis(request, analysis_code):
    found = _analysis(analysis_code)
    store = get_store()
    known = {s["key"]: s for s in store.sources()}
    keys = [s.key for s in found.sources] + list(found.related_sources)
    return {**_summary(found), "methode": list(found.method), "limites": list(found.limits),
            "composantes": [{"code": c.code, "libelle": c.label, "unite": c.unit,
                             "groupe": c.group, "description": c.description,
                             "sens": c.higher_is, "score": c.scored} for c in found.components],
            "facette": found.facet_label or None,
            "facettes": [{"code": f["facet"], "libelle": f["label"]}
                         for f in results.facets(store, found.code)],
            "tableaux_detail": [{"code": t.code, "titre": t.title, "note": t.note}
                                for t in found.details],
            "sources": [{"cle": k, "producteur": known[k]["producer"],
                         "jeu": known[k]["dataset"], "millesime": known[k]["vintage"],
                         "licence": known[k]["licence"], "origine": known[k]["origin"] or "",
                         "mention": known[k]["attribution"] or ""}
                        for k in keys if k in known]}


@endpoint("v1/analyses/<str:analysis_code>/resultats", "analysis_results",
          "Résultats d'une analyse, un territoire (et une facette) par entrée, chaque "
          "composante avec sa valeur, son score, son statut, son millésime, ses sources et sa "
          "note (paginé) ; 400 nommant les niveaux ou facettes possibles",
          (*FILTERS, *PAGING), tags=("analyses",), response=PAGE_RESULTATS,
          path_params=ANALYSIS_PARAM, example=f"v1/analyses/{EXAMPLE}/resultats?taille=5")
def analysis_results(request, analysis_code):
    found = _analysis(analysis_code)
    filters = read_filters(found, request.GET)
    page, size = _page(request)
    total, entries = results.results(get_store(), found.code, filters.level, filters.within,
                                     filters.facet, size, (page - 1) * size)
    return {"analyse": found.code, "total": total, "page": page, "taille": size,
            "pages": (total + size - 1) // size, "resultats": [{
                "niveau": e["level"], "code": e["code"], "nom": e["name"],
                "facette": e["facet"], "facette_libelle": e["facet_label"],
                "url": f"/analyses/{found.code}/{e['level']}/{e['code']}/",
                "composantes": {code: {
                    "valeur": c["value"], "score": c["score"], "statut": c["status"],
                    "statut_libelle": c["status_label"], "millesime": c["vintage"],
                    "sources": list(c["sources"]), "note": c["note"]}
                    for code, c in e["components"].items()}} for e in entries]}


@endpoint("v1/analyses/<str:analysis_code>/couche.geojson", "analysis_layer",
          "Carte d'une composante (GeoJSON) : chaque territoire d'un niveau avec sa valeur, son "
          "score et son statut",
          (Param("composante", STRING, "code de la composante (défaut : celle de la carte)"),
           Param("niveau", NIVEAU, "niveau cartographié (défaut : le premier des cartes)"),
           Param("facette", STRING, "code d'une facette (défaut : la plus récente)"),
           Param("dans", STRING, "niveau:code d'un territoire englobant, ex. epci:244400404")),
          content_type="application/geo+json", tags=("analyses",), response=COUCHE_ANALYSE,
          path_params=ANALYSIS_PARAM, example=f"v1/analyses/{EXAMPLE}/couche.geojson")
def analysis_layer(request, analysis_code):
    found = _analysis(analysis_code)
    codes = [c.code for c in found.components]
    chosen = request.GET.get("composante") or found.map_component or codes[0]
    if chosen not in codes:
        raise BadRequest(f"composante « {chosen} » inconnue ; composantes : {', '.join(codes)}")
    level = request.GET.get("niveau") or found.map_levels[0]
    if level not in found.map_levels:
        raise BadRequest(f"niveau « {level} » non cartographié pour « {found.code} » ; "
                         f"niveaux possibles : {', '.join(found.map_levels)}")
    filters = read_filters(found, {k: v for k, v in request.GET.items() if k != "niveau"})
    facet = filters.facet if filters.facet is not None else latest_facet(get_store(), found.code)
    return results.layer(get_store(), found.code, chosen, level, filters.within, facet)

