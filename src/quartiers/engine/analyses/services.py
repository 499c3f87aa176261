"""Essential services: equipment of the INSEE BPE proximity range near each QPV, against its
commune, and the proximity types missing near each QPV."""

from __future__ import annotations

from .model import Analysis, BuildContext, Component, DetailTable
from .services_build import (
    COVERAGE_SHARE,
    OVERLAP_SHARE,
    stage_bpe,
    stage_counts,
    stage_gamme,
    stage_iris,
    stage_overlaps,
    stage_population,
)
from .services_results import stage_facts, write_results
from .services_sources import SOURCES, bundle

NEAR = "IRIS recouvrant le QPV"
RANGE = "Gamme de proximité"
COMMUNE = "Commune du QPV (référence)"
KEY = "Équipements clés (IRIS recouvrant le QPV)"
UNIT = "équipements"


def _key(code: str, label: str, codes: str) -> Component:
    return Component(f"{code}_iris", f"{label} ({NEAR})", UNIT, KEY,
                     f"Nombre d'équipements « {label.lower()} » ({codes}, BPE 2019) dans les "
                     f"{NEAR} ; 0 veut dire aucun dans ces IRIS, pas forcément aucun à "
                     "proximité à pied (un IRIS voisin peut en avoir).", "favorable")


COMPONENTS = (
    Component("equipements_iris", f"Équipements de proximité ({NEAR})", UNIT, NEAR,
              f"Nombre d'équipements des 29 types de la gamme de proximité dans les {NEAR}.",
              "favorable"),
    Component("equipements_iris_km2", f"Équipements de proximité par km² ({NEAR})", "par km²",
              NEAR, f"Équipements de la gamme de proximité divisés par la surface des {NEAR} "
              "(mesurée en Lambert-93).", "favorable"),
    Component("equipements_iris_1000_15p",
              f"Équipements de proximité pour 1 000 habitants de 15 ans ou plus ({NEAR})",
              "pour 1 000 habitants de 15 ans ou plus", NEAR,
              f"Équipements de la gamme dans les {NEAR}, pour 1 000 personnes de 15 ans ou plus "
              "qui y vivent (recensement 2022). Nantes seulement : c'est la seule population par "
              "IRIS disponible.", "favorable"),
    Component("types_presents_iris", f"Types de la gamme présents ({NEAR})", "types sur 29",
              RANGE, f"Nombre de types de la gamme de proximité (sur 29) ayant au moins un "
              f"équipement dans les {NEAR}.", "favorable"),
    Component("types_absents_iris", f"Types de la gamme absents ({NEAR})", "types sur 29",
              RANGE, f"Nombre de types de la gamme de proximité sans aucun équipement dans les "
              f"{NEAR} (la liste est dans le tableau détaillé).", "defavorable"),
    Component("types_absents_iris_presents_commune",
              f"Types absents des {NEAR} mais présents dans la commune", "types sur 29", RANGE,
              f"Types de la gamme sans équipement dans les {NEAR} mais présents ailleurs dans "
              "la commune : les habitants doivent sortir du quartier pour les trouver.",
              "defavorable"),
    _key("pharmacie", "Pharmacies", "D301"),
    _key("medecin", "Médecins généralistes", "D201"),
    _key("boulangerie", "Boulangeries", "B203"),
    _key("epicerie_superette", "Épiceries et supérettes", "B201, B202"),
    _key("poste", "Bureaux de poste, relais poste, agences postales", "A206, A207, A208"),
    Component("equipements_commune", "Équipements de proximité de la commune", UNIT, COMMUNE,
              "Nombre d'équipements des 29 types de la gamme de proximité dans toute la commune "
              "(pour un QPV : sa commune principale).", "favorable"),
    Component("types_presents_commune", "Types de la gamme présents dans la commune",
              "types sur 29", COMMUNE,
              "Nombre de types de la gamme de proximité présents dans la commune.", "favorable"),
    Component("equipements_commune_1000",
              "Équipements de proximité pour 1 000 habitants de la commune",
              "pour 1 000 habitants", COMMUNE,
              "Équipements de la gamme de la commune pour 1 000 habitants (population "
              "municipale du recensement 2018, la plus proche de la BPE 2019 disponible ici).",
              "favorable"),
    Component("equipements_commune_km2", "Équipements de proximité par km² de la commune",
              "par km²", COMMUNE, "Équipements de la gamme de la commune divisés par sa "
              "superficie (INSEE).", "favorable"),
    Component("equipements_commune_1000_15p",
              "Équipements de proximité pour 1 000 habitants de 15 ans ou plus de la commune",
              "pour 1 000 habitants de 15 ans ou plus", COMMUNE,
              "Même rapport que pour les IRIS recouvrant le QPV, sur toute la commune "
              "(somme de ses IRIS) : Nantes seulement.", "favorable"),
)

TYPES_SQL = """SELECT libelle_groupe, domaine, codes, nb_iris, nb_commune,
        CASE WHEN nb_iris > 0 THEN 'présent'
             WHEN nb_commune > 0 THEN 'absent des IRIS, présent dans la commune'
             ELSE 'absent de la commune' END AS situation
    FROM marts.services_types WHERE level = ? AND code = ?
    ORDER BY nb_iris > 0, position"""
COMMUNE_TYPES_SQL = """SELECT libelle_groupe, domaine, codes, nb_commune,
        CASE WHEN nb_commune > 0 THEN 'présent' ELSE 'absent de la commune' END AS situation
    FROM marts.services_types_commune WHERE level = ? AND code = ?
    ORDER BY nb_commune > 0, position"""
IRIS_SQL = """SELECT code_iris, nom_iris, part_qpv, part_iris, equipements, geojson
    FROM marts.services_iris WHERE level = ? AND code = ? ORDER BY code_iris"""


def build(con, context: BuildContext) -> None:
    stage_gamme(con)
    stage_bpe(con)
    stage_iris(con)
    stage_overlaps(con)
    stage_population(con)
    stage_counts(con)
    stage_facts(con)
    con.execute("""CREATE OR REPLACE TABLE marts.services_types AS
        SELECT 'qpv' AS level, q.qpv AS code, n.groupe, n.libelle_groupe, g.domaine, g.codes,
               g.position, n.nb AS nb_iris, m.nb AS nb_commune
        FROM staging.services_qpv q
        JOIN staging.services_counts n ON n.level = 'qpv' AND n.code = q.qpv
        JOIN staging.services_counts m ON m.level = 'commune' AND m.code = q.commune
             AND m.groupe = n.groupe
        JOIN (SELECT groupe, any_value(domaine) AS domaine, min(position) AS position,
                     string_agg(typequ, ', ' ORDER BY typequ) AS codes
              FROM staging.services_gamme GROUP BY groupe) g ON g.groupe = n.groupe""")
    # a commune's types, shown for the commune and for its QPV without IRIS contours
    con.execute("""CREATE OR REPLACE TABLE marts.services_types_commune AS
        WITH groups AS (SELECT groupe, any_value(domaine) AS domaine, min(position) AS position,
                               string_agg(typequ, ', ' ORDER BY typequ) AS codes
                        FROM staging.services_gamme GROUP BY groupe),
        territories AS (
            SELECT 'commune' AS level, code, code AS commune FROM staging.services_commune
            UNION ALL
            SELECT 'qpv', code, commune FROM staging.services_facts_qpv WHERE NOT has_iris)
        SELECT t.level, t.code, n.libelle_groupe, g.domaine, g.codes, g.position,
               n.nb AS nb_commune
        FROM territories t
        JOIN staging.services_counts n ON n.level = 'commune' AND n.code = t.commune
        JOIN groups g ON g.groupe = n.groupe""")
    con.execute("""CREATE OR REPLACE TABLE marts.services_iris AS
        SELECT 'qpv' AS level, o.qpv AS code, o.code_iris, i.nom_iris,
               round(100 * o.share_qpv, 1) AS part_qpv, round(100 * o.share_iris, 1) AS part_iris,
               coalesce((SELECT sum(b.nb) FROM staging.services_bpe b
                         WHERE b.code_iris = o.code_iris AND b.groupe IS NOT NULL), 0)
                   AS equipements,
               ST_AsGeoJSON(i.geometry_wgs84) AS geojson
        FROM staging.services_overlap o
        JOIN staging.services_qpv q ON q.qpv = o.qpv
        JOIN staging.services_iris i ON i.code_iris = o.code_iris
        WHERE o.kept""")
    write_results(con, ANALYSIS.results_table)


ANALYSIS = Analysis(
    code="services",
    title="Commerces et services de proximité",
    summary="Les équipements de la gamme de proximité de l'INSEE (BPE 2019) dans les IRIS qui "
            "recouvrent chaque quartier, comparés à la commune, et les types qui y manquent.",
    method=(
        "La base permanente des équipements (BPE) de l'INSEE recense au 1er janvier 2019 les "
        "commerces, services, écoles, professionnels de santé et équipements sportifs, comptés "
        "par IRIS (quartiers statistiques d'environ 2 000 habitants). L'INSEE range les types "
        "d'équipements en « gammes » selon leur fréquence : la gamme de proximité réunit ceux "
        "que l'on trouve dans le plus grand nombre de communes (boulangerie, épicerie, poste, "
        "école, médecin généraliste, pharmacie, coiffeur, artisans du bâtiment…). Nous en "
        "retenons 29 types (34 codes BPE, certains regroupés comme le fait l'INSEE : écoles "
        "maternelles et leurs classes de regroupement pédagogique, écoles élémentaires, "
        "bureau de poste, relais et agence postale, épicerie et supérette).",
        "La BPE ne donne pas l'adresse des équipements dans les fichiers disponibles ici, "
        "seulement leur IRIS. On ne peut donc pas compter ce qui est dans le QPV : on compte "
        "ce qui est dans les IRIS recouvrant le QPV. Un IRIS recouvre le QPV quand la surface "
        f"commune aux deux fait au moins {OVERLAP_SHARE * 100:.0f} % de la surface du QPV ou "
        f"{OVERLAP_SHARE * 100:.0f} % de celle de l'IRIS (en deçà, il s'agit d'un liseré dû à deux "
        "dessins différents d'une même rue). Ces IRIS sont plus grands que le QPV : ils "
        "comprennent des rues voisines, et leurs chiffres décrivent le quartier et ses abords.",
        "Les contours d'IRIS ne sont disponibles que pour Rennes Métropole (dessin de la "
        "métropole) et Nantes (IGN) ; un QPV en reçoit les chiffres quand ces contours couvrent "
        f"au moins {COVERAGE_SHARE * 100:.0f} % de sa surface. Ailleurs en Bretagne et en Pays de la "
        "Loire, seule la commune est décrite. Les surfaces sont mesurées en Lambert-93.",
        "Pour comparer, la commune : ses équipements de la gamme pour 1 000 habitants "
        "(population municipale 2018) et par km². Il n'existe pas ici de population totale par "
        "IRIS : à Nantes seulement, la population de 15 ans ou plus (recensement 2022) permet "
        "un rapport pour 1 000 habitants de 15 ans ou plus, pour les IRIS et pour la commune ; "
        "partout ailleurs, la comparaison se fait par km².",
        "Enfin, pour chaque QPV, le tableau détaillé liste les 29 types : ceux qui n'ont aucun "
        "équipement dans les IRIS recouvrant le QPV, et s'ils existent ailleurs dans la commune.",
    ),
    limits=(
        "Les IRIS recouvrant le QPV débordent le quartier : un équipement compté peut être à "
        "quelques rues du QPV, et un équipement juste de l'autre côté d'une limite d'IRIS n'est "
        "pas compté. « Absent des IRIS » ne veut pas dire « loin à pied ».",
        "Années différentes : équipements au 1er janvier 2019, population municipale 2018 pour "
        "les communes, population de 15 ans ou plus 2022 pour Nantes, QPV de 2024, contours "
        "d'IRIS récents (IGN 2025 pour Nantes, non datés pour Rennes Métropole).",
        "La composition de la gamme de proximité de la BPE 2019 n'a pas pu être vérifiée contre "
        "le fichier officiel de l'INSEE (absent hors ligne) : la liste retenue (29 types) suit "
        "la gamme de proximité que l'INSEE publiait au début des années 2010, reportée sur les "
        "codes de 2019 ; l'INSEE en compte 27 pour la BPE 2016, deux types retenus ici ont donc "
        "pu changer de gamme. Elle est déclarée type par type dans le fichier de la gamme.",
        "La BPE compte des points d'accès, pas leur taille ni leurs horaires : une pharmacie "
        "vaut une pharmacie, un médecin un médecin. Quelques équipements d'une commune découpée "
        "en IRIS ne sont rattachés à aucun IRIS (code …_0000) : ils comptent pour la commune "
        "seulement.",
        "Seules la Bretagne et les Pays de la Loire sont couvertes (la BPE n'est embarquée que "
        "pour ces deux régions) : les QPV des autres régions n'ont pas de résultat.",
        "La part d'un QPV situé sur une autre commune que celle des contours disponibles "
        "(Bellevue, à cheval sur Nantes et Saint-Herblain) n'est pas couverte : la note du "
        "QPV le dit.",
    ),
    sources=SOURCES,
    components=COMPONENTS,
    levels=("qpv", "commune"),
    build=build,
    bundle=bundle,
    checks={
        "QPV de Rennes et de Nantes décrits par les IRIS qui les recouvrent": (
            "SELECT count(*) FROM marts.analysis_services WHERE component = 'equipements_iris' "
            "AND status = 'ok'", 17),
        "IRIS des contours embarqués (172 Rennes Métropole + 97 Nantes)": (
            "SELECT count(*) FROM staging.services_iris", 269),
        "communes dont le total de la gamme diffère de la somme du fichier BPE": (
            """SELECT count(*) FROM marts.analysis_services r
               JOIN (SELECT k.code, sum(num(b."NB_EQUIP")) AS nb FROM raw.bpe b
                     JOIN staging.commune_codes k ON k.any_code = b."DEPCOM"
                     JOIN raw.services_gamme g ON g.typequ = b."TYPEQU" GROUP BY 1) f
                 ON f.code = r.code
               WHERE r.level = 'commune' AND r.component = 'equipements_commune'
                 AND r.value <> f.nb""", 0),
        "QPV de Bretagne et des Pays de la Loire": (
            "SELECT count(DISTINCT code) FROM marts.analysis_services WHERE level = 'qpv'", 79),
    },
    map_component="equipements_iris_km2",
    map_levels=("qpv",),
    details=(
        DetailTable(
            code="types", title="Types de la gamme de proximité autour du QPV", sql=TYPES_SQL,
            columns=(("libelle_groupe", "Type d'équipement", ""), ("domaine", "Domaine", ""),
                     ("codes", "Codes BPE", ""), ("nb_iris", f"Dans les {NEAR}", UNIT),
                     ("nb_commune", "Dans la commune", UNIT), ("situation", "Situation", "")),
            note=f"Types absents des {NEAR} en premier. BPE 2019, INSEE."),
        DetailTable(
            code="types_commune", title="Types de la gamme de proximité dans la commune",
            sql=COMMUNE_TYPES_SQL,
            columns=(("libelle_groupe", "Type d'équipement", ""), ("domaine", "Domaine", ""),
                     ("codes", "Codes BPE", ""), ("nb_commune", "Dans la commune", UNIT),
                     ("situation", "Situation", "")),
            note="Pour un QPV sans contours d'IRIS disponibles : sa commune principale, faute "
                 "de mieux. Types absents en premier. BPE 2019, INSEE."),
        DetailTable(
            code="iris", title=NEAR, sql=IRIS_SQL,
            columns=(("code_iris", "Code IRIS", ""), ("nom_iris", "IRIS", ""),
                     ("part_qpv", "Part du QPV dans l'IRIS", "%"),
                     ("part_iris", "Part de l'IRIS dans le QPV", "%"),
                     ("equipements", "Équipements de la gamme de proximité", UNIT)),
            note=f"IRIS retenus : surface commune d'au moins {OVERLAP_SHARE * 100:.0f} % du QPV ou de "
                 "l'IRIS. Contours : Rennes Métropole ; IGN (Nantes).",
            map_value="equipements"),
    ),
    related_sources=("bpe", "qpv2024_perimetres", "comparateur"),
)
