"""The declared recipes: what may be computed from an agreement's deposits and released."""

from __future__ import annotations

from .c2s import C2S
from .flux import FLUX
from .model import Measure, Recipe, RecipeResult, run
from .posts import POSTES

RECIPES: dict[str, Recipe] = {r.code: r for r in (FLUX, C2S, POSTES)}

__all__ = ["RECIPES", "Measure", "Recipe", "RecipeResult", "run"]
