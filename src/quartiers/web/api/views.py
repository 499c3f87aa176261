"""Open JSON API: official codes as identifiers, pagination, helpful 400/404 errors.

Each view is declared with ``endpoint(...)``, which also feeds the OpenAPI document: the schema
cannot drift from the views.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django.http import HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt

from quartiers.engine.indicators.catalogue import INDICATORS
from quartiers.engine.indicators.model import ADMIN_LEVELS
from quartiers.engine.levels import LEVELS, PROFILE_LEVELS, level_label
from quartiers.engine.locator.geocoding import GeocodingError
from quartiers.engine.profiles import build_profile
from quartiers.engine.warehouse.store import NotFound, Value, WarehouseMissing, plain

from ..territories.views import profile_export
from ..territories.warehouse import get_store

MAX_PAGE_SIZE = 1000
# levels with values: territories, and the QPV of a territory taken together (« qpv_region »)
VALUE_LEVELS = (*LEVELS, *(f"{b}_{p}" for b in ("qpv", "qpv2015") for p in ADMIN_LEVELS))
MAX_PAGE = 1_000_000


class BadRequest(ValueError):
    pass


class TooManyRequests(BadRequest):
    """A client asking more than its share of a limited service (answered 429)."""


@dataclass
class Endpoint:
    path: str
    name: str
    summary: str
    view: Callable
    params: tuple[tuple[str, str, str], ...] = ()  # (name, type, description) of query params
    content_type: str = "application/json"
    tags: tuple[str, ...] = field(default_factory=lambda: ("territoires",))
    methods: tuple[str, ...] = ("GET",)
    body: dict | None = None  # JSON schema of a POST body


ENDPOINTS: list[Endpoint] = []


def endpoint(path, name, summary, params=(), content_type="application/json",
             tags=("territoires",), methods=("GET",), body=None):
    def register(view):
        @csrf_exempt  # an open API: no session, no cookie, nothing to forge
        def wrapped(request, **kwargs):
            if request.method not in methods:
                return _error(f"méthode {request.method} non permise ; permises : "
                              f"{', '.join(methods)}", 405)
            try:
                result = view(request, **kwargs)
            except TooManyRequests as error:
                return _error(str(error), 429)
            except BadRequest as error:
                return _error(str(error), 400)
            except NotFound as error:
                return _error(str(error), 404, error.suggestions)
            except WarehouseMissing as error:
                return _error(str(error), 503)
            except GeocodingError as error:  # the geocoding service failed us: a bad gateway
                return _error(str(error), 502)
            if isinstance(result, HttpResponse):
                return result
            return JsonResponse(result, json_dumps_params={"ensure_ascii": False})

        wrapped.__name__ = view.__name__
        ENDPOINTS.append(Endpoint(path, name, summary, wrapped, params, content_type, tags,
                                  methods, body))
        return wrapped

    return register


def _error(message: str, status: int, suggestions: list | None = None) -> JsonResponse:
    body = {"erreur": message, "statut": status}
    if suggestions:
        body["suggestions"] = suggestions
    return JsonResponse(body, status=status, json_dumps_params={"ensure_ascii": False})


def _page(request) -> tuple[int, int]:
    try:
        page = int(request.GET.get("page", 1))
        size = int(request.GET.get("taille", 100))
    except ValueError as error:
        raise BadRequest("« page » et « taille » doivent être des entiers") from error
    if not 1 <= page <= MAX_PAGE or not 1 <= size <= MAX_PAGE_SIZE:
        raise BadRequest(f"1 ≤ page ≤ {MAX_PAGE} et 1 ≤ taille ≤ {MAX_PAGE_SIZE}")
    return page, size


def _level(value: str | None, allowed=PROFILE_LEVELS) -> str:
    if value not in allowed:
        raise BadRequest(f"niveau « {value} » inconnu ; niveaux possibles : {', '.join(allowed)}")
    return value


def _territory_json(row: dict) -> dict:
    return {"niveau": row["level"], "code": row["code"], "nom": row["name"],
            "population": plain(row["population"]), "departement": row["departement"],
            "region": row["region"], "epci": row["epci"], "commune": row["commune"],
            "centre": [row["lon"], row["lat"]] if row["lon"] is not None else None,
            "url": f"/territoires/{row['level']}/{row['code']}/"}


def _indicator_json(indicator) -> dict:
    return {"code": indicator.code, "libelle": indicator.label, "theme": indicator.theme,
            "unite": indicator.unit, "definition": indicator.definition,
            "methode": indicator.method or None, "niveaux": list(indicator.levels),
            "sources": list(indicator.sources), "decimales": indicator.decimals,
            "geographies_qpv": list(indicator.geographies),
            "peut_depasser_100": indicator.may_exceed_100 or None}


@endpoint("v1/territoires", "territories", "Liste paginée des territoires d'un niveau",
          (("niveau", "string", "qpv, commune, epci, departement, region, france, qpv2015"),
           ("dans", "string", "niveau:code d'un territoire englobant, ex. region:53"),
           ("page", "integer", "numéro de page (1…)"), ("taille", "integer", "1 à 1000")))
def territories(request):
    level = _level(request.GET.get("niveau", "qpv"))
    page, size = _page(request)
    total, rows = get_store().territories(level, size, (page - 1) * size, _within(request))
    return {"total": total, "page": page, "taille": size,
            "pages": (total + size - 1) // size,
            "resultats": [_territory_json(r) for r in rows]}


@endpoint("v1/territoires/<str:level>/<str:code>", "territory",
          "Un territoire, sa hiérarchie et ses territoires de comparaison")
def territory(request, level, code):
    store = get_store()
    store.territory(_level(level), code)
    profile = build_profile(store, level, code)
    row = profile.territory
    body = _territory_json(row)
    body["niveau_libelle"] = row["level_label"]
    body["parents"] = [{"niveau": p["level"], "code": p["code"], "nom": p["name"],
                        "principal": p["is_main"]} for p in profile.parents]
    body["qpv"] = [{"code": q["code"], "nom": q["name"]} for q, _ in profile.qpv]
    body["references"] = [{"niveau": r["level"], "code": r["code"], "libelle": r["label"]}
                          for r in profile.comparison["references"]]
    body["chiffres_cles"] = [row["subject"].as_dict() for row in profile.key_figures]
    body["a_savoir"] = profile.notices
    if level == "qpv":
        body["geographie_2015"] = [{"code": p.code or None, "nom": p.name or None,
                                    "statut": p.status, "continuite": p.continuity}
                                   for p in profile.predecessors]
    if level == "qpv2015":
        body["geographie_2024"] = [{"code": q["code"], "nom": q["name"], "statut": q["status"]}
                                   for q in profile.successors]
    if level == "epci":
        body["contrats_de_ville"] = [{"code": c["code"], "nom": c["name"]}
                                     for c in profile.contrats]
    return body


@endpoint("v1/territoires/<str:level>/<str:code>/series", "territory_series",
          "Évolution dans le temps : pour chaque indicateur publié plusieurs années, les séries "
          "du territoire et celles qui le prolongent (QPV 2015 prédécesseurs, ensemble des QPV "
          "2015), chacune nommée par sa géographie")
def territory_series(request, level, code):
    store = get_store()
    store.territory(_level(level), code)
    profile = build_profile(store, level, code)
    return {"territoire": {"niveau": level, "code": code},
            "series": [{"indicateur": s.indicator.code, "libelle": s.indicator.label,
                        "unite": s.indicator.unit, "annees": s.years,
                        "lignes": [{"libelle": line.label, "geographie": line.geography,
                                    "continuite": line.note or None,
                                    "valeurs": [v.as_dict() for v in line.points]}
                                   for line in s.lines]}
                       for s in profile.series]}


@endpoint("v1/territoires/<str:level>/<str:code>/valeurs", "territory_values",
          "Valeurs des indicateurs d'un territoire, tous millésimes, avec leur provenance",
          (("indicateur", "string", "code d'un indicateur (facultatif)"),))
def territory_values(request, level, code):
    store = get_store()
    store.territory(_level(level), code)
    indicator = request.GET.get("indicateur")
    if indicator:
        store.indicator(indicator)
    return {"territoire": {"niveau": level, "code": code},
            "valeurs": [v.as_dict() for v in store.values(level, code, indicator)]}


def _comparison_json(level: str, code: str, comparison: dict) -> dict:
    def cell(c):
        value: Value | None = c["value"]
        return {**value.as_dict(), "millesime_different": c["other_vintage"]} if value else None

    return {"territoire": {"niveau": level, "code": code},
            "references": [{"niveau": r["level"], "code": r["code"], "libelle": r["label"]}
                           for r in comparison["references"]],
            "lignes": [{"indicateur": row["indicator"].code, "libelle": row["indicator"].label,
                        "unite": row["indicator"].unit,
                        "valeurs": [cell(c) for c in row["cells"]]}
                       for row in comparison["rows"]]}


@endpoint("v1/territoires/<str:level>/<str:code>/comparaison", "territory_comparison",
          "Tableau de comparaison avec les territoires de référence")
def territory_comparison(request, level, code):
    store = get_store()
    store.territory(_level(level), code)
    return _comparison_json(level, code, store.comparison(level, code))


@endpoint("v1/territoires/<str:level>/<str:code>/comparaison-qpv", "territory_qpv_comparison",
          "L'ensemble des QPV d'un territoire administratif, comparé à ceux de sa région et de "
          "France")
def territory_qpv_comparison(request, level, code):
    level = _level(level, ADMIN_LEVELS)
    return _comparison_json(level, code, get_store().qpv_comparison(level, code))


@endpoint("v1/territoires/<str:level>/<str:code>/perimetre.geojson", "territory_geojson",
          "Périmètre (GeoJSON, WGS84, simplifié pour le web)", content_type="application/geo+json")
def territory_geojson(request, level, code):
    store = get_store()
    row = store.territory(_level(level), code)
    geometry = store.geojson(level, code)
    if geometry is None:
        raise NotFound(f"pas de périmètre disponible pour {level} {code}")
    return {"type": "Feature", "geometry": geometry,
            "properties": {"niveau": level, "code": code, "nom": row["name"],
                           "precision": "périmètre simplifié (≈ 50 sommets par QPV ; ≈ 100 m "
                                        "pour les territoires administratifs)"}}


@endpoint("v1/territoires/<str:level>/<str:code>/chiffres.csv", "territory_csv",
          "Chiffres du territoire et de ses références (CSV ; séparateur point-virgule)",
          content_type="text/csv")
def territory_csv(request, level, code):
    return profile_export(request, _level(level), code, "csv")  # the page's download


@endpoint("v1/indicateurs", "indicators", "Catalogue des indicateurs", tags=("indicateurs",))
def indicators(request):
    return {"total": len(INDICATORS), "resultats": [_indicator_json(i) for i in INDICATORS]}


@endpoint("v1/indicateurs/<str:indicator_code>", "indicator", "Un indicateur et sa distribution entre QPV",
          tags=("indicateurs",))
def indicator(request, indicator_code):
    store = get_store()
    code = indicator_code
    body = _indicator_json(store.indicator(code))
    level = store.indicator(code).distribution_level
    if level:
        distribution = store.distribution(code, level)
        body["distribution"] = {"niveau": level, "millesime": distribution["vintage"],
                                "effectif": distribution["count"],
                                "sans_valeur": distribution["missing"],
                                "quantiles": distribution["quantiles"]}
    return body


@endpoint("v1/indicateurs/<str:indicator_code>/valeurs", "indicator_values",
          "Valeurs d'un indicateur pour tous les territoires d'un niveau (paginé)",
          (("niveau", "string", "niveau des territoires (défaut : qpv)"),
           ("millesime", "string", "millésime (défaut : le plus récent)"),
           ("page", "integer", "numéro de page"), ("taille", "integer", "1 à 1000")),
          tags=("indicateurs",))
def indicator_values(request, indicator_code):
    store = get_store()
    code = indicator_code
    store.indicator(code)
    level = _level(request.GET.get("niveau", "qpv"), VALUE_LEVELS)
    page, size = _page(request)
    total, values = store.indicator_values(code, level, request.GET.get("millesime"), size,
                                           (page - 1) * size)
    return {"indicateur": code, "niveau": level, "niveau_libelle": level_label(level),
            "total": total, "page": page, "taille": size,
            "resultats": [v.as_dict() for v in values]}


@endpoint("v1/recherche", "search", "Recherche d'un territoire (nom, code, code postal)",
          (("q", "string", "texte recherché, sans souci des accents ni de la casse"),
           ("taille", "integer", "nombre de résultats (1 à 100)")), tags=("recherche",))
def search(request):
    query = request.GET.get("q", "").strip()
    if not query:
        raise BadRequest("paramètre « q » requis, ex. ?q=maurepas")
    try:
        size = int(request.GET.get("taille", 20))
    except ValueError as error:
        raise BadRequest("« taille » doit être un entier") from error
    if not 1 <= size <= 100:
        raise BadRequest("1 ≤ taille ≤ 100")
    return {"q": query, "resultats": [
        {"niveau": r["level"], "code": r["code"], "nom": r["name"],
         "departement": r["departement"], "url": f"/territoires/{r['level']}/{r['code']}/"}
        for r in get_store().search(query, size)]}


@endpoint("v1/couches/qpv.geojson", "qpv_layer",
          "Couche nationale des QPV 2024 (GeoJSON) avec la valeur d'un indicateur",
          (("indicateur", "string", "code d'indicateur (défaut : population)"),
           ("dans", "string", "niveau:code d'un territoire : ses seuls QPV, ex. commune:35238")),
          content_type="application/geo+json", tags=("cartes",))
def qpv_layer(request):
    store = get_store()
    code = request.GET.get("indicateur", "population")
    store.indicator(code)
    within = _within(request)
    if within:
        return store.layer("qpv", code, within)
    return HttpResponse(store.qpv_layer(code), content_type="application/geo+json")


@endpoint("v1/couches/<str:level>.geojson", "layer",
          "Couche d'un niveau à l'intérieur d'un territoire (GeoJSON)",
          (("dans", "string", "niveau:code du territoire englobant (requis hors régions)"),),
          content_type="application/geo+json", tags=("cartes",))
def layer(request, level):
    level = _level(level, ("commune", "epci", "departement", "region"))
    within = _within(request)
    if within is None and level not in ("region", "departement"):
        raise BadRequest("paramètre « dans » requis pour ce niveau, ex. dans=departement:35")
    return get_store().layer(level, within=within)


def _within(request) -> tuple[str, str] | None:
    """The enclosing territory of ``dans=niveau:code``, checked (404 with suggestions)."""
    if not request.GET.get("dans"):
        return None
    parent_level, _, parent_code = request.GET["dans"].partition(":")
    within = (_level(parent_level), parent_code)
    get_store().territory(*within)
    return within
