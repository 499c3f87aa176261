"""How an indicator is declared: what it means, and where each of its values comes from."""

from __future__ import annotations

from dataclasses import dataclass, field

from ..levels import qpv_geography

ADMIN_LEVELS = ("commune", "epci", "departement", "region", "france")
FROM_TABLE = "*"  # a measure whose table has a ``level`` column (one of ADMIN_LEVELS)


@dataclass(frozen=True)
class Measure:
    """One way of obtaining values of an indicator: a staging table at one territory level.

    ``value`` is a SQL expression over ``table``; or the value is ``numerator / denominator ×
    scale``. Numerators and denominators are kept so that sums stay exact when values are rolled
    up (communes → EPCI, département…) or pooled over QPV (« ensemble des QPV de … »).
    ``reconstructed`` says the numerator was rebuilt from a published rate × a weight: pooled
    values are then an approximation, and the method says so. Catalogue text (method, note)
    reaches SQL only as bound parameters.
    """

    table: str
    level: str
    source: str
    value: str | None = None
    numerator: str | None = None
    denominator: str | None = None
    scale: float = 1.0
    reconstructed: bool = False
    roll_up: tuple[str, ...] = ()  # admin levels above ``level`` to sum into
    pool_qpv: bool = False  # pool over QPV into « ensemble des QPV de <territoire> »
    note: str = ""  # said next to every value this measure produces
    method: str = ""  # how the source value itself was made, when not simply published
    # SQL: units inside the source value with and without a value (e.g. IRIS of a commune)
    units: str = "1"
    missing: str = "0"
    units_label: str = ""  # what those units are (« IRIS »), for « somme partielle : 3 IRIS sur 5 »
    estimated: str = "false"  # SQL: the value is an estimate (its method says how)
    vintage: str = "vintage"  # SQL: the vintage of each row
    # the denominator counts people or households (the secrecy rule applies), not an area
    denominator_counts_units: bool = True
    # numerator and denominator are both published by the producer for this very territory
    # (census counts of a commune): the ratio reveals nothing that is not already public
    from_public_counts: bool = False
    transform: str = "{ratio}"  # SQL applied to numerator / denominator × scale (a growth rate)
    # SQL: the rate as the producer published it, the unit's own value when the numerator is
    # reconstructed from it (a blank weight must not blank a published rate)
    published_rate: str | None = None

    @property
    def own_levels(self) -> tuple[str, ...]:
        return ADMIN_LEVELS if self.level == FROM_TABLE else (self.level,)


@dataclass(frozen=True)
class Indicator:
    code: str
    label: str
    theme: str
    unit: str
    definition: str
    measures: tuple[Measure, ...]
    decimals: int = 1
    method: str = ""
    notes: tuple[str, ...] = field(default_factory=tuple)
    # a share whose definition lets it pass 100 % (numerator and denominator from two sources)
    may_exceed_100: str = ""
    # (numerator, denominator) indicators it can be recomputed from: secrecy hides them together
    recomputed_from: tuple[str, str] | None = None
    bounds: tuple[float, float] = (0, 100)  # of a share (unit « % »): outside, it is explained

    @property
    def is_share(self) -> bool:
        return self.unit == "%"

    @property
    def levels(self) -> tuple[str, ...]:
        levels = []
        for measure in self.measures:
            for level in (*measure.own_levels, *measure.roll_up):
                if level not in levels:
                    levels.append(level)
        return tuple(levels)

    @property
    def distribution_level(self) -> str | None:
        """The level whose spread the indicator pages show: its QPV, else its communes."""
        return next((lv for lv in ("qpv", "qpv2015", "commune", "departement") if lv in self.levels),
                    None)

    @property
    def geographies(self) -> tuple[str, ...]:
        """QPV geographies its values are about (« QPV 2024 », « QPV 2015 »), for labels."""
        return tuple(dict.fromkeys(filter(None, map(qpv_geography, self.levels))))

    @property
    def sources(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(m.source for m in self.measures))
