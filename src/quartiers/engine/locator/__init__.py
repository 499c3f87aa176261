"""QPV locator: which points lie in a priority neighbourhood, with honest precision."""

from .core import CHECK, ERROR, OK, STATUS_LABELS, Located, Locator, Perimeters
from .perimeters import bundled, current, official

__all__ = ["CHECK", "ERROR", "OK", "STATUS_LABELS", "Located", "Locator", "Perimeters",
           "bundled", "current", "official"]
