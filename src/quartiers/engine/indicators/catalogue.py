"""The indicator catalogue: every indicator declared once.

This list drives the warehouse (which values are computed, how they are pooled or rolled up),
the profile pages, the PDF, the API and the documentation. Staging tables and columns referred to
here are created by ``engine.warehouse.staging``.
"""

from __future__ import annotations

from .model import ADMIN_LEVELS, FROM_TABLE, Indicator, Measure

QPV24 = "staging.qpv_figures"
SIG_VILLE = "qpv2024_indicateurs"
ABOVE_COMMUNE = ADMIN_LEVELS[1:]
BPE_ROLL_UP = ("epci", "departement", "region")
COMPILED = ("Chiffre clé du SIG Ville (compilation, millésime non précisé) ; pour un ensemble de "
            "QPV, moyenne pondérée reconstituée : approximation.")


def qpv24_rate(column: str, weight: str) -> Measure:
    """A published QPV 2024 rate, poolable through a reconstructed numerator (rate × weight)."""
    return Measure(QPV24, "qpv", SIG_VILLE, numerator=f"{column} * {weight} / 100",
                   denominator=f"CASE WHEN {column} IS NOT NULL THEN {weight} END", scale=100,
                   reconstructed=True, pool_qpv=True)


def qpv24_count(column: str) -> Measure:
    return Measure(QPV24, "qpv", SIG_VILLE, value=column, pool_qpv=True)


def qpv2015(family: str, value: str | None = None, *, numerator: str | None = None,
            denominator: str | None = None, weight: str | None = None,
            count: bool = False) -> tuple[Measure, ...]:
    """Values of an INSEE QPV 2015 file, with the published « Ensemble des QPV » row.

    Counts and true ratios are pooled exactly; a rate given a weight is pooled through a
    reconstructed numerator; any other value (median, index) is never pooled.
    """
    table = f"staging.qpv2015_{family}"
    if weight:
        qpv = Measure(table, "qpv2015", f"qpv2015_{family}", numerator=f"{value} * {weight} / 100",
                      denominator=f"CASE WHEN {value} IS NOT NULL THEN {weight} END", scale=100,
                      reconstructed=True, pool_qpv=True)
    else:
        qpv = Measure(table, "qpv2015", f"qpv2015_{family}", value=value, numerator=numerator,
                      denominator=denominator, scale=100 if numerator else 1,
                      pool_qpv=count or numerator is not None)
    france = Measure(f"{table}_france", "qpv2015_france", f"qpv2015_{family}",
                     value=value, numerator=numerator, denominator=denominator,
                     scale=100 if numerator else 1)
    return france, qpv


def caf_commune(count: str, share: bool = True) -> Measure:
    """CAF counts summed from IRIS to the commune; a share is over the allocataires of the
    IRIS where the count is published, so a blank IRIS biases neither side."""
    if not share:
        return Measure("staging.caf_commune", "commune", "caf_iris", value=count,
                       roll_up=ABOVE_COMMUNE, method="somme des IRIS", missing="n_missing")
    return Measure("staging.caf_commune", "commune", "caf_iris", numerator=count,
                   denominator=f"a_{count}", scale=100, roll_up=ABOVE_COMMUNE,
                   method="ratio des sommes des IRIS", missing="n_missing")


def filosofi(column: str) -> tuple[Measure, ...]:
    return (Measure("staging.filo_com", "commune", "filosofi_com", value=column),
            Measure("staging.filo_epci", "epci", "filosofi_epci", value=column))


def bpe(column: str) -> Measure:
    return Measure("staging.bpe_commune", "commune", "bpe", value=column, roll_up=BPE_ROLL_UP,
                   note="Bretagne et Pays de la Loire seulement")


POPULATION = Indicator(
    code="population", label="Population municipale", theme="Démographie", unit="habitants",
    decimals=0,
    definition="Nombre de personnes ayant leur résidence habituelle sur le territoire. Pour un "
               "ensemble de QPV : population totale des quartiers.",
    method="QPV 2024 : chiffre clé du SIG Ville. Communes et EPCI : populations légales du COG ; "
           "département, région, France : somme des communes.",
    measures=(
        qpv24_count("pop"),
        Measure("staging.communes", "commune", "communes", value="population",
                roll_up=("departement", "region", "france")),
        Measure("staging.epci", "epci", "epci", value="population"),
        *qpv2015("demo", "pop_mun", count=True),
    ),
)

INDICATORS: tuple[Indicator, ...] = (
    POPULATION,
    Indicator(
        code="nb_qpv", label="Nombre de quartiers prioritaires (2024)", theme="Politique de la ville",
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
        code="part_pop_qpv", label="Part de la population vivant en QPV", theme="Politique de la ville",
        unit="%",
        definition="Population des QPV 2024 du territoire rapportée à sa population municipale.",
        method="Population des QPV (SIG Ville, millésime non précisé) / population municipale du "
               "COG : millésimes différents, ordre de grandeur. Un QPV sur deux communes est "
               "compté en entier dans chacune.",
        measures=(Measure("(SELECT t.level, t.code, p.vintage, p.value AS qpv_pop, "
                          "t.population FROM marts.territories t JOIN marts.indicator_values p "
                          "ON p.indicator = 'population' AND p.level = 'qpv_' || t.level "
                          "AND p.code = t.code WHERE t.level IN ('commune', 'epci', "
                          "'departement', 'region', 'france'))", FROM_TABLE, "qpv2024_indicateurs",
                          numerator="qpv_pop", denominator="population", scale=100,
                          note="millésimes différents au numérateur et au dénominateur"),),
    ),
    Indicator(
        code="indice_jeunesse", label="Indice de jeunesse", theme="Démographie", unit="ratio",
        decimals=2,
        definition="Nombre de moins de 20 ans pour une personne de 60 ans ou plus.",
        measures=(Measure(QPV24, "qpv", SIG_VILLE, value="indice_jeunesse"),
                  *qpv2015("demo", "ind_jeune")),
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
        measures=(qpv24_count("menages"),),
    ),
    Indicator(
        code="part_menages_1p", label="Part des ménages d'une personne", theme="Ménages", unit="%",
        definition="Ménages composés d'une seule personne, en % des ménages.", method=COMPILED,
        measures=(qpv24_rate("part_men_1p", "menages"),
                  *qpv2015("demo", "tx_tot_men1", weight="pop_mun")),
        notes=("QPV 2015 : pondération par la population, faute du nombre de ménages.",),
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
        code="taux_pauvrete", label="Taux de pauvreté (seuil à 60 %)", theme="Revenus et pauvreté",
        unit="%",
        definition="Part des personnes dont le niveau de vie est inférieur à 60 % du niveau de vie "
                   "médian de France métropolitaine.",
        method="QPV 2024 : chiffre clé du SIG Ville ; ensemble de QPV : moyenne pondérée par la "
               "population (approximation). QPV 2015 : Filosofi, valeur publiée pour l'ensemble "
               "des QPV de France ; jamais de moyenne de taux sans le dire.",
        measures=(qpv24_rate("taux_pauvrete", "pop"), *qpv2015("filo", "tp60")),
    ),
    Indicator(
        code="revenu_median", label="Revenu disponible médian par unité de consommation",
        theme="Revenus et pauvreté", unit="€", decimals=0,
        definition="Niveau de vie médian : la moitié des personnes vivent avec moins.",
        method="Médiane publiée par l'INSEE pour chaque territoire ; jamais de médiane de "
               "médianes : pas de valeur pour un ensemble non publié.",
        measures=(*filosofi("median"), *qpv2015("filo", "median")),
    ),
    Indicator(
        code="rapport_interdecile", label="Rapport interdécile D9/D1", theme="Revenus et pauvreté",
        unit="ratio", decimals=1,
        definition="Rapport entre le revenu au-dessus duquel vivent les 10 % les plus aisés et "
                   "celui en dessous duquel vivent les 10 % les plus modestes.",
        measures=(*filosofi("rd"), *qpv2015("filo", "rd")),
    ),
    Indicator(
        code="gini", label="Indice de Gini du revenu disponible", theme="Revenus et pauvreté",
        unit="indice", decimals=3,
        definition="Mesure des inégalités de revenus, de 0 (égalité) à 1.",
        measures=(*filosofi("gini"), *qpv2015("filo", "gini")),
    ),
    Indicator(
        code="part_prestations_sociales", label="Part des prestations sociales dans le revenu",
        theme="Revenus et pauvreté", unit="%",
        definition="Prestations sociales (familiales, logement, minima sociaux) en % du revenu "
                   "disponible.",
        measures=(*filosofi("ppsoc"), *qpv2015("filo", "ppsoc")),
    ),
    Indicator(
        code="part_minima_sociaux", label="Part des minima sociaux dans le revenu",
        theme="Revenus et pauvreté", unit="%",
        definition="Minima sociaux en % du revenu disponible.",
        measures=filosofi("ppmini"),
    ),
    Indicator(
        code="menages_fiscaux", label="Nombre de ménages fiscaux", theme="Revenus et pauvreté",
        unit="ménages", decimals=0, definition="Ménages fiscaux de Filosofi 2019.",
        measures=filosofi("nbmen"),
    ),
    Indicator(
        code="taux_emploi", label="Taux d'emploi des 15-64 ans", theme="Emploi", unit="%",
        definition="Personnes de 15 à 64 ans en emploi, en % des 15-64 ans.",
        method=COMPILED + " Le poids (population totale) n'est pas la population des 15-64 ans.",
        measures=(qpv24_rate("taux_emploi", "pop"),
                  *qpv2015("ipro", "tx_tot_empl")),
    ),
    Indicator(
        code="taux_emploi_femmes", label="Taux d'emploi des femmes de 15-64 ans", theme="Emploi",
        unit="%", definition="Femmes de 15 à 64 ans en emploi, en % des femmes de 15-64 ans.",
        measures=qpv2015("ipro", "tx_f_empl"),
    ),
    Indicator(
        code="demandeurs_emploi_abc", label="Demandeurs d'emploi (catégories A, B, C)",
        theme="Emploi", unit="personnes", decimals=0,
        definition="Demandeurs d'emploi tenus de rechercher un emploi, inscrits à France Travail "
                   "(ex-Pôle emploi) en fin d'année.",
        measures=qpv2015("ipro", "abc", count=True),
    ),
    Indicator(
        code="part_de_moins_25", label="Part des moins de 25 ans parmi les demandeurs d'emploi",
        theme="Emploi", unit="%", definition="Demandeurs d'emploi ABC de moins de 25 ans, en %.",
        measures=qpv2015("ipro", numerator="abc_25", denominator="abc"),
    ),
    Indicator(
        code="part_de_femmes", label="Part des femmes parmi les demandeurs d'emploi",
        theme="Emploi", unit="%", definition="Demandeuses d'emploi ABC, en % des ABC.",
        measures=qpv2015("ipro", numerator="abc_f", denominator="abc"),
    ),
    Indicator(
        code="logements_sociaux", label="Nombre de logements sociaux", theme="Logement",
        unit="logements", decimals=0, definition="Logements du parc social (RPLS).",
        measures=(qpv24_count("logements_sociaux"),),
    ),
    Indicator(
        code="taux_logements_sociaux", label="Taux de logements sociaux", theme="Logement",
        unit="%", definition="Logements sociaux rapportés aux résidences principales.",
        method=COMPILED + " Le rapport publié dépasse parfois 100 % (parc social et résidences "
               "principales ne sont pas comptés à la même date).",
        measures=(Measure(QPV24, "qpv", SIG_VILLE, numerator="logements_sociaux",
                          denominator="logements_sociaux * 100 / nullif(taux_logements_sociaux, 0)",
                          scale=100, reconstructed=True, pool_qpv=True),),
    ),
    Indicator(
        code="allocataires_caf", label="Allocataires CAF", theme="Prestations CAF",
        unit="allocataires", decimals=0,
        definition="Foyers allocataires d'au moins une prestation de la CAF.",
        measures=(qpv24_count("allocataires_caf"), caf_commune("a", share=False),
                  *qpv2015("demo", "a", count=True)),
    ),
    Indicator(
        code="personnes_couvertes_caf", label="Personnes couvertes par la CAF",
        theme="Prestations CAF", unit="personnes", decimals=0,
        definition="Allocataires, conjoints, enfants et autres personnes à charge.",
        measures=(qpv24_count("couverts_caf"), caf_commune("percou", share=False),
                  *qpv2015("demo", "percou", count=True)),
    ),
    Indicator(
        code="part_pop_couverte_caf", label="Part de la population couverte par la CAF",
        theme="Prestations CAF", unit="%",
        definition="Personnes couvertes par au moins une prestation CAF, en % de la population.",
        method="Communes : personnes couvertes au 31/12/2020 / population du COG (millésimes "
               "différents).",
        measures=(Measure(QPV24, "qpv", SIG_VILLE, numerator="couverts_caf", denominator="pop",
                          scale=100, pool_qpv=True),
                  Measure("staging.caf_commune", "commune", "caf_iris", numerator="percou",
                          denominator="population", scale=100, roll_up=ABOVE_COMMUNE,
                          method="somme des IRIS / population", missing="n_missing",
                          note="population du COG au dénominateur"),
                  *qpv2015("demo", numerator="percou", denominator="pop_mun")),
    ),
    Indicator(
        code="allocataires_rsa", label="Allocataires du RSA socle", theme="Prestations CAF",
        unit="allocataires", decimals=0, definition="Foyers allocataires percevant le RSA socle.",
        measures=(qpv24_count("rsa_socle"), caf_commune("arsas", share=False),
                  *qpv2015("revn", "arsas", count=True)),
    ),
    Indicator(
        code="part_alloc_rsa", label="Part des allocataires percevant le RSA socle",
        theme="Prestations CAF", unit="%", definition="Allocataires RSA socle / allocataires CAF.",
        measures=(Measure(QPV24, "qpv", SIG_VILLE, numerator="rsa_socle",
                          denominator="allocataires_caf", scale=100, pool_qpv=True),
                  caf_commune("arsas"), *qpv2015("revn", numerator="arsas", denominator="a")),
    ),
    Indicator(
        code="part_alloc_aah", label="Part des allocataires percevant l'AAH",
        theme="Prestations CAF", unit="%",
        definition="Allocataires de l'allocation aux adultes handicapés / allocataires CAF.",
        measures=(caf_commune("aaah"), *qpv2015("revn", numerator="aaah", denominator="a")),
    ),
    Indicator(
        code="part_alloc_logement", label="Part des allocataires percevant une aide au logement",
        theme="Prestations CAF", unit="%",
        definition="Allocataires d'une aide au logement (APL, ALF, ALS) / allocataires CAF.",
        measures=(caf_commune("aal"),),
    ),
    Indicator(
        code="part_alloc_monoparents", label="Part des familles monoparentales parmi les allocataires",
        theme="Prestations CAF", unit="%",
        definition="Allocataires isolés avec enfant(s) / allocataires CAF.",
        measures=(caf_commune("am"), *qpv2015("demo", numerator="am", denominator="a")),
    ),
    Indicator(
        code="part_alloc_prime_activite", label="Part des allocataires percevant la prime d'activité",
        theme="Prestations CAF", unit="%",
        definition="Allocataires de la prime d'activité / allocataires CAF.",
        measures=(caf_commune("appa"), *qpv2015("revn", numerator="appa", denominator="a")),
    ),
    Indicator(
        code="bpe_pharmacies", label="Pharmacies", theme="Équipements", unit="équipements",
        decimals=0, definition="Pharmacies (BPE, type D301).", measures=(bpe("pharmacies"),),
    ),
    Indicator(
        code="bpe_medecins", label="Médecins généralistes", theme="Équipements",
        unit="équipements", decimals=0,
        definition="Médecins omnipraticiens (BPE, type D201).", measures=(bpe("medecins"),),
    ),
    Indicator(
        code="bpe_medecins_10000", label="Médecins généralistes pour 10 000 habitants",
        theme="Équipements", unit="pour 10 000 hab.", decimals=1,
        definition="Médecins omnipraticiens (BPE 2019) pour 10 000 habitants (population du COG).",
        measures=(Measure("staging.bpe_commune", "commune", "bpe", numerator="medecins",
                          denominator="population", scale=10000, roll_up=BPE_ROLL_UP,
                          note="Bretagne et Pays de la Loire seulement ; population du COG"),),
    ),
    Indicator(
        code="bpe_alimentaire", label="Commerces alimentaires généralistes", theme="Équipements",
        unit="équipements", decimals=0,
        definition="Hypermarchés, supermarchés, supérettes et épiceries (BPE, B101, B102, B201, "
                   "B202).", measures=(bpe("alimentaire"),),
    ),
    Indicator(
        code="bpe_boulangeries", label="Boulangeries", theme="Équipements", unit="équipements",
        decimals=0, definition="Boulangeries (BPE, type B203).", measures=(bpe("boulangeries"),),
    ),
    Indicator(
        code="bpe_ecoles", label="Écoles maternelles et élémentaires", theme="Équipements",
        unit="équipements", decimals=0,
        definition="Écoles maternelles, élémentaires et regroupements pédagogiques (BPE, C101, "
                   "C102, C104, C105).", measures=(bpe("ecoles"),),
    ),
    Indicator(
        code="bpe_poste", label="Bureaux et agences de poste", theme="Équipements",
        unit="équipements", decimals=0,
        definition="Bureaux de poste, relais poste et agences postales (BPE, A206, A207, A208).",
        measures=(bpe("poste"),),
    ),
)

# shown first on a profile and in its PDF, when the territory has them
KEY_INDICATORS = ("population", "nb_qpv", "part_pop_qpv", "taux_pauvrete", "revenu_median",
                  "taux_emploi", "part_etrangers", "part_alloc_rsa", "allocataires_caf",
                  "demandeurs_emploi_abc", "taux_logements_sociaux")
INDICATORS_BY_CODE = {indicator.code: indicator for indicator in INDICATORS}
THEMES = tuple(dict.fromkeys(indicator.theme for indicator in INDICATORS))
