"""The starting template of a framework: a draft written by the centre, to adapt.

It follows the three parts of the evaluation guide of contrats de ville (CGET / ONPV): how the
context evolves, the follow-up and effects of the actions, and the contract's added value in
mobilising mainstream policies. Catalogue indicators are named by their code (a test checks
that each exists); local indicators are named only, their values left to the team.
"""

from __future__ import annotations

from .models import Part

TITLE = "Cadre d'évaluation — modèle à adapter"
NOTE = ("Cadre créé à partir du modèle du centre de ressources : objectifs, questions et "
        "indicateurs sont des propositions à adapter au contrat, aux priorités retenues par "
        "ses signataires et aux données dont dispose l'équipe.")

# (part, objective, priority, [(question, [catalogue codes], [(local label, unit)])])
TEMPLATE = (
    (Part.CONTEXT, "Suivre la situation sociale et économique des quartiers", "", [
        ("La pauvreté et la dépendance aux prestations sociales reculent-elles dans les "
         "quartiers du contrat, et l'écart avec l'agglomération se réduit-il ?",
         ["taux_pauvrete", "part_alloc_rsa", "part_alloc_dependants_50"], []),
        ("L'accès à l'emploi des habitants progresse-t-il, et le chômage de longue durée "
         "recule-t-il ?",
         ["taux_emploi", "demandeurs_emploi_abc", "part_de_longue_duree"], []),
    ]),
    (Part.CONTEXT, "Suivre la population et les familles des quartiers", "", [
        ("Quelles évolutions de la population (jeunesse, familles monoparentales) appellent "
         "une adaptation des actions ?",
         ["part_moins_25", "part_alloc_monoparents"], []),
    ]),
    (Part.ACTIONS, "Favoriser l'insertion professionnelle des jeunes et des femmes",
     "emploi-developpement-economique", [
         ("Les actions d'insertion atteignent-elles les jeunes et les femmes éloignés de "
          "l'emploi, et dans quelle proportion accèdent-ils à un emploi ou une formation ?",
          ["part_de_moins_25", "part_de_femmes"],
          [("Habitants des QPV accompagnés par les actions d'insertion du contrat",
            "personnes")]),
     ]),
    (Part.ACTIONS, "Améliorer l'accès aux droits et à la santé", "sante", [
        ("Les habitants des quartiers accèdent-ils mieux à leurs droits en matière de santé ?",
         ["part_c2s_non_participative"], []),
    ]),
    (Part.ACTIONS, "Associer les habitants au pilotage du contrat", "participation-des-habitants", [
        ("Les habitants et les conseils citoyens participent-ils au pilotage, au suivi et à "
         "l'évaluation du contrat ?", [],
         [("Réunions d'instances du contrat associant le conseil citoyen", "réunions")]),
    ]),
    (Part.MAINSTREAM, "Mobiliser le droit commun au bénéfice des quartiers", "", [
        ("Les prestations et dispositifs de droit commun atteignent-ils les habitants des "
         "quartiers autant que ceux du reste du territoire ?",
         ["part_alloc_prime_activite", "part_pop_couverte_caf"], []),
        ("Les engagements de droit commun pris par les signataires sont-ils tenus et suivis "
         "chaque année ?", [],
         [("Engagements des signataires suivis lors de la revue annuelle", "engagements")]),
    ]),
)
