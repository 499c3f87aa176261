"""Revenus et pauvreté: Filosofi (QPV 2015, IRIS → communes, EPCI, départements, régions)."""

from __future__ import annotations

from ..model import Indicator, Measure
from .measures import (
    by_commune_and_arrondissement,
    filosofi,
    filosofi_2021,
    filosofi_in_census,
    qpv24_rate,
    qpv2015,
)

THEME = "Revenus et pauvreté"
NEVER_POOLED = ("Valeur publiée par l'INSEE pour chaque territoire ; jamais recalculée pour un "
                "ensemble (pas de médiane de médianes).")

INDICATORS = (
    Indicator(
        code="taux_pauvrete", label="Taux de pauvreté (seuil à 60 %)", theme=THEME, unit="%",
        definition="Part des personnes dont le niveau de vie est inférieur à 60 % du niveau de vie "
                   "médian de France métropolitaine.",
        method="QPV 2024 : chiffre clé du SIG Ville ; ensemble de QPV : moyenne pondérée par la "
               "population (approximation). QPV 2015 : Filosofi 2016 à 2019, valeur publiée pour "
               "l'ensemble des QPV de France. Communes et arrondissements : Filosofi 2018, 2019 "
               "et 2021 (publié pour les communes de plus de 1 000 ménages fiscaux environ) ; "
               "départements : Filosofi 2020. Pas de taux publié pour les EPCI, les régions et la "
               "France dans les données embarquées ; jamais de moyenne de taux sans le dire.",
        measures=(qpv24_rate("taux_pauvrete", "pop"), *qpv2015("filo", "tp60"),
                  *filosofi_in_census("tp6019"), *filosofi_2021("tp60"),
                  Measure("staging.pauvres_com_2018", "commune", "filosofi_pauvres_com_2018",
                          value="tp60"),
                  Measure("staging.pauvres_dep_2020", "departement", "filosofi_pauvres_dep_2020",
                          value="tp60")),
    ),
    *(Indicator(
        code=f"taux_pauvrete_{code}", label=f"Taux de pauvreté {label}", theme=THEME, unit="%",
        definition=f"Taux de pauvreté au seuil de 60 % {label}.", method=NEVER_POOLED,
        measures=filosofi_2021(column),
    ) for code, label, column in (
        ("moins_30", "des ménages dont le référent a moins de 30 ans", "tp60age1"),
        ("30_39", "des ménages dont le référent a de 30 à 39 ans", "tp60age2"),
        ("40_49", "des ménages dont le référent a de 40 à 49 ans", "tp60age3"),
        ("50_59", "des ménages dont le référent a de 50 à 59 ans", "tp60age4"),
        ("60_74", "des ménages dont le référent a de 60 à 74 ans", "tp60age5"),
        ("75_plus", "des ménages dont le référent a 75 ans ou plus", "tp60age6"),
        ("proprietaires", "des ménages propriétaires", "tp60tol1"),
        ("locataires", "des ménages locataires", "tp60tol2"))),
    Indicator(
        code="revenu_median", label="Revenu disponible médian par unité de consommation",
        theme=THEME, unit="€", decimals=0,
        definition="Niveau de vie médian : la moitié des personnes vivent avec moins.",
        method=NEVER_POOLED,
        measures=(*filosofi("median"), *qpv2015("filo", "median"), *filosofi_in_census("med19"),
                  *filosofi_2021("median")),
    ),
    *(Indicator(
        code=f"revenu_{code}", label=f"{label} du revenu disponible par unité de consommation",
        theme=THEME, unit="€", decimals=0,
        definition=definition, method=NEVER_POOLED,
        measures=(*filosofi(code), *qpv2015("filo", code),
                  *(filosofi_2021(code) if code in ("d1", "d9") else ())),
    ) for code, label, definition in (
        ("d1", "1er décile", "Niveau de vie sous lequel vivent les 10 % des personnes les plus "
                              "modestes."),
        ("q1", "1er quartile", "Niveau de vie sous lequel vivent 25 % des personnes."),
        ("q3", "3e quartile", "Niveau de vie au-dessus duquel vivent 25 % des personnes."),
        ("d9", "9e décile", "Niveau de vie au-dessus duquel vivent les 10 % des personnes les "
                             "plus aisées."))),
    Indicator(
        code="rapport_interdecile", label="Rapport interdécile D9/D1", theme=THEME,
        unit="ratio", decimals=1,
        definition="Rapport entre le revenu au-dessus duquel vivent les 10 % les plus aisés et "
                   "celui en dessous duquel vivent les 10 % les plus modestes.",
        method=NEVER_POOLED,
        measures=(*filosofi("rd"), *qpv2015("filo", "rd"), *filosofi_2021("rd")),
    ),
    Indicator(
        code="rapport_s80s20", label="Rapport S80/S20", theme=THEME, unit="ratio", decimals=1,
        definition="Masse des niveaux de vie des 20 % les plus aisés rapportée à celle des 20 % "
                   "les plus modestes.", method=NEVER_POOLED,
        measures=(*filosofi("s80s20"), *qpv2015("filo", "s80s20")),
    ),
    Indicator(
        code="gini", label="Indice de Gini du revenu disponible", theme=THEME,
        unit="indice", decimals=3,
        definition="Mesure des inégalités de revenus, de 0 (égalité) à 1.", method=NEVER_POOLED,
        measures=(*filosofi("gini"), *qpv2015("filo", "gini")),
    ),
    *(Indicator(
        code=f"part_{code}", label=f"Part {label} dans le revenu disponible", theme=THEME,
        unit="%", definition=definition, method=NEVER_POOLED,
        bounds=(-100, 0) if code == "impots" else (0, 100),
        may_exceed_100="" if code == "impots" else
        "les impôts, retirés du revenu, y comptent en négatif : une part peut dépasser 100 %",
        measures=(*filosofi(column), *qpv2015("filo", column),
                  *(filosofi_2021(column) if in_2021 else ())),
    ) for code, column, label, definition, in_2021 in (
        ("revenus_activite", "pact", "des revenus d'activité",
         "Salaires, traitements et revenus des indépendants, en % du revenu disponible.", True),
        ("indemnites_chomage", "pcho", "des indemnités de chômage",
         "Indemnités de chômage, en % du revenu disponible.", True),
        ("pensions", "ppen", "des pensions et retraites",
         "Pensions, retraites et rentes, en % du revenu disponible.", True),
        ("revenus_patrimoine", "ppat", "des revenus du patrimoine",
         "Revenus du patrimoine et autres revenus, en % du revenu disponible.", True),
        ("prestations_sociales", "ppsoc", "des prestations sociales",
         "Prestations sociales (familiales, logement, minima sociaux), en % du revenu "
         "disponible.", True),
        ("prestations_familiales", "ppfam", "des prestations familiales",
         "Prestations familiales, en % du revenu disponible.", True),
        ("minima_sociaux", "ppmini", "des minima sociaux",
         "Minima sociaux, en % du revenu disponible.", True),
        ("prestations_logement", "pplogt", "des prestations logement",
         "Aides au logement, en % du revenu disponible.", True),
        ("impots", "pimpot", "des impôts",
         "Impôts directs (valeur négative : ils sont retirés du revenu), en % du revenu "
         "disponible.", True))),
    Indicator(
        code="part_menages_imposes", label="Part des ménages fiscaux imposés", theme=THEME,
        unit="%", definition="Ménages fiscaux payant l'impôt sur le revenu, en % des ménages "
                             "fiscaux.", method=NEVER_POOLED,
        measures=(*qpv2015("revn", "pmimp"), *filosofi_in_census("pimp19"), *filosofi_2021("pimp")),
    ),
    Indicator(
        code="revenu_declare_median", label="Revenu déclaré médian par unité de consommation",
        theme=THEME, unit="€", decimals=0,
        definition="Revenu déclaré au fisc (avant prestations et impôts), médian par unité de "
                   "consommation.", method=NEVER_POOLED,
        measures=qpv2015("revn", "decuc_q2"),
    ),
    Indicator(
        code="menages_fiscaux", label="Nombre de ménages fiscaux", theme=THEME,
        unit="ménages", decimals=0, definition="Ménages fiscaux de Filosofi.",
        measures=(*filosofi("nbmen"),
                  *by_commune_and_arrondissement("staging.filo21", "filosofi_2021_com",
                                                 value="nbmen")),
    ),
)
