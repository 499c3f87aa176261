"""The OpenAPI 3.1 document and the ``/api/`` page, both generated from the declared endpoints
and their named response components."""

from __future__ import annotations

from django.http import JsonResponse
from django.shortcuts import render
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.views.decorators.csrf import csrf_exempt

from .views import ENDPOINTS, ERREUR, SCHEMAS, Endpoint, Param, default_response, open_to_other_sites

TAGS = {"territoires": "Territoires", "indicateurs": "Indicateurs", "recherche": "Recherche",
        "cartes": "Cartes (GeoJSON)", "localisation": "Localisation",
        "analyses": "Analyses (cas d'usage)"}


def _error(description: str) -> dict:
    return {"description": description, "content": {"application/json": {"schema": ERREUR}}}


def _responses(endpoint: Endpoint, schema: dict) -> dict:
    responses = {
        "200": {"description": "succès", "content": {
            content_type: {"schema": schema if i == 0 else default_response(content_type)}
            for i, content_type in enumerate(endpoint.content_types)}},
        "400": _error("paramètre invalide (message en français)"),
        "404": _error("territoire, indicateur, analyse ou chemin inconnu (avec suggestions)"),
    }
    if any(p.name == "adresse" for p in endpoint.params):
        responses["429"] = _error("trop d'adresses par minute pour ce client")
        responses["502"] = _error("le service de géocodage ne répond pas")
    return responses


def _parameter(param: Param, where: str) -> dict:
    return {"name": param.name, "in": where, "required": where == "path" or param.required,
            "schema": param.schema, "description": param.description}


def schema() -> dict:
    paths = {}
    for endpoint in ENDPOINTS:
        operations = {}
        for method in endpoint.methods:
            operation = {"operationId": f"{endpoint.name}_{method.lower()}",
                         "summary": endpoint.summary, "tags": list(endpoint.tags)}
            if method == "GET":
                operation["parameters"] = (
                    [_parameter(p, "path") for _, p in endpoint.arguments]
                    + [_parameter(p, "query") for p in endpoint.params])
                operation["responses"] = _responses(endpoint, endpoint.response)
            else:
                operation["requestBody"] = {"required": True, "content": {
                    "application/json": {"schema": endpoint.body}}}
                operation["responses"] = _responses(
                    endpoint, endpoint.body_response or endpoint.response)
            operations[method.lower()] = operation
        paths[endpoint.public_path] = operations
    return {"openapi": "3.1.0",
            "info": {"title": "API ouverte Quartiers", "version": "1",
                     "description": "Territoires de la politique de la ville, indicateurs et "
                                    "provenance. Données sous Licence Ouverte / Etalab 2.0. "
                                    "Lecture ouverte à toute origine (CORS) ; erreurs en JSON.",
                     "license": {"name": "MIT (code) ; Licence Ouverte 2.0 (données)"}},
            "servers": [{"url": "/", "description": "ce serveur (chemins relatifs à son origine)"}],
            "tags": [{"name": name, "description": label} for name, label in TAGS.items()],
            "paths": paths,
            "components": {"schemas": dict(SCHEMAS)}}


@csrf_exempt
def _openapi_view(request):
    return JsonResponse(schema(), json_dumps_params={"ensure_ascii": False})


openapi_view = open_to_other_sites(_openapi_view)

TYPES = {"string": "texte", "integer": "entier", "number": "nombre", "boolean": "booléen",
         "object": "objet", "array": "liste"}


def _type_label(schema: dict) -> str:
    """« texte : qpv, commune… », « entier », « Territoire » in French words for the page."""
    if "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[1]
        return _type_label(SCHEMAS[name]) if "enum" in SCHEMAS[name] else name
    kind = TYPES.get(schema.get("type"), "texte")
    return f"{kind} : {', '.join(schema['enum'])}" if "enum" in schema else kind


def _breakable(text: str) -> str:
    """A long path, URL or media type that may wrap after each / ? & . on a narrow screen."""
    html = escape(text)
    for mark in ("/", "?", "&amp;", "."):
        html = html.replace(mark, mark + "<wbr>")
    return mark_safe(html)  # escaped above


def _component(schema: dict | None) -> str | None:
    return schema["$ref"].rsplit("/", 1)[1] if schema and "$ref" in schema else None


def documentation() -> list[dict]:
    """The endpoints by tag, as the /api/ page shows them."""
    sections = {tag: [] for tag in TAGS}
    for endpoint in ENDPOINTS:
        sections.setdefault(endpoint.tags[0], []).append({
            "methods": endpoint.methods, "path": endpoint.public_path,
            "path_html": _breakable(endpoint.public_path), "summary": endpoint.summary,
            "anchor": endpoint.name,
            "params": [{"name": p.name, "where": where, "type": _type_label(p.schema),
                        "required": where == "chemin" or p.required,
                        "description": p.description}
                       for where, params in (("chemin", [p for _, p in endpoint.arguments]),
                                             ("requête", endpoint.params)) for p in params],
            "content_html": _breakable(", ".join(endpoint.content_types)),
            "component": _component(endpoint.response),
            "body_component": _component(endpoint.body_response),
            "example": endpoint.example_url, "example_html": _breakable(endpoint.example_url)})
    return [{"tag": tag, "title": TAGS.get(tag, tag.capitalize()), "endpoints": endpoints}
            for tag, endpoints in sections.items() if endpoints]


def index(request):
    return render(request, "api/index.html", {"sections": documentation(),
                                              "components": sorted(SCHEMAS)})
