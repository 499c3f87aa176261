"""The indicator catalogue: every indicator declared once, by theme.

This list drives the warehouse (which values are computed, how they are pooled or rolled up),
the profile pages, the PDF, the API and the documentation. Staging tables and columns referred to
here are created by ``engine.warehouse.staging``.
"""

from __future__ import annotations

from ..model import Indicator
from . import benefits, employment, housing, income, policy, population

INDICATORS: tuple[Indicator, ...] = (
    *population.INDICATORS[:1], *policy.INDICATORS, *population.INDICATORS[1:],
    *income.INDICATORS, *employment.INDICATORS, *benefits.INDICATORS, *housing.INDICATORS,
)

# shown first on a profile and in its PDF, when the territory has them
KEY_INDICATORS = ("population", "nb_qpv", "part_pop_qpv", "taux_pauvrete", "revenu_median",
                  "taux_emploi", "part_etrangers", "part_alloc_rsa", "allocataires_caf",
                  "demandeurs_emploi_abc", "taux_logements_sociaux", "part_pop_qpv2015",
                  "taux_chomage_rp")
INDICATORS_BY_CODE = {indicator.code: indicator for indicator in INDICATORS}
THEMES = tuple(dict.fromkeys(indicator.theme for indicator in INDICATORS))
assert len(INDICATORS_BY_CODE) == len(INDICATORS), "an indicator code is declared twice"
