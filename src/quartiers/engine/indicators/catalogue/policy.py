"""Politique de la ville: the QPV themselves, and the share of the population living in them."""

from __future__ import annotations

from ..model import FROM_TABLE, Indicator, Measure

THEME = "Politique de la ville"

INDICATORS = (
    Indicator(
        code="nb_qpv", label="Nombre de quartiers prioritaires (2024)", theme=THEME,
        unit="QPV", decimals=0,
        definition="Nombre de QPV 2024 situés, au moins en partie, sur le territoire.",
        method="Décompte des QPV du référentiel ANCT 2024 ; un QPV sur deux communes compte "
               "dans chacune.",
        measures=(Measure("(SELECT parent_level AS level, parent_code AS code, "
                          "'géographie 2024' AS vintage, count(*) AS n FROM marts.territory_links "
                          "WHERE level = 'qpv' GROUP BY ALL)", FROM_TABLE, "qpv2024_perimetres",
                          value="n"),),
    ),
    Indicator(
        code="part_pop_qpv", label="Part de la population vivant en QPV (2024)", theme=THEME,
        unit="%",
        definition="Population des QPV 2024 situés sur le territoire, rapportée à sa population "
                   "municipale.",
        method="Population des QPV (SIG Ville, millésime non précisé) / population légale 2023 : "
               "millésimes différents, ordre de grandeur. Un QPV situé sur plusieurs communes "
               "n'a pas de population publiée par commune : elle est répartie au prorata de la "
               "surface du QPV dans chaque commune, et la valeur est alors une estimation, "
               "signalée comme telle. Un territoire qui contient tout le QPV n'est pas concerné.",
        measures=(Measure("staging.qpv_population_share", FROM_TABLE, "qpv2024_indicateurs",
                          numerator="qpv_pop", denominator="population", scale=100,
                          missing="n_qpv_missing", units="n_qpv - n_qpv_missing",
                          units_label="QPV", estimated="estimated",
                          note="millésimes différents au numérateur et au dénominateur"),),
    ),
    Indicator(
        code="part_pop_qpv2015", label="Part de la population vivant en QPV (géographie 2015)",
        theme=THEME, unit="%",
        definition="Population de la commune résidant dans un QPV 2015, rapportée à la "
                   "population de la commune, publiée par l'INSEE.",
        method="Rapport POP_COM_QP / POP_COM des fichiers DEMO de l'INSEE, repris pour les "
               "communes dont un QPV 2015 n'est situé que sur elles (les lignes d'un QPV sur "
               "plusieurs communes portent le total de ces communes ensemble).",
        measures=(Measure("(SELECT t.commune AS code, d.vintage, any_value(d.pop_com_qp) AS "
                          "pop_com_qp, any_value(d.pop_com) AS pop_com FROM staging.qpv2015_demo d "
                          "JOIN marts.territories t ON t.level = 'qpv2015' AND t.code = d.code "
                          "WHERE d.lib_com NOT LIKE '%,%' AND d.lib_com NOT LIKE '%rrondissement%' "
                          "AND t.commune IS NOT NULL GROUP BY ALL "
                          "HAVING count(DISTINCT d.pop_com_qp) = 1)", "commune", "qpv2015_demo",
                          numerator="pop_com_qp", denominator="pop_com", scale=100),),
    ),
)
