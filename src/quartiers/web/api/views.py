"""Open JSON API: official codes as identifiers, pagination, helpful 400/404 errors.

Each view is declared with ``endpoint(...)``, with its parameters and the schema of its answer
(named components, declared once below): the OpenAPI document and the ``/api/`` page are
generated from these declarations, so they cannot drift from the views.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable
from dataclasses import dataclass, field

from django.http import HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt

from quartiers.engine.exports import nested_levels
from quartiers.engine.indicators.catalogue import INDICATORS
from quartiers.engine.indicators.model import ADMIN_LEVELS
from quartiers.engine.levels import LEVELS, PROFILE_LEVELS, level_label
from quartiers.engine.locator.geocoding import GeocodingError
from quartiers.engine.profiles import build_profile
from quartiers.engine.warehouse.marts import STATUS_LABELS
from quartiers.engine.warehouse.store import NotFound, Value, WarehouseMissing, plain

from ..core.build_cache import served_from_build
from ..core.downloads import TABLE_FORMATS, profile_download, table_download
from ..core.errors import BadRequest
from ..core.warehouse import get_store

MAX_PAGE_SIZE = 1000
# levels with values: territories, and the QPV of a territory taken together (« qpv_region »)
VALUE_LEVELS = (*LEVELS, *(f"{b}_{p}" for b in ("qpv", "qpv2015") for p in ADMIN_LEVELS))
MAX_PAGE = 1_000_000


class TooManyRequests(BadRequest):
    """A client asking more than its share of a limited service (answered 429)."""


# -- response schemas: named components of the OpenAPI document -----------------------------
SCHEMAS: dict[str, dict] = {}


def component(name: str, schema: dict) -> dict:
    """Declare a named schema (``components/schemas/<name>``) and return a reference to it."""
    SCHEMAS[name] = schema
    return {"$ref": f"#/components/schemas/{name}"}


def obj(properties: dict, optional: tuple[str, ...] = (), description: str = "") -> dict:
    """An object with exactly these keys, all present but the ``optional`` ones."""
    schema = {"type": "object", "properties": properties,
              "required": [k for k in properties if k not in optional],
              "additionalProperties": False}
    return {"description": description, **schema} if description else schema


def array(items: dict) -> dict:
    return {"type": "array", "items": items}


def nullable(kind: str) -> dict:
    return {"type": [kind, "null"]}


STRING, INTEGER, NUMBER, BOOLEAN = ({"type": t} for t in ("string", "integer", "number", "boolean"))
NIVEAU = component("Niveau", {"type": "string", "enum": list(PROFILE_LEVELS),
                              "description": "niveau d'un territoire"})
NIVEAU_VALEUR = component("NiveauValeur", {
    "type": "string", "enum": list(VALUE_LEVELS),
    "description": "niveau d'une valeur : un territoire, ou l'ensemble des QPV (2024 ou 2015) "
                   "d'un territoire administratif (ex. qpv_region)"})
STATUT = component("Statut", {
    "type": "string", "enum": list(STATUS_LABELS),
    "description": "statut d'une valeur : " + " ; ".join(f"{k} = {v}" for k, v in STATUS_LABELS.items())})
ERREUR = component("Erreur", obj({"erreur": STRING, "statut": INTEGER,
                                  "suggestions": array({"type": "object"})}, ("suggestions",),
                                 "message en français, code HTTP, et propositions proches"))
VALEUR_PROPERTIES = {
    "indicateur": STRING, "niveau": NIVEAU_VALEUR, "code": STRING, "millesime": STRING,
    "annee": nullable("integer"), "valeur": nullable("number"), "statut": STATUT,
    "statut_libelle": STRING, "geographie": nullable("string"), "source": STRING,
    "methode": STRING, "note": nullable("string"), "unites": INTEGER,
    "unites_sans_valeur": INTEGER}
VALEUR = component("Valeur", obj(VALEUR_PROPERTIES, description="une valeur et sa provenance"))
SUJET = obj({"niveau": NIVEAU, "code": STRING})
REFERENCE = component("Reference", obj({"niveau": NIVEAU_VALEUR, "code": STRING,
                                        "libelle": STRING}))
TERRITOIRE_PROPERTIES = {
    "niveau": NIVEAU, "code": STRING, "nom": STRING, "population": nullable("number"),
    "departement": nullable("string"), "region": nullable("string"), "epci": nullable("string"),
    "commune": nullable("string"),
    "centre": {"type": ["array", "null"], "items": NUMBER, "minItems": 2, "maxItems": 2},
    "url": STRING}
TERRITOIRE = component("Territoire", obj(TERRITOIRE_PROPERTIES))
NOMME = obj({"code": STRING, "nom": STRING})
TERRITOIRE_DETAIL = component("TerritoireDetail", obj({
    **TERRITOIRE_PROPERTIES, "niveau_libelle": STRING,
    "parents": array(obj({"niveau": NIVEAU, "code": STRING, "nom": STRING,
                          "principal": BOOLEAN})),
    "qpv": array(NOMME), "references": array(REFERENCE), "chiffres_cles": array(VALEUR),
    "a_savoir": array(STRING),
    "geographie_2015": array(obj({"code": nullable("string"), "nom": nullable("string"),
                                  "statut": STRING, "continuite": STRING})),
    "geographie_2024": array(obj({"code": STRING, "nom": STRING, "statut": STRING})),
    "contrats_de_ville": array(obj({"code": STRING, "nom": STRING, "generation": STRING})),
    "donnees_partenaires": array(obj({
        "convention": STRING, "producteur": STRING, "licence": STRING, "titre": STRING,
        "millesime": STRING, "publie_le": STRING,
        "valeurs": array(obj({
            "mesure": STRING, "libelle": STRING, "unite": STRING, "niveau": STRING,
            "code": STRING, "nom": STRING, "millesime": STRING, "valeur": nullable("number"),
            "statut": {"type": "string", "enum": ["ok", "secret", "public"]}}))}))},
    ("geographie_2015", "geographie_2024", "contrats_de_ville"),
    "un territoire, sa hiérarchie, ses références ; geographie_2015 pour un QPV, "
    "geographie_2024 pour un QPV 2015, contrats_de_ville (2024-2030 puis 2015-2023) pour un "
    "EPCI ou une commune signataire ; donnees_partenaires : "
    "les valeurs publiées par le tiers de confiance (licence : la convention ; statut secret : "
    "case masquée par le secret statistique)"))
PAGE = {"total": INTEGER, "page": INTEGER, "taille": INTEGER}
PAGE_TERRITOIRES = component("PageTerritoires", obj({**PAGE, "pages": INTEGER,
                                                     "resultats": array(TERRITOIRE)}))
VALEURS_TERRITOIRE = component("ValeursTerritoire", obj({"territoire": SUJET,
                                                         "valeurs": array(VALEUR)}))
SERIE = component("Serie", obj({
    "indicateur": STRING, "libelle": STRING, "unite": STRING, "annees": array(INTEGER),
    "lignes": array(obj({"libelle": STRING, "geographie": nullable("string"),
                         "continuite": nullable("string"), "valeurs": array(VALEUR)}))},
    description="l'évolution d'un indicateur : une ligne par géographie"))
SERIES_TERRITOIRE = component("SeriesTerritoire", obj({"territoire": SUJET,
                                                       "series": array(SERIE)}))
COMPARAISON = component("Comparaison", obj({
    "territoire": SUJET, "references": array(REFERENCE),
    "lignes": array(obj({"indicateur": STRING, "libelle": STRING, "unite": STRING,
                         "valeurs": array({"anyOf": [
                             obj({**VALEUR_PROPERTIES, "millesime_different": BOOLEAN}),
                             {"type": "null"}]})}))},
    description="une ligne par indicateur, une valeur par référence (null : pas de valeur)"))
INDICATEUR_PROPERTIES = {
    "code": STRING, "libelle": STRING, "theme": STRING, "unite": STRING, "definition": STRING,
    "methode": nullable("string"), "niveaux": array(NIVEAU_VALEUR), "sources": array(STRING),
    "decimales": INTEGER, "geographies_qpv": array(STRING),
    "peut_depasser_100": {"type": ["string", "null"],
                          "description": "pourquoi une part peut dépasser 100 %, s'il y a lieu"}}
INDICATEUR = component("Indicateur", obj(INDICATEUR_PROPERTIES, description=(
    "un indicateur ; « niveaux » : ceux où l'entrepôt a des valeurs")))
INDICATEUR_DETAIL = component("IndicateurDetail", obj({
    **INDICATEUR_PROPERTIES,
    "distribution": obj({"niveau": NIVEAU, "millesime": nullable("string"), "effectif": INTEGER,
                         "sans_valeur": INTEGER,
                         "quantiles": obj({q: nullable("number") for q in (
                             "min", "d1", "q1", "mediane", "q3", "d9", "max")})})},
    ("distribution",)))
LISTE_INDICATEURS = component("ListeIndicateurs", obj({"total": INTEGER,
                                                       "resultats": array(INDICATEUR)}))
PAGE_VALEURS = component("PageValeurs", obj({
    "indicateur": STRING, "niveau": NIVEAU_VALEUR, "niveau_libelle": STRING, **PAGE,
    "resultats": array(VALEUR)}))
RECHERCHE = component("Recherche", obj({"q": STRING, "resultats": array(obj({
    "niveau": NIVEAU, "code": STRING, "nom": STRING, "departement": nullable("string"),
    "url": STRING}))}))
GEOMETRIE = component("Geometrie", {
    "type": "object", "required": ["type", "coordinates"],
    "properties": {"type": {"enum": ["Polygon", "MultiPolygon"]},
                   "coordinates": {"type": "array"}},
    "description": "géométrie GeoJSON (WGS84)"})
PERIMETRE = component("Perimetre", obj({
    "type": {"const": "Feature"}, "geometry": GEOMETRIE,
    "properties": obj({"niveau": NIVEAU, "code": STRING, "nom": STRING, "precision": STRING})},
    description="Feature GeoJSON : le périmètre simplifié d'un territoire"))
COUCHE = component("Couche", obj({
    "type": {"const": "FeatureCollection"},
    "features": array(obj({"type": {"const": "Feature"}, "id": INTEGER, "geometry": GEOMETRIE,
                           "properties": obj({"code": STRING, "nom": STRING,
                                              "valeur": nullable("number"),
                                              "remarque": nullable("string")})}))},
    description="FeatureCollection GeoJSON : un territoire par entité, avec la valeur d'un "
                "indicateur (null : non publiée ou sans objet)"))


def default_response(content_type: str) -> dict:
    """The schema of an answer declared without one (an endpoint added elsewhere)."""
    if content_type.endswith("json"):
        return {"type": "object"}
    if content_type.startswith("text/"):
        return STRING
    return {"type": "string", "contentMediaType": content_type}


# -- endpoints ------------------------------------------------------------------------------
@dataclass(frozen=True)
class Param:
    name: str
    schema: dict
    description: str
    required: bool = False


# public names and schemas of the views' path arguments (« level » is written {niveau})
PATH_PARAMS = {
    "level": Param("niveau", NIVEAU, "niveau du territoire"),
    "code": Param("code", STRING, "code officiel : QN… (QPV), INSEE (commune), SIREN (EPCI), "
                                  "numéro (département, région), FR (France)"),
    "indicator_code": Param("indicateur", STRING, "code de l'indicateur (voir /api/v1/indicateurs)"),
    "fmt": Param("format", {"type": "string", "enum": list(TABLE_FORMATS)}, "format du fichier"),
}
EXAMPLES = {"level": "commune", "code": "35238", "indicator_code": "taux_pauvrete", "fmt": "csv"}
ROUTE_ARGUMENT = re.compile(r"<(?:\w+:)?(\w+)>")


@dataclass
class Endpoint:
    path: str  # Django route, under /api/
    name: str
    summary: str
    view: Callable
    params: tuple[Param, ...] = ()  # query parameters
    content_type: str | tuple[str, ...] = "application/json"
    tags: tuple[str, ...] = field(default_factory=lambda: ("territoires",))
    methods: tuple[str, ...] = ("GET",)
    body: dict | None = None  # JSON schema of a POST body
    response: dict | None = None  # schema of the answer (a component reference)
    body_response: dict | None = None  # schema of the answer to a POST, when it differs
    path_params: dict[str, Param] = field(default_factory=dict)  # overrides of PATH_PARAMS
    example: str = ""  # a working URL under /api/ (default: the route with sample arguments)

    @property
    def content_types(self) -> tuple[str, ...]:
        types = self.content_type
        return (types,) if isinstance(types, str) else types

    @property
    def arguments(self) -> list[tuple[str, Param]]:
        """(view argument, public parameter) of each path argument, in order."""
        return [(name, self.path_params.get(name, PATH_PARAMS.get(name, Param(name, STRING, name))))
                for name in ROUTE_ARGUMENT.findall(self.path)]

    @property
    def public_path(self) -> str:
        """« /api/v1/territoires/{niveau}/{code} »: the route as OpenAPI writes it."""
        names = dict(self.arguments)
        return "/api/" + ROUTE_ARGUMENT.sub(lambda m: "{" + names[m.group(1)].name + "}",
                                            self.path)

    @property
    def example_url(self) -> str:
        return "/api/" + (self.example or ROUTE_ARGUMENT.sub(
            lambda m: EXAMPLES.get(m.group(1), m.group(1)), self.path))


ENDPOINTS: list[Endpoint] = []

CORS_PREFLIGHT = {"Access-Control-Allow-Methods": "GET, HEAD, OPTIONS",
                  "Access-Control-Allow-Headers": "Accept, Accept-Language, If-None-Match, "
                                                  "If-Modified-Since",
                  "Access-Control-Max-Age": "86400"}


def open_to_other_sites(view: Callable, methods: tuple[str, ...] = ("GET",)) -> Callable:
    """CORS: any web page may read the API's GET (and HEAD) answers, errors included, and a
    preflight (OPTIONS) is answered for them. The data is open and read-only and the API uses
    no cookie nor session, so « * » exposes nothing private.

    POST is not opened to other sites: the only POST (a batch of up to 100,000 points to
    locate) costs seconds of computing, and letting any page make its visitors' browsers send
    it would spread that load over addresses nobody can block. Scripts and servers are not
    bound by CORS and may POST as before; a web page elsewhere can GET one point at a time."""

    def wrapped(request, **kwargs):
        if request.method == "OPTIONS":
            response = HttpResponse(status=204)
            response["Allow"] = ", ".join(dict.fromkeys((*methods, "HEAD", "OPTIONS")))
            for header, value in CORS_PREFLIGHT.items():
                response[header] = value
        else:
            response = view(request, **kwargs)
        if request.method in ("GET", "HEAD", "OPTIONS"):
            response["Access-Control-Allow-Origin"] = "*"
            response["Access-Control-Expose-Headers"] = "ETag, Content-Disposition"
        return response

    wrapped.__name__ = view.__name__
    wrapped.__doc__ = view.__doc__
    return wrapped


def endpoint(path, name, summary, params=(), content_type="application/json",
             tags=("territoires",), methods=("GET",), body=None, response=None,
             body_response=None, path_params=None, example=""):
    """Declare a view of the API. ``params`` are its query parameters, as ``Param`` or as
    (name, type, description) triples; ``response`` the schema of its answer (by default, by
    its content type)."""
    params = tuple(p if isinstance(p, Param) else Param(p[0], {"type": p[1]}, p[2]) for p in params)
    content_types = (content_type,) if isinstance(content_type, str) else content_type
    response = response or default_response(content_types[0])
    json_type = content_types[0] if content_types[0].endswith("json") else "application/json"

    def register(view):
        def wrapped(request, **kwargs):
            method = "GET" if request.method == "HEAD" else request.method
            if method not in methods:
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
            return JsonResponse(result, content_type=json_type, json_dumps_params={"ensure_ascii": False})

        wrapped.__name__ = view.__name__
        # what only reads the warehouse is served from the build (ETag, 304, page cache),
        # inside CORS so that a 304 carries its headers too; an open API: nothing to forge
        served = served_from_build(wrapped) if methods == ("GET",) else wrapped
        opened = csrf_exempt(open_to_other_sites(served, methods))
        ENDPOINTS.append(Endpoint(path, name, summary, opened, params, content_type, tags,
                                  methods, body, response, body_response, path_params or {},
                                  example))
        return opened

    return register


def _unknown_path(request, path: str = ""):
    """Any other path under /api/: a JSON 404 naming the close paths, not the HTML page."""
    asked = request.path
    close = difflib.get_close_matches(asked, [e.public_path for e in ENDPOINTS], n=3, cutoff=0.6)
    return _error(f"chemin d'API inconnu : {asked} ; les chemins sont décrits sur /api/ et "
                  "dans /api/v1/openapi.json", 404, [{"chemin": c} for c in close])


unknown_path = csrf_exempt(open_to_other_sites(_unknown_path))


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
        asked = "paramètre « niveau » requis" if value is None else f"niveau « {value} » inconnu"
        raise BadRequest(f"{asked} ; niveaux possibles : {', '.join(allowed) or 'aucun'}")
    return value


def _coverage() -> dict[str, dict[str, list[str]]]:
    """Where the warehouse has values of each indicator, levels in the API's order."""
    return {code: {lv: levels[lv] for lv in VALUE_LEVELS if lv in levels}
            for code, levels in get_store().coverage().items()}


def _levels_of(code: str) -> list[str]:
    return list(_coverage().get(code, {}))


def _with_values(code: str, level: str) -> str:
    """The level, if the indicator has values there: else a 400 naming where it has some."""
    if level not in _levels_of(code):
        raise BadRequest(f"l'indicateur « {code} » n'a aucune valeur au niveau « {level} » ; "
                         f"niveaux disponibles : {', '.join(_levels_of(code)) or 'aucun'}")
    return level


def _territory_json(row: dict) -> dict:
    return {"niveau": row["level"], "code": row["code"], "nom": row["name"],
            "population": plain(row["population"]), "departement": row["departement"],
            "region": row["region"], "epci": row["epci"], "commune": row["commune"],
            "centre": [row["lon"], row["lat"]] if row["lon"] is not None else None,
            "url": f"/territoires/{row['level']}/{row['code']}/"}


def _indicator_json(indicator) -> dict:
    return {"code": indicator.code, "libelle": indicator.label, "theme": indicator.theme,
            "unite": indicator.unit, "definition": indicator.definition,
            "methode": indicator.method or None, "niveaux": _levels_of(indicator.code),
            "sources": list(indicator.sources), "decimales": indicator.decimals,
            "geographies_qpv": list(indicator.geographies),
            "peut_depasser_100": indicator.may_exceed_100 or None}


PAGING = (Param("page", INTEGER, "numéro de page (1…)"),
          Param("taille", INTEGER, f"résultats par page (1 à {MAX_PAGE_SIZE}, défaut 100)"))


@endpoint("v1/territoires", "territories", "Liste paginée des territoires d'un niveau",
          (Param("niveau", NIVEAU, "niveau des territoires (défaut : qpv)"),
           Param("dans", STRING, "niveau:code d'un territoire englobant, ex. region:53"), *PAGING),
          response=PAGE_TERRITOIRES, example="v1/territoires?niveau=qpv&dans=region:53")
def territories(request):
    level = _level(request.GET.get("niveau", "qpv"))
    page, size = _page(request)
    total, rows = get_store().territories(level, size, (page - 1) * size, _within(request, level))
    return {"total": total, "page": page, "taille": size,
            "pages": (total + size - 1) // size,
            "resultats": [_territory_json(r) for r in rows]}


@endpoint("v1/territoires/<str:level>/<str:code>", "territory",
          "Un territoire, sa hiérarchie et ses territoires de comparaison",
          response=TERRITOIRE_DETAIL, example="v1/territoires/qpv/QN03504M")
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
    if level in ("epci", "commune"):
        body["contrats_de_ville"] = [{"code": c["code"], "nom": c["name"],
                                      "generation": c["generation"]}
                                     for c in profile.contrats]
    body["donnees_partenaires"] = [{
        "convention": r["agreement"], "producteur": r["producer"], "licence": r["licence"],
        "titre": r["recipe_title"], "millesime": r["vintage"], "publie_le": r["released_at"],
        "valeurs": [{"mesure": row["code"], "libelle": row["label"], "unite": row["unit"],
                     "niveau": place["level_code"], "code": place["code"], "nom": place["name"],
                     "millesime": vintage, "valeur": cell["value"], "statut": cell["status"]}
                    for place in r["places"] for row in place["rows"]
                    for vintage, cell in zip(place["vintages"], row["cells"], strict=True)
                    if cell is not None]}
        for r in profile.partners]
    return body


@endpoint("v1/territoires/<str:level>/<str:code>/series", "territory_series",
          "Évolution dans le temps : pour chaque indicateur publié plusieurs années, les séries "
          "du territoire et celles qui le prolongent (QPV 2015 prédécesseurs, ensemble des QPV "
          "2015), chacune nommée par sa géographie", response=SERIES_TERRITOIRE,
          example="v1/territoires/qpv/QN03504M/series")
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
          (Param("indicateur", STRING, "code d'un indicateur (facultatif) ; 400 s'il n'a aucune "
                                       "valeur au niveau du territoire"),),
          response=VALEURS_TERRITOIRE)
def territory_values(request, level, code):
    store = get_store()
    store.territory(_level(level), code)
    indicator = request.GET.get("indicateur")
    if indicator:
        _with_values(store.indicator(indicator).code, level)
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
          "Tableau de comparaison avec les territoires de référence", response=COMPARAISON)
def territory_comparison(request, level, code):
    store = get_store()
    store.territory(_level(level), code)
    return _comparison_json(level, code, store.comparison(level, code))


@endpoint("v1/territoires/<str:level>/<str:code>/comparaison-qpv", "territory_qpv_comparison",
          "L'ensemble des QPV d'un territoire administratif, comparé à ceux de sa région et de "
          "France", response=COMPARAISON,
          path_params={"level": Param("niveau", {"type": "string", "enum": list(ADMIN_LEVELS)},
                                      "niveau administratif du territoire")})
def territory_qpv_comparison(request, level, code):
    level = _level(level, ADMIN_LEVELS)
    return _comparison_json(level, code, get_store().qpv_comparison(level, code))


@endpoint("v1/territoires/<str:level>/<str:code>/perimetre.geojson", "territory_geojson",
          "Périmètre (GeoJSON, WGS84, simplifié pour le web)", content_type="application/geo+json",
          response=PERIMETRE)
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
    return profile_download(_level(level), code, "csv")  # the page's download


@endpoint("v1/territoires/<str:level>/<str:code>/tableau.<str:fmt>", "territory_table",
          "Tableau large : chaque territoire d'un niveau plus fin à l'intérieur de celui-ci "
          "(les QPV d'une région, les communes d'un EPCI…), une ligne par territoire, une "
          "colonne par indicateur à son dernier millésime et, à côté, une colonne « _statut » "
          "(vide : publié ; sinon non_publie, secret, incomplet, estimation, hors_bornes, "
          "incoherent, ou absent quand le territoire n'a pas de valeur à ce millésime). En CSV "
          "et XLSX, les 4 lignes sous l'en-tête donnent libellé, unité, millésime et source de "
          "chaque colonne ; en Parquet, les métadonnées de chaque colonne",
          (Param("niveau", NIVEAU, "niveau des lignes, plus fin que celui du territoire "
                                   "(ex. qpv dans une région)", required=True),),
          content_type=tuple(t.split(";")[0] for t in TABLE_FORMATS.values()),
          example="v1/territoires/region/53/tableau.csv?niveau=qpv")
def territory_table(request, level, code, fmt):
    level = _level(level)
    if not nested_levels(level):
        raise BadRequest(f"un territoire de niveau « {level} » n'en contient pas d'autre : "
                         "pas de tableau")
    return table_download(level, code, _level(request.GET.get("niveau"), nested_levels(level)),
                          fmt)


@endpoint("v1/indicateurs", "indicators", "Catalogue des indicateurs", tags=("indicateurs",),
          response=LISTE_INDICATEURS)
def indicators(request):
    return {"total": len(INDICATORS), "resultats": [_indicator_json(i) for i in INDICATORS]}


@endpoint("v1/indicateurs/<str:indicator_code>", "indicator",
          "Un indicateur et sa distribution entre QPV", tags=("indicateurs",),
          response=INDICATEUR_DETAIL)
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
          "Valeurs d'un indicateur pour tous les territoires d'un niveau (paginé) ; 400 nommant "
          "les niveaux disponibles si l'indicateur n'a aucune valeur au niveau demandé",
          (Param("niveau", NIVEAU_VALEUR, "niveau des valeurs (défaut : qpv si l'indicateur y a "
                                          "des valeurs, sinon son premier niveau)"),
           Param("millesime", STRING, "millésime (défaut : le plus récent)"), *PAGING),
          tags=("indicateurs",), response=PAGE_VALEURS,
          example="v1/indicateurs/population/valeurs?niveau=qpv_region")
def indicator_values(request, indicator_code):
    store = get_store()
    code = store.indicator(indicator_code).code
    levels = _levels_of(code)
    default = "qpv" if "qpv" in levels or not levels else levels[0]
    level = _with_values(code, _level(request.GET.get("niveau", default), VALUE_LEVELS))
    vintage = request.GET.get("millesime")
    if vintage is not None and vintage not in _coverage()[code][level]:
        raise BadRequest(f"millésime « {vintage} » inconnu pour « {code} » au niveau « {level} » ;"
                         f" millésimes disponibles : {', '.join(_coverage()[code][level])}")
    page, size = _page(request)
    total, values = store.indicator_values(code, level, vintage, size, (page - 1) * size)
    return {"indicateur": code, "niveau": level, "niveau_libelle": level_label(level),
            "total": total, "page": page, "taille": size,
            "resultats": [v.as_dict() for v in values]}


@endpoint("v1/recherche", "search", "Recherche d'un territoire (nom, code, code postal)",
          (Param("q", STRING, "texte recherché, sans souci des accents ni de la casse",
                 required=True),
           Param("taille", INTEGER, "nombre de résultats (1 à 100, défaut 20)")),
          tags=("recherche",), response=RECHERCHE, example="v1/recherche?q=saint-nazaire")
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
          (Param("indicateur", STRING, "code d'un indicateur ayant des valeurs par QPV "
                                       "(défaut : population)"),
           Param("dans", STRING, "niveau:code d'un territoire : ses seuls QPV, ex. commune:35238")),
          content_type="application/geo+json", tags=("cartes",), response=COUCHE,
          example="v1/couches/qpv.geojson?dans=commune:35238&indicateur=taux_pauvrete")
def qpv_layer(request):
    store = get_store()
    code = store.indicator(request.GET.get("indicateur", "population")).code
    _with_values(code, "qpv")
    within = _within(request, "qpv")
    if within:
        return store.layer("qpv", code, within)
    return HttpResponse(store.qpv_layer(code), content_type="application/geo+json")


LAYER_LEVELS = ("commune", "epci", "departement", "region")


@endpoint("v1/couches/<str:level>.geojson", "layer",
          "Couche d'un niveau à l'intérieur d'un territoire (GeoJSON)",
          (Param("dans", STRING, "niveau:code du territoire englobant (requis hors régions et "
                                 "départements), ex. departement:35"),),
          content_type="application/geo+json", tags=("cartes",), response=COUCHE,
          path_params={"level": Param("niveau", {"type": "string", "enum": list(LAYER_LEVELS)},
                                      "niveau des territoires de la couche")},
          example="v1/couches/commune.geojson?dans=departement:35")
def layer(request, level):
    level = _level(level, LAYER_LEVELS)
    within = _within(request, level)
    if within is None and level not in ("region", "departement"):
        raise BadRequest("paramètre « dans » requis pour ce niveau, ex. dans=departement:35")
    return get_store().layer(level, within=within)


def _within(request, level: str | None = None) -> tuple[str, str] | None:
    """The enclosing territory of ``dans=niveau:code``, checked (404 with suggestions), and
    able to hold territories of ``level`` when given (a 400 rather than an empty answer)."""
    if not request.GET.get("dans"):
        return None
    parent_level, _, parent_code = request.GET["dans"].partition(":")
    within = (_level(parent_level), parent_code)
    get_store().territory(*within)
    if level and level not in nested_levels(parent_level):
        raise BadRequest(f"aucun territoire de niveau « {level} » dans un territoire de niveau "
                         f"« {parent_level} » ; niveaux englobants possibles : "
                         f"{', '.join(lv for lv in PROFILE_LEVELS if level in nested_levels(lv))}")
    return within
