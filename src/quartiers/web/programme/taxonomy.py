"""The programme's vocabulary — themes, publics and formats — declared once, each with the words
that recognise it in a programme's text.

Plain Python (no Django): the importer reads it, `quartiers init` creates the themes and publics
from it, and staff may then edit their keywords in the back office. Every entry comes from the
centre's real programmes (2024 and 2026): the keywords are words those documents use.

Keywords are written as in the text; matching ignores case, accents, punctuation and inclusive
writing (« chef·fe·s », « chef.fe.s » and « cheffes » are the same word). A keyword matches whole
words; a word ending with ``*`` also matches longer words (« éducati* »: éducation, éducative).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache


@dataclass(frozen=True)
class Term:
    slug: str
    name: str
    keywords: tuple[str, ...]

    def matched_keywords(self, normalised: str) -> list[str]:
        """The keywords of this term found in a text already passed through ``normalise`` (once
        for all the terms), in declaration order."""
        return [k for k in self.keywords if keyword_pattern(k).search(normalised)]


THEMES: tuple[Term, ...] = (
    Term("education", "Éducation et parentalité",
         ("éducati*", "réussite éducative", "cités éducatives", "cité éducative", "PRE",
          "parentalité", "enfance", "jeunesse")),
    Term("sante", "Santé",
         ("santé", "soins", "non-recours")),
    Term("culture", "Culture",
         ("culture*", "culturel*", "artiste*", "art")),
    Term("sport", "Sport",
         ("sport*", "socio-sporti*")),
    Term("vivre-ensemble-discriminations", "Vivre ensemble et lutte contre les discriminations",
         ("vivre ensemble", "discrimination*", "interculturalité")),
    Term("laicite", "Laïcité",
         ("laïcité", "VRL")),
    Term("participation-citoyenne", "Participation citoyenne",
         ("participation citoyenne", "participation des habitants", "participation active",
          "conseil* citoyen*", "inter conseil", "dynamiques territoriales citoyennes")),
    Term("gusp", "Gestion urbaine et sociale de proximité (GUSP)",
         ("GUSP", "gestion urbaine", "déchets", "encombrants", "compost*", "tri")),
    Term("tranquillite-espaces-publics", "Tranquillité publique et espaces publics",
         ("tranquillité*", "espaces publics", "espace public", "halls", "hall d'immeuble",
          "espaces résidentiels", "urbanisme*")),
    Term("habitat-renouvellement-urbain", "Habitat et renouvellement urbain",
         ("NPNRU", "PRU", "renouvellement urbain", "quartiers rénovés", "logement*", "bailleur*",
          "diversification résidentielle", "promotion privée")),
    Term("transitions-ecologiques", "Transitions écologiques",
         ("transition*", "climati*", "canicule*", "santé environnementale", "environnementa*",
          "écologi*")),
    Term("developpement-economique", "Développement économique et emploi",
         ("développement économique", "économi*", "emploi*", "entrepreneuriat", "entreprises",
          "tiers-lieux", "filières", "école de production", "ESS", "foncier", "commerce")),
    Term("data-observation", "Data et observation des quartiers",
         ("data", "données", "cas d'usage", "observation", "observer", "fiches territoires",
          "connaissance territoriale")),
    Term("evaluation-contrats-de-ville", "Évaluation des contrats de ville",
         ("évaluation*", "évalués", "mi-parcours")),
    Term("contrats-de-ville-gouvernance", "Contrats de ville : gouvernance et droit commun",
         ("gouvernance du contrat de ville", "gouvernances locales des contrats de ville",
          "droit commun", "CPO", "conventions pluriannuelles", "Quartiers 2030",
          "contractualisation", "signature des contrats de ville", "recueil des contrats de ville")),
    Term("animation-reseau", "Animation des réseaux professionnels",
         ("animation du réseau", "échange* de pratique*", "échange entre pairs",
          "professionnalisation", "mise en réseau")),
    Term("recherche", "Lien à la recherche",
         ("recherche*", "universit*", "CIFRE", "thèse", "chercheur*")),
    Term("ville-la-nuit", "La ville la nuit",
         ("la ville, la nuit", "ville la nuit")),
    Term("etudes-vote", "Études sur le vote",
         ("vote", "votes", "abstention", "électora*")),
    Term("formation-elus", "Formation des élu·es",
         ("pour les élu·es", "formation des élu*", "exécutifs locaux", "élections municipales")),
    Term("plaidoyer-2027", "Plaidoyer 2027",
         ("plaidoyer", "élections présidentielles")),
)

PUBLICS: tuple[Term, ...] = (
    Term("chefs-de-projet", "Chef·fe·s de projet politique de la ville",
         ("chef* de projet*",)),
    Term("agents-etat", "Agents de l'État et délégué·es du préfet",
         ("agents de l'État", "délégué* du préfet", "État et collectivités",
          "collectivités et de l'État")),
    Term("collectivites", "Collectivités",
         ("collectivité*",)),
    Term("partenaires-contrats-de-ville", "Partenaires de la politique de la ville",
         ("partenaires de la politique*", "partenaires des contrats de ville")),
    Term("professionnels-politique-de-la-ville", "Professionnel·les de la politique de la ville",
         ("professionnel* de la politique de la ville", "acteurs de la politique de la ville",
          "acteurs et actrices de la politique de la ville")),
    Term("reussite-educative", "Réussite éducative et Cités éducatives",
         ("réussite éducative", "cités éducatives")),
    Term("sante", "Acteurs de la santé et médiateurs santé",
         ("médiat* santé", "médiateurs et médiatrices santé", "en lien avec la santé")),
    Term("culture", "Acteurs culturels", ("culturel*",)),
    Term("sport", "Acteurs sportifs", ("sporti*",)),
    Term("formateurs-vrl", "Formateurs et formatrices VRL", ("VRL",)),
    Term("conseils-citoyens", "Conseils citoyens", ("conseils citoyens",)),
    Term("gusp", "Acteurs de la GUSP", ("GUSP",)),
    Term("logement", "Bailleurs sociaux et acteurs du logement",
         ("bailleur*", "acteurs du logement")),
    Term("tranquillite-publique", "Acteurs de la tranquillité publique",
         ("acteurs de la tranquillité publique",)),
    Term("renouvellement-urbain", "Acteurs du renouvellement urbain (NPNRU)", ("NPNRU",)),
    Term("transitions", "Professionnel·les des transitions", ("professionnels des transitions",)),
    Term("economie-emploi", "Acteurs économiques, de l'emploi et de l'ESS",
         ("acteurs économiques", "acteurs de l'emploi", "acteurs de la création", "ESS")),
    Term("associations", "Associations", ("associations",)),
    Term("elus", "Élu·es", ("élu*",)),
    Term("habitants", "Habitant·es", ("habitants",)),
)

# Formats, most specific first: an action is given the first whose words it uses (« un cycle de
# webinaires » is a cycle; « une journée de rencontre » a journée).
FORMATS: tuple[Term, ...] = (
    Term("cycle", "Cycle", ("cycle*",)),
    Term("webinaire", "Webinaire", ("webinaire*", "visio*")),
    Term("journee", "Journée", ("journée*",)),
    Term("rencontre", "Rencontre", ("rencontre*", "forum")),
    Term("visite", "Visite", ("visite*", "visitte")),
    Term("formation", "Formation", ("formation*",)),
    Term("newsletter", "Lettre d'information",
         ("newsletter*", "lettre* d'information", "La Minute Pop")),
    Term("publication", "Publication",
         ("publication*", "note de synthèse", "revue", "fiches expérience*", "portraits",
          "reportage*", "vidéo*")),
    Term("accompagnement", "Accompagnement", ("accompagne*", "appel à candidature")),
)
OTHER_FORMAT = ("autre", "Autre")


def matching(terms: Iterable[Term], text: str) -> list[Term]:
    """The terms whose keywords occur in ``text``."""
    normalised = normalise(text)
    return [term for term in terms if term.matched_keywords(normalised)]


def format_of(text: str) -> str:
    """The slug of the first format whose words ``text`` uses, else « autre »."""
    normalised = normalise(text)
    return next((term.slug for term in FORMATS if term.matched_keywords(normalised)),
                OTHER_FORMAT[0])


_INCLUSIVE = re.compile(r"(?<=[^\W\d_])[.·•‧](?=[^\W\d_]{1,4}\b)")


def normalise(text: str) -> str:
    """Lower case, no accents, inclusive-writing points joined, other punctuation as spaces."""
    text = _INCLUSIVE.sub("", text)
    text = unicodedata.normalize("NFKD", text.lower())
    text = "".join(c for c in text if not unicodedata.combining(c))
    return " ".join(re.sub(r"[^a-z0-9]+", " ", text).split())


@cache
def keyword_pattern(keyword: str) -> re.Pattern:
    words: list[str] = []
    for token in keyword.split():
        words += [re.escape(word) for word in normalise(token).split()]
        if token.endswith("*") and words:
            words[-1] += "[a-z0-9]*"
    return re.compile(r"(?<![a-z0-9])" + " ".join(words) + r"(?![a-z0-9])")
