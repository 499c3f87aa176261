"""What a partner may deposit: one schema per kind of file, its fields named and labelled as the
agreement lists them.

Kinds say how each field is checked and stored: an ``identifier`` is replaced at entry by its
keyed hash (``keys.pseudonymise``), never kept; an ``address`` or a point (``longitude`` /
``latitude``) is located then dropped, leaving the ``qpv`` (2024 geography), ``iris`` and
``commune`` it falls in and how precisely (``localisation``). A schema's ``place`` fields are
those that locate a row; ``one_of`` lists the alternative groups of them a file may give.
"""

from __future__ import annotations

from dataclasses import dataclass

KINDS = ("identifier", "text", "integer", "decimal", "date", "year", "category", "commune",
         "iris", "qpv", "address", "longitude", "latitude")
DROPPED = ("address", "longitude", "latitude")
LOCATION_COLUMNS = ("qpv", "iris", "commune", "localisation")
"""Stored in place of a schema's place fields, for every row."""


@dataclass(frozen=True)
class Field:
    name: str
    label: str
    kind: str
    required: bool = True
    choices: tuple[str, ...] = ()
    description: str = ""

    def __post_init__(self):
        if self.kind not in KINDS:
            raise ValueError(f"field {self.name}: unknown kind {self.kind}")
        if (self.kind == "category") != bool(self.choices):
            raise ValueError(f"field {self.name}: choices go with the category kind only")


@dataclass(frozen=True)
class Schema:
    code: str
    title: str
    description: str
    fields: tuple[Field, ...]
    place: tuple[str, ...] = ()
    one_of: tuple[tuple[str, ...], ...] = ()
    """Groups of place fields: a file gives at least one group whole, a row fills one."""

    def field(self, name: str) -> Field:
        return next(f for f in self.fields if f.name == name)

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(f.name for f in self.fields)

    @property
    def stored_columns(self) -> tuple[str, ...]:
        """The store's columns after ``deposit_id``: every field but the place fields, in
        order, then the location columns when the schema locates its rows."""
        kept = tuple(f.name for f in self.fields if f.name not in self.place)
        return kept + (LOCATION_COLUMNS if self.place else ())


AGE_BANDS_REFERENCE = ("moins de 25 ans", "25-39 ans", "40-59 ans", "60 ans ou plus")
AGE_BANDS = ("moins de 18 ans", "18-24 ans", "25-39 ans", "40-59 ans", "60 ans ou plus")
# The bands of the social housing occupancy survey (OPS): household resources as a share of
# the PLUS ceilings for its size and area (the PLAI ceilings lie near 55-60 % of PLUS ones).
INCOME_BANDS = ("inférieures à 20 % du plafond PLUS", "de 20 à 40 % du plafond PLUS",
                "de 40 à 60 % du plafond PLUS", "de 60 à 100 % du plafond PLUS",
                "supérieures au plafond PLUS", "non renseignées")

LOGEMENTS_SOCIAUX = Schema(
    code="logements_sociaux",
    title="Logements sociaux : entrées et sorties des ménages (Quartiers en flux)",
    description=(
        "Les baux d'un bailleur social : un logement, le ménage qui y entre et la date à laquelle "
        "il le quitte s'il l'a quitté. Le logement est localisé par son adresse, par sa longitude "
        "et sa latitude, ou par les codes de sa commune et de son IRIS ; l'adresse et les "
        "coordonnées sont effacées une fois le QPV, l'IRIS et la commune trouvés."),
    fields=(
        Field("logement", "Identifiant du logement", "identifier",
              description="Numéro du logement chez le bailleur (RPLS ou interne) ; pseudonymisé."),
        Field("menage", "Identifiant du ménage ou du bail", "identifier",
              description="Numéro du bail ou du ménage ; pseudonymisé."),
        Field("adresse", "Adresse du logement", "address", required=False,
              description="Numéro, voie, code postal et commune ; géocodée puis effacée."),
        Field("longitude", "Longitude (WGS84)", "longitude", required=False),
        Field("latitude", "Latitude (WGS84)", "latitude", required=False),
        Field("commune", "Code officiel géographique de la commune", "commune", required=False),
        Field("iris", "Code IRIS", "iris", required=False),
        Field("date_entree", "Date d'entrée dans le logement", "date"),
        Field("date_sortie", "Date de sortie du logement", "date", required=False,
              description="Vide tant que le ménage occupe le logement."),
        Field("taille_menage", "Nombre de personnes du ménage", "integer"),
        Field("tranche_age_reference", "Tranche d'âge de la personne de référence", "category",
              choices=AGE_BANDS_REFERENCE),
        Field("tranche_revenus", "Ressources du ménage rapportées au plafond PLUS", "category",
              choices=INCOME_BANDS,
              description="Tranches de l'enquête sur l'occupation du parc social (OPS)."),
        Field("commune_precedente", "Code de la commune du logement précédent", "commune",
              required=False),
    ),
    place=("adresse", "longitude", "latitude", "commune", "iris"),
    one_of=(("adresse",), ("longitude", "latitude"), ("commune", "iris")),
)

BENEFICIAIRES_C2S = Schema(
    code="beneficiaires_c2s",
    title="Bénéficiaires de la complémentaire santé solidaire (C2S)",
    description=(
        "Les bénéficiaires de la C2S d'un organisme d'assurance maladie, rattachés à leur IRIS "
        "ou à leur QPV de résidence, une ligne par bénéficiaire et par année."),
    fields=(
        Field("beneficiaire", "Identifiant du bénéficiaire", "identifier",
              description="Numéro interne à l'organisme ; pseudonymisé."),
        Field("iris", "Code IRIS de résidence", "iris", required=False),
        Field("qpv", "Code du QPV de résidence (géographie 2024)", "qpv", required=False),
        Field("c2s_type", "Forme de la C2S", "category",
              choices=("non participative", "participative")),
        Field("tranche_age", "Tranche d'âge", "category", choices=AGE_BANDS),
        Field("annee", "Année", "year"),
    ),
    place=("iris", "qpv"),
    one_of=(("iris",), ("qpv",)),
)

POSTES_SUBVENTIONNES = Schema(
    code="postes_subventionnes",
    title="Postes subventionnés : adultes-relais et FONJEP par contrat de ville",
    description=(
        "Les postes d'adultes-relais et FONJEP financés par l'État, par employeur et contrat de "
        "ville, comme l'ANCT les publie. Le code tiers de l'employeur (SIRET, ou son nom quand il "
        "n'en a pas) est pseudonymisé : les montants par employeur restent soumis au secret "
        "(dominance). La raison sociale, d'une personne morale, n'est pas une donnée personnelle."),
    fields=(
        Field("id_poste", "Identifiant du poste", "text"),
        Field("code_tiers", "Code tiers de l'employeur (SIRET ou nom)", "identifier"),
        Field("raison_sociale", "Raison sociale de l'employeur", "text", required=False),
        Field("annee", "Année", "year"),
        Field("montant", "Montant versé (euros)", "decimal"),
        Field("code_cv", "Code du contrat de ville (CV… ou CN…)", "text", required=False,
              description="Vide pour les postes que l'ANCT ne rattache à aucun contrat de ville."),
        Field("insee_dep", "Code du département", "text"),
        Field("insee_reg", "Code de la région", "text"),
        Field("dispositif", "Dispositif", "category", choices=("adultes-relais", "FONJEP"),
              description="Une colonne du fichier, ou une valeur donnée au dépôt pour tout le "
                          "fichier (les fichiers de l'ANCT n'en ont pas)."),
    ),
)

SCHEMAS: dict[str, Schema] = {s.code: s for s in (LOGEMENTS_SOCIAUX, BENEFICIAIRES_C2S,
                                                  POSTES_SUBVENTIONNES)}
