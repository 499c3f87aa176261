"""A profile's comparison as the page's table include (``territories/_comparison.html``) shows
it, wherever a profile's comparison is shown (the profile, a contrat de ville's page)."""

from __future__ import annotations

from django.urls import reverse

from quartiers.engine.indicators.catalogue import THEMES
from quartiers.engine.levels import LEVELS


def comparison_table(comparison: dict) -> dict:
    """A comparison grouped by theme, references linked to their profiles (new rows: the
    store's answers are shared)."""
    references = [{**ref, "url": reverse("profile", args=[ref["level"], ref["code"]])}
                  if ref["level"] in LEVELS else ref for ref in comparison["references"]]
    themes = [(theme, [r for r in comparison["rows"] if r["indicator"].theme == theme])
              for theme in THEMES]
    return {"references": references, "themes": [t for t in themes if t[1]]}
