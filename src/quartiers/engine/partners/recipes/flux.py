"""*Quartiers en flux*: households moving into and out of social housing, per QPV and year.

From a social landlord's lettings (``logements_sociaux``): entries (move-in year) and exits
(move-out year) per QPV (2024 geography), per commune and its « hors QPV » remainder, per EPCI;
then, over the whole period, the profiles of entrants against leavers (household size, age band
of the reference person, income band, and for entrants where they lived before).
"""

from __future__ import annotations

from collections import defaultdict

from ...secrecy import SumRelation
from ..schemas import AGE_BANDS_REFERENCE, INCOME_BANDS
from .model import Computed, Geography, Measure, Recipe, territorial_cells

FLOWS = {"entrees": "Entrées", "sorties": "Sorties"}
SIZES = ("1 personne", "2 personnes", "3 personnes", "4 personnes", "5 personnes ou plus")
ORIGINS = ("même commune", "autre commune de l'EPCI", "hors de l'EPCI", "non renseignée")
DIMENSIONS = {  # code -> (label, categories, flows it describes)
    "taille": ("taille du ménage", SIZES, tuple(FLOWS)),
    "age": ("âge de la personne de référence", AGE_BANDS_REFERENCE, tuple(FLOWS)),
    "revenus": ("ressources rapportées au plafond PLUS", INCOME_BANDS, tuple(FLOWS)),
    "provenance": ("logement précédent", ORIGINS, ("entrees",)),
}


def _measures() -> tuple[Measure, ...]:
    measures = [Measure(flow, f"{label} de ménages", "ménages") for flow, label in FLOWS.items()]
    for dim, (dim_label, categories, flows) in DIMENSIONS.items():
        for flow in flows:
            measures += [Measure(f"{flow}.{dim}.{i}", f"{FLOWS[flow]} — {dim_label} : {category}",
                                 "ménages") for i, category in enumerate(categories)]
    return tuple(measures)


def _size(n: int) -> int:
    return min(max(int(n), 1), 5) - 1


def _origin(previous: str | None, commune: str, geo: Geography) -> int:
    if not previous:
        return 3
    if previous == commune:
        return 0
    epci = geo.commune_epci.get(commune)
    return 1 if epci and geo.commune_epci.get(previous) == epci else 2


def compute(con) -> Computed:
    geo = Geography.read(con)
    rows = con.execute("""
        SELECT qpv, commune, year(date_entree) AS year, 'entrees' AS flow, taille_menage,
               tranche_age_reference, tranche_revenus, commune_precedente, count(*) AS n
        FROM depot.rows GROUP BY ALL
        UNION ALL
        SELECT qpv, commune, year(date_sortie), 'sorties', taille_menage, tranche_age_reference,
               tranche_revenus, NULL, count(*)
        FROM depot.rows WHERE date_sortie IS NOT NULL GROUP BY ALL""").fetchall()
    if not rows:
        raise ValueError("Aucun bail déposé : rien à calculer pour « Quartiers en flux ».")
    years = sorted({year for _, _, year, *_ in rows})
    period = f"{years[0]}-{years[-1]}" if len(years) > 1 else str(years[0])
    counts: dict[tuple, int] = defaultdict(int)
    for qpv, commune, year, flow, size, age, income, previous, n in rows:
        counts[(qpv, commune, str(year), flow)] += n
        if period != str(year):  # one year only: the period is that year, counted once
            counts[(qpv, commune, period, flow)] += n
        categories = {"taille": _size(size), "age": AGE_BANDS_REFERENCE.index(age),
                      "revenus": INCOME_BANDS.index(income),
                      "provenance": _origin(previous, commune, geo)}
        for dim, (_, _, flows) in DIMENSIONS.items():
            if flow in flows:
                counts[(qpv, commune, period, f"{flow}.{dim}.{categories[dim]}")] += n
    margins = [(flow, tuple(f"{flow}.{dim}.{i}" for i in range(len(categories))))
               for dim, (_, categories, flows) in DIMENSIONS.items() for flow in flows]
    cells, sums = territorial_cells(counts, geo, margins)
    if len(years) > 1:  # the period's totals are the sums of the years'
        keys = {cell.key for cell in cells}
        for level, code, vintage, flow in sorted(keys):
            if vintage == period and flow in FLOWS:
                parts = tuple(k for y in years if (k := (level, code, str(y), flow)) in keys)
                if parts:
                    sums.append(SumRelation((level, code, vintage, flow), parts))
    return Computed(cells, sums, vintage=period)


FLUX = Recipe(
    code="flux",
    title="Quartiers en flux : entrées et sorties des ménages du parc social",
    schema="logements_sociaux",
    description=("Les ménages qui entrent dans un logement social d'un QPV ou qui le quittent, "
                 "par année, et le profil des entrants comparé à celui des sortants."),
    method=(
        "Une entrée est comptée l'année de la date d'entrée dans le logement, une sortie l'année "
        "de la date de sortie ; un ménage qui entre puis sort compte dans les deux.",
        "Chaque logement est rattaché au QPV (géographie 2024), à l'IRIS et à la commune où il "
        "se trouve, à partir de son adresse ou de ses coordonnées au moment du dépôt. Les "
        "logements d'une commune situés hors de tout QPV forment la ligne « commune hors QPV ».",
        "Les profils portent sur toute la période : taille du ménage, tranche d'âge de la "
        "personne de référence, ressources rapportées au plafond PLUS (tranches de l'enquête OPS) "
        "et, pour les entrants, la commune du logement précédent (même commune, autre commune de "
        "l'intercommunalité, ailleurs).",
        "Secret statistique : une case de moins de ménages que le seuil de la convention est "
        "masquée, ainsi que les cases qui permettraient de la retrouver par différence (QPV, "
        "commune hors QPV, commune, intercommunalité, totaux des profils, années et période) ; "
        "un audit par programmes linéaires vérifie qu'aucune case masquée ne peut être encadrée "
        "trop étroitement.",
    ),
    limits=(
        "Seuls les logements du bailleur qui a déposé ses baux sont comptés : ce n'est pas "
        "l'ensemble du parc social du quartier.",
        "La destination des ménages sortants n'est pas connue du bailleur.",
    ),
    measures=_measures(),
    compute=compute,
)
