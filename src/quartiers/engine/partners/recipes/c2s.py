"""*Non-recours à la C2S*: an insurer's beneficiaries against the population likely eligible.

Beneficiaries (``beneficiaires_c2s``) are counted per QPV, commune « hors QPV », commune and EPCI
and year, secrecy-checked; per QPV the coverage divides them by an eligible population estimated
from the public poverty data of the warehouse, and the INSEE figures of the QPV are shown beside.
"""

from __future__ import annotations

from collections import defaultdict
from itertools import pairwise

from .model import PUBLIC, Computed, Geography, Measure, Recipe, territorial_cells

# Yearly ceiling of the C2S with a contribution, one person, metropolitan France, in force from
# 1 April 2020 (arrêté of 2020; the resources of the 12 previous months are compared to it).
CEILING = 12_193.0
CEILING_TEXT = "12 193 € par an pour une personne seule (plafond de la C2S participative au 1er avril 2020)"
DECILES_VINTAGE = "revenus 2019"
INSEE = (("beneficiaires_c2s", "insee_beneficiaires_c2s"),
         ("part_c2s_non_participative", "insee_part_c2s_non_participative"),
         ("part_c2s_participative", "insee_part_c2s_participative"))


def share_below(ceiling: float, deciles: list[float]) -> float | None:
    """Share of people (0–1) whose disposable income per consumption unit is below ``ceiling``,
    interpolated linearly between the nine deciles (from 0 at income 0 below the first decile;
    capped at 95 % above the ninth, which the deciles cannot tell)."""
    if len(deciles) != 9 or any(d is None for d in deciles):
        return None
    points = [(0.0, 0.0), *((d, (i + 1) / 10) for i, d in enumerate(deciles))]
    for (x0, y0), (x1, y1) in pairwise(points):
        if ceiling <= x1:
            return y0 + (y1 - y0) * (ceiling - x0) / (x1 - x0) if x1 > x0 else y1
    return 0.95


def _eligible(con, qpvs: list[str]) -> dict[str, tuple[float, str]]:
    """QPV 2024 → (estimated eligible people, note), from the deciles of the QPV 2015 it mainly
    continues and the QPV 2024's population."""
    if not qpvs:
        return {}
    rows = con.execute(f"""
        SELECT p.code, p.status, p.code2015, t.population, f.d1, f.d2, f.d3, f.d4, f.median,
               f.d6, f.d7, f.d8, f.d9
        FROM wh.marts.qpv_predecessors p
        JOIN wh.marts.territories t ON t.level = 'qpv' AND t.code = p.code
        JOIN wh.staging.qpv2015_filo f ON f.code = p.code2015 AND f.vintage = '{DECILES_VINTAGE}'
        WHERE p.rank = 1 AND p.status IN ('INCHANGE', 'MODIFIE') AND p.code IN
              ({", ".join("?" * len(qpvs))})""", qpvs).fetchall()
    estimates = {}
    for code, status, code2015, population, *deciles in rows:
        share = share_below(CEILING, deciles)
        if share is None or not population:
            continue
        perimeter = ("même périmètre" if status == "INCHANGE"
                     else "périmètre modifié en 2024 : estimation approchée")
        estimates[code] = (population * share,
                           f"{share:.0%} de la population sous le plafond, d'après les déciles de "
                           f"niveau de vie du QPV 2015 {code2015} ({DECILES_VINTAGE}, {perimeter})"
                           .replace("%", " %"))
    return estimates


def compute(con) -> Computed:
    geo = Geography.read(con)
    rows = con.execute("""
        SELECT qpv, commune, annee, c2s_type, count(DISTINCT beneficiaire)
        FROM depot.rows GROUP BY ALL""").fetchall()
    if not rows:
        raise ValueError("Aucun bénéficiaire déposé : rien à calculer pour la C2S.")
    counts: dict[tuple, int] = defaultdict(int)
    for qpv, commune, year, kind, n in rows:
        counts[(qpv, commune, str(year), "beneficiaires")] += n
        counts[(qpv, commune, str(year), kind.replace(" ", "_"))] += n
    years = sorted({str(r[2]) for r in rows})
    cells, sums = territorial_cells(
        counts, geo, [("beneficiaires", ("non_participative", "participative"))])
    qpvs = sorted({key[1] for key in (c.key for c in cells) if key[0] == "qpv"})
    eligible = _eligible(con, qpvs)
    insee = con.execute(f"""
        SELECT p.code, v.indicator, v.value, v.vintage, p.code2015
        FROM wh.marts.qpv_predecessors p JOIN wh.marts.indicator_values v
          ON v.level = 'qpv2015' AND v.code = p.code2015
        WHERE p.rank = 1 AND v.indicator IN ({", ".join(f"'{i}'" for i, _ in INSEE)})
          AND v.value IS NOT NULL AND p.code IN ({", ".join("?" * len(qpvs)) or "NULL"})
        QUALIFY row_number() OVER (PARTITION BY p.code, v.indicator ORDER BY v.vintage DESC) = 1
        """, qpvs).fetchall() if qpvs else []

    def derived(published: dict) -> list[dict]:
        extra = []
        for code in qpvs:
            if code not in eligible:
                continue
            estimate, note = eligible[code]
            for year in years:
                count = published.get(("qpv", code, year, "beneficiaires"), 0.0)
                hidden = ("qpv", code, year, "beneficiaires") in published and count is None
                base = {"level": "qpv", "code": code, "vintage": year}
                extra.append({**base, "measure": "eligibles_estimes", "value": round(estimate),
                              "status": PUBLIC, "reason": note})
                extra.append({**base, "measure": "taux_couverture",
                              "value": None if hidden else round(100 * (count or 0) / estimate, 1),
                              "status": "secret" if hidden else "ok",
                              "reason": "secondaire : son numérateur est masqué" if hidden else ""})
        names = dict(INSEE)
        for code, indicator, value, vintage, code2015 in insee:
            extra.append({"level": "qpv", "code": code, "vintage": vintage,
                          "measure": names[indicator], "value": value, "status": PUBLIC,
                          "reason": f"INSEE, fichier REVN des QPV 2015 (QPV {code2015})"})
        return extra

    return Computed(cells, sums, vintage="-".join(dict.fromkeys((years[0], years[-1]))),
                    derived=derived)


C2S = Recipe(
    code="c2s",
    title="Non-recours à la complémentaire santé solidaire (C2S)",
    schema="beneficiaires_c2s",
    description=("Les bénéficiaires de la C2S d'un organisme d'assurance maladie par QPV et par "
                 "année, rapportés à une estimation de la population éligible, à côté des "
                 "chiffres publics de l'INSEE."),
    method=(
        "Un bénéficiaire est compté une fois par année (identifiant pseudonymisé), au QPV ou à "
        "l'IRIS de résidence déposé ; un IRIS est rattaché à sa commune, hors QPV.",
        "Population éligible estimée : la part des habitants dont le niveau de vie (revenu "
        "disponible par unité de consommation, Filosofi) est inférieur au plafond de la C2S, "
        f"{CEILING_TEXT}, interpolée linéairement entre les déciles du QPV 2015 que le QPV 2024 "
        "prolonge (revenus 2019), multipliée par la population du QPV 2024.",
        "Taux de couverture = bénéficiaires de l'organisme ÷ population éligible estimée, en %.",
        "Secret statistique : une case de moins de bénéficiaires que le seuil de la convention "
        "est masquée, ainsi que les cases qui permettraient de la retrouver par différence ; le "
        "taux d'une case masquée est masqué aussi.",
    ),
    limits=(
        "Les bénéficiaires d'un seul organisme ne sont pas tous les bénéficiaires du quartier : "
        "le taux de couverture est un minorant du recours.",
        "Le plafond de la C2S s'applique aux ressources du foyer selon son nombre de personnes "
        "(barème propre), non au niveau de vie par unité de consommation : l'estimation est un "
        "ordre de grandeur.",
        "Les chiffres de l'INSEE portent sur le QPV 2015 dont le quartier est issu (périmètre "
        "parfois différent).",
    ),
    measures=(
        Measure("beneficiaires", "Bénéficiaires de la C2S", "personnes"),
        Measure("non_participative", "Bénéficiaires de la C2S non participative", "personnes"),
        Measure("participative", "Bénéficiaires de la C2S participative", "personnes"),
        Measure("eligibles_estimes", "Population éligible estimée", "personnes", "publique"),
        Measure("taux_couverture", "Taux de couverture estimé", "%", "dérivée"),
        Measure("insee_beneficiaires_c2s", "Bénéficiaires de la C2S (INSEE)", "personnes",
                "publique"),
        Measure("insee_part_c2s_non_participative",
                "Part de la population couverte par la C2S non participative (INSEE)", "%",
                "publique"),
        Measure("insee_part_c2s_participative",
                "Part de la population couverte par la C2S participative (INSEE)", "%", "publique"),
    ),
    compute=compute,
)
