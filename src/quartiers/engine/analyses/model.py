"""What an analysis declares: its method in words, its sources, its components, its build.

An analysis is one module of this package exposing an ``ANALYSIS`` of this type, listed in
``ANALYSES`` (``__init__.py``). The build runs it after the observatory's marts, in the same
warehouse file (so it is atomic with them); pages, API, PDF notes and docs read only these
declarations and the tables it writes.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from ..sources.model import Source

# Every analysis fills ``marts.analysis_<code>`` with these columns, one row per territory,
# facet and component; the build checks it and gathers all of them in marts.analysis_results.
RESULT_COLUMNS = (
    ("level", "VARCHAR"),      # a level of engine.levels (qpv, commune, epci…)
    ("code", "VARCHAR"),       # the territory's code in marts.territories
    ("facet", "VARCHAR"),      # '' or one case of the analysis (an election and round, a year)
    ("component", "VARCHAR"),  # one of the analysis's declared components
    ("value", "DOUBLE"),       # NULL unless status = 'ok'
    ("score", "TINYINT"),      # tercile 1 (least) … 3 (most) for scored components, else NULL
    ("status", "VARCHAR"),     # one of RESULT_STATUSES
    ("vintage", "VARCHAR"),    # the data's year or period, as the source says it
    ("sources", "VARCHAR[]"),  # keys of the declared sources the value comes from
    ("note", "VARCHAR"),       # what a reader must know about this value, or NULL
)
RESULT_STATUSES = {
    "ok": "valeur calculée",
    "non_disponible": "donnée non disponible pour ce territoire",
    "secret": "non publiée par la source (secret statistique)",
}


@dataclass(frozen=True)
class Component:
    """One figure the analysis shows, never hidden inside another."""

    code: str
    label: str
    unit: str  # "%", "pour 1 000 habitants", "points", "rang (0–1)", "" …
    group: str  # e.g. « Sensibilité », « Capacité d'adaptation », « Exposition »
    description: str  # how it is computed, for a non-statistician
    higher_is: str = ""  # "defavorable", "favorable" or "" (neither)
    scored: bool = False  # carries a tercile score


@dataclass(frozen=True)
class DetailTable:
    """A table shown for one territory (stations of a commune, LCZ shares of a QPV…).

    ``sql`` reads the warehouse with two positional parameters, the territory's level then its
    code (``WHERE level = ? AND code = ?``); ``columns`` names, in order, the columns shown with
    their French headings and units. When ``map_value`` names one of those columns and the SQL
    also returns ``geojson`` (a WGS84 geometry as GeoJSON text), the rows are drawn on a map
    coloured by that column (polling stations of a commune, IRIS around a QPV…)."""

    code: str
    title: str
    sql: str
    columns: tuple[tuple[str, str, str], ...]  # (column, heading, unit)
    note: str = ""
    map_value: str = ""


@dataclass(frozen=True)
class BuildContext:
    """What an analysis's build may read besides the warehouse connection."""

    data_dir: Path
    imports_dir: Path | None = None  # files users loaded with an import command, if any


@dataclass(frozen=True)
class Analysis:
    code: str  # the address: /analyses/<code>/
    title: str
    summary: str  # one sentence, for lists
    method: tuple[str, ...]  # paragraphs, readable by a non-statistician
    limits: tuple[str, ...]  # what the figures do not say
    sources: tuple[Source, ...]  # files bundled in data/, loaded into raw like any source
    components: tuple[Component, ...]
    levels: tuple[str, ...]  # levels that have results, most detailed first
    build: Callable  # (con, BuildContext) -> None; writes staging.* / marts.analysis_<code>
    bundle: Callable[[Path, Path], None] | None = None  # (kit, data) -> None, by a maintainer
    checks: dict[str, tuple[str, int]] = field(default_factory=dict)  # label -> (SQL, count)
    facet_label: str = ""  # what a facet is (« Scrutin », « Année »), "" when none
    map_component: str = ""  # drawn first on maps
    # drawn on a territory's page and note, one map each (empty: map_component alone)
    territory_maps: tuple[str, ...] = ()
    map_levels: tuple[str, ...] = ("qpv",)
    details: tuple[DetailTable, ...] = ()
    related_sources: tuple[str, ...] = ()  # keys of observatory sources it also reads

    @property
    def results_table(self) -> str:
        return f"marts.analysis_{self.code}"

    @property
    def territory_map_components(self) -> tuple[str, ...]:
        return self.territory_maps or ((self.map_component,) if self.map_component else ())

    def component(self, code: str) -> Component:
        return next(c for c in self.components if c.code == code)
