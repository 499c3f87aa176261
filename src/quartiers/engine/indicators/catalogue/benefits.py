"""Prestations CAF et couverture santé (CNAF, CNAM via les fichiers INSEE des QPV)."""

from __future__ import annotations

from ..model import Indicator, Measure
from .measures import ABOVE_COMMUNE, QPV24, SIG_VILLE, caf_commune, qp15_share, qpv24_count, qpv2015

CAF = "Prestations CAF"
HEALTH = "Santé et couverture maladie"

INDICATORS = (
    Indicator(
        code="allocataires_caf", label="Allocataires CAF", theme=CAF,
        unit="allocataires", decimals=0,
        definition="Foyers allocataires d'au moins une prestation de la CAF.",
        measures=(qpv24_count("allocataires_caf"), caf_commune("a", share=False),
                  *qpv2015("demo", "a", count=True)),
    ),
    Indicator(
        code="personnes_couvertes_caf", label="Personnes couvertes par la CAF",
        theme=CAF, unit="personnes", decimals=0,
        definition="Allocataires, conjoints, enfants et autres personnes à charge.",
        measures=(qpv24_count("couverts_caf"), caf_commune("percou", share=False),
                  *qpv2015("demo", "percou", count=True)),
    ),
    Indicator(
        code="part_pop_couverte_caf", label="Part de la population couverte par la CAF",
        theme=CAF, unit="%",
        definition="Personnes couvertes par au moins une prestation CAF, en % de la population.",
        method="Communes : personnes couvertes au 31/12/2020 / population légale (millésimes "
               "différents).",
        may_exceed_100="personnes couvertes et population ne sont pas comptées à la même date",
        measures=(Measure(QPV24, "qpv", SIG_VILLE, numerator="couverts_caf", denominator="pop",
                          scale=100, pool_qpv=True),
                  Measure("staging.caf_commune", "commune", "caf_iris", numerator="percou",
                          denominator="population", scale=100, roll_up=ABOVE_COMMUNE,
                          method="somme des IRIS / population", units="n_iris - n_missing",
                          missing="n_missing", units_label="IRIS",
                          note="population légale au dénominateur"),
                  *qpv2015("demo", numerator="percou", denominator="pop_mun")),
    ),
    Indicator(
        code="allocataires_rsa", label="Allocataires du RSA socle", theme=CAF,
        unit="allocataires", decimals=0, definition="Foyers allocataires percevant le RSA socle.",
        measures=(qpv24_count("rsa_socle"), caf_commune("arsas", share=False),
                  *qpv2015("revn", "arsas", count=True)),
    ),
    Indicator(
        code="part_alloc_rsa", label="Part des allocataires percevant le RSA socle",
        theme=CAF, unit="%", definition="Allocataires RSA socle / allocataires CAF.",
        recomputed_from=("allocataires_rsa", "allocataires_caf"),
        measures=(Measure(QPV24, "qpv", SIG_VILLE, numerator="rsa_socle",
                          denominator="allocataires_caf", scale=100, pool_qpv=True),
                  caf_commune("arsas"), *qp15_share("revn", "arsas", "a")),
    ),
    Indicator(
        code="part_alloc_aah", label="Part des allocataires percevant l'AAH",
        theme=CAF, unit="%",
        definition="Allocataires de l'allocation aux adultes handicapés / allocataires CAF.",
        measures=(caf_commune("aaah"), *qp15_share("revn", "aaah", "a")),
    ),
    Indicator(
        code="part_alloc_logement", label="Part des allocataires percevant une aide au logement",
        theme=CAF, unit="%",
        definition="Allocataires d'une aide au logement (APL, ALF, ALS) / allocataires CAF.",
        measures=(caf_commune("aal"),),
    ),
    Indicator(
        code="part_alloc_monoparents", label="Part des familles monoparentales parmi les "
                                             "allocataires",
        theme=CAF, unit="%",
        definition="Allocataires isolés avec enfant(s) / allocataires CAF.",
        measures=(caf_commune("am"), *qp15_share("demo", "am", "a")),
    ),
    Indicator(
        code="part_alloc_prime_activite", label="Part des allocataires percevant la prime "
                                                "d'activité",
        theme=CAF, unit="%",
        definition="Allocataires de la prime d'activité / allocataires CAF.",
        measures=(caf_commune("appa"), *qp15_share("revn", "appa", "a")),
    ),
    Indicator(
        code="population_couverte_cnam", label="Population couverte par le régime général "
                                               "d'assurance maladie",
        theme=HEALTH, unit="personnes", decimals=0,
        definition="Assurés et ayants droit du régime général (CNAM).",
        measures=qpv2015("revn", "c", count=True),
    ),
    Indicator(
        code="beneficiaires_c2s", label="Bénéficiaires de la C2S non participative (ex-CMU-C)",
        theme=HEALTH, unit="personnes", decimals=0,
        definition="Bénéficiaires de la complémentaire santé solidaire sans participation "
                   "financière, qui a remplacé la CMU complémentaire en novembre 2019.",
        method="Fichiers 2017 à 2019 : bénéficiaires de la CMU-C (colonne CCMUC) ; fichier 2022 : "
               "C2S non participative (colonne C_C2SNP). Le fichier 2021 ne publie qu'un total "
               "CC2S sans dire s'il comprend la C2S participative : il n'est pas retenu.",
        measures=qpv2015("revn", "coalesce(c_c2snp, ccmuc)", count=True),
    ),
    Indicator(
        code="part_c2s_non_participative", label="Part des bénéficiaires de la C2S non "
                                                 "participative",
        theme=HEALTH, unit="%",
        definition="Bénéficiaires de la complémentaire santé solidaire sans participation "
                   "(ex-CMU-C), en % de la population couverte par le régime général.",
        recomputed_from=("beneficiaires_c2s", "population_couverte_cnam"),
        measures=qp15_share("revn", "c_c2snp", "c"),
    ),
    Indicator(
        code="part_c2s_participative", label="Part des bénéficiaires de la C2S participative",
        theme=HEALTH, unit="%",
        definition="Bénéficiaires de la complémentaire santé solidaire avec participation "
                   "financière (ex-ACS), en % de la population couverte par le régime général.",
        measures=qp15_share("revn", "c_c2sp", "c"),
    ),
    *(Indicator(
        code=f"part_alloc_dependants_{share}", label=f"Part des allocataires dont les "
                                                     f"prestations font au moins {share} % des "
                                                     "ressources",
        theme=CAF, unit="%",
        definition=f"Allocataires dont les prestations de la CAF représentent au moins {share} % "
                   "des ressources, en % des allocataires (fichiers 2017 à 2019).",
        measures=qp15_share("revn", f"apres{share}", "a"),
    ) for share in (50, 100)),
)
