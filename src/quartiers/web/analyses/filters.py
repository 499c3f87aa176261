"""The filters of an analysis's results, read alike from a page's form and from the API's
query: ``niveau``, ``dans=<niveau>:<code>``, ``facette``. A bad value raises ``BadRequest``
(a 400 in the API, a message on the page) naming what is possible; an unknown territory raises
``NotFound`` with close matches."""

from __future__ import annotations

from dataclasses import dataclass

from quartiers.engine.analyses import results
from quartiers.engine.analyses.model import Analysis
from quartiers.engine.levels import PROFILE_LEVELS

from ..core.errors import BadRequest
from ..core.warehouse import get_store


@dataclass(frozen=True)
class Filters:
    level: str | None = None
    within: tuple[str, str] | None = None
    facet: str | None = None

    def query(self) -> dict[str, str]:
        """The filters as query parameters (links to other pages, downloads)."""
        return {k: v for k, v in (("niveau", self.level or ""),
                                  ("dans", ":".join(self.within) if self.within else ""),
                                  ("facette", self.facet or "")) if v}


def read_filters(analysis: Analysis, params) -> Filters:
    store = get_store()
    level = params.get("niveau") or None
    if level is not None and level not in analysis.levels:
        raise BadRequest(f"niveau « {level} » sans résultat pour l'analyse « {analysis.code} » ; "
                         f"niveaux possibles : {', '.join(analysis.levels)}")
    within = None
    if params.get("dans"):
        parent_level, colon, parent_code = params["dans"].strip().partition(":")
        if not colon or not parent_code:
            raise BadRequest(f"« dans » s'écrit niveau:code, ex. commune:35238 ou "
                             f"epci:243500139 (reçu « {params['dans']} »)")
        if parent_level not in PROFILE_LEVELS:
            raise BadRequest(f"niveau « {parent_level} » inconnu dans « dans » ; niveaux "
                             f"possibles : {', '.join(PROFILE_LEVELS)}")
        within = (parent_level, store.territory(parent_level, parent_code.strip())["code"])
    facet = params.get("facette") or None
    if facet is not None:
        known = [f["facet"] for f in results.facets(store, analysis.code)]
        if facet not in known:
            raise BadRequest(f"facette « {facet} » inconnue pour l'analyse « {analysis.code} » ; "
                             f"facettes possibles : {', '.join(known) or 'aucune'}")
    return Filters(level, within, facet)
