"""Territory levels, declared once: names in French, nesting order, and pooled QPV groups."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Level:
    code: str
    label: str  # « Commune »
    plural: str  # « Communes »
    of: str  # « de la commune » — to write « Ensemble des QPV de la commune »
    rank: int  # nesting order, smaller is finer


LEVELS = {level.code: level for level in (
    Level("qpv", "Quartier prioritaire (QPV 2024)", "Quartiers prioritaires", "du quartier", 0),
    Level("qpv2015", "Quartier prioritaire 2015 (géographie précédente)", "QPV 2015",
          "du quartier", 0),
    Level("arrondissement", "Arrondissement municipal", "Arrondissements municipaux",
          "de l'arrondissement", 0),
    Level("commune", "Commune", "Communes", "de la commune", 1),
    Level("epci", "EPCI (intercommunalité)", "EPCI", "de l'EPCI", 2),
    Level("departement", "Département", "Départements", "du département", 3),
    Level("region", "Région", "Régions", "de la région", 4),
    Level("france", "France", "France", "de France", 5),
)}
PROFILE_LEVELS = ("qpv", "commune", "epci", "departement", "region", "france", "qpv2015",
                  "arrondissement")


# The COG lists the collectivités d'outre-mer (and New Caledonia, the TAAF, Clipperton) both as
# départements and as régions: they are kept at the département level only, under their status.
OVERSEAS_STATUS = {
    "975": "Collectivité d'outre-mer", "977": "Collectivité d'outre-mer",
    "978": "Collectivité d'outre-mer", "986": "Collectivité d'outre-mer",
    "987": "Collectivité d'outre-mer (pays d'outre-mer)",
    "988": "Collectivité à statut particulier",
    "984": "Territoire d'outre-mer sans population permanente",
    "989": "Île sans population permanente (domaine public de l'État)",
}


def territory_label(level: str, code: str) -> str:
    """What a territory is: its level, or its own status for the overseas collectivities."""
    if level == "departement" and code in OVERSEAS_STATUS:
        return OVERSEAS_STATUS[code]
    return LEVELS[level].label


QPV_GEOGRAPHIES = {"qpv": "QPV 2024", "qpv2015": "QPV 2015"}


def qpv_geography(level: str) -> str | None:
    """Which QPV geography values of a level are about (« qpv_region » → « QPV 2024 »)."""
    return QPV_GEOGRAPHIES.get(level.split("_", 1)[0])


def level_label(level: str) -> str:
    """French label of a level, pooled groups included (« Ensemble des QPV de la région »)."""
    if level in LEVELS:
        return LEVELS[level].label
    base, parent = level.split("_", 1)
    geography = " 2015" if base == "qpv2015" else ""
    return f"Ensemble des QPV{geography} {LEVELS[parent].of}"
