"""The library's block on the territories' profiles (see core/sections.py)."""

from __future__ import annotations


def territory_resources(request, profile) -> str:
    """« Ressources sur ce territoire »: resources tagged with the territory, its parents or its
    QPV. (Filled in by the library app.)"""
    return ""
