"""The OpenAPI 3.1 document, generated from the declared endpoints."""

from __future__ import annotations

import re

from django.http import JsonResponse

from .views import ENDPOINTS

ERROR = {"type": "object", "properties": {
    "erreur": {"type": "string"}, "statut": {"type": "integer"},
    "suggestions": {"type": "array", "items": {"type": "object"}}}}


def schema() -> dict:
    paths = {}
    for endpoint in ENDPOINTS:
        url = "/api/" + re.sub(r"<str:(\w+)>", r"{\1}", endpoint.path)
        parameters = [{"name": name, "in": "path", "required": True, "schema": {"type": "string"},
                       "description": {"level": "niveau du territoire (qpv, commune, epci, "
                                       "departement, region, france, qpv2015)",
                                       "code": "code officiel (QN…, INSEE, SIREN, FR)",
                                       "indicator_code": "code de l'indicateur"}
                       .get(name, name)}
                      for name in re.findall(r"<str:(\w+)>", endpoint.path)]
        parameters += [{"name": name, "in": "query", "required": name == "q",
                        "schema": {"type": kind}, "description": description}
                       for name, kind, description in endpoint.params]
        content = {endpoint.content_type: {"schema": {"type": "object"}}
                   if endpoint.content_type != "text/csv" else {"schema": {"type": "string"}}}
        responses = {
            "200": {"description": "succès", "content": content},
            "400": {"description": "paramètre invalide",
                    "content": {"application/json": {"schema": ERROR}}},
            "404": {"description": "territoire ou indicateur inconnu (avec suggestions)",
                    "content": {"application/json": {"schema": ERROR}}},
        }
        if any(name == "adresse" for name, _, _ in endpoint.params):
            responses["429"] = {"description": "trop d'adresses par minute pour ce client",
                                "content": {"application/json": {"schema": ERROR}}}
            responses["502"] = {"description": "le service de géocodage ne répond pas",
                                "content": {"application/json": {"schema": ERROR}}}
        operations = {}
        for method in endpoint.methods:
            operation = {"operationId": f"{endpoint.name}_{method.lower()}",
                         "summary": endpoint.summary, "tags": list(endpoint.tags),
                         "responses": responses}
            if method == "GET":
                operation["parameters"] = parameters
            else:
                operation["requestBody"] = {"required": True, "content": {
                    "application/json": {"schema": endpoint.body}}}
            operations[method.lower()] = operation
        paths[url] = operations
    return {"openapi": "3.1.0",
            "info": {"title": "API ouverte Quartiers", "version": "1",
                     "description": "Territoires de la politique de la ville, indicateurs et "
                                    "provenance. Données sous Licence Ouverte / Etalab 2.0.",
                     "license": {"name": "MIT (code) ; Licence Ouverte 2.0 (données)"}},
            "paths": paths}


def openapi_view(request):
    return JsonResponse(schema(), json_dumps_params={"ensure_ascii": False})
