"""Employment in the 2015 QPV, for employment actors: the INSEE QPV files (IPRO) of each
publication year compared with the whole commune (census 2018) and all QPV of the région and of
France. Every figure is a published one, a sum of published counts, or a share of such sums."""

from __future__ import annotations

from .employment_build import SHARES, YEARS, build
from .model import Analysis, Component, DetailTable

EMPLOYMENT = "Emploi des habitants (recensement)"
WHOLE = "Territoire entier (recensement 2018)"
SEEKERS = "Demandeurs d'emploi"
SEX = "Demandeurs d'emploi par sexe"
AGE = "Demandeurs d'emploi par âge"
NATIONALITY = "Demandeurs d'emploi par nationalité"
EDUCATION = "Demandeurs d'emploi par niveau de formation"
DURATION = "Demandeurs d'emploi par ancienneté d'inscription"
RSA = "Demandeurs d'emploi au RSA"

ABC = "demandeurs d'emploi de catégories A, B ou C"
POOLED = (" Pour une commune, un EPCI, un département, une région ou la France : somme sur ses "
          "QPV 2015 dont l'effectif est publié (la note dit combien).")
SHARE = (" Pour un ensemble de quartiers : somme des effectifs divisée par la somme des "
         "demandeurs A, B, C, sur les quartiers où les deux sont publiés.")
UNFAVOURABLE, FAVOURABLE = "defavorable", "favorable"
# the files do not name their duration tranches: the bounds are those of the observatory's
# catalogue (indicators/catalogue/employment.py: tranches 3 and 4, one year or more; 4, two)
DURATION_BOUNDS = (" Bornes des tranches selon le catalogue de l'observatoire (tranches 3 et 4 : "
                   "un an ou plus ; tranche 4 : deux ans ou plus) ; les tranches 1 et 2 font "
                   "ensemble moins d'un an, leur limite n'est pas connue ici.")


def _count(code: str, label: str, group: str, description: str) -> Component:
    return Component(code, label, "personnes", group, description + POOLED)


def _share(code: str, label: str, group: str, higher_is: str = "") -> Component:
    count = SHARES[code]
    return Component(code, label, "%", group,
                     f"Effectif « {COUNT_LABELS[count]} » en % des {ABC}." + SHARE, higher_is)


COUNT_COMPONENTS = (
    _count("de_abcde", "Demandeurs d'emploi inscrits (catégories A à E)", SEEKERS,
           "Toutes les personnes inscrites à France Travail (ex-Pôle emploi), y compris celles "
           "qui ne sont pas tenues de chercher un emploi (catégories D et E : formation, "
           "maladie, contrat aidé…)."),
    _count("de_abc", "Demandeurs d'emploi A, B, C", SEEKERS,
           "Inscrits tenus de chercher un emploi : sans aucun emploi dans le mois (A) ou avec "
           "une activité réduite courte (B, 78 heures ou moins) ou longue (C, plus de 78 "
           "heures)."),
    _count("de_a", "Demandeurs d'emploi de catégorie A", SEEKERS,
           "Inscrits tenus de chercher un emploi et sans aucun emploi dans le mois."),
    _count("de_femmes", "Demandeuses d'emploi A, B, C (femmes)", SEX, "Femmes parmi les ABC."),
    _count("de_hommes", "Demandeurs d'emploi A, B, C (hommes)", SEX, "Hommes parmi les ABC."),
    _count("de_moins_25", "Demandeurs d'emploi A, B, C de moins de 25 ans", AGE,
           "Colonne ABC_25 du fichier."),
    _count("de_26_49", "Demandeurs d'emploi A, B, C de 26 à 49 ans", AGE,
           "Colonne ABC_2649 du fichier (le fichier ne dit pas où sont comptés les 25 ans "
           "révolus ; les trois tranches somment aux ABC)."),
    _count("de_50_plus", "Demandeurs d'emploi A, B, C de 50 ans ou plus", AGE,
           "Colonne ABC_50 du fichier."),
    _count("de_francais", "Demandeurs d'emploi A, B, C de nationalité française", NATIONALITY,
           "Colonne ABC_FR ; avec les étrangers, la somme peut être un peu inférieure aux ABC "
           "(nationalité non renseignée)."),
    _count("de_etrangers", "Demandeurs d'emploi A, B, C de nationalité étrangère", NATIONALITY,
           "Colonne ABC_E du fichier."),
    _count("de_rsa", "Demandeurs d'emploi A, B, C bénéficiaires du RSA", RSA,
           "Colonne ABC_RSA du fichier."),
    _count("de_infcapbep", "Demandeurs d'emploi A, B, C sans CAP ni BEP", EDUCATION,
           "Niveau de formation inférieur au CAP ou au BEP (colonne ABC_INFCAPBEP ; absente "
           "de la publication 2019)."),
    _count("de_capbep", "Demandeurs d'emploi A, B, C de niveau CAP-BEP", EDUCATION,
           "Colonne ABC_CAPBEP (absente de la publication 2019)."),
    _count("de_bac", "Demandeurs d'emploi A, B, C de niveau bac", EDUCATION,
           "Colonne ABC_BAC (absente de la publication 2019)."),
    _count("de_supbac", "Demandeurs d'emploi A, B, C de niveau supérieur au bac", EDUCATION,
           "Colonne ABC_SUPBAC (absente de la publication 2019). Les quatre niveaux peuvent "
           "sommer un peu moins que les ABC (niveau non renseigné)."),
    _count("de_dur1", "Demandeurs A, B, C inscrits depuis moins d'un an : première tranche "
           "(la plus courte)", DURATION,
           "Colonne ABC_DUR1 du fichier INSEE (les quatre tranches somment aux ABC)."
           + DURATION_BOUNDS),
    _count("de_dur2", "Demandeurs A, B, C inscrits depuis moins d'un an : seconde tranche",
           DURATION, "Colonne ABC_DUR2." + DURATION_BOUNDS),
    _count("de_dur3", "Demandeurs A, B, C inscrits depuis un an à moins de deux ans", DURATION,
           "Colonne ABC_DUR3." + DURATION_BOUNDS),
    _count("de_dur4", "Demandeurs A, B, C inscrits depuis deux ans ou plus", DURATION,
           "Colonne ABC_DUR4." + DURATION_BOUNDS),
)
COUNT_LABELS = {c.code: c.label for c in COUNT_COMPONENTS}

COMPONENTS = (
    Component("taux_emploi", "Taux d'emploi des 15-64 ans", "%", EMPLOYMENT,
              "Habitants de 15 à 64 ans ayant un emploi, en % des habitants de 15-64 ans, "
              "publié par l'INSEE pour chaque quartier (colonne TX_TOT_EMPL, issue du "
              "recensement). Pour la France, la ligne « Ensemble des QPV » des fichiers qui "
              "en ont une ; jamais moyenné.", FAVOURABLE),
    Component("taux_emploi_femmes", "Taux d'emploi des femmes de 15-64 ans", "%", EMPLOYMENT,
              "Femmes de 15 à 64 ans en emploi, en % des femmes de 15-64 ans (TX_F_EMPL).",
              FAVOURABLE),
    Component("taux_emploi_etrangers", "Taux d'emploi des étrangers de 15-64 ans", "%",
              EMPLOYMENT, "Étrangers de 15 à 64 ans en emploi, en % des étrangers de 15-64 "
              "ans (TX_ET_EMPL). Les fichiers ne donnent ni le taux des hommes ni celui des "
              "Français.", FAVOURABLE),
    Component("part_emplois_precaires", "Part des emplois précaires (à durée limitée)", "%",
              EMPLOYMENT, "Emplois à durée limitée (CDD, intérim, apprentissage, emplois "
                          "aidés) en % des emplois salariés : colonne TX_TOT_EPREC jusqu'à la "
                          "publication 2020, TX_TOT_EDLIM ensuite (libellé changé par "
                          "l'INSEE).", UNFAVOURABLE),
    Component("evolution_taux_emploi", "Évolution du taux d'emploi depuis la publication "
              "précédente", "points", EMPLOYMENT,
              "Écart en points entre le taux d'emploi de cette publication et celui de la "
              "précédente (recensements différents)."),
    Component("taux_emploi_median", "Taux d'emploi médian des quartiers", "%", EMPLOYMENT,
              "Pour un ensemble de quartiers : la moitié de ses QPV 2015 ont un taux d'emploi "
              "publié inférieur, l'autre moitié supérieur. Ce n'est pas le taux de l'ensemble "
              "(qui demanderait les effectifs de 15-64 ans de chaque quartier).", FAVOURABLE),
    Component("taux_emploi_rp", "Taux d'emploi des 15-64 ans du territoire entier", "%",
              WHOLE, "Actifs occupés de 15-64 ans (actifs moins chômeurs, P18_ACT1564 − "
                     "P18_CHOM1564) en % des 15-64 ans (P18_POP1564), recensement 2018, "
                     "quartiers compris. Même définition que le taux des QPV, mais un autre "
                     "millésime du recensement et un autre traitement : l'écart avec un "
                     "quartier se lit en ordre de grandeur.", FAVOURABLE),
    Component("actifs_occupes_rp", "Actifs occupés de 15-64 ans du territoire entier",
              "personnes", WHOLE, "P18_ACT1564 − P18_CHOM1564 (recensement 2018), somme des "
                                  "communes du territoire."),
    Component("pop_1564_rp", "Habitants de 15-64 ans du territoire entier", "personnes", WHOLE,
              "P18_POP1564 (recensement 2018), somme des communes du territoire."),
    Component("taux_chomage_rp", "Taux de chômage des 15-64 ans du territoire entier "
              "(recensement)", "%", WHOLE,
              "Chômeurs déclarés au recensement 2018 en % des actifs de 15-64 ans "
              "(P18_CHOM1564 / P18_ACT1564). Ce n'est pas le nombre d'inscrits à France "
              "Travail : les deux ne se comparent pas.", UNFAVOURABLE),
    *COUNT_COMPONENTS[:3],
    Component("part_a", "Part de la catégorie A parmi les A, B, C", "%", SEEKERS,
              f"Demandeurs sans aucun emploi dans le mois (A) en % des {ABC}." + SHARE,
              UNFAVOURABLE),
    Component("evolution_abc", "Évolution des demandeurs A, B, C depuis la publication "
              "précédente", "%", SEEKERS,
              "Variation en % de la somme des demandeurs A, B, C entre la publication "
              "précédente et celle-ci, sur les quartiers publiés les deux années. Calculée "
              "ici à partir des deux fichiers.", UNFAVOURABLE),
    Component("evolution_abc_depuis_debut", f"Évolution des demandeurs A, B, C depuis la "
              f"publication {YEARS[0]}", "%", SEEKERS,
              f"Variation en % de la somme des demandeurs A, B, C entre la publication "
              f"{YEARS[0]} et celle-ci, sur les quartiers publiés les deux fois.", UNFAVOURABLE),
    Component("evolution_abc_publiee", "Évolution sur un an des demandeurs A, B, C (publiée)",
              "%", SEEKERS, "Variation sur un an entre quatrièmes trimestres publiée par "
                            "l'INSEE (EVOL_ABC_T4, publications 2019 à 2022), sur des données "
                            "révisées : elle peut différer de l'écart entre deux fichiers.",
              UNFAVOURABLE),
    Component("evolution_a_publiee", "Évolution sur un an des demandeurs de catégorie A "
              "(publiée)", "%", SEEKERS, "EVOL_A_T4, publications 2019 à 2022.", UNFAVOURABLE),
    *COUNT_COMPONENTS[3:5],
    _share("part_femmes", "Part des femmes parmi les A, B, C", SEX),
    *COUNT_COMPONENTS[5:8],
    _share("part_moins_25", "Part des moins de 25 ans parmi les A, B, C", AGE),
    _share("part_26_49", "Part des 26-49 ans parmi les A, B, C", AGE),
    _share("part_50_plus", "Part des 50 ans ou plus parmi les A, B, C", AGE),
    *COUNT_COMPONENTS[8:10],
    _share("part_etrangers", "Part des étrangers parmi les A, B, C", NATIONALITY),
    COUNT_COMPONENTS[10],
    _share("part_rsa", "Part des bénéficiaires du RSA parmi les A, B, C", RSA, UNFAVOURABLE),
    *COUNT_COMPONENTS[11:15],
    _share("part_infcapbep", "Part des A, B, C sans CAP ni BEP", EDUCATION, UNFAVOURABLE),
    _share("part_capbep", "Part des A, B, C de niveau CAP-BEP", EDUCATION),
    _share("part_bac", "Part des A, B, C de niveau bac", EDUCATION),
    _share("part_supbac", "Part des A, B, C de niveau supérieur au bac", EDUCATION),
    *COUNT_COMPONENTS[15:],
    _share("part_dur1", "Part des inscrits depuis moins d'un an, première tranche", DURATION),
    _share("part_dur2", "Part des inscrits depuis moins d'un an, seconde tranche", DURATION),
    _share("part_dur3", "Part des inscrits depuis un an à moins de deux ans", DURATION,
           UNFAVOURABLE),
    _share("part_dur4", "Part des inscrits depuis deux ans ou plus", DURATION, UNFAVOURABLE),
)

METHOD = (
    "Cette analyse réunit, pour chaque quartier prioritaire de la géographie 2015 (codes QP…), "
    f"les fichiers « insertion professionnelle » (IPRO) de l'INSEE publiés de {YEARS[0]} à "
    f"{YEARS[-1]}. Chaque publication est une facette : on lit une année à la fois, et "
    "l'évolution d'une publication à l'autre.",
    "Deux sources différentes se côtoient dans ces fichiers. Les taux d'emploi viennent du "
    "recensement de la population : le fichier ne dit pas de quel millésime, mais les "
    "publications 2017 et 2018 portent exactement les mêmes taux pour chaque quartier (même "
    "recensement), puis chaque publication en apporte de nouveaux. Les demandeurs d'emploi "
    "viennent des listes de France Travail (ex-Pôle emploi) géolocalisées par l'INSEE : ce sont "
    "les inscrits au 31 décembre de l'année qui précède la publication. C'est vérifié pour les "
    "publications 2021 et 2022 (la somme des quartiers de Seine-Saint-Denis et d'Île-de-France "
    "est exactement celle que la DREES publie au 31 décembre 2020 et 2021) et cohérent avec "
    "les fichiers plus anciens, dont chacun compare son année à la précédente.",
    "Catégories de demandeurs d'emploi, en clair : A, les inscrits sans aucun emploi dans le "
    "mois ; B, ceux qui ont travaillé un peu (78 heures ou moins dans le mois) ; C, ceux qui "
    "ont travaillé plus de 78 heures. A, B et C doivent chercher un emploi. D (en formation, "
    "malades…) et E (en emploi aidé, créateurs d'entreprise…) sont inscrits sans devoir en "
    "chercher : ils ne comptent que dans « A à E ».",
    "Chaque effectif est montré avec sa part, pour que chacun refasse le calcul : une part est "
    "l'effectif divisé par les demandeurs A, B, C du même quartier. Pour une commune, un EPCI, "
    "un département, une région ou la France, les effectifs sont la somme des QPV 2015 qui y "
    "sont rattachés (un quartier sur deux communes compte dans sa commune principale) et les "
    "parts sont des rapports de ces sommes, sur les seuls quartiers où les deux effectifs sont "
    "publiés. Un taux d'emploi, lui, ne se moyenne pas : les fichiers ne donnent pas le nombre "
    "d'habitants de 15-64 ans de chaque quartier. Pour un ensemble de quartiers on donne donc "
    "le taux publié par l'INSEE quand il existe (ligne « Ensemble des QPV » des publications "
    "2017 à 2019, pour la France) et la médiane des quartiers.",
    "Pour comparer, le territoire entier (quartiers compris) est décrit par le recensement 2018 "
    "du comparateur de territoires de l'INSEE : taux d'emploi des 15-64 ans (actifs moins "
    "chômeurs, rapportés aux 15-64 ans), avec ses effectifs, et taux de chômage au sens du "
    "recensement. C'est la même définition du taux d'emploi, mais pas le même millésime ni le "
    "même traitement que les fichiers des quartiers : l'écart se lit en ordre de grandeur, "
    "pas au dixième de point.",
    "Pour les acteurs de l'emploi : France Travail (inscription, indemnisation, "
    "accompagnement), les missions locales (jeunes de 16 à 25 ans : la part des moins de 25 "
    "ans dit leur public dans les quartiers), les PLIE (plans locaux pour l'insertion et "
    "l'emploi : demandeurs de longue durée, bénéficiaires du RSA, peu qualifiés — voir "
    "l'ancienneté, le RSA et la formation), les Cap emploi, les structures d'insertion par "
    "l'activité économique, réunis depuis 2024 dans le réseau pour l'emploi, et le service "
    "public de l'emploi local animé par le sous-préfet.",
)

LIMITS = (
    "Géographie 2015 des quartiers (codes QP…), remplacée en 2024 : ces chiffres ne "
    "s'appliquent pas aux périmètres des QPV 2024 ; la table de passage de l'ANCT relie les "
    "deux géographies sur les pages des quartiers.",
    "Une case vide dans un fichier de l'INSEE n'est pas publiée (secret statistique : trop peu "
    "de personnes) : elle reste vide ici, jamais estimée. Une somme sur plusieurs quartiers "
    "dit combien de quartiers publiés elle réunit ; une colonne absente d'une publication "
    "(niveau de formation en 2019, taux d'emplois à durée limitée avant 2021…) est dite « non "
    "disponible ».",
    "Les publications ne se comparent pas terme à terme : l'INSEE révise ses données, change "
    "des libellés (emplois précaires puis à durée limitée) et ne dit pas dans le fichier à "
    "quelle année se rapportent les taux d'emploi. Le fichier ne dit pas les bornes de ses "
    "tranches d'ancienneté (DUR1 à DUR4) : un an et deux ans sont celles du catalogue de "
    "l'observatoire ; la limite entre les deux tranches de moins d'un an n'est pas connue ici.",
    "Dans les communes de 10 000 habitants ou plus, le recensement est une enquête annuelle "
    "auprès d'une partie des logements : le taux d'emploi d'un quartier est une estimation, "
    "d'autant plus fragile que le quartier est petit ; un écart de un ou deux points d'une "
    "publication à l'autre ne dit pas grand-chose.",
    "Les demandeurs d'emploi ne sont pas les chômeurs : on peut être inscrit et travailler un "
    "peu (B, C), ou chômeur sans être inscrit. Aucun nombre d'habitants de 15-64 ans n'accompagne "
    "les demandeurs dans ces fichiers : pas de « taux de demandeurs » par quartier.",
)


def _count_results(where: str) -> str:
    return f"SELECT count(*) FROM marts.analysis_emploi WHERE {where}"


def _qpv_rows(where: str) -> str:
    return f"SELECT count(*) FROM staging.emploi_ipro WHERE code LIKE 'QP%' AND {where}"


CHECKS = {
    # QPV with a published employment rate in each year's file (counted in the raw files)
    **{f"QPV 2015 avec un taux d'emploi publié, publication {year}": (
        _count_results(f"level = 'qpv2015' AND facet = '{year}' AND component = 'taux_emploi' "
                       "AND status = 'ok'"), expected)
       for year, expected in ((2017, 1291), (2018, 1291), (2019, 1292), (2020, 1292),
                              (2021, 1310), (2022, 1309))},
    "quartiers au taux d'emploi différent entre les publications 2017 et 2018": (
        "SELECT count(*) FROM staging.emploi_ipro a JOIN staging.emploi_ipro b USING (code) "
        "WHERE a.year = 2017 AND b.year = 2018 AND a.taux_emploi IS DISTINCT FROM "
        "b.taux_emploi", 0),
    "quartiers où femmes + hommes ≠ A, B, C": (
        _qpv_rows("de_femmes + de_hommes <> de_abc"), 0),
    "quartiers où les trois tranches d'âge ≠ A, B, C": (
        _qpv_rows("de_moins_25 + de_26_49 + de_50_plus <> de_abc"), 0),
    "quartiers où les quatre tranches d'ancienneté ≠ A, B, C": (
        _qpv_rows("de_dur1 + de_dur2 + de_dur3 + de_dur4 <> de_abc"), 0),
    "quartiers où Français + étrangers > A, B, C": (
        _qpv_rows("de_francais + de_etrangers > de_abc"), 0),
    "quartiers où les quatre niveaux de formation > A, B, C": (
        _qpv_rows("de_infcapbep + de_capbep + de_bac + de_supbac > de_abc"), 0),
    # the « Ensemble des QPV » rows (2017-2019) are rounded to the hundred and include the
    # secret cells: the sum of the published QPV lies within 1 % below them
    "publications où la somme des A, B, C des QPV s'écarte du total « Ensemble »": (
        "SELECT count(*) FROM (SELECT year, sum(de_abc) FILTER (code LIKE 'QP%') AS qpv, "
        "max(de_abc) FILTER (code = 'Ensemble') AS total FROM staging.emploi_ipro "
        "GROUP BY year) WHERE total IS NOT NULL AND (qpv > total + 50 OR qpv < 0.99 * total)",
        0),
    # totals published by the DREES (Panorama statistique) for the QPV 2015 at 31/12/2020 and
    # 31/12/2021: the sums over the QPV of the publications 2021 and 2022 must equal them
    **{f"demandeurs A, B, C des QPV, {name}, publication {year}": (
        f"SELECT count(*) FROM marts.analysis_emploi WHERE level = '{level}' AND code = "
        f"'{code}' AND facet = '{year}' AND component = 'de_abc' AND value = {total}", 1)
       for name, level, code, year, total in (
           ("Seine-Saint-Denis", "departement", "93", 2021, 79262),
           ("Seine-Saint-Denis", "departement", "93", 2022, 74960),
           ("Île-de-France", "region", "11", 2021, 204930),
           ("Île-de-France", "region", "11", 2022, 192424))},
    "publications avec une ligne « Ensemble des QPV »": (
        "SELECT count(*) FROM staging.emploi_ipro WHERE code = 'Ensemble'", 3),
}

# The comparison's rows: the territory's own QPV (or the QPV itself), then all QPV of its
# commune (for a QPV), région and France, then the same territories whole from the census.
# Each row is a (level, code) of marts.emploi_series, so its values are the results' own.
_COMPARED = """
WITH t AS (SELECT level, code, commune, region FROM marts.territories
           WHERE level = ? AND code = ?),
qpv AS (
    SELECT 1 AS position, level, code FROM t
    UNION ALL SELECT 2, 'commune', commune FROM t WHERE level = 'qpv2015'
    UNION ALL SELECT 3, 'region', region FROM t WHERE level NOT IN ('region', 'france')
    UNION ALL SELECT 4, 'france', 'FR' FROM t WHERE level <> 'france'),
scope AS (
    SELECT position, level, code, false AS whole FROM qpv
    UNION ALL SELECT 10 + position, level, code, true FROM qpv WHERE level <> 'qpv2015'),
names(level, of_level, whole_label) AS (VALUES
    ('commune', 'de la commune', 'Commune entière'), ('epci', 'de l''EPCI', 'EPCI entier'),
    ('departement', 'du département', 'Département entier'),
    ('region', 'de la région', 'Région entière'), ('france', 'de France', 'France entière'))
SELECT CASE WHEN s.level = 'qpv2015' THEN 'Le quartier'
            WHEN s.whole THEN n.whole_label || ' (recensement 2018)'
            ELSE 'Tous les QPV 2015 ' || n.of_level END AS perimetre,
       tr.name AS territoire,
       CASE WHEN s.whole THEN e.taux_emploi_rp ELSE e.taux_emploi END AS taux_emploi,
       CASE WHEN NOT s.whole THEN e.taux_emploi_median END AS taux_emploi_median,
       CASE WHEN NOT s.whole THEN e.de_abc END AS de_abc,
       CASE WHEN NOT s.whole THEN e.part_a END AS part_a,
       CASE WHEN NOT s.whole THEN e.part_moins_25 END AS part_moins_25,
       CASE WHEN NOT s.whole THEN e.part_dur4 END AS part_dur4,
       CASE WHEN NOT s.whole THEN e.evolution_abc END AS evolution_abc
FROM scope s
JOIN marts.territories tr ON tr.level = s.level AND tr.code = s.code
JOIN marts.emploi_series e ON e.level = s.level AND e.code = s.code
 AND e.facet = (SELECT max(facet) FROM marts.emploi_series)
LEFT JOIN names n ON n.level = s.level
ORDER BY s.position"""

DETAILS = (
    DetailTable(
        code="comparaison",
        title="Comparaison, dernière publication",
        sql=_COMPARED,
        columns=(("perimetre", "Périmètre", ""), ("territoire", "Territoire", ""),
                 ("taux_emploi", "Taux d'emploi des 15-64 ans", "%"),
                 ("taux_emploi_median", "Taux d'emploi médian des quartiers", "%"),
                 ("de_abc", "Demandeurs A, B, C", "personnes"),
                 ("part_a", "dont catégorie A", "%"),
                 ("part_moins_25", "dont moins de 25 ans", "%"),
                 ("part_dur4", "dont inscrits depuis deux ans ou plus", "%"),
                 ("evolution_abc", "Évolution des A, B, C sur un an", "%")),
        note=f"Publication {YEARS[-1]} de l'INSEE (demandeurs d'emploi au 31/12/"
             f"{YEARS[-1] - 1}). Les lignes « Tous les QPV 2015 » somment les quartiers "
             "publiés ; leur taux d'emploi n'est pas publié (il ne se moyenne pas) : voir "
             "la médiane des quartiers. Les lignes « (recensement 2018) » sont le territoire "
             "entier, quartiers compris, au recensement 2018 : un autre millésime que les "
             "quartiers, l'écart se lit en ordre de grandeur ; le recensement ne compte pas "
             "les demandeurs d'emploi. Case vide : non publiée ou sans objet.",
    ),
    DetailTable(
        code="quartiers",
        title="Les QPV 2015 du territoire, dernière publication",
        sql="""SELECT m.name AS quartier, m.qpv AS code_qpv, s.taux_emploi, s.de_abc, s.part_a,
                      s.part_moins_25, s.part_50_plus, s.part_dur4, s.evolution_abc
               FROM marts.emploi_members m
               JOIN marts.emploi_series s ON s.level = 'qpv2015' AND s.code = m.qpv
                AND s.facet = (SELECT max(facet) FROM marts.emploi_series)
               WHERE m.level = ? AND m.code = ? ORDER BY m.name""",
        columns=(("quartier", "Quartier", ""), ("code_qpv", "Code", ""),
                 ("taux_emploi", "Taux d'emploi des 15-64 ans", "%"),
                 ("de_abc", "Demandeurs A, B, C", "personnes"),
                 ("part_a", "dont catégorie A", "%"),
                 ("part_moins_25", "dont moins de 25 ans", "%"),
                 ("part_50_plus", "dont 50 ans ou plus", "%"),
                 ("part_dur4", "dont inscrits depuis deux ans ou plus", "%"),
                 ("evolution_abc", "Évolution des A, B, C sur un an", "%")),
        note="Case vide : non publiée par l'INSEE (secret statistique).",
    ),
    DetailTable(
        code="serie",
        title="Évolution d'une publication à l'autre",
        sql="""SELECT 'Publication ' || facet AS publication, taux_emploi, taux_emploi_median,
                      evolution_taux_emploi, taux_emploi_rp, de_abc, evolution_abc, part_a,
                      part_femmes, part_moins_25, part_50_plus, part_etrangers, part_rsa,
                      part_infcapbep, part_dur4
               FROM marts.emploi_series WHERE level = ? AND code = ? ORDER BY facet""",
        columns=(("publication", "Publication de l'INSEE", ""),
                 ("taux_emploi", "Taux d'emploi des 15-64 ans (publié)", "%"),
                 ("taux_emploi_median", "Taux d'emploi médian des quartiers", "%"),
                 ("evolution_taux_emploi", "Évolution du taux d'emploi", "points"),
                 ("taux_emploi_rp", "Taux d'emploi du territoire entier (recensement 2018)",
                  "%"),
                 ("de_abc", "Demandeurs A, B, C", "personnes"),
                 ("evolution_abc", "Évolution des A, B, C", "%"),
                 ("part_a", "dont catégorie A", "%"), ("part_femmes", "dont femmes", "%"),
                 ("part_moins_25", "dont moins de 25 ans", "%"),
                 ("part_50_plus", "dont 50 ans ou plus", "%"),
                 ("part_etrangers", "dont étrangers", "%"),
                 ("part_rsa", "dont au RSA", "%"),
                 ("part_infcapbep", "dont sans CAP ni BEP", "%"),
                 ("part_dur4", "dont inscrits depuis deux ans ou plus", "%")),
        note="Les publications 2017 et 2018 portent le même recensement ; le niveau de "
             "formation manque dans la publication 2019.",
    ),
)

ANALYSIS = Analysis(
    code="emploi",
    title="Emploi et demandeurs d'emploi dans les quartiers",
    summary="Taux d'emploi, demandeurs d'emploi par catégorie, sexe, âge, formation et "
            "ancienneté dans les QPV 2015, de 2017 à 2022, face à la commune, à la région et "
            "à la France.",
    method=METHOD,
    limits=LIMITS,
    sources=(),
    components=COMPONENTS,
    levels=("qpv2015", "commune", "epci", "departement", "region", "france"),
    build=build,
    checks=CHECKS,
    facet_label="Publication",
    # no national contours of the 2015 QPV are bundled: maps show the QPV of each territory
    # through their median employment rate
    map_component="taux_emploi_median",
    map_levels=("departement", "commune"),
    details=DETAILS,
    related_sources=(*(f"qpv2015_ipro:{year}" for year in YEARS), "comparateur"),
)
