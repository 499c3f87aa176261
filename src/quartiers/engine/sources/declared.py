"""Every bundled source: the observatory's catalogue, then the files each analysis declares."""

from __future__ import annotations

from ..analyses import ANALYSES
from .catalogue import SOURCES as OBSERVATORY_SOURCES
from .model import Source

SOURCES: tuple[Source, ...] = OBSERVATORY_SOURCES + tuple(
    source for analysis in ANALYSES for source in analysis.sources)
