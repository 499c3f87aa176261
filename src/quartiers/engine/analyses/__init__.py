"""The use-case analyses, listed explicitly: a new analysis is one module plus one line here."""

from __future__ import annotations

from .model import Analysis

ANALYSES: tuple[Analysis, ...] = ()

ANALYSES_BY_CODE = {analysis.code: analysis for analysis in ANALYSES}
