"""Logement et équipements (BPE)."""

from __future__ import annotations

from ..model import Indicator, Measure
from .measures import BPE_ROLL_UP, COMPILED, QPV24, SIG_VILLE, bpe, census, qpv24_count

HOUSING = "Logement"
EQUIPMENT = "Équipements"

INDICATORS = (
    Indicator(
        code="logements_sociaux", label="Nombre de logements sociaux", theme=HOUSING,
        unit="logements", decimals=0, definition="Logements du parc social (RPLS).",
        measures=(qpv24_count("logements_sociaux"),),
    ),
    Indicator(
        code="taux_logements_sociaux", label="Taux de logements sociaux", theme=HOUSING,
        unit="%", definition="Logements sociaux rapportés aux résidences principales.",
        method=COMPILED + " Le rapport publié dépasse parfois 100 % (parc social et résidences "
               "principales ne sont pas comptés à la même date ni par la même source).",
        may_exceed_100="logements sociaux (RPLS) et résidences principales (recensement) ne sont "
                       "comptés ni à la même date ni par la même source",
        measures=(Measure(QPV24, "qpv", SIG_VILLE, numerator="logements_sociaux",
                          denominator="logements_sociaux * 100 / nullif(taux_logements_sociaux, 0)",
                          scale=100, reconstructed=True, pool_qpv=True),),
    ),
    Indicator(
        code="logements", label="Nombre de logements", theme=HOUSING, unit="logements",
        decimals=0, definition="Logements de toutes catégories (recensement 2018).",
        measures=census("p18_log"),
    ),
    Indicator(
        code="part_logements_vacants", label="Part des logements vacants", theme=HOUSING,
        unit="%", definition="Logements vacants, en % des logements (recensement 2018).",
        measures=census("p18_logvac", "p18_log"),
    ),
    Indicator(
        code="part_residences_secondaires", label="Part des résidences secondaires et logements "
                                                  "occasionnels",
        theme=HOUSING, unit="%",
        definition="Résidences secondaires et logements occasionnels, en % des logements "
                   "(recensement 2018).",
        measures=census("p18_rsecocc", "p18_log"),
    ),
    Indicator(
        code="part_proprietaires", label="Part des ménages propriétaires de leur résidence "
                                         "principale",
        theme=HOUSING, unit="%",
        definition="Résidences principales occupées par leur propriétaire, en % des résidences "
                   "principales (recensement 2018).",
        measures=census("p18_rp_prop", "p18_rp"),
    ),
    Indicator(
        code="bpe_pharmacies", label="Pharmacies", theme=EQUIPMENT, unit="équipements",
        decimals=0, definition="Pharmacies (BPE, type D301).", measures=(bpe("pharmacies"),),
    ),
    Indicator(
        code="bpe_medecins", label="Médecins généralistes", theme=EQUIPMENT,
        unit="équipements", decimals=0,
        definition="Médecins omnipraticiens (BPE, type D201).", measures=(bpe("medecins"),),
    ),
    Indicator(
        code="bpe_medecins_10000", label="Médecins généralistes pour 10 000 habitants",
        theme=EQUIPMENT, unit="pour 10 000 hab.", decimals=1,
        definition="Médecins omnipraticiens (BPE 2019) pour 10 000 habitants (population légale).",
        measures=(Measure("staging.bpe_commune", "commune", "bpe", numerator="medecins",
                          denominator="population", scale=10000, roll_up=BPE_ROLL_UP,
                          note="Bretagne et Pays de la Loire seulement ; population légale"),),
    ),
    Indicator(
        code="bpe_alimentaire", label="Commerces alimentaires généralistes", theme=EQUIPMENT,
        unit="équipements", decimals=0,
        definition="Hypermarchés, supermarchés, supérettes et épiceries (BPE, B101, B102, B201, "
                   "B202).", measures=(bpe("alimentaire"),),
    ),
    Indicator(
        code="bpe_boulangeries", label="Boulangeries", theme=EQUIPMENT, unit="équipements",
        decimals=0, definition="Boulangeries (BPE, type B203).", measures=(bpe("boulangeries"),),
    ),
    Indicator(
        code="bpe_ecoles", label="Écoles maternelles et élémentaires", theme=EQUIPMENT,
        unit="équipements", decimals=0,
        definition="Écoles maternelles, élémentaires et regroupements pédagogiques (BPE, C101, "
                   "C102, C104, C105).", measures=(bpe("ecoles"),),
    ),
    Indicator(
        code="bpe_poste", label="Bureaux et agences de poste", theme=EQUIPMENT,
        unit="équipements", decimals=0,
        definition="Bureaux de poste, relais poste et agences postales (BPE, A206, A207, A208).",
        measures=(bpe("poste"),),
    ),
)
