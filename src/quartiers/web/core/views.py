"""Error pages every app shares (Django's handlers)."""

from __future__ import annotations

from .middleware import not_found


def page_not_found(request, exception=None):
    return not_found(request, "Cette page n'existe pas.", [])
