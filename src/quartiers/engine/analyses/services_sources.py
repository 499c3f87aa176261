"""Files of the essential-services analysis: IRIS contours of Rennes Métropole and Nantes, the
population of Nantes's IRIS, and the list of equipment types of the BPE proximity range.

The IRIS contours are kept in the projection each producer published (declared in ``CRS``) and
reprojected to Lambert-93 by the build; the bundle only keeps code, name, commune and geometry.
"""

from __future__ import annotations

import csv
import gzip
import io
import json
from pathlib import Path

import shapely

from ..sources.files import repaired, write_gzip, write_parquet
from ..sources.model import ETALAB, Source

IRIS_COLUMNS = ("code_iris", "nom_iris", "code_commune", "nom_commune", "geometry")
GAMME_COLUMNS = ("typequ", "groupe", "libelle_groupe", "libelle_type", "domaine")

PARTICULIERS, COMMERCES, ENSEIGNEMENT = "Services aux particuliers", "Commerces", "Enseignement"
SANTE, TRANSPORTS, SPORTS = "Santé", "Transports", "Sports, loisirs et culture"
# The proximity range as declared here (see the gamme source's doubts): BPE 2019 code, group
# (INSEE counts a group as one equipment of the range), group label, the code's label, domain
GAMME = (
    ("A203", "banque", "Banque, caisse d'épargne", "Banque, Caisse d'Épargne", PARTICULIERS),
    ("A206", "poste", "Bureau de poste, relais poste, agence postale",
     "Bureau de poste", PARTICULIERS),
    ("A207", "poste", "Bureau de poste, relais poste, agence postale",
     "Relais poste", PARTICULIERS),
    ("A208", "poste", "Bureau de poste, relais poste, agence postale",
     "Agence postale", PARTICULIERS),
    ("A301", "reparation_auto", "Réparation automobile et de matériel agricole",
     "Réparation auto et de matériel agricole", PARTICULIERS),
    ("A401", "macon", "Maçon", "Maçon", PARTICULIERS),
    ("A402", "platrier", "Plâtrier, peintre", "Plâtrier peintre", PARTICULIERS),
    ("A403", "menuisier", "Menuisier, charpentier, serrurier",
     "Menuisier, charpentier, serrurier", PARTICULIERS),
    ("A404", "plombier", "Plombier, couvreur, chauffagiste",
     "Plombier, couvreur, chauffagiste", PARTICULIERS),
    ("A405", "electricien", "Électricien", "Électricien", PARTICULIERS),
    ("A406", "batiment", "Entreprise générale du bâtiment",
     "Entreprise générale du bâtiment", PARTICULIERS),
    ("A501", "coiffure", "Coiffure", "Coiffure", PARTICULIERS),
    ("A504", "restaurant", "Restaurant", "Restaurant - Restauration rapide", PARTICULIERS),
    ("A505", "agence_immobiliere", "Agence immobilière", "Agence immobilière", PARTICULIERS),
    ("A507", "beaute", "Soins de beauté", "Institut de beauté - Onglerie", PARTICULIERS),
    ("B201", "epicerie_superette", "Épicerie, supérette", "Supérette", COMMERCES),
    ("B202", "epicerie_superette", "Épicerie, supérette", "Épicerie", COMMERCES),
    ("B203", "boulangerie", "Boulangerie", "Boulangerie", COMMERCES),
    ("B204", "boucherie", "Boucherie, charcuterie", "Boucherie charcuterie", COMMERCES),
    ("B312", "fleuriste", "Fleuriste", "Fleuriste - Jardinerie - Animalerie", COMMERCES),
    ("C101", "ecole_maternelle", "École maternelle", "École maternelle", ENSEIGNEMENT),
    ("C102", "ecole_maternelle", "École maternelle",
     "École maternelle de RPI dispersé", ENSEIGNEMENT),
    ("C104", "ecole_elementaire", "École élémentaire", "École élémentaire", ENSEIGNEMENT),
    ("C105", "ecole_elementaire", "École élémentaire",
     "École élémentaire de RPI dispersé", ENSEIGNEMENT),
    ("D201", "medecin", "Médecin généraliste", "Médecin généraliste", SANTE),
    ("D221", "dentiste", "Chirurgien-dentiste", "Chirurgien dentiste", SANTE),
    ("D232", "infirmier", "Infirmier", "Infirmier", SANTE),
    ("D233", "kinesitherapeute", "Masseur-kinésithérapeute", "Masseur kinésithérapeute", SANTE),
    ("D301", "pharmacie", "Pharmacie", "Pharmacie", SANTE),
    ("E101", "taxi", "Taxi - VTC", "Taxi - VTC", TRANSPORTS),
    ("F102", "boulodrome", "Boulodrome", "Boulodrome", SPORTS),
    ("F103", "tennis", "Tennis", "Tennis", SPORTS),
    ("F111", "terrain_multisports", "Plateaux et terrains de jeux extérieurs",
     "Plateaux et terrains de jeux extérieurs", SPORTS),
    ("F113", "grands_jeux", "Terrain de grands jeux", "Terrain de grands jeux", SPORTS),
)

# declared projection of each contours file: the build checks the coordinates fit it
CRS = {"services:iris_rennes": "EPSG:4326", "services:iris_nantes": "EPSG:2154"}

SOURCES = (
    Source(
        key="services:iris_rennes",
        path="analyses/services/iris_rennes_metropole.parquet",
        producer="Rennes Métropole",
        dataset="IRIS version Rennes Métropole (contours des IRIS de l'INSEE dessinés par la "
                "métropole)",
        vintage="non datée (découpage IRIS en vigueur à la publication)",
        licence="licence ouverte du portail open data de Rennes Métropole (ODbL ou Licence "
                "Ouverte, à vérifier sur le portail)",
        origin="portail open data de Rennes Métropole, copie "
               "Quemiliano/Rennes_metropolis_bodily_injury @e9de7c5f",
        columns=IRIS_COLUMNS,
        attribution="Source : Rennes Métropole, IRIS",
        doubts=("Dessin des IRIS par Rennes Métropole, pas les CONTOURS-IRIS de l'IGN : les "
                "limites peuvent différer de quelques mètres de celles de l'INSEE.",),
        file_notes=("172 IRIS des 43 communes de Rennes Métropole (92 pour Rennes), WGS84 "
                    "(EPSG:4326) ; seuls code, nom, commune et contour sont gardés.",),
    ),
    Source(
        key="services:iris_nantes",
        path="analyses/services/iris_nantes.parquet",
        producer="IGN (contours) ; dérivation d'un tiers",
        dataset="Contours des IRIS de Nantes (IGN IRIS GE 2025)",
        vintage="2025",
        licence=ETALAB,
        origin="géométrie du fichier nantes_iris_classe_chaleur_lcz2022 de "
               "antoineverhulst/heat-risk-france @8a1ba64e (data/processed/), lui-même tiré "
               "d'IGN IRIS GE 2025",
        columns=IRIS_COLUMNS,
        attribution="Source : IGN, IRIS GE 2025 (via un traitement tiers)",
        doubts=("Contours repris d'un fichier publié par un tiers (classes de chaleur par "
                "IRIS) : seule sa géométrie est utilisée ici.",),
        file_notes=("97 IRIS de Nantes, Lambert-93 (EPSG:2154).",),
    ),
    Source(
        key="services:pop_nantes",
        path="analyses/services/nantes_iris_pop15p_rp2022.csv.gz",
        producer="INSEE",
        dataset="Recensement 2022, base « Couples – Familles – Ménages » par IRIS : population "
                "de 15 ans ou plus (P22_POP15P), Nantes",
        vintage="RP 2022",
        licence=ETALAB,
        origin="copie antoineverhulst/heat-risk-france @8a1ba64e "
               "(nantes_iris_personnes_agees_rp2022, colonne total_population)",
        columns=("IRIS", "P22_POP15P"),
        attribution="Source : INSEE, recensement de la population 2022",
        doubts=("Population de 15 ans ou plus seulement (pas la population totale) ; valeurs "
                "pondérées du recensement, non entières.",),
    ),
    Source(
        key="services:gamme",
        path="analyses/services/gamme_proximite_bpe2019.csv",
        producer="INSEE (gammes d'équipements) ; liste établie par Quartiers",
        dataset="Types d'équipements de la gamme de proximité, codes de la nomenclature BPE 2019",
        vintage="nomenclature BPE 2019",
        licence=ETALAB,
        origin="INSEE, « Les gammes d'équipements issues de la Base permanente des "
               "équipements » (insee.fr/fr/statistiques/3568650) pour la méthode et les "
               "regroupements ; le fichier officiel de la composition 2019 "
               "(BPE_gammes_2019) n'est pas disponible hors ligne",
        columns=GAMME_COLUMNS,
        attribution="Source : INSEE, gammes d'équipements de la BPE",
        doubts=("Composition non vérifiée contre le fichier officiel des gammes 2019 "
                "(BPE_gammes_2019, absent hors ligne) : liste établie par Quartiers d'après la "
                "gamme de proximité que l'INSEE publiait au début des années 2010 (29 "
                "équipements après regroupement), reportée sur les codes de la nomenclature "
                "2019. L'INSEE en compte 27 pour la BPE 2016 (Insee Focus n° 113) : deux types "
                "retenus ici ont pu passer depuis dans la gamme intermédiaire.",
                "Libellés des types : nomenclature BPE 2019 (relue sur une transcription "
                "publique, pas sur le document de l'INSEE).",),
    ),
)


def _features(path: Path) -> list[dict]:
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        return json.load(handle)["features"]


def _iris_rows(features: list[dict], fields: tuple[str, str, str, str],
               decimals: int) -> list[dict]:
    code, name, commune, commune_name = fields
    rows = []
    for feature in features:
        props = feature["properties"]
        geometry = repaired(shapely.geometry.shape(feature["geometry"]))
        rows.append({
            "code_iris": props[code], "nom_iris": props[name],
            "code_commune": props[commune] or props[code][:5], "nom_commune": props[commune_name],
            "geometry": geometry and shapely.to_wkt(geometry, rounding_precision=decimals,
                                                      trim=True),
        })
    return sorted(rows, key=lambda row: row["code_iris"])


def bundle(kit: Path, out: Path) -> None:
    """IRIS contours (code, name, commune, geometry only), Nantes's IRIS population 15+ and
    the declared proximity range."""
    target = out / "analyses/services"
    rennes = _features(kit / "iris_contours/iris_rennes_metropole.geojson.gz")
    write_parquet(_iris_rows(rennes, ("code_iris", "nom_iris", "code_insee", "nom_com"), 6),
                  target / "iris_rennes_metropole.parquet")
    nantes = _features(kit / "heat/nantes_iris_classe_chaleur_lcz2022.geojson.gz")
    for feature in nantes:  # the file has no commune code: an IRIS code starts with it
        feature["properties"]["code_commune"] = None
    write_parquet(_iris_rows(nantes, ("code_iris", "nom_iris", "code_commune", "nom_com"), 1),
                  target / "iris_nantes.parquet")
    with gzip.open(kit / "heat/nantes_iris_personnes_agees_rp2022.csv.gz", "rt",
                   encoding="utf-8") as handle:
        people = list(csv.DictReader(handle))
    text = io.StringIO()
    writer = csv.writer(text, lineterminator="\n")
    writer.writerow(("IRIS", "P22_POP15P"))
    writer.writerows((row["IRIS"], row["total_population"]) for row in people)
    write_gzip(text.getvalue().encode("utf-8"), target / "nantes_iris_pop15p_rp2022.csv.gz")
    with (target / "gamme_proximite_bpe2019.csv").open("w", encoding="utf-8",
                                                      newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(GAMME_COLUMNS)
        writer.writerows(GAMME)
