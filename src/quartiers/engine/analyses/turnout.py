"""Turnout in QPV: polling-station contours crossed with QPV perimeters, turnout of the stations
mostly inside a QPV against the rest of the commune and the whole commune, by election and round.

Declarations (method, sources, components, checks, detail tables) and the bundle; the build is
in ``turnout_build``, the reading of users' files in ``turnout_files``.
"""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
from pathlib import Path

from ..sources.files import write_gzip, write_parquet
from ..sources.model import ETALAB, Source
from .model import Analysis, Component, DetailTable
from .turnout_build import QPV_THRESHOLD, BundledContours, BundledResults, build
from .turnout_files import contour_rows, read_contours

CODE = "participation"
FOLDER = f"analyses/{CODE}"
BREST, NANTES, RENNES = "29019", "44109", "35238"

ODBL = "ODbL 1.0 (Open Database License)"
BREST_ORIGIN = "LaFranceInsoumiseBrest/AnalyseResultats @0d763b49"


def _source(key: str, path: str, producer: str, dataset: str, vintage: str, licence: str,
            origin: str, columns: tuple[str, ...], attribution: str, *doubts: str,
            delimiter: str = "") -> Source:
    return Source(key=key, path=f"{FOLDER}/{path}", producer=producer, dataset=dataset,
                  vintage=vintage, licence=licence, origin=origin, columns=columns,
                  attribution=attribution, doubts=doubts, delimiter=delimiter)


LEG2022_DOUBT = ("Résultats 2022 rapportés aux contours 2024 des bureaux (seuls disponibles) : "
                 "numéros identiques, limites susceptibles d'avoir changé entre les deux dates.")
LEG2022_FILES = {(tour, circo): f"leg2022_brest_tour{tour}_circo{circo}_bureaux.csv.gz"
                 for tour in (1, 2) for circo in (2, 3)}
LIST_DOUBT = ("Pourcentages par liste seulement (Nantes : des votants, bulletins nuls compris ; "
              "Rennes : des suffrages exprimés), sans inscrits ni votants : aucune participation "
              "ni aucun total pondéré ne peut en être tiré.")

SOURCES = (
    _source("participation_contours:brest2024", "bureaux_brest_2024.parquet", "Brest métropole",
            "Bureaux de vote 2024 — contours (Brest, Gouesnou, Plougastel-Daoulas)", "2024",
            "Données ouvertes de Brest métropole (licence non précisée par la copie) : citer "
            "« Brest métropole »",
            f"open data Brest métropole (couche SIG), copie {BREST_ORIGIN}",
            ("commune", "numero", "nom", "geometry"), "Source : Brest métropole",
            "Le nom du bureau est le titre de la couche sans « Bureau n° … - ».",
            "Communes 29061 et 29189 : contours seulement, sans toutes les communes voisines."),
    *(_source(f"participation_leg2024:t{tour}", f"leg2024_t{tour}_bv_finistere_circo2-3.csv.gz",
              "Ministère de l'Intérieur", f"Élections législatives 2024, {label} — résultats "
              "par bureau de vote (Finistère, 2e et 3e circonscriptions)", "2024", ETALAB,
              f"data.gouv.fr (ministère de l'Intérieur), copie {BREST_ORIGIN}, compressée",
              ("Code commune", "Code BV", "Inscrits", "Votants"),
              "Source : ministère de l'Intérieur", delimiter=";")
      for tour, label in ((1, "1er tour (30 juin)"), (2, "2d tour (7 juillet)"))),
    *(_source(f"participation_leg2022:t{tour}c{circo}", name, "Ville de Brest",
              f"Élections législatives 2022, tour {tour}, {circo}e circonscription — résultats "
              "par bureau de vote de Brest", "2022", "Aucune licence indiquée : citer « Ville de "
              "Brest »", f"pages de résultats de la Ville de Brest, copie {BREST_ORIGIN} "
              "(Legislatives2022/collecte_resultats/resultats/)",
              ("Numéro", "Bureau", "Inscrits", "Votants"), "Source : Ville de Brest",
              LEG2022_DOUBT, *(("Bureau 071 : que des zéros dans la copie (une lacune, pas un "
                                "résultat) : compté comme manquant.",)
                               if (tour, circo) == (2, 2) else ()), delimiter=";")
      for (tour, circo), name in LEG2022_FILES.items()),
    *(_source(f"participation_contours:{city.lower()}2014", f"bureaux_{city.lower()}_2014.parquet",
              f"Ville de {city}", f"Bureaux de vote des municipales 2014 — contours ({city})",
              "2014", ODBL, f"open data Ville de {city}, copie makinacorpus/{city.lower()}2014 "
              f"@{commit}", ("commune", "numero", "nom", "geometry"), f"© Ville de {city}, ODbL",
              "Découpage de 2014, croisé avec les QPV de 2024.",
              *(("Noms des lieux de vote sans leurs lettres accentuées dans la copie (ex. "
                 "« Collge », « Trgain ») : laissés tels quels.",) if city == "Rennes" else ()))
      for city, commit in (("Nantes", "57f86ecc"), ("Rennes", "4b2e5c2e"))),
    *(_source(f"participation_mun2014:{city.lower()}", f"mun2014_{city.lower()}_listes.csv.gz",
              f"Ville de {city}", f"Élections municipales 2014 ({city}) — part de chaque liste "
              "par bureau, 1er et 2d tours", "2014", ODBL,
              f"open data Ville de {city}, copie makinacorpus/{city.lower()}2014 @{commit} "
              "(JSON converti en CSV : une ligne par tour, bureau et liste, valeurs inchangées)",
              ("tour", "bureau", "liste", "part"), f"© Ville de {city}, ODbL", LIST_DOUBT)
      for city, commit in (("Nantes", "57f86ecc"), ("Rennes", "4b2e5c2e"))),
)

SOURCE = {source.key: source for source in SOURCES}
CONTOURS = (BundledContours(SOURCE["participation_contours:brest2024"], 2024),
            BundledContours(SOURCE["participation_contours:nantes2014"], 2014),
            BundledContours(SOURCE["participation_contours:rennes2014"], 2014))
RESULTS = (  # the 2022 results of Brest have only the 2024 contours
    *(BundledResults(SOURCE[f"participation_leg2024:t{tour}"], "leg2024", tour, 2024,
                     commune='"Code commune"', number="Code BV") for tour in (1, 2)),
    *(BundledResults(SOURCE[f"participation_leg2022:t{tour}c{circo}"], "leg2022", tour, 2024,
                     commune=f"'{BREST}'", number="Numéro", name='"Bureau"')
      for tour, circo in LEG2022_FILES),
    *(BundledResults(SOURCE[f"participation_mun2014:{city}"], "mun2014", tour, 2014,
                     commune=f"'{commune}'", number="bureau", counted=False,
                     where=f"tour = '{tour}'", lists=("liste", "part"))
      for city, commune in (("nantes", NANTES), ("rennes", RENNES)) for tour in (1, 2)),
)


def _build(con, context) -> None:
    build(con, context, CONTOURS, RESULTS)


COMPONENTS = (
    Component("participation_qpv", "Participation dans les bureaux en QPV", "%", "Participation",
              f"Votants ÷ inscrits, additionnés sur les bureaux dont au moins "
              f"{QPV_THRESHOLD * 100:.0f} % de la surface est dans un QPV."),
    Component("participation_hors_qpv", "Participation dans le reste de la commune", "%",
              "Participation", "Votants ÷ inscrits des autres bureaux de la commune."),
    Component("participation_commune", "Participation dans la commune", "%", "Participation",
              "Votants ÷ inscrits de tous les bureaux de la commune."),
    Component("ecart_qpv_hors_qpv", "Écart entre bureaux en QPV et reste de la commune",
              "points", "Participation", "Participation des bureaux en QPV moins celle des "
              "autres bureaux : négatif quand on vote moins dans les bureaux en QPV."),
    Component("ecart_qpv_commune", "Écart entre bureaux en QPV et commune", "points",
              "Participation", "Participation des bureaux en QPV moins celle de la commune."),
    Component("participation_ponderee_qpv", "Participation estimée des QPV (pondération par "
              "la surface)", "%", "Participation",
              "Chaque bureau compte pour la part de sa surface située dans le QPV (ou dans un "
              "QPV, pour la commune) : votants pondérés ÷ inscrits pondérés."),
    *(Component(code, label, unit, "Effectifs", description) for code, label, unit, description in (
        ("inscrits_qpv", "Inscrits des bureaux en QPV", "inscrits", "Somme des inscrits."),
        ("votants_qpv", "Votants des bureaux en QPV", "votants", "Somme des votants."),
        ("inscrits_hors_qpv", "Inscrits du reste de la commune", "inscrits", "Somme des inscrits."),
        ("votants_hors_qpv", "Votants du reste de la commune", "votants", "Somme des votants."),
        ("inscrits_commune", "Inscrits de la commune", "inscrits",
         "Somme des inscrits de tous les bureaux ayant un résultat."),
        ("votants_commune", "Votants de la commune", "votants",
         "Somme des votants de tous les bureaux ayant un résultat."),
        ("inscrits_estimes_qpv", "Inscrits estimés en QPV (pondération par la surface)",
         "inscrits", "Inscrits de chaque bureau × part de sa surface en QPV, additionnés."),
        ("votants_estimes_qpv", "Votants estimés en QPV (pondération par la surface)", "votants",
         "Votants de chaque bureau × part de sa surface en QPV, additionnés."))),
    *(Component(code, label, "bureaux", "Bureaux de vote", description)
      for code, label, description in (
        ("bureaux", "Bureaux de vote", "Bureaux de la commune dessinés et présents dans le "
         "fichier de résultats (un bureau sans résultat est signalé en remarque)."),
        ("bureaux_qpv", "Bureaux majoritairement en QPV", f"Bureaux dont au moins "
         f"{QPV_THRESHOLD * 100:.0f} % de la surface est dans un QPV."),
        ("bureaux_recoupant", "Bureaux recoupant un QPV", "Bureaux dont une partie de la "
         "surface (au moins 0,1 %) est dans le QPV (dans un QPV, pour la commune)."))),
)

METHOD = (
    "Chaque bureau de vote est dessiné par sa commune. Nous superposons ces contours aux "
    "périmètres des quartiers prioritaires (QPV 2024), en Lambert-93 (EPSG:2154) pour mesurer "
    "des surfaces en mètres carrés, et calculons pour chaque bureau la part de sa surface dans "
    "chaque QPV.",
    f"Un bureau dont au moins {QPV_THRESHOLD * 100:.0f} % de la surface est en QPV est dit « en QPV ». "
    "Nous additionnons les inscrits et les votants de ces bureaux, puis ceux des autres bureaux "
    "de la commune, et comparons les deux participations (votants ÷ inscrits) entre elles et à "
    "celle de la commune : l'écart est donné en points. Les effectifs sont montrés pour que "
    "chacun puisse refaire le calcul.",
    "Pour chaque QPV, nous estimons aussi ses inscrits et ses votants en comptant chaque bureau "
    "pour la part de sa surface dans le QPV (pondération par la surface) : un bureau à moitié "
    "dans le QPV y compte pour moitié ; un bureau à cheval sur deux QPV est partagé entre eux.",
    "Les numéros de bureau sont comparés entre fichiers avant toute jointure (« 071 » = « 71 ») "
    "et tout bureau sans contour ou sans résultat arrête le calcul. Les résultats d'une année "
    "rapportés aux contours d'une autre année sont signalés sur chaque valeur.",
    "Brest : législatives 2024 (fichier du ministère, 104 bureaux) sur les contours 2024 de "
    "Brest métropole ; législatives 2022 (Ville de Brest, effectifs par bureau) sur les mêmes "
    "contours 2024, les 104 numéros de 2022 s'y retrouvant tous ; au 2d tour 2022, le bureau "
    "71 n'a que des zéros dans la copie : il est compté comme manquant, pas comme un résultat. "
    "Nantes et Rennes, municipales 2014 : contours et parts des listes seulement, donc la carte "
    "des bureaux, leur part en QPV et la liste arrivée en tête dans chacun, sans participation "
    "ni comparaison pondérée des listes.",
)
LIMITS = (
    "La pondération par la surface suppose les électeurs répartis uniformément dans le bureau : "
    "c'est faux (immeubles, parcs, zones d'activité). Elle donne un ordre de grandeur, pas un "
    "compte ; les bureaux « en QPV » comptent aussi des électeurs hors QPV, et inversement.",
    "Les périmètres des QPV sont simplifiés (≈ 50 sommets) : les parts de surface sont "
    "approchées, surtout pour les petits recouvrements.",
    "Les inscrits sont ceux des listes électorales : les personnes étrangères hors Union "
    "européenne, nombreuses dans certains QPV, et les non-inscrits n'y figurent pas. La "
    "participation ne dit rien de la non-inscription.",
    "Les contours 2014 de Nantes et de Rennes précèdent les QPV de 2024 ; leurs fichiers ne "
    "donnent que des pourcentages : ni participation ni effectifs pour ces scrutins.",
)

LATEST_STATIONS_SQL = """
    SELECT b.facet_label AS scrutin, b.numero, b.nom, round(100 * b.part_qpv, 1) AS part_qpv,
           CASE WHEN b.en_qpv THEN 'oui' ELSE 'non' END AS en_qpv, b.qpv, b.qpv_nom,
           b.inscrits, b.votants, round(b.participation, 2) AS participation, b.geojson
    FROM marts.participation_bureaux b
    WHERE ? = 'commune' AND b.commune = ? AND b.dernier
    ORDER BY b.numero_ordre"""
ALL_STATIONS_SQL = """
    SELECT b.facet_label AS scrutin, b.numero, b.nom, b.annee_contours,
           round(100 * b.part_qpv, 1) AS part_qpv, b.qpv, b.inscrits, b.votants,
           round(b.participation, 2) AS participation, b.liste_en_tete,
           round(b.part_en_tete, 2) AS part_en_tete, b.note
    FROM marts.participation_bureaux b
    WHERE ? = 'commune' AND b.commune = ?
    ORDER BY b.position, b.numero_ordre"""
QPV_STATIONS_SQL = """
    SELECT b.facet_label AS scrutin, b.numero, b.nom, round(100 * r.part, 1) AS part_dans_qpv,
           round(100 * b.part_qpv, 1) AS part_qpv, b.inscrits, b.votants,
           round(b.participation, 2) AS participation, b.geojson
    FROM marts.participation_recouvrement r JOIN marts.participation_bureaux b
      ON b.commune = r.commune AND b.annee_contours = r.annee AND b.numero = r.numero
    WHERE ? = 'qpv' AND r.qpv = ? AND b.dernier
    ORDER BY r.part DESC, b.numero_ordre"""
STATION_COLUMNS = (("numero", "Bureau", ""), ("nom", "Lieu de vote", ""),
                   ("part_qpv", "Part de la surface en QPV", "%"), ("qpv", "QPV principal", ""))
COUNT_COLUMNS = (("inscrits", "Inscrits", "inscrits"), ("votants", "Votants", "votants"),
                 ("participation", "Participation", "%"))
DETAILS = (
    DetailTable("bureaux", "Bureaux de vote et QPV (dernier scrutin)", LATEST_STATIONS_SQL,
                (("scrutin", "Scrutin", ""), *STATION_COLUMNS[:3],
                 ("en_qpv", f"En QPV (≥ {QPV_THRESHOLD * 100:.0f} %)", ""), STATION_COLUMNS[3],
                 ("qpv_nom", "Nom du QPV", ""), *COUNT_COLUMNS),
                note=f"Carte : part de la surface de chaque bureau dans un QPV ; « en QPV » à "
                     f"partir de {QPV_THRESHOLD * 100:.0f} %.", map_value="part_qpv"),
    DetailTable("bureaux_du_qpv", "Bureaux de vote recoupant ce QPV (dernier scrutin)",
                QPV_STATIONS_SQL,
                (("scrutin", "Scrutin", ""), *STATION_COLUMNS[:2],
                 ("part_dans_qpv", "Part de la surface dans ce QPV", "%"),
                 ("part_qpv", "Part de la surface en QPV", "%"), *COUNT_COLUMNS),
                note="Un bureau compte pour la part de sa surface dans le QPV dans la "
                     "participation estimée du QPV.", map_value="part_dans_qpv"),
    DetailTable("resultats_bureaux", "Participation par bureau, tous scrutins", ALL_STATIONS_SQL,
                (("scrutin", "Scrutin", ""), *STATION_COLUMNS[:2],
                 ("annee_contours", "Contours de", ""), *STATION_COLUMNS[2:], *COUNT_COLUMNS,
                 ("liste_en_tete", "Liste en tête", ""),
                 ("part_en_tete", "Part de la liste en tête", "%"), ("note", "Remarque", "")),
                note="Municipales 2014 : part de la liste en tête parmi les votants (Nantes, "
                     "bulletins nuls compris) ou les suffrages exprimés (Rennes) ; pas "
                     "d'inscrits ni de votants dans ces fichiers."),
)


def _brest_total(facet: str, component: str) -> str:
    return (f"SELECT CAST(value AS BIGINT) FROM marts.analysis_{CODE} WHERE level = 'commune' "
            f"AND code = '{BREST}' AND facet = '{facet}' AND component = '{component}'")


def _stations(commune: str, facet: str) -> str:
    return (f"SELECT count(*) FROM marts.participation_bureaux WHERE commune = '{commune}' "
            f"AND facet = '{facet}' AND geojson IS NOT NULL")


# sums of the stations of Brest in the bundled files (a test adds them up from the files)
BREST_TOTALS = {("leg2024-t1", "inscrits"): 85102, ("leg2024-t1", "votants"): 57974,
                ("leg2024-t2", "inscrits"): 85122, ("leg2024-t2", "votants"): 58215,
                ("leg2022-t1", "inscrits"): 86602, ("leg2022-t1", "votants"): 41767,
                ("leg2022-t2", "inscrits"): 85847, ("leg2022-t2", "votants"): 40210}
CHECKS = {
    **{f"{what} de Brest ({facet}) = somme des bureaux du fichier":
       (_brest_total(facet, f"{what}_commune"), total)
       for (facet, what), total in BREST_TOTALS.items()},
    **{f"bureaux de Brest appariés aux contours 2024 ({facet})": (_stations(BREST, facet), 104)
       for facet in ("leg2024-t1", "leg2024-t2", "leg2022-t1", "leg2022-t2")},
    "bureau de Brest sans résultat (071, législatives 2022, 2d tour)": (
        "SELECT count(*) FROM marts.participation_bureaux WHERE manquant", 1),
    "bureaux de Nantes 2014 appariés à leurs contours": (_stations(NANTES, "mun2014-t1"), 209),
    "bureaux de Rennes 2014 appariés à leurs contours": (_stations(RENNES, "mun2014-t1"), 106),
}


def _list_rows(results: dict[str, dict]) -> bytes:
    """The makinacorpus JSON ({round: {station: [{list: share}, …]}}) as a long CSV."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["tour", "bureau", "liste", "part"])
    for round_, stations in results.items():
        for station in sorted(stations):
            for entry in stations[station]:
                for name, share in entry.items():
                    writer.writerow([round_, station, name, repr(share)])
    return out.getvalue().encode()


def bundle(kit: Path, out: Path) -> None:
    target, elections = out / FOLDER, kit / "elections_2022_2024"
    target.mkdir(parents=True, exist_ok=True)
    for name in LEG2022_FILES.values():
        shutil.copyfile(elections / name, target / name)
    for tour in (1, 2):
        name = f"leg2024_t{tour}_bv_finistere_circo2-3.csv"
        write_gzip((elections / name).read_bytes(), target / f"{name}.gz")
    contours, _ = read_contours(elections / "bv_contours_brest_2024.geojson", None)
    rows = contour_rows(contours)
    for row in rows:
        row["nom"] = re.sub(r"^Bureau n°\s*\d+\s*-\s*", "", row["nom"])
    write_parquet(rows, target / "bureaux_brest_2024.parquet")
    municipal = kit / "elections_2014"
    for city, commune, number, name, files in (
            ("nantes", NANTES, "ASSOCIANT", "NOM", ("nantes2014_resultats_bureaux_1",
                                                    "nantes2014_resultats_bureaux_2")),
            ("rennes", RENNES, "NUM_BUREAU", "NOM_CENTRE", ("rennes2014_bureaux_decoupage",
                                                           "rennes2014_bureaux_decoupage_2"))):
        contours, _ = read_contours(municipal / f"{city}2014_bureaux.clean.geojson", commune,
                                    number, name)
        write_parquet(contour_rows(contours), target / f"bureaux_{city}_2014.parquet")
        results = {str(tour): json.loads((municipal / f"{file}.clean.json").read_text())
                   for tour, file in enumerate(files, 1)}
        write_gzip(_list_rows(results), target / f"mun2014_{city}_listes.csv.gz")


ANALYSIS = Analysis(
    code=CODE,
    title="Participation électorale dans les QPV",
    summary="Participation des bureaux de vote situés en QPV comparée au reste de la commune, "
            "par scrutin et par tour, à partir des contours des bureaux.",
    method=METHOD,
    limits=LIMITS,
    sources=SOURCES,
    components=COMPONENTS,
    levels=("qpv", "commune"),
    build=_build,
    bundle=bundle,
    checks=CHECKS,
    facet_label="Scrutin",
    map_component="participation_ponderee_qpv",
    map_levels=("qpv",),
    details=DETAILS,
    related_sources=("qpv2024_perimetres",),
)
