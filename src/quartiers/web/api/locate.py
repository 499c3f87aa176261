"""Locator API: one point or one address (GET), or a batch of points (POST, JSON), answered
in the order given."""

from __future__ import annotations

import contextlib
import json
import time

import numpy as np
from django.conf import settings
from django.core.cache import cache

from quartiers.engine.geo import CRS_CODES, WGS84
from quartiers.engine.locator import DEFAULT_RADIUS_M
from quartiers.engine.locator.geocoding import MAX_QUERY, AddressColumns, Geocoder

from ..core.locator import MAX_RADIUS_M, get_locator
from .views import BOOLEAN, NUMBER, STRING, BadRequest, TooManyRequests, component, endpoint, obj

MAX_BATCH = 100_000
CRS = {**CRS_CODES, **{crs: crs for crs in CRS_CODES.values()}}  # « 2154 » or « EPSG:2154 »
BODY = {"type": "object", "required": ["points"], "properties": {
    "points": {"type": "array", "maxItems": MAX_BATCH, "items": {"oneOf": [
        {"type": "array", "items": {"type": "number"}, "minItems": 2, "maxItems": 2},
        {"type": "object", "properties": {"id": {}, "lon": {"type": "number"},
                                          "lat": {"type": "number"}}}]}},
    "crs": {"type": "string", "enum": sorted(CRS)},
    "rayon": {"type": "number", "maximum": MAX_RADIUS_M}}}
ANSWER = {  # one point's answer: which keys are present depends on « statut » and « dans_qpv »
    "statut": {"type": "string", "enum": ["ok", "à vérifier", "erreur"]}, "id": {},
    "erreur": STRING, "motif": STRING, "dans_qpv": BOOLEAN,
    "qpv": obj({"code": STRING, "nom": STRING, "commune": STRING}),
    "qpv_proche": obj({"code": STRING, "nom": STRING}), "distance_limite_m": NUMBER}
OPTIONAL = tuple(k for k in ANSWER if k != "statut")
RULES = {"perimetres": STRING, "precision_m": NUMBER, "regle_limite": STRING}
LOCALISATION = component("Localisation", obj({
    **RULES, **ANSWER,
    "geocodage": obj({"service": STRING, "libelle": {"type": ["string", "null"]},
                      "type": {"type": ["string", "null"]}, "score": {"type": ["number", "null"]},
                      "lon": NUMBER, "lat": NUMBER}, ("lon", "lat"))},
    (*OPTIONAL, "geocodage"),
    "un point (ou une adresse géocodée) : dans un QPV, ou le QPV le plus proche"))
LOT = component("LocalisationLot", obj({
    **RULES, "rayon_m": NUMBER,
    "resultats": {"type": "array", "items": obj(ANSWER, OPTIONAL)}},
    description="un résultat par point, dans l'ordre donné"))


def _crs(value) -> str:
    if value is None:
        return WGS84
    if str(value) not in CRS:
        raise BadRequest(f"crs « {value} » inconnu ; possibles : 4326 (WGS84), 2154 (Lambert-93)")
    return CRS[str(value)]


def _radius(value) -> float:
    try:
        radius = float(DEFAULT_RADIUS_M if value is None else value)
    except (TypeError, ValueError) as error:
        raise BadRequest("« rayon » doit être un nombre de mètres") from error
    if not 0 <= radius <= MAX_RADIUS_M:
        raise BadRequest(f"0 ≤ rayon ≤ {MAX_RADIUS_M:.0f} m")
    return radius


def _single(body: dict) -> dict:
    return {"perimetres": body["perimetres"], "precision_m": body["precision_m"],
            "regle_limite": body["regle_limite"], **body["resultats"][0]}


def _within_quota(request) -> None:
    """Addresses per client and minute: the national service allows 50 requests a second to
    this whole server, shared with the files being geocoded (counted per process, over the
    minute that starts at the client's first address)."""
    client = request.META.get("REMOTE_ADDR", "")
    started = cache.get_or_set(f"geocodage-debut:{client}", time.time(), timeout=60)
    key = f"geocodage:{client}:{started}"
    cache.add(key, 0, timeout=60)
    if cache.incr(key) > settings.QUARTIERS.geocoding_per_minute:
        raise TooManyRequests(f"plus de {settings.QUARTIERS.geocoding_per_minute} adresses par "
                              "minute : réessayez dans une minute, ou envoyez un fichier "
                              "(page /localiser/)")


def _locate_address(request, address: str, radius: float) -> dict:
    """Geocode one address, then locate it; the answer says how well the address was found."""
    _within_quota(request)
    if not address.strip():
        raise BadRequest("« adresse » est vide")
    if len(address) > MAX_QUERY:
        raise BadRequest(f"« adresse » : {MAX_QUERY} caractères au plus")
    # one public request must not hold a worker for minutes: short timeout, one retry
    geocoder = Geocoder.from_setting(settings.QUARTIERS.geocoder, timeout_s=15.0, retries=1)
    if geocoder is None:
        raise BadRequest("le géocodage est désactivé sur cette installation : donnez lon et lat")
    with geocoder:
        found = geocoder.geocode([[address]], AddressColumns(query=(0,)))
    answer = _single(_answers(found.lon, found.lat, WGS84, radius, notes=found.problem))
    score = found.score[0]
    answer["geocodage"] = {"service": geocoder.public_url, "libelle": found.label[0],
                           "type": found.kind[0],
                           "score": float(score) if np.isfinite(score) else None}
    if np.isfinite(found.lon[0]):
        answer["geocodage"].update(lon=float(found.lon[0]), lat=float(found.lat[0]))
    return answer


def _answers(a, b, crs: str, radius: float, ids=None, notes=None) -> dict:
    locator = get_locator()
    perimeters = locator.perimeters
    results = []
    for i, found in enumerate(locator.locate(a, b, crs, radius).answers(notes)):
        answer = {"statut": found.status}
        if ids is not None:
            answer["id"] = ids[i]
        if found.status == "erreur":
            answer["erreur"] = found.reason
        elif found.qpv >= 0:
            answer.update(dans_qpv=True, qpv={"code": perimeters.codes[found.qpv],
                                              "nom": perimeters.names[found.qpv],
                                              "commune": perimeters.communes[found.qpv]},
                          distance_limite_m=round(found.distance, 1))
        else:
            answer["dans_qpv"] = False
            if found.nearest >= 0:
                answer.update(qpv_proche={"code": perimeters.codes[found.nearest],
                                          "nom": perimeters.names[found.nearest]},
                              distance_limite_m=round(found.distance, 1))
        if found.status == "à vérifier" and found.reason:
            answer["motif"] = found.reason
        results.append(answer)
    return {"perimetres": perimeters.label, "precision_m": perimeters.precision_m,
            "rayon_m": radius, "regle_limite": "un point exactement sur une limite est dans le "
            "QPV ; à moins de la précision d'une limite, il est « à vérifier »",
            "resultats": results}


@endpoint("v1/localiser", "locate",
          "Ce point ou cette adresse est-il dans un QPV ? (GET : un point ou une adresse ; "
          "POST : jusqu'à 100 000 points)",
          (("lon", "number", "longitude WGS84 (ou x Lambert-93 avec crs=2154)"),
           ("lat", "number", "latitude WGS84 (ou y Lambert-93 avec crs=2154)"),
           ("adresse", "string", "à défaut de lon et lat : adresse postale, géocodée par le "
                                 "service national (ex. « 18 rue Théodore Botrel 35171 Bruz »)"),
           ("crs", "string", "4326 (défaut) ou 2154"),
           ("rayon", "number", "rayon de recherche du QPV le plus proche (m, défaut "
                               f"{DEFAULT_RADIUS_M:.0f})")),
          tags=("localisation",), methods=("GET", "POST"), body=BODY, response=LOCALISATION,
          body_response=LOT, example="v1/localiser?lon=-1.6588&lat=48.1258")
def locate(request):
    if request.method == "GET":
        if "adresse" in request.GET and "lon" not in request.GET:
            return _locate_address(request, request.GET["adresse"],
                                   _radius(request.GET.get("rayon")))
        try:
            a, b = float(request.GET["lon"]), float(request.GET["lat"])
        except KeyError as error:
            raise BadRequest("paramètres « lon » et « lat » (ou « adresse ») requis, ex. "
                             "?lon=-1.6588&lat=48.1258") from error
        except ValueError as error:
            raise BadRequest("« lon » et « lat » doivent être des nombres (point décimal)"
                             ) from error
        body = _answers([a], [b], _crs(request.GET.get("crs")), _radius(request.GET.get("rayon")))
        return _single(body)
    if request.content_type != "application/json":  # a form post from another site: refused
        raise BadRequest("corps attendu en JSON, avec l'en-tête « Content-Type: "
                         "application/json »")
    try:
        payload = json.loads(request.body or b"null")
    except json.JSONDecodeError as error:
        raise BadRequest(f"corps JSON invalide : {error}") from error
    if not isinstance(payload, dict) or not isinstance(payload.get("points"), list):
        raise BadRequest("corps attendu : {\"points\": [[lon, lat], …]} ou "
                         "{\"points\": [{\"id\": …, \"lon\": …, \"lat\": …}, …]}")
    points = payload["points"]
    if len(points) > MAX_BATCH:
        raise BadRequest(f"{len(points)} points : {MAX_BATCH} au plus par requête")
    a, b, ids = np.full(len(points), np.nan), np.full(len(points), np.nan), None
    if points and isinstance(points[0], dict):
        ids = [p.get("id") if isinstance(p, dict) else None for p in points]
    for i, point in enumerate(points):
        pair = (point.get("lon"), point.get("lat")) if isinstance(point, dict) else point
        if isinstance(pair, list | tuple) and len(pair) == 2 and all(
                isinstance(v, int | float) and not isinstance(v, bool) for v in pair):
            # anything else stays NaN: an error on that row, not on the batch
            with contextlib.suppress(OverflowError):  # integers too large for a float
                a[i], b[i] = float(pair[0]), float(pair[1])
    return _answers(a, b, _crs(payload.get("crs")), _radius(payload.get("rayon")), ids)
