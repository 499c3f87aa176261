"""Funded posts (adultes-relais, FONJEP) per contrat de ville, département, région and year.

The ANCT's public files (``postes_subventionnes``) give every post with its employer and amount.
The employer is the contributor: a contrat de ville where one employer receives nearly all the
money would disclose that employer's grant, so amounts follow the dominance (n, k) and p % rules.
The number of posts would let a reader estimate a hidden amount (a post's yearly amount is nearly
fixed), so it is hidden wherever the amount is, and audited on its own.
"""

from __future__ import annotations

from collections import defaultdict

from ...secrecy import SumRelation
from ...secrecy.lp import audit_release
from ...secrecy.rules import Cell
from ..schemas import POSTES_SUBVENTIONNES
from .model import HORS_CONTRAT, Computed, Measure, Recipe, result_row

SCHEMES = POSTES_SUBVENTIONNES.field("dispositif").choices
AMOUNT, POSTS = "montant", "postes"
MIRROR_REASON = ("secondaire : masqué avec le montant de la même case (le nombre de postes "
                 "permettrait d'estimer le montant)")


def _measure(kind: str, scheme: str | None) -> str:
    return f"{kind}.{scheme}" if scheme else kind


def _levels(cv: str | None, dep: str, reg: str) -> list[tuple[str, str]]:
    """A post attached to no contrat de ville counts in its département's remainder."""
    return [("contrat_de_ville", cv) if cv else (HORS_CONTRAT, dep), ("departement", dep),
            ("region", reg)]


def compute(con) -> Computed:
    rows = con.execute("""
        SELECT code_cv, insee_dep, insee_reg, CAST(annee AS VARCHAR), dispositif, code_tiers,
               sum(montant), count(DISTINCT id_poste)
        FROM depot.rows GROUP BY ALL ORDER BY ALL""").fetchall()
    if not rows:
        raise ValueError("Aucun poste déposé : rien à calculer.")
    amounts: dict[tuple, float] = defaultdict(float)
    posts: dict[tuple, int] = defaultdict(int)
    employers: dict[tuple, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    children: dict[tuple, set] = defaultdict(set)
    for cv, dep, reg, year, scheme, employer, amount, n in rows:
        levels = _levels(cv, dep, reg)
        for (level, code), parent in zip(levels, [*levels[1:], None], strict=True):
            for measure in (None, scheme):
                key = (level, code, year, _measure(AMOUNT, measure))
                amounts[key] += amount
                employers[key][employer] += amount
                posts[(level, code, year, _measure(POSTS, measure))] += n
            if parent:
                children[(parent, year)].add((level, code))
    cells, sums = [], []
    territories = {(level, code, year) for level, code, year, _ in amounts}
    for level, code, year in sorted(territories):
        parts = tuple((level, code, year, _measure(AMOUNT, s)) for s in SCHEMES)
        for part in parts:
            amounts.setdefault(part, 0.0)
        sums.append(SumRelation((level, code, year, AMOUNT), parts))
    for (parent, year), kids in sorted(children.items()):
        for scheme in (None, *SCHEMES):
            measure = _measure(AMOUNT, scheme)
            sums.append(SumRelation((*parent, year, measure),
                                    tuple(sorted((*kid, year, measure) for kid in kids))))
    cells = [Cell(key, round(value, 2), contributions=tuple(employers[key].values()))
             for key, value in amounts.items()]
    years = sorted({key[2] for key in amounts})

    def post_key(key: tuple) -> tuple:
        return (*key[:3], POSTS + key[3][len(AMOUNT):])

    def mirror(hidden: set, rules) -> tuple[list[dict], object, str]:
        values = {post_key(key): float(posts.get(post_key(key), 0)) for key in amounts}
        hidden_posts = {post_key(key) for key in hidden}
        relations = [SumRelation(post_key(s.total), tuple(post_key(p) for p in s.parts))
                     for s in sums]
        report = audit_release(values, hidden_posts, relations, rules,
                               required={key: (values[key], values[key]) for key in hidden_posts})
        mirrored = [result_row(key, None if key in hidden_posts else value,
                         MIRROR_REASON if key in hidden_posts else None)
                    for key, value in sorted(values.items())]
        return mirrored, report, "Nombre de postes"

    return Computed(cells, sums, vintage="-".join(dict.fromkeys((years[0], years[-1]))),
                    extra_audits=[mirror])


def _measures() -> tuple[Measure, ...]:
    measures = [Measure(AMOUNT, "Montant versé aux employeurs (tous dispositifs)", "€",
                        "dominance et p %"),
                Measure(POSTS, "Postes financés (tous dispositifs)", "postes", "dérivée")]
    for scheme in SCHEMES:
        measures += [Measure(_measure(AMOUNT, scheme), f"Montant versé — {scheme}", "€",
                             "dominance et p %"),
                     Measure(_measure(POSTS, scheme), f"Postes financés — {scheme}", "postes",
                             "dérivée")]
    return tuple(measures)


POSTES = Recipe(
    code="postes",
    title="Postes d'adultes-relais et FONJEP par contrat de ville",
    schema="postes_subventionnes",
    description=("Les montants versés et le nombre de postes d'adultes-relais et FONJEP par "
                 "contrat de ville, département, région et année, le secret des employeurs "
                 "protégé (dominance)."),
    method=(
        "Somme des montants versés et nombre de postes distincts par contrat de ville, "
        "département et région, pour chaque année et chaque dispositif, puis tous dispositifs.",
        "L'employeur est le contributeur : le montant d'une case est masqué quand le premier "
        "employeur (ou les n premiers) en reçoit plus de k % (règle de dominance de la "
        "convention, par défaut 85 %), ou quand le deuxième pourrait estimer le premier à moins "
        "de p % près (règle p %, si la convention la fixe).",
        "Les cases qui permettraient de retrouver un montant masqué par différence (contrat de "
        "ville, département, région, dispositifs et total) sont masquées aussi ; un audit par "
        "programmes linéaires le vérifie. Le nombre de postes est masqué avec le montant de la "
        "même case.",
    ),
    limits=(
        "Les fichiers de l'ANCT ne couvrent que les régions Bretagne et Pays de la Loire, de "
        "2020 à 2023.",
        "Ces fichiers sont publics : ils servent ici à montrer la chaîne du tiers de confiance "
        "(dépôt, secret, audit, publication) sur des données réelles.",
    ),
    measures=_measures(),
    compute=compute,
)
