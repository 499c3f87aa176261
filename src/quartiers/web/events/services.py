"""Workflows of the app (filled by its app)."""

from __future__ import annotations


def load_bundled() -> str:
    return "events : rien à charger"
