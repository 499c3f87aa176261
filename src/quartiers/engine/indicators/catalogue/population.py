"""Démographie, ménages, nationalité et immigration, familles."""

from __future__ import annotations

from ..model import Indicator, Measure
from .measures import ABOVE_COMMUNE, COMPILED, census, qp15_share, qpv24_count, qpv24_rate, qpv2015

POPULATION = Indicator(
    code="population", label="Population municipale", theme="Démographie", unit="habitants",
    decimals=0,
    definition="Nombre de personnes ayant leur résidence habituelle sur le territoire. Pour un "
               "ensemble de QPV : population totale des quartiers.",
    method="QPV 2024 : chiffre clé du SIG Ville. Communes, arrondissements municipaux, "
           "départements et régions : populations légales de l'INSEE (millésimes 2021 et 2023, "
           "Paris, Lyon et Marseille : somme de leurs arrondissements) ; EPCI : somme des "
           "communes ; France : somme des régions publiées (hors Mayotte et collectivités "
           "d'outre-mer, absentes des fichiers).",
    measures=(
        qpv24_count("pop"),
        *(Measure(f"(SELECT * FROM staging.populations WHERE level = '{level}' "
                  f"AND year = {year})", level, f"populations_legales_{year}_{suffix}",
                  value="pmun", roll_up=ABOVE_COMMUNE if level == "commune" else ())
          for year, level, suffix in ((2023, "commune", "com"), (2021, "commune", "com"),
                                      (2023, "arrondissement", "com"),
                                      (2021, "arrondissement", "com"),
                                      (2023, "departement", "dep"), (2023, "region", "reg"))),
        Measure("(SELECT 'FR' AS code, vintage, sum(pmun) AS pmun FROM staging.populations "
                "WHERE level = 'region' GROUP BY vintage)", "france", "populations_legales_2023_reg",
                value="pmun", method="somme des régions publiées",
                note="hors Mayotte et collectivités d'outre-mer, absentes du fichier des "
                     "populations légales"),
        *qpv2015("demo", "pop_mun", count=True),
    ),
)

INDICATORS = (
    POPULATION,
    Indicator(
        code="evolution_population", label="Évolution annuelle de la population 2013-2018",
        theme="Démographie", unit="% par an", decimals=2, bounds=(-100, 100),
        definition="Taux de variation annuel moyen de la population municipale entre les "
                   "recensements de 2013 et de 2018.",
        method="((P18_POP / P13_POP) ^ (1/5) − 1) × 100, à partir des sommes de communes pour "
               "les territoires qui les regroupent.",
        measures=census("p18_pop", "p13_pop", scale=1,
                        transform="(power({ratio}, 1 / 5) - 1) * 100"),
    ),
    Indicator(
        code="densite_population", label="Densité de population", theme="Démographie",
        unit="hab./km²", decimals=1,
        definition="Habitants (recensement 2018) par kilomètre carré de superficie.",
        measures=census("p18_pop", "superf", scale=1, denominator_counts_units=False),
    ),
    Indicator(
        code="natalite", label="Taux de natalité 2013-2018", theme="Démographie",
        unit="‰ par an", decimals=1,
        definition="Naissances domiciliées de 2013 à 2018, en moyenne annuelle, pour 1 000 "
                   "habitants (population de 2018).",
        measures=census("nais1318 / 5", "p18_pop", scale=1000),
    ),
    Indicator(
        code="mortalite", label="Taux de mortalité 2013-2018", theme="Démographie",
        unit="‰ par an", decimals=1,
        definition="Décès domiciliés de 2013 à 2018, en moyenne annuelle, pour 1 000 habitants "
                   "(population de 2018).",
        measures=census("dece1318 / 5", "p18_pop", scale=1000),
    ),
    Indicator(
        code="indice_jeunesse", label="Indice de jeunesse", theme="Démographie", unit="ratio",
        decimals=2,
        definition="Nombre de moins de 20 ans pour une personne de 60 ans ou plus.",
        measures=(Measure("staging.qpv_figures", "qpv", "qpv2024_indicateurs",
                          value="indice_jeunesse"),
                  *qpv2015("demo", "ind_jeune")),
    ),
    Indicator(
        code="part_femmes", label="Part des femmes", theme="Démographie", unit="%",
        definition="Femmes, en % de la population.",
        measures=qpv2015("demo", "tx_f", weight="pop_mun"),
    ),
    Indicator(
        code="part_moins_25", label="Part des moins de 25 ans", theme="Démographie", unit="%",
        definition="Part des personnes de moins de 25 ans dans la population.",
        measures=qpv2015("demo", "tx_tot_0a24", weight="pop_mun"),
    ),
    Indicator(
        code="part_60_plus", label="Part des 60 ans ou plus", theme="Démographie", unit="%",
        definition="Part des personnes de 60 ans ou plus dans la population.",
        measures=qpv2015("demo", "tx_tot_60etplus", weight="pop_mun"),
    ),
    Indicator(
        code="nb_menages", label="Nombre de ménages", theme="Ménages", unit="ménages", decimals=0,
        definition="Nombre de ménages (résidences principales occupées).",
        method="QPV 2024 : SIG Ville ; communes : recensement 2018 (comparateur de territoires), "
               "sommé au-dessus de la commune.",
        measures=(qpv24_count("menages"), *census("p18_men")),
    ),
    Indicator(
        code="part_menages_1p", label="Part des ménages d'une personne", theme="Ménages", unit="%",
        definition="Ménages composés d'une seule personne, en % des ménages.", method=COMPILED,
        measures=(qpv24_rate("part_men_1p", "menages"),
                  *qpv2015("demo", "tx_tot_men1", weight="pop_mun")),
        notes=("QPV 2015 : pondération par la population, faute du nombre de ménages.",),
    ),
    Indicator(
        code="part_menages_2p", label="Part des ménages de deux personnes", theme="Ménages",
        unit="%", definition="Ménages de deux personnes, en % des ménages.", method=COMPILED,
        measures=(qpv24_rate("part_men_2p", "menages"),),
    ),
    Indicator(
        code="part_menages_3p", label="Part des ménages de trois personnes", theme="Ménages",
        unit="%", definition="Ménages de trois personnes, en % des ménages.", method=COMPILED,
        measures=(qpv24_rate("part_men_3p", "menages"),),
    ),
    Indicator(
        code="part_menages_45p", label="Part des ménages de quatre ou cinq personnes",
        theme="Ménages", unit="%", definition="Ménages de quatre ou cinq personnes, en % des "
                                              "ménages.",
        method=COMPILED, measures=(qpv24_rate("part_men_45p", "menages"),),
    ),
    Indicator(
        code="part_menages_6pp", label="Part des ménages de 6 personnes ou plus", theme="Ménages",
        unit="%", definition="Ménages de six personnes ou plus, en % des ménages.", method=COMPILED,
        measures=(qpv24_rate("part_men_6pp", "menages"),
                  *qpv2015("demo", "tx_tot_men6", weight="pop_mun")),
    ),
    Indicator(
        code="part_etrangers", label="Part des étrangers", theme="Nationalité et immigration",
        unit="%", definition="Personnes de nationalité étrangère, en % de la population.",
        method=COMPILED,
        measures=(qpv24_rate("part_et", "pop"), *qpv2015("demo", "tx_tot_et", weight="pop_mun")),
    ),
    Indicator(
        code="part_immigres", label="Part des immigrés", theme="Nationalité et immigration",
        unit="%", definition="Personnes nées étrangères à l'étranger, en % de la population.",
        method=COMPILED, measures=(qpv24_rate("part_immi", "pop"),),
    ),
    Indicator(
        code="part_menages_immigres", label="Part des ménages immigrés",
        theme="Nationalité et immigration", unit="%",
        definition="Ménages dont la personne de référence est immigrée, en % des ménages.",
        method=COMPILED, measures=(qpv24_rate("part_men_immi", "menages"),),
    ),
    Indicator(
        code="part_menages_etrangers", label="Part des ménages étrangers",
        theme="Nationalité et immigration", unit="%",
        definition="Ménages dont la personne de référence est de nationalité étrangère, en % "
                   "des ménages.",
        method=COMPILED, measures=(qpv24_rate("part_men_et", "menages"),),
    ),
    Indicator(
        code="enfants_couverts_caf", label="Enfants couverts par la CAF", theme="Familles",
        unit="enfants", decimals=0,
        definition="Enfants et jeunes à charge (moins de 25 ans) des foyers allocataires CAF.",
        measures=qpv2015("demo", "enf", count=True),
    ),
    *(Indicator(
        code=f"part_enfants_caf_{band}", label=f"Part des {label} parmi les enfants couverts "
                                               "par la CAF",
        theme="Familles", unit="%",
        definition=f"Enfants à charge des foyers allocataires âgés de {label}, en % des enfants "
                   "couverts par la CAF.",
        measures=qp15_share("demo", column, "enf"),
    ) for band, label, column in (
        ("0_2", "0 à 2 ans", "enf_2"), ("3_5", "3 à 5 ans", "enf_3_5"),
        ("6_10", "6 à 10 ans", "enf_6_10"), ("11_14", "11 à 14 ans", "enf_11_14"),
        ("15_17", "15 à 17 ans", "enf_15_17"), ("18_24", "18 à 24 ans", "enf_18_24"))),
    *(Indicator(
        code=f"part_alloc_{code}", label=f"Part des {who} parmi les allocataires",
        theme="Familles", unit="%",
        definition=f"Allocataires {what}, en % des allocataires CAF.",
        measures=qp15_share("demo", column, "a"),
    ) for code, who, what, column in (
        ("isoles", "personnes isolées", "isolés sans enfant", "ai"),
        ("couples_sans_enfant", "couples sans enfant", "en couple sans enfant", "acssenf"),
        ("couples_avec_enfants", "couples avec enfant(s)", "en couple avec au moins un enfant",
         "acavenf"),
        ("couples_3_enfants", "couples avec trois enfants ou plus",
         "en couple avec trois enfants ou plus", "ac3enf"),
        ("etudiants", "étudiants", "étudiants", "a_etud"),
        ("jeunes_non_etudiants", "moins de 25 ans non étudiants",
         "de moins de 25 ans qui ne sont pas étudiants", "a_netud_24"))),
)
