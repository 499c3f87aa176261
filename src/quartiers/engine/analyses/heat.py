"""Heat-wave vulnerability of every QPV: exposure × sensitivity × adaptive capacity, after the
Institut Paris Région and Métropole de Lyon approach, every component shown.

Sensitivity and capacity come from the national QPV figures already in the warehouse, so all
1,609 QPV have them; exposure only where a Local Climate Zone layer (the bundled Redon sample,
users' imports) or the Nantes IRIS heat classes cover the QPV. The build is in heat_build.py.
"""

from __future__ import annotations

import gzip
import io
import shutil
import tempfile
from pathlib import Path

from ..sources.model import ETALAB, Source
from .heat_build import build
from .heat_lcz import read_lcz, write_layer
from .model import Analysis, Component, DetailTable

LCZ_ORIGIN = ("orbisgis/lczexplore @ebc99013 (données d'exemple du paquet R lczexplore, "
              "sorties GeoClimate)")
HEAT_ORIGIN = ("antoineverhulst/heat-risk-france @8a1ba64e (data/processed/), dérivé de la "
               "« Cartographie des zones climatiques locales (LCZ) des 88 aires urbaines » du "
               "Cerema (data.gouv.fr)")
THIRD_PARTY = ("Classe de chaleur des IRIS de Nantes calculée par un tiers (dépôt "
               "antoineverhulst/heat-risk-france) à partir des LCZ 2022 du Cerema : la classe la "
               "plus fréquente parmi les zones LCZ dont le centre est dans l'IRIS, comptées en "
               "nombre et non en surface ; ni le Cerema ni nous n'avons produit ce classement.")

SOURCES = (
    Source(key="chaleur:lcz_redon_bdtopo", path="analyses/chaleur/lcz_redon_bdtopo2022.parquet",
           producer="Lab-STICC / orbisgis (GeoClimate)",
           dataset="Zones climatiques locales (LCZ) de Redon, unités spatiales de référence "
                   "(rsu_lcz), calculées sur la BD TOPO de l'IGN",
           vintage="BD TOPO 2022", licence=f"{ETALAB} (BD TOPO) ; paquet lczexplore LGPL",
           origin=LCZ_ORIGIN, columns=("layer", "vintage", "row", "lcz", "geometry"),
           attribution="LCZ GeoClimate (orbisgis) sur BD TOPO® IGN 2022",
           doubts=("Échantillon d'un paquet logiciel, pas une production officielle ; aucun "
                   "QPV n'est à Redon : il sert à éprouver la méthode et l'import.",)),
    Source(key="chaleur:lcz_redon_osm", path="analyses/chaleur/lcz_redon_osm2022.parquet",
           producer="Lab-STICC / orbisgis (GeoClimate)",
           dataset="Zones climatiques locales (LCZ) de Redon calculées sur OpenStreetMap",
           vintage="OSM 2022", licence="ODbL (OpenStreetMap) ; paquet lczexplore LGPL",
           origin=LCZ_ORIGIN, columns=("layer", "vintage", "row", "lcz", "geometry"),
           attribution="LCZ GeoClimate (orbisgis) © contributeurs OpenStreetMap (ODbL)",
           doubts=("Variante embarquée pour comparaison (fichier d'origine en UTM 30N, "
                   "EPSG:32630, reprojeté) ; le calcul par défaut utilise la variante BD TOPO.",)),
    Source(key="chaleur:nantes_iris_classes",
           path="analyses/chaleur/nantes_iris_classe_chaleur_lcz2022.parquet",
           producer="Tiers (antoineverhulst/heat-risk-france), d'après Cerema et IGN",
           dataset="Classe de chaleur (forte, moyenne, faible) des 97 IRIS de Nantes, dérivée "
                   "des LCZ 2022 du Cerema ; contours IRIS GE 2025 de l'IGN",
           vintage="LCZ 2022 ; IRIS 2025", licence=ETALAB, origin=HEAT_ORIGIN,
           columns=("code_iris", "nom_iris", "heat_class", "geometry"),
           attribution="Cerema, LCZ 2022 ; IGN, IRIS GE ; classement : antoineverhulst",
           doubts=(THIRD_PARTY,)),
    Source(key="chaleur:nantes_iris_agees",
           path="analyses/chaleur/nantes_iris_personnes_agees_rp2022.csv.gz",
           producer="INSEE (recensement 2022), extrait par un tiers",
           dataset="Personnes âgées vivant seules par IRIS de Nantes (base Couples – Familles – "
                   "Ménages)", vintage="RP 2022", licence=ETALAB, origin=HEAT_ORIGIN,
           columns=("IRIS", "total_population", "elderly_80_plus_alone"),
           attribution="INSEE, recensement de la population 2022",
           doubts=("total_population est la population de 15 ans ou plus (P22_POP15P) ; "
                   "comptes pondérés du recensement, non entiers.",)),
)
SENSITIVITY, CAPACITY, EXPOSURE, VULNERABILITY = (
    "Sensibilité", "Capacité d'adaptation", "Exposition", "Vulnérabilité")
RANKED = "rang, puis tercile parmi les QPV où le chiffre est publié"

COMPONENTS = (
    Component("sens_age", "Indice de jeunesse", "ratio", SENSITIVITY,
              "Nombre de moins de 20 ans pour une personne de 60 ans ou plus. Un indice bas "
              f"signale un quartier âgé, plus sensible à la chaleur ({RANKED}).",
              higher_is="favorable", scored=True),
    Component("sens_seuls", "Part des ménages d'une personne", "%", SENSITIVITY,
              "Les personnes seules sont les plus exposées à l'isolement pendant une canicule "
              f"({RANKED}).", higher_is="defavorable", scored=True),
    Component("sens_grands_menages", "Part des ménages de 6 personnes ou plus", "%",
              SENSITIVITY, "Approche de la suroccupation des logements, où la chaleur se "
              f"supporte plus mal ({RANKED}).", higher_is="defavorable", scored=True),
    Component("sens_agees_seules_nantes", "Personnes de 80 ans ou plus vivant seules (Nantes)",
              "pour 100 habitants de 15 ans ou plus", SENSITIVITY,
              "Nantes seulement : comptes du recensement 2022 par IRIS, répartis sur le QPV au "
              "prorata de la surface de chaque IRIS qu'il recouvre. Montré à côté de l'indice, "
              "sans y entrer (il n'existe pas pour les autres QPV).", higher_is="defavorable"),
    Component("sensibilite", "Sensibilité : indice", "rang moyen (0–1)", SENSITIVITY,
              "Moyenne des rangs des composantes de sensibilité publiées (au moins deux sur "
              "trois), puis tercile de cette moyenne parmi les QPV.", higher_is="defavorable",
              scored=True),
    Component("cap_pauvrete", "Taux de pauvreté", "%", CAPACITY,
              "Moins de moyens pour se protéger : climatiser, s'équiper, partir au frais "
              f"({RANKED}).", higher_is="defavorable", scored=True),
    Component("cap_emploi", "Taux d'emploi des 15-64 ans", "%", CAPACITY,
              f"Ressources et liens hors du quartier ; un taux élevé est favorable ({RANKED}).",
              higher_is="favorable", scored=True),
    Component("cap_rsa", "Part des allocataires percevant le RSA socle", "%", CAPACITY,
              f"Grande précarité des ménages allocataires de la CAF ({RANKED}).",
              higher_is="defavorable", scored=True),
    Component("capacite", "Capacité d'adaptation : indice de fragilité", "rang moyen (0–1)",
              CAPACITY, "Moyenne des rangs des composantes de capacité publiées (au moins deux "
              "sur trois), orientées pour qu'un rang élevé signale une capacité faible, puis "
              "tercile parmi les QPV.", higher_is="defavorable", scored=True),
    Component("expo_lcz_chaud", "Surface en zones climatiques « chaudes » (LCZ)", "%", EXPOSURE,
              "Part de la surface du QPV couverte par la couche LCZ qui est classée LCZ 1, 2, 3 "
              "(bâti compact), 8 (grands bâtiments bas) ou 10 (industrie lourde).",
              higher_is="defavorable"),
    Component("couverture_lcz", "Surface du QPV couverte par la couche LCZ", "%", EXPOSURE,
              "Une couche qui ne couvre qu'une partie du QPV le dit ici ; sous 50 %, pas "
              "d'exposition calculée."),
    Component("expo_iris_forte", "Surface dans des IRIS de chaleur forte (Nantes)", "%",
              EXPOSURE, "Nantes : part de la surface du QPV (partie couverte par les IRIS de "
              "Nantes) située dans des IRIS classés « chaleur forte » par un tiers d'après "
              "les LCZ 2022 du Cerema.", higher_is="defavorable"),
    Component("expo_iris_moyenne", "Surface dans des IRIS de chaleur moyenne (Nantes)", "%",
              EXPOSURE, "Même calcul pour la classe « moyenne »."),
    Component("expo_iris_faible", "Surface dans des IRIS de chaleur faible (Nantes)", "%",
              EXPOSURE, "Même calcul pour la classe « faible »."),
    Component("couverture_iris", "Surface du QPV couverte par les IRIS de Nantes", "%",
              EXPOSURE, "Un QPV à cheval sur Nantes et une commune voisine n'est couvert qu'en "
              "partie ; sous 50 %, pas d'exposition calculée."),
    Component("exposition", "Exposition : part de surface chaude", "%", EXPOSURE,
              "La part « chaude » ci-dessus (couche LCZ si elle existe, sinon classes des IRIS "
              "de Nantes), notée sur une échelle fixe : 1 sous un tiers, 2 d'un tiers à deux "
              "tiers, 3 au-delà.", higher_is="defavorable", scored=True),
    Component("vulnerabilite", "Vulnérabilité : exposition × sensibilité × fragilité",
              "points (1–27)", VULNERABILITY,
              "Produit des trois notes (1 à 3 chacune) : de 1 à 27. Faible (1) jusqu'à 3, "
              "moyenne (2) de 4 à 9, forte (3) à partir de 12. Seulement là où les trois "
              "existent.", higher_is="defavorable", scored=True),
)

METHOD = (
    "La vulnérabilité d'un quartier aux fortes chaleurs croise trois dimensions, comme le font "
    "l'Institut Paris Région et la Métropole de Lyon : l'exposition (le quartier est-il bâti "
    "de façon à retenir la chaleur ?), la sensibilité (ses habitants en souffrent-ils plus "
    "que d'autres ?) et la capacité d'adaptation (ont-ils les moyens de s'en protéger ?). "
    "Chaque dimension est montrée avec les chiffres qui la composent : rien n'est caché dans "
    "une note globale.",
    "Sensibilité et capacité reposent sur les chiffres clés publiés pour chaque QPV 2024 "
    "(SIG Ville / INSEE) : l'indice de jeunesse (un quartier âgé est plus sensible), la part "
    "des ménages d'une personne, la part des grands ménages (approche de la suroccupation), "
    "le taux de pauvreté, le taux d'emploi et la part des allocataires au RSA socle.",
    "Chaque chiffre est transformé en rang : on classe les QPV où il est publié, du moins au "
    "plus vulnérable (pour le taux d'emploi et l'indice de jeunesse, une valeur élevée est "
    "favorable, l'ordre est donc inversé), et le rang va de 0 (le moins vulnérable) à 1 (le "
    "plus vulnérable). Le premier tiers des rangs reçoit la note 1, le deuxième la note 2, le "
    "dernier la note 3. L'indice d'une dimension est la moyenne des rangs de ses composantes, "
    "noté de la même façon ; il dit sur combien de composantes il repose, et n'est pas "
    "calculé s'il en manque plus d'une. Un chiffre non publié reste vide : il n'est jamais "
    "remplacé par une moyenne ou une estimation.",
    "L'exposition vient des zones climatiques locales (LCZ), une classification de la ville "
    "en 17 types selon la forme du bâti et l'occupation du sol (Stewart et Oke). Nous "
    "mesurons, en Lambert-93, la part de la surface de chaque QPV dans chaque type. Sont "
    "comptés comme « chauds » les types qui accumulent le plus de chaleur le jour et la "
    "restituent la nuit : le bâti compact (LCZ 1, 2 et 3), les grands bâtiments bas sur sols "
    "imperméables (LCZ 8 : zones commerciales, entrepôts) et l'industrie lourde (LCZ 10) ; "
    "c'est aussi le regroupement utilisé pour la classe « forte » des IRIS de Nantes. La note "
    "d'exposition suit une échelle fixe, la même partout : 1 si moins d'un tiers de la "
    "surface est « chaude », 2 jusqu'à deux tiers, 3 au-delà.",
    "Une couche LCZ n'existe pas partout : nous embarquons l'échantillon de Redon (aucun QPV "
    "n'y est situé) et chacun peut importer la couche du Cerema de son aire urbaine ou une "
    "sortie GeoClimate (`quartiers chaleur importer-lcz`). Pour Nantes, nous utilisons une "
    "classe de chaleur par IRIS (forte, moyenne, faible) calculée par un tiers à partir des "
    "LCZ 2022 du Cerema, répartie sur chaque QPV selon la surface de chaque IRIS qu'il "
    "recouvre. Un QPV sans couche garde sa sensibilité et sa capacité, et l'exposition y est "
    "dite non disponible.",
    "La vulnérabilité combinée est le produit des trois notes (de 1 à 27) : faible jusqu'à 3, "
    "moyenne de 4 à 9, forte à partir de 12 (par exemple une dimension à 3 et les deux autres "
    "à 2). Elle n'est donnée que là où les trois dimensions existent.",
)
LIMITS = (
    "Les rangs comparent les QPV entre eux : une note 1 ne veut pas dire « pas vulnérable », "
    "mais « parmi les moins vulnérables des QPV », qui le sont souvent plus que leur ville.",
    "Les chiffres clés des QPV n'ont pas tous le même millésime (2020 à 2022) et la part des "
    "grands ménages n'est qu'une approche de la suroccupation.",
    "Le revenu médian n'entre pas dans la capacité d'adaptation : il n'est pas publié pour les "
    "QPV de 2024 dans les données embarquées (Filosofi par QPV n'existe ici que pour la "
    "géographie 2015) ; le taux de pauvreté en tient lieu.",
    "Les grands ensembles (LCZ 4 et 5 : tours et immeubles espacés) ne comptent pas parmi les "
    "types « chauds » : beaucoup de QPV ont donc une exposition notée 1 ; la part de leur "
    "surface en chaleur « moyenne » est montrée à côté pour Nantes.",
    "Les LCZ décrivent la forme de la ville, pas des températures mesurées ; l'ombre d'un arbre "
    "ou une cour fraîche à l'échelle d'un immeuble leur échappent.",
    "À Nantes, la classe d'un IRIS est celle du type LCZ le plus fréquent (en nombre de zones, "
    "pas en surface) : un IRIS mixte est réduit à une seule classe. Ce classement est celui "
    "d'un tiers, non du Cerema.",
    "La répartition au prorata des surfaces suppose la population également répartie dans "
    "chaque IRIS, ce qui est rarement vrai (parcs, zones d'activité).",
)

LEVEL_CODE = "WHERE level = ? AND code = ?"
DETAILS = (
    DetailTable(
        "composantes", "Composantes, rangs et notes",
        f"""SELECT label AS composante, value AS valeur, unit AS unite, rank AS rang,
                   score AS note, ranked AS qpv_classes
            FROM marts.chaleur_components {LEVEL_CODE} ORDER BY position""",
        (("composante", "Composante", ""), ("valeur", "Valeur", ""), ("unite", "Unité", ""),
         ("rang", "Rang (0 = le moins vulnérable, 1 = le plus)", ""),
         ("note", "Note (1 à 3)", ""), ("qpv_classes", "QPV classés", "")),
        note="Le rang situe le QPV parmi tous ceux où le chiffre est publié."),
    DetailTable(
        "lcz", "Zones climatiques locales (LCZ) dans le QPV",
        f"""SELECT lcz AS classe, label AS type, CASE WHEN hot THEN 'oui' ELSE 'non' END
                   AS chaude, area_ha AS surface, share AS part, layer AS couche,
                   ST_AsGeoJSON(geometry) AS geojson
            FROM marts.chaleur_lcz_shares {LEVEL_CODE} ORDER BY share DESC""",
        (("classe", "LCZ", ""), ("type", "Type", ""), ("chaude", "Comptée chaude", ""),
         ("surface", "Surface", "ha"), ("part", "Part de la surface du QPV", "%"),
         ("couche", "Couche", "")),
        note="Parts de la surface totale du QPV : leur somme est la part couverte par la "
             "couche.", map_value="part"),
    DetailTable(
        "iris_nantes", "IRIS de Nantes recouvrant le QPV et leur classe de chaleur",
        f"""SELECT code_iris, nom_iris, heat_label AS classe, heat_level AS niveau,
                   share AS part, ST_AsGeoJSON(geometry) AS geojson
            FROM marts.chaleur_iris {LEVEL_CODE} ORDER BY share DESC""",
        (("code_iris", "IRIS", ""), ("nom_iris", "Nom", ""), ("classe", "Classe de chaleur", ""),
         ("niveau", "Niveau (1 faible à 3 forte)", ""),
         ("part", "Part de la surface du QPV", "%")),
        note=THIRD_PARTY, map_value="niveau"),
)


def _results(component: str, status: str = "", op: str = "=") -> str:
    where = f"component = '{component}'" + (f" AND status {op} '{status}'" if status else "")
    return f"SELECT count(*) FROM marts.analysis_chaleur WHERE {where}"


CHECKS = {
    "QPV 2024 ayant une ligne de sensibilité": (_results("sensibilite"), 1609),
    "QPV 2024 ayant une ligne de capacité": (_results("capacite"), 1609),
    "QPV 2024 ayant une ligne d'exposition": (_results("exposition"), 1609),
    "polygones LCZ de Redon (BD TOPO) chargés":
        ("SELECT count(*) FROM staging.chaleur_lcz WHERE source = 'chaleur:lcz_redon_bdtopo'",
         1553),
    "IRIS de Nantes chargés": ("SELECT count(*) FROM \"raw\".chaleur_nantes_iris_classes", 97),
    "QPV de Nantes avec une exposition (IRIS)": (_results("expo_iris_forte", "ok"), 12),
    "QPV entièrement couverts dont les parts de classes ne font pas 100 %": ("""
        SELECT count(*) FROM (SELECT code, sum(value) AS total FROM marts.analysis_chaleur
            WHERE component IN ('expo_iris_forte', 'expo_iris_moyenne', 'expo_iris_faible')
              AND status = 'ok' GROUP BY code) WHERE abs(total - 100) > 1e-6""", 0),
    "QPV entièrement couverts dont les parts LCZ ne font pas 100 %": ("""
        SELECT count(*) FROM (SELECT code, sum(share) AS total, any_value(coverage) AS coverage
            FROM marts.chaleur_lcz_shares GROUP BY code, layer)
        WHERE coverage >= 0.999999 AND abs(total - 100) > 1e-4""", 0),
}


def _bundle(kit: Path, out: Path) -> None:
    """The Redon LCZ samples through the same reader as users' imports; the Nantes IRIS
    classes in Lambert-93 WKT; the elderly counts byte for byte."""
    import geopandas
    import shapely

    from ..sources.files import repaired, write_parquet

    folder = out / "analyses" / "chaleur"
    with tempfile.TemporaryDirectory() as tmp:
        for name, target, label, vintage in (
                ("redon_rsu_lcz_bdtopo22", "lcz_redon_bdtopo2022", "Redon (GeoClimate, BD TOPO)",
                 "BD TOPO 2022"),
                ("redon_rsu_lcz_osm2022", "lcz_redon_osm2022", "Redon (GeoClimate, OSM)",
                 "OSM 2022")):
            plain = Path(tmp) / f"{name}.geojson"
            with gzip.open(kit / "lcz" / f"{name}.geojson.gz") as handle:
                plain.write_bytes(handle.read())
            rows, _ = read_lcz(plain, "geoclimate")
            write_layer(rows, label, vintage, LCZ_ORIGIN, folder / f"{target}.parquet")
    with gzip.open(kit / "heat" / "nantes_iris_classe_chaleur_lcz2022.geojson.gz") as handle:
        frame = geopandas.read_file(io.BytesIO(handle.read()))
    write_parquet([{
        "code_iris": row.code_iris, "nom_iris": row.nom_iris, "heat_class": row.heat_score,
        "geometry": shapely.to_wkt(repaired(row.geometry), rounding_precision=1, trim=True),
    } for row in frame.to_crs("EPSG:2154").itertuples()],
        folder / "nantes_iris_classe_chaleur_lcz2022.parquet")
    shutil.copyfile(kit / "heat" / "nantes_iris_personnes_agees_rp2022.csv.gz",
                    folder / "nantes_iris_personnes_agees_rp2022.csv.gz")


ANALYSIS = Analysis(
    code="chaleur", title="Vulnérabilité aux fortes chaleurs",
    summary="Exposition, sensibilité et capacité d'adaptation de chaque QPV face aux vagues de "
            "chaleur, chaque composante montrée.",
    method=METHOD, limits=LIMITS, sources=SOURCES, components=COMPONENTS, levels=("qpv",),
    build=build, bundle=_bundle, checks=CHECKS, map_component="sensibilite",
    territory_maps=("exposition", "sensibilite", "capacite", "vulnerabilite"),
    details=DETAILS, related_sources=("qpv2024_indicateurs", "chaleur:lcz_import"),
)
