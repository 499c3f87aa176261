"""The press watch block on territories' profiles (filled by its app)."""

from __future__ import annotations


def territory_press(request, profile) -> str:
    return ""
