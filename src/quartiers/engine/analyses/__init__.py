"""The use-case analyses, listed explicitly: a new analysis is one module plus one line here."""

from __future__ import annotations

from .employment import ANALYSIS as EMPLOYMENT
from .heat import ANALYSIS as HEAT
from .model import Analysis
from .services import ANALYSIS as SERVICES
from .turnout import ANALYSIS as TURNOUT

# in the order the issue gives them: heat waves, turnout, essential services, employment
ANALYSES: tuple[Analysis, ...] = (HEAT, TURNOUT, SERVICES, EMPLOYMENT)

ANALYSES_BY_CODE = {analysis.code: analysis for analysis in ANALYSES}
