"""Pages answer a missing territory or indicator, or a missing warehouse, in one place."""

from __future__ import annotations

from django.shortcuts import render

from quartiers.engine.warehouse.store import NotFound, WarehouseMissing


class StoreErrorsMiddleware:
    """NotFound → the 404 page with its suggestions; WarehouseMissing → 503 saying what to run.
    (The API answers both in JSON through its own ``endpoint`` decorator.)"""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, NotFound):
            return not_found(request, str(exception), exception.suggestions)
        if isinstance(exception, WarehouseMissing):
            return render(request, "core/404.html", {
                "title": "Données indisponibles", "message": str(exception)}, status=503)
        return None


def not_found(request, message: str, suggestions: list[dict]):
    return render(request, "core/404.html",
                  {"message": message, "suggestions": suggestions}, status=404)
