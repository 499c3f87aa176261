"""Results of the essential-services analysis: one row per territory and component.

QPV of Bretagne and Pays de la Loire get the commune's figures; those whose area the bundled
IRIS contours cover get the figures of the IRIS that overlap them too (the others say why not).
Communes of the two régions get the commune's figures.
"""

from __future__ import annotations

from ..warehouse.staging import sql_text
from .model import RESULT_COLUMNS
from .services_build import KEY_TYPES

BPE_VINTAGE = "BPE 2019"
NO_IRIS = ("Pas de contours d'IRIS pour ce quartier dans les données embarquées (seuls Rennes "
           "Métropole et Nantes en ont) : comparaison au niveau de la commune seulement.")
NO_IRIS_POPULATION = ("Pas de population par IRIS disponible ici (seule Nantes en a une : "
                      "personnes de 15 ans ou plus, recensement 2022). Filosofi IRIS 2019 ne "
                      "publie que des taux, la CAF compte des personnes couvertes, pas des "
                      "habitants.")


def stage_facts(con) -> None:
    """One row per QPV and per commune of the two régions with every figure shown."""
    con.execute("""CREATE OR REPLACE TABLE staging.services_commune AS
        SELECT c.code, any_value(c.name) AS name, sum(n.nb) AS nb,
               count(*) FILTER (WHERE n.nb > 0) AS types_presents,
               any_value(r.p18_pop) AS p18_pop, any_value(r.superf) AS superf,
               any_value(p.pop15p) AS pop15p
        FROM staging.communes c
        JOIN staging.services_counts n ON n.level = 'commune' AND n.code = c.code
        LEFT JOIN staging.comparateur_commune r ON r.code = c.code
        LEFT JOIN (SELECT left(code_iris, 5) AS code, sum(pop15p) AS pop15p
                   FROM staging.services_iris_pop GROUP BY 1) p ON p.code = c.code
        GROUP BY c.code""")
    keys = ", ".join(f"sum(n.nb) FILTER (WHERE n.groupe = '{t}') AS {t}" for t in KEY_TYPES)
    con.execute(f"""CREATE OR REPLACE TABLE staging.services_facts_qpv AS
        WITH iris AS (
            SELECT s.qpv, any_value(i.source) AS source,
                   sum(p.pop15p) AS pop15p, count(p.pop15p) = count(*) AS all_pop,
                   string_agg(i.code_iris || ' ' || i.nom_iris, ', ' ORDER BY i.code_iris)
                       AS names
            FROM staging.services_qpv s, unnest(s.iris) AS u(code_iris)
            JOIN staging.services_iris i ON i.code_iris = u.code_iris
            LEFT JOIN staging.services_iris_pop p ON p.code_iris = u.code_iris
            GROUP BY s.qpv
        ), counts AS (
            SELECT n.code AS qpv, sum(n.nb) AS nb,
                   count(*) FILTER (WHERE n.nb > 0) AS types_presents,
                   count(*) FILTER (WHERE n.nb = 0) AS types_absents,
                   count(*) FILTER (WHERE n.nb = 0 AND m.nb > 0) AS absents_presents_commune,
                   {keys}
            FROM staging.services_counts n
            JOIN staging.services_qpv s ON s.qpv = n.code
            JOIN staging.services_counts m ON m.level = 'commune' AND m.code = s.commune
                 AND m.groupe = n.groupe
            WHERE n.level = 'qpv' GROUP BY n.code
        )
        SELECT q.code, q.commune, s.qpv IS NOT NULL AS has_iris, s.coverage, s.iris_m2,
               s.qpv_m2, len(s.iris) AS n_iris, i.source, i.names,
               CASE WHEN i.all_pop THEN i.pop15p END AS pop15p, c.*
        FROM staging.qpv q
        LEFT JOIN staging.services_qpv s ON s.qpv = q.code
        LEFT JOIN iris i ON i.qpv = q.code
        LEFT JOIN counts c ON c.qpv = q.code
        WHERE q.region IN ('52', '53')""")


def _french(number: str, decimals: int) -> str:
    return f"replace(printf('%.{decimals}f', {number}), '.', ',')"


def _iris_note() -> str:
    return f"""'IRIS recouvrant le QPV (' || n_iris || ', ' || {_french('iris_m2 / 1e6', 2)}
        || ' km² contre ' || {_french('qpv_m2 / 1e6', 2)} || ' km² pour le QPV : ils débordent '
        || 'le quartier) : ' || names
        || CASE WHEN coverage < 0.99 THEN '. ' || {_french('100 * (1 - coverage)', 0)}
           || ' % de la surface du QPV est hors des contours d''IRIS disponibles (autre '
           || 'commune) : non comptée.' ELSE '.' END"""


# component -> (value from the QPV facts f, vintage)
QPV_IRIS = {
    "equipements_iris": ("nb", BPE_VINTAGE),
    "equipements_iris_km2": ("nb / (iris_m2 / 1e6)", BPE_VINTAGE),
    "types_presents_iris": ("types_presents", BPE_VINTAGE),
    "types_absents_iris": ("types_absents", BPE_VINTAGE),
    "types_absents_iris_presents_commune": ("absents_presents_commune", BPE_VINTAGE),
    **{f"{t}_iris": (t, BPE_VINTAGE) for t in KEY_TYPES},
}
# component -> (value in staging.services_commune c, vintage, extra source, note when missing)
COMMUNE = {
    "equipements_commune": ("c.nb", BPE_VINTAGE, None, None),
    "types_presents_commune": ("c.types_presents", BPE_VINTAGE, None, None),
    "equipements_commune_1000": ("1000 * c.nb / nullif(c.p18_pop, 0)",
                                 "BPE 2019 ; population municipale RP 2018", "comparateur",
                                 "Population de la commune non disponible."),
    "equipements_commune_km2": ("c.nb / nullif(c.superf, 0)", "BPE 2019 ; superficie INSEE",
                                "comparateur", "Superficie de la commune non disponible."),
    "equipements_commune_1000_15p": ("1000 * c.nb / nullif(c.pop15p, 0)",
                                     "BPE 2019 ; population de 15 ans ou plus RP 2022",
                                     "services:pop_nantes", NO_IRIS_POPULATION),
}


def _rows(level: str, component: str, inner: str, vintage: str, missing: str) -> str:
    """``inner`` selects code, v (the value), sources and note (when v is known)."""
    return f"""SELECT '{level}', code, '', '{component}', v, NULL::TINYINT,
            CASE WHEN v IS NULL THEN 'non_disponible' ELSE 'ok' END, {sql_text(vintage)},
            CASE WHEN v IS NULL THEN ['bpe', 'services:gamme'] ELSE sources END,
            CASE WHEN v IS NULL THEN {missing} ELSE note END
        FROM ({inner})"""


QPV_FACTS = "staging.services_facts_qpv f"
WITH_COMMUNE = f"{QPV_FACTS} JOIN staging.services_commune c ON c.code = f.commune"


def write_results(con, table: str) -> None:
    iris_sources = "['bpe', 'services:gamme', 'qpv2024_perimetres', f.source]"
    selects = [
        _rows("qpv", component, f"""SELECT f.code, CASE WHEN f.has_iris THEN ({value})::DOUBLE
                END AS v, {iris_sources} AS sources, {_iris_note()} AS note FROM {QPV_FACTS}""",
              vintage, sql_text(NO_IRIS))
        for component, (value, vintage) in QPV_IRIS.items()]
    selects.append(_rows(
        "qpv", "equipements_iris_1000_15p",
        f"""SELECT f.code, 1000 * f.nb / nullif(f.pop15p, 0) AS v,
                list_append({iris_sources}, 'services:pop_nantes') AS sources,
                {_iris_note()} AS note, f.has_iris FROM {QPV_FACTS}""",
        "BPE 2019 ; population de 15 ans ou plus RP 2022",
        f"CASE WHEN has_iris THEN {sql_text(NO_IRIS_POPULATION)} ELSE {sql_text(NO_IRIS)} END"))
    for component, (value, vintage, extra, missing) in COMMUNE.items():
        sources = "['bpe', 'services:gamme'" + (f", '{extra}']" if extra else "]")
        # the 15+ rate is said missing only where IRIS contours are bundled, not everywhere
        where = ("WHERE c.code IN (SELECT code_commune FROM staging.services_iris)"
                 if extra == "services:pop_nantes" else "")
        selects.append(_rows("qpv", component, f"""SELECT f.code, ({value})::DOUBLE AS v,
                {sources} AS sources, 'Commune principale du QPV : ' || c.name || ' (' || c.code
                || ')' AS note
                FROM {WITH_COMMUNE} {where}""", vintage, sql_text(missing)))
        selects.append(_rows("commune", component, f"""SELECT c.code, ({value})::DOUBLE AS v,
                {sources} AS sources, NULL AS note FROM staging.services_commune c {where}""",
                             vintage, sql_text(missing)))
    columns = ", ".join(f"{name} {kind}" for name, kind in RESULT_COLUMNS)
    con.execute(f"CREATE OR REPLACE TABLE {table} ({columns})")
    for select in selects:
        con.execute(f"INSERT INTO {table} {select}")
