"""Emploi, chômage et demandeurs d'emploi (INSEE QPV 2015 IPRO, recensement 2018)."""

from __future__ import annotations

from ..model import Indicator
from .measures import COMPILED, census, qp15_share, qpv24_rate, qpv2015

EMPLOYMENT = "Emploi"
JOB_SEEKERS = "Demandeurs d'emploi"
ABC = "demandeurs d'emploi de catégories A, B, C"


def _abc_share(code: str, column: str, label: str, definition: str,
               denominator: str = "abc") -> Indicator:
    return Indicator(code=code, label=label, theme=JOB_SEEKERS, unit="%", definition=definition,
                     measures=qp15_share("ipro", column, denominator))


INDICATORS = (
    Indicator(
        code="taux_emploi", label="Taux d'emploi des 15-64 ans", theme=EMPLOYMENT, unit="%",
        definition="Personnes de 15 à 64 ans en emploi, en % des 15-64 ans.",
        method=COMPILED + " Le poids (population totale) n'est pas la population des 15-64 ans.",
        measures=(qpv24_rate("taux_emploi", "pop"), *qpv2015("ipro", "tx_tot_empl")),
    ),
    Indicator(
        code="taux_emploi_femmes", label="Taux d'emploi des femmes de 15-64 ans", theme=EMPLOYMENT,
        unit="%", definition="Femmes de 15 à 64 ans en emploi, en % des femmes de 15-64 ans.",
        measures=qpv2015("ipro", "tx_f_empl"),
    ),
    Indicator(
        code="taux_emploi_etrangers", label="Taux d'emploi des étrangers de 15-64 ans",
        theme=EMPLOYMENT, unit="%",
        definition="Étrangers de 15 à 64 ans en emploi, en % des étrangers de 15-64 ans.",
        measures=qpv2015("ipro", "tx_et_empl"),
    ),
    Indicator(
        code="part_emplois_precaires", label="Part des emplois précaires", theme=EMPLOYMENT,
        unit="%",
        definition="Emplois à durée limitée (CDD, intérim, apprentissage, emplois aidés), en % "
                   "des emplois salariés.",
        method="Colonne TX_TOT_EDLIM des fichiers récents, TX_TOT_EPREC des plus anciens.",
        measures=qpv2015("ipro", "coalesce(tx_tot_edlim, tx_tot_eprec)"),
    ),
    Indicator(
        code="part_emplois_precaires_femmes", label="Part des emplois précaires chez les femmes",
        theme=EMPLOYMENT, unit="%",
        definition="Emplois à durée limitée occupés par des femmes, en % des emplois salariés "
                   "des femmes.",
        measures=qpv2015("ipro", "coalesce(tx_f_edlim, tx_f_eprec)"),
    ),
    Indicator(
        code="contrats_aides", label="Salariés en contrat aidé", theme=EMPLOYMENT,
        unit="personnes", decimals=0,
        definition="Personnes en contrat aidé (données de l'Agence de services et de paiement).",
        measures=qpv2015("ipro", "ca", count=True),
    ),
    Indicator(
        code="taux_chomage_rp", label="Taux de chômage des 15-64 ans (recensement)",
        theme=EMPLOYMENT, unit="%",
        definition="Chômeurs de 15 à 64 ans au sens du recensement, en % des actifs de 15-64 ans.",
        measures=census("p18_chom1564", "p18_act1564"),
    ),
    Indicator(
        code="taux_activite_rp", label="Taux d'activité des 15-64 ans (recensement)",
        theme=EMPLOYMENT, unit="%",
        definition="Actifs (en emploi ou au chômage) de 15 à 64 ans, en % des 15-64 ans.",
        measures=census("p18_act1564", "p18_pop1564"),
    ),
    Indicator(
        code="emplois_au_lieu_de_travail", label="Emplois au lieu de travail", theme=EMPLOYMENT,
        unit="emplois", decimals=0,
        definition="Emplois situés sur le territoire (recensement 2018), quel que soit le lieu "
                   "de résidence de ceux qui les occupent.",
        measures=census("p18_emplt"),
    ),
    Indicator(
        code="demandeurs_emploi_abc", label="Demandeurs d'emploi (catégories A, B, C)",
        theme=JOB_SEEKERS, unit="personnes", decimals=0,
        definition="Demandeurs d'emploi tenus de rechercher un emploi, inscrits à France Travail "
                   "(ex-Pôle emploi) en fin d'année.",
        measures=qpv2015("ipro", "abc", count=True),
    ),
    Indicator(
        code="demandeurs_emploi_abcde", label="Demandeurs d'emploi (catégories A à E)",
        theme=JOB_SEEKERS, unit="personnes", decimals=0,
        definition="Toutes les personnes inscrites à France Travail, y compris celles qui ne "
                   "sont pas tenues de rechercher un emploi (D, E).",
        measures=qpv2015("ipro", "abcde", count=True),
    ),
    Indicator(
        code="demandeurs_emploi_a", label="Demandeurs d'emploi de catégorie A",
        theme=JOB_SEEKERS, unit="personnes", decimals=0,
        definition="Demandeurs d'emploi sans aucune activité au cours du mois.",
        measures=qpv2015("ipro", "a", count=True),
    ),
    Indicator(
        code="demandeurs_emploi_rsa", label="Demandeurs d'emploi ABC bénéficiaires du RSA",
        theme=JOB_SEEKERS, unit="personnes", decimals=0,
        definition="Demandeurs d'emploi de catégories A, B, C percevant le RSA.",
        measures=qpv2015("ipro", "abc_rsa", count=True),
    ),
    _abc_share("part_de_cat_a", "a", "Part de la catégorie A parmi les demandeurs d'emploi",
               f"Demandeurs d'emploi sans activité (A), en % des {ABC}."),
    _abc_share("part_de_femmes", "abc_f", "Part des femmes parmi les demandeurs d'emploi",
               f"Femmes, en % des {ABC}."),
    _abc_share("part_de_moins_25", "abc_25",
               "Part des moins de 25 ans parmi les demandeurs d'emploi",
               f"Demandeurs d'emploi de moins de 25 ans, en % des {ABC}."),
    _abc_share("part_de_26_49", "abc_2649", "Part des 26-49 ans parmi les demandeurs d'emploi",
               f"Demandeurs d'emploi de 26 à 49 ans, en % des {ABC}."),
    _abc_share("part_de_50_plus", "abc_50", "Part des 50 ans ou plus parmi les demandeurs "
                                            "d'emploi",
               f"Demandeurs d'emploi de 50 ans ou plus, en % des {ABC}."),
    _abc_share("part_de_etrangers", "abc_e", "Part des étrangers parmi les demandeurs d'emploi",
               f"Demandeurs d'emploi de nationalité étrangère, en % des {ABC}."),
    _abc_share("part_de_rsa", "abc_rsa", "Part des bénéficiaires du RSA parmi les demandeurs "
                                         "d'emploi",
               f"Demandeurs d'emploi percevant le RSA, en % des {ABC}."),
    _abc_share("part_de_infcapbep", "abc_infcapbep", "Part des demandeurs d'emploi de niveau "
                                                     "inférieur au CAP-BEP",
               f"Niveau de formation inférieur au CAP ou au BEP, en % des {ABC}."),
    _abc_share("part_de_capbep", "abc_capbep", "Part des demandeurs d'emploi de niveau CAP-BEP",
               f"Niveau de formation CAP ou BEP, en % des {ABC}."),
    _abc_share("part_de_bac", "abc_bac", "Part des demandeurs d'emploi de niveau bac",
               f"Niveau de formation baccalauréat, en % des {ABC}."),
    _abc_share("part_de_supbac", "abc_supbac", "Part des demandeurs d'emploi de niveau "
                                               "supérieur au bac",
               f"Niveau de formation supérieur au baccalauréat, en % des {ABC}."),
    _abc_share("part_demandeuses_infcapbep", "abc_infcapbep_f",
               "Part des demandeuses d'emploi de niveau inférieur au CAP-BEP",
               "Femmes de niveau de formation inférieur au CAP ou au BEP, en % des "
               "demandeuses d'emploi A, B, C.", denominator="abc_f"),
    _abc_share("part_demandeurs_hommes_infcapbep", "abc_infcapbep_h",
               "Part des demandeurs d'emploi hommes de niveau inférieur au CAP-BEP",
               "Hommes de niveau de formation inférieur au CAP ou au BEP, en % des demandeurs "
               "d'emploi hommes A, B, C.", denominator="abc_h"),
    _abc_share("part_de_longue_duree", "abc_dur3 + abc_dur4",
               "Part des demandeurs d'emploi inscrits depuis un an ou plus",
               f"Demandeurs d'emploi inscrits depuis un an ou plus (tranches d'ancienneté 3 et 4 "
               f"du fichier INSEE), en % des {ABC}."),
    _abc_share("part_de_tres_longue_duree", "abc_dur4",
               "Part des demandeurs d'emploi inscrits depuis deux ans ou plus",
               f"Demandeurs d'emploi inscrits depuis deux ans ou plus (tranche d'ancienneté 4 du "
               f"fichier INSEE), en % des {ABC}."),
    Indicator(
        code="evolution_demandeurs_emploi", label="Évolution sur un an des demandeurs d'emploi "
                                                  "ABC",
        theme=JOB_SEEKERS, unit="% sur un an", decimals=1,
        definition="Variation du nombre de demandeurs d'emploi A, B, C entre les quatrièmes "
                   "trimestres de deux années successives, publiée par l'INSEE.",
        method="Publié ; jamais recalculé pour un ensemble de quartiers.",
        measures=qpv2015("ipro", "evol_abc_t4"),
    ),
)
