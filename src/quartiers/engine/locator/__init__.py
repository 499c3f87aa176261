"""QPV locator: which points lie in a priority neighbourhood, with honest precision."""

from .core import (
    CHECK,
    DEFAULT_RADIUS_M,
    ERROR,
    OK,
    STATUS_LABELS,
    Answer,
    Located,
    Locator,
    Perimeters,
)
from .perimeters import bundled, current, official

__all__ = ["CHECK", "DEFAULT_RADIUS_M", "ERROR", "OK", "STATUS_LABELS", "Answer", "Located",
           "Locator", "Perimeters",
           "bundled", "current", "official"]
