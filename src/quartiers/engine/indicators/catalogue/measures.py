"""Measure builders, one per kind of source: how its values are read, pooled and rolled up.

Staging tables and columns named here are created by ``engine.warehouse.staging``; the INSEE
QPV 2015 files are staged with every numeric column, lower-cased (``ABC_25`` → ``abc_25``).
"""

from __future__ import annotations

from ..model import ADMIN_LEVELS, Measure

QPV24 = "staging.qpv_figures"
SIG_VILLE = "qpv2024_indicateurs"
ABOVE_COMMUNE = ADMIN_LEVELS[1:]
BPE_ROLL_UP = ("epci", "departement", "region")
COMPILED = ("Chiffre clé du SIG Ville (compilation, millésime non précisé) ; pour un ensemble de "
            "QPV, moyenne pondérée reconstituée : approximation.")
QPV2015_FAMILIES = ("demo", "revn", "ipro", "filo")


def qpv24_rate(column: str, weight: str) -> Measure:
    """A published QPV 2024 rate, poolable through a reconstructed numerator (rate × weight)."""
    return Measure(QPV24, "qpv", SIG_VILLE, numerator=f"{column} * {weight} / 100",
                   denominator=f"CASE WHEN {column} IS NOT NULL THEN {weight} END", scale=100,
                   reconstructed=True, pool_qpv=True, published_rate=column)


def qpv24_count(column: str) -> Measure:
    return Measure(QPV24, "qpv", SIG_VILLE, value=column, pool_qpv=True)


def qpv2015(family: str, value: str | None = None, *, numerator: str | None = None,
            denominator: str | None = None, weight: str | None = None,
            count: bool = False, scale: float = 100) -> tuple[Measure, ...]:
    """Values of an INSEE QPV 2015 file, with the published « Ensemble des QPV » row.

    Counts and true ratios are pooled exactly; a rate given a weight is pooled through a
    reconstructed numerator; any other value (median, index) is never pooled.
    """
    assert family in QPV2015_FAMILIES, family
    table, source = f"staging.qpv2015_{family}", f"qpv2015_{family}"
    if weight:
        qpv = Measure(table, "qpv2015", source, numerator=f"{value} * {weight} / 100",
                      denominator=f"CASE WHEN {value} IS NOT NULL THEN {weight} END", scale=100,
                      reconstructed=True, pool_qpv=True, published_rate=value)
    else:
        qpv = Measure(table, "qpv2015", source, value=value, numerator=numerator,
                      denominator=denominator, scale=scale if numerator else 1,
                      pool_qpv=count or numerator is not None)
    france = Measure(f"{table}_france", "qpv2015_france", source, value=value,
                     numerator=numerator, denominator=denominator,
                     scale=scale if numerator else 1)
    return france, qpv


def qp15_share(family: str, numerator: str, denominator: str) -> tuple[Measure, ...]:
    return qpv2015(family, numerator=numerator, denominator=denominator)


def caf_commune(count: str, share: bool = True) -> Measure:
    """CAF counts summed from IRIS to the commune; a share is over the allocataires of the
    IRIS where the count is published, so a blank IRIS biases neither side."""
    common = {"roll_up": ABOVE_COMMUNE, "units": "n_iris - n_missing", "missing": "n_missing",
              "units_label": "IRIS"}
    if not share:
        return Measure("staging.caf_commune", "commune", "caf_iris", value=count,
                       method="somme des IRIS", **common)
    return Measure("staging.caf_commune", "commune", "caf_iris", numerator=count,
                   denominator=f"a_{count}", scale=100, method="ratio des sommes des IRIS",
                   **common)


def filosofi(column: str, *, departement: bool = True) -> tuple[Measure, ...]:
    """Filosofi 2019 as published for communes, EPCI and, where the kit has them, départements,
    régions and France métropolitaine (never recomputed from communes)."""
    measures = [Measure("staging.filo_com", "commune", "filosofi_com", value=column),
                Measure("staging.filo_epci", "epci", "filosofi_epci", value=column)]
    if departement:
        measures += [
            Measure("staging.filo_dep", "departement", "filosofi_dep", value=column),
            Measure("staging.filo_reg", "region", "filosofi_reg", value=column),
            Measure("staging.filo_france", "france", "filosofi_metropole", value=column,
                    note="France métropolitaine")]
    return tuple(measures)


def filosofi_2021(column: str) -> tuple[Measure, ...]:
    """Filosofi 2021, communes and arrondissements municipaux (« s » = secret, left blank)."""
    return by_commune_and_arrondissement("staging.filo21", "filosofi_2021_com", value=column)


def filosofi_in_census(column: str) -> tuple[Measure, ...]:
    """Filosofi 2019 columns of the comparateur de territoires (communes, arrondissements)."""
    return by_commune_and_arrondissement("staging.comparateur", "comparateur", value=column,
                                         vintage="'revenus 2019'")


def census(numerator: str, denominator: str | None = None, *, scale: float = 100,
           **options) -> tuple[Measure, ...]:
    """Census 2018 (INSEE comparateur de territoires): counts of communes are summed exactly
    into EPCI, départements, régions and France; arrondissements have their own rows."""
    if denominator is None:
        return by_commune_and_arrondissement("staging.comparateur", "comparateur",
                                             value=numerator, roll_up=ABOVE_COMMUNE, **options)
    return by_commune_and_arrondissement("staging.comparateur", "comparateur",
                                         numerator=numerator, denominator=denominator,
                                         scale=scale, roll_up=ABOVE_COMMUNE,
                                         from_public_counts=True, **options)


def by_commune_and_arrondissement(table: str, source: str, roll_up: tuple[str, ...] = (),
                                  **values) -> tuple[Measure, ...]:
    """A file with rows for communes and for the arrondissements of Paris, Lyon and Marseille
    (staged as two views): only communes are summed upwards, never both."""
    return (Measure(f"{table}_commune", "commune", source, roll_up=roll_up, **values),
            Measure(f"{table}_arrondissement", "arrondissement", source, **values))


def bpe(column: str) -> Measure:
    return Measure("staging.bpe_commune", "commune", "bpe", value=column, roll_up=BPE_ROLL_UP,
                   note="Bretagne et Pays de la Loire seulement")
