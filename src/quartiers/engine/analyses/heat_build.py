"""The heat analysis's build: LCZ and Nantes IRIS overlaps, ranks and terciles, then one row
per QPV and component in ``marts.analysis_chaleur`` (declarations in heat.py)."""

from __future__ import annotations

from pathlib import Path

import duckdb

from ..geo import LAMBERT93, WGS84, transform_sql
from ..warehouse.staging import BuildError, check_numbers, sql_text
from .heat_lcz import HOT_CLASSES, LCZ_CLASSES, overlay

# component -> (indicator of marts.indicator_values, a high value is "favorable" or not)
INDICATOR_COMPONENTS = {
    "sens_age": ("indice_jeunesse", "favorable"),
    "sens_seuls": ("part_menages_1p", "defavorable"),
    "sens_grands_menages": ("part_menages_6pp", "defavorable"),
    "cap_pauvrete": ("taux_pauvrete", "defavorable"),
    "cap_emploi": ("taux_emploi", "favorable"),
    "cap_rsa": ("part_alloc_rsa", "defavorable"),
}
# the QPV's own published rate (staging.qpv_figures), read directly: the observatory's value of
# a SIG Ville rate is rebuilt from rate × households or population, blank when that count is
# blank although the rate itself is published (86 shares of one-person households)
PUBLISHED_RATES = {"part_menages_1p": "part_men_1p", "part_menages_6pp": "part_men_6pp",
                   "taux_pauvrete": "taux_pauvrete", "taux_emploi": "taux_emploi"}
DIMENSIONS = {"sensibilite": ("sens_age", "sens_seuls", "sens_grands_menages"),
              "capacite": ("cap_pauvrete", "cap_emploi", "cap_rsa")}
MIN_COMPONENTS = 2  # a sub-index resting on a single figure would only repeat it
MIN_COVERAGE = 0.5  # below, a layer says too little of the QPV to give it an exposure
HEAT_CLASSES = {"High": ("forte", 3), "Medium": ("moyenne", 2), "Low": ("faible", 1)}
QPV_SOURCE = "qpv2024_indicateurs"
IRIS_SOURCE, ELDERLY_SOURCE = "chaleur:nantes_iris_classes", "chaleur:nantes_iris_agees"
IMPORT_SOURCE, REDON_SOURCE = "chaleur:lcz_import", "chaleur:lcz_redon_bdtopo"
IRIS_VINTAGE = "LCZ 2022 ; IRIS 2025"
SECRET_NOTE = "non publié par la source (secret statistique ou donnée non disponible)"


def tercile(rank: str) -> str:
    """SQL: the score 1..3 of a rank in [0, 1] (first, second, last third); none for none."""
    return (f"CASE WHEN {rank} < 1 / 3 THEN 1 WHEN {rank} < 2 / 3 THEN 2 "
            f"WHEN {rank} IS NOT NULL THEN 3 END")


def rank_and_score(con, source: str, out: str) -> None:
    """``out`` = ``source`` (code, component, value, orientation…) with ``rank``: the percent
    rank among the rows of the component that have a value, ordered from least to most
    vulnerable (0 to 1), ``score`` its tercile and ``ranked`` how many were ranked."""
    con.execute(f"""CREATE OR REPLACE TABLE {out} AS
        WITH r AS (SELECT *, CASE WHEN value IS NOT NULL THEN percent_rank() OVER (
                       PARTITION BY component, value IS NULL
                       ORDER BY CASE WHEN orientation = 'favorable' THEN -value ELSE value END)
                   END AS rank,
                   count(value) OVER (PARTITION BY component) AS ranked FROM {source})
        SELECT *, {tercile('rank')}::TINYINT AS score FROM r""")


def build(con, context) -> None:
    _stage_layers(con, context.imports_dir)
    con.execute(f"""CREATE OR REPLACE TABLE staging.chaleur_qpv AS
        SELECT code, {transform_sql('geometry')} AS geometry FROM marts.territories
        WHERE level = 'qpv' AND geometry IS NOT NULL""")
    _lcz_shares(con)
    _nantes(con)
    _components(con)
    _results(con)


def _stage_layers(con, imports_dir: Path | None) -> None:
    """The bundled Redon layer (BD TOPO variant) and every layer a user imported."""
    selects = [f"""SELECT layer, vintage, '{REDON_SOURCE}' AS source, row, lcz,
                          geometry FROM "raw".chaleur_lcz_redon_bdtopo"""]
    for path in sorted((imports_dir / "lcz").glob("*.parquet")) if imports_dir else ():
        try:
            con.execute(f"DESCRIBE SELECT layer, vintage, row, lcz, geometry "
                        f"FROM read_parquet('{path}')")
        except duckdb.Error as error:
            raise BuildError(f"{path} : couche LCZ importée illisible ou incomplète ({error}) ; "
                             "importez-la de nouveau (quartiers chaleur importer-lcz)") from error
        selects.append(f"""SELECT layer, vintage, '{IMPORT_SOURCE}' AS source, row, lcz,
                                  geometry FROM read_parquet('{path}')""")
    con.execute(f"""CREATE OR REPLACE TABLE staging.chaleur_lcz AS
        SELECT layer, vintage, source, row, lcz AS class, TRY(ST_GeomFromText(geometry))
               AS geometry FROM ({' UNION ALL '.join(selects)})""")
    bad = con.execute("""SELECT layer, row, class, geometry IS NULL FROM staging.chaleur_lcz
        WHERE geometry IS NULL OR class NOT IN ? LIMIT 1""", [list(LCZ_CLASSES)]).fetchone()
    if bad:
        problem = "géométrie illisible" if bad[3] else f"classe LCZ inconnue « {bad[2]} »"
        raise BuildError(f"couche LCZ « {bad[0]} », entité {bad[1]} : {problem}")


def _lcz_shares(con) -> None:
    """Per QPV, the layer covering most of it and the share of its area in each class."""
    overlay(con, "staging.chaleur_qpv",
            "(SELECT layer, vintage, source, class, geometry FROM staging.chaleur_lcz)",
            "staging.chaleur_lcz_overlay")
    labels = ", ".join(f"('{code}', '{label.replace(chr(39), chr(39) * 2)}')"
                       for code, label in LCZ_CLASSES.items())
    con.execute(f"""CREATE OR REPLACE TABLE marts.chaleur_lcz_shares AS
        WITH by_class AS (
            SELECT code, layer, any_value(vintage) AS vintage, any_value(source) AS source,
                   class, sum(area) AS area, any_value(zone_area) AS zone_area,
                   ST_Union_Agg(geometry) AS geometry
            FROM staging.chaleur_lcz_overlay GROUP BY code, layer, class),
        covered AS (SELECT code, layer, sum(area) / any_value(zone_area) AS coverage
                    FROM by_class GROUP BY code, layer),
        chosen AS (SELECT code, arg_max(layer, coverage) AS layer FROM covered GROUP BY code)
        SELECT 'qpv' AS level, b.code, b.layer, b.vintage, b.source, b.class AS lcz, l.label,
               b.class IN {tuple(HOT_CLASSES)} AS hot, b.area / 1e4 AS area_ha,
               100 * b.area / b.zone_area AS share, c.coverage,
               {transform_sql('b.geometry', LAMBERT93, WGS84)} AS geometry
        FROM by_class b JOIN covered c USING (code, layer) JOIN chosen USING (code, layer)
        JOIN (VALUES {labels}) l(class, label) ON l.class = b.class""")


def _nantes(con) -> None:
    """The Nantes IRIS heat classes and elderly people living alone, spread over each QPV by
    the share of its area in each IRIS."""
    from .heat import SOURCES

    declared = {source.key: source for source in SOURCES}
    bad = con.execute("""SELECT _line, heat_class FROM "raw".chaleur_nantes_iris_classes
        WHERE heat_class NOT IN ? OR TRY(ST_GeomFromText(geometry)) IS NULL LIMIT 1""",
                      [list(HEAT_CLASSES)]).fetchone()
    if bad:
        raise BuildError(f"{declared[IRIS_SOURCE].path}, ligne {bad[0]}, champ "
                         f"« heat_class » ou « geometry » : classe « {bad[1]} » inconnue ou "
                         "géométrie illisible")
    check_numbers(con, declared[ELDERLY_SOURCE], ["total_population", "elderly_80_plus_alone"])
    classes = ", ".join(f"('{k}', '{label}', {level})"
                        for k, (label, level) in HEAT_CLASSES.items())
    con.execute(f"""CREATE OR REPLACE TABLE staging.chaleur_iris AS
        SELECT i.code_iris, i.nom_iris, c.label AS heat_label, c.level AS heat_level,
               ST_GeomFromText(i.geometry) AS geometry,
               num(a.total_population) AS population_15p,
               num(a.elderly_80_plus_alone) AS alone_80p
        FROM "raw".chaleur_nantes_iris_classes i
        JOIN (VALUES {classes}) c(class, label, level) ON c.class = i.heat_class
        LEFT JOIN "raw".chaleur_nantes_iris_agees a ON a."IRIS" = i.code_iris""")
    overlay(con, "staging.chaleur_qpv",
            "(SELECT code_iris, heat_level, ST_Area(geometry) AS iris_area, geometry "
            "FROM staging.chaleur_iris)", "staging.chaleur_iris_overlay")
    con.execute(f"""CREATE OR REPLACE TABLE marts.chaleur_iris AS
        SELECT 'qpv' AS level, o.code, i.code_iris, i.nom_iris, i.heat_label, i.heat_level,
               100 * o.area / o.zone_area AS share,
               {transform_sql('i.geometry', LAMBERT93, WGS84)} AS geometry
        FROM staging.chaleur_iris_overlay o JOIN staging.chaleur_iris i USING (code_iris)""")
    con.execute("""CREATE OR REPLACE TABLE staging.chaleur_nantes AS
        SELECT o.code, sum(o.area) / any_value(o.zone_area) AS coverage,
               sum(o.area) FILTER (o.heat_level = 3) / sum(o.area) AS high,
               sum(o.area) FILTER (o.heat_level = 2) / sum(o.area) AS medium,
               sum(o.area) FILTER (o.heat_level = 1) / sum(o.area) AS low,
               -- people spread by area: an IRIS's count times the share of it in the QPV
               sum(i.alone_80p * o.area / o.iris_area)
                   / sum(i.population_15p * o.area / o.iris_area) AS alone_80p,
               count(i.population_15p) = count(*) AS counts_complete
        FROM staging.chaleur_iris_overlay o JOIN staging.chaleur_iris i USING (code_iris)
        GROUP BY o.code""")


def _components(con) -> None:
    """Indicator components, ranked and scored; then each dimension's mean rank, scored."""
    pairs = ", ".join(f"('{c}', '{i}', '{o}')" for c, (i, o) in INDICATOR_COMPONENTS.items())
    published = "CASE c.indicator " + " ".join(
        f"WHEN '{indicator}' THEN f.{column}" for indicator, column in PUBLISHED_RATES.items()
    ) + " END"
    con.execute(f"""CREATE OR REPLACE TABLE staging.chaleur_inputs AS
        SELECT q.code, c.component, c.orientation,
               coalesce({published}, CASE WHEN v.status = 'ok' THEN v.value END) AS value,
               v.status AS source_status, coalesce(v.vintage, f.vintage) AS vintage
        FROM (SELECT code FROM marts.territories WHERE level = 'qpv') q
        CROSS JOIN (VALUES {pairs}) c(component, indicator, orientation)
        LEFT JOIN marts.indicator_values v
               ON v.level = 'qpv' AND v.code = q.code AND v.indicator = c.indicator
        LEFT JOIN staging.qpv_figures f ON f.code = q.code""")
    rank_and_score(con, "staging.chaleur_inputs", "staging.chaleur_ranked")
    dims = ", ".join(f"('{d}', '{c}')" for d, parts in DIMENSIONS.items() for c in parts)
    con.execute(f"""CREATE OR REPLACE TABLE staging.chaleur_dimension_inputs AS
        SELECT r.code, d.dimension AS component, 'defavorable' AS orientation,
               CASE WHEN count(r.rank) >= {MIN_COMPONENTS} THEN avg(r.rank) END AS value,
               count(r.rank) AS parts, count(*) AS declared
        FROM staging.chaleur_ranked r JOIN (VALUES {dims}) d(dimension, part)
             ON d.part = r.component
        GROUP BY r.code, d.dimension""")
    rank_and_score(con, "staging.chaleur_dimension_inputs", "staging.chaleur_dimensions")


def _french(number: float) -> str:
    return f"{number:.1f}".replace(".", ",")


def _results(con) -> None:
    from .heat import COMPONENTS

    qpv_vintage = con.execute("""SELECT any_value(vintage) FROM marts.indicator_values
        WHERE level = 'qpv' AND indicator = 'taux_pauvrete'""").fetchone()[0]
    nantes_alone = con.execute("""SELECT 100 * sum(alone_80p) / sum(population_15p)
        FROM staging.chaleur_iris""").fetchone()[0]
    third = ("classe de chaleur des IRIS calculée par un tiers (antoineverhulst/heat-risk-france)"
             " d'après les LCZ 2022 du Cerema")
    con.execute(f"""CREATE OR REPLACE TABLE staging.chaleur_exposure AS
        WITH lcz AS (
            SELECT code, any_value(layer) AS layer, any_value(vintage) AS vintage,
                   any_value(source) AS source, any_value(coverage) AS coverage,
                   sum(share) FILTER (hot) / sum(share) AS hot
            FROM marts.chaleur_lcz_shares GROUP BY code)
        SELECT q.code, l.layer, l.vintage AS lcz_vintage, l.source AS lcz_source,
               l.coverage AS lcz_coverage, coalesce(l.hot, 0) AS lcz_hot,
               n.coverage AS iris_coverage, coalesce(n.high, 0) AS high,
               coalesce(n.medium, 0) AS medium, coalesce(n.low, 0) AS low, n.alone_80p,
               n.counts_complete, q.code IN (SELECT code FROM staging.chaleur_qpv) AS drawn,
               CASE WHEN l.coverage >= {MIN_COVERAGE} THEN 'lcz'
                    WHEN n.coverage >= {MIN_COVERAGE} THEN 'iris' END AS origin
        FROM (SELECT code FROM marts.territories WHERE level = 'qpv') q
        LEFT JOIN lcz l USING (code)
        LEFT JOIN staging.chaleur_nantes n USING (code)""")
    under = f"couverture inférieure à {MIN_COVERAGE:.0%}".replace("%", " %")
    con.execute(f"""CREATE OR REPLACE TABLE staging.chaleur_rows AS
        SELECT code, component, value, score,
               CASE WHEN value IS NOT NULL THEN 'ok' WHEN source_status = 'non_publie'
                    THEN 'secret' ELSE 'non_disponible' END AS status,
               coalesce(vintage, {sql_text(qpv_vintage)}) AS vintage, [{sql_text(QPV_SOURCE)}] AS sources,
               CASE WHEN value IS NOT NULL THEN NULL
                    WHEN source_status IS NULL THEN 'QPV absent des chiffres clés embarqués'
                    WHEN source_status = 'non_publie' THEN {sql_text(SECRET_NOTE)}
                    ELSE 'chiffre écarté (statut « ' || source_status || ' »)' END AS note
        FROM staging.chaleur_ranked
        UNION ALL
        SELECT code, component, value, score,
               CASE WHEN value IS NOT NULL THEN 'ok' ELSE 'non_disponible' END,
               {sql_text(qpv_vintage)}, [{sql_text(QPV_SOURCE)}],
               CASE WHEN value IS NOT NULL
                    THEN format('repose sur {{}} composante(s) sur {{}}', parts, declared)
                    ELSE format('indice non calculé : {{}} composante(s) publiée(s) sur {{}}, '
                                'il en faut {MIN_COMPONENTS}', parts, declared) END
        FROM staging.chaleur_dimensions
        UNION ALL
        SELECT code, unnest(['couverture_lcz', 'expo_lcz_chaud']),
               unnest([100 * lcz_coverage, CASE WHEN lcz_coverage >= {MIN_COVERAGE}
                                                THEN 100 * lcz_hot END]), NULL, NULL,
               lcz_vintage, [lcz_source],
               format('couche « {{}} »', layer) || CASE WHEN lcz_coverage < {MIN_COVERAGE}
                   THEN ' ; {under} : pas d''exposition calculée' ELSE '' END
        FROM staging.chaleur_exposure WHERE layer IS NOT NULL
        UNION ALL
        SELECT code, unnest(['couverture_iris', 'expo_iris_forte', 'expo_iris_moyenne',
                             'expo_iris_faible']),
               unnest([100 * iris_coverage] || CASE WHEN iris_coverage >= {MIN_COVERAGE}
                      THEN [100 * high, 100 * medium, 100 * low]
                      ELSE [NULL, NULL, NULL]::DOUBLE[] END), NULL, NULL,
               {sql_text(IRIS_VINTAGE)}, [{sql_text(IRIS_SOURCE)}],
               {sql_text(third)} || CASE WHEN iris_coverage < {MIN_COVERAGE}
                   THEN ' ; {under} : pas d''exposition calculée' ELSE '' END
        FROM staging.chaleur_exposure WHERE iris_coverage IS NOT NULL
        UNION ALL
        SELECT code, 'sens_agees_seules_nantes',
               CASE WHEN iris_coverage >= {MIN_COVERAGE} AND counts_complete
                    THEN 100 * alone_80p END, NULL, NULL, 'RP 2022',
               [{sql_text(ELDERLY_SOURCE)}, {sql_text(IRIS_SOURCE)}],
               format('comptes des IRIS répartis au prorata de leur surface dans le QPV ; '
                      'Nantes entière : {_french(nantes_alone)} pour 100 habitants de 15 ans '
                      'ou plus')
        FROM staging.chaleur_exposure WHERE iris_coverage IS NOT NULL
        UNION ALL
        SELECT code, 'exposition', CASE origin WHEN 'lcz' THEN 100 * lcz_hot
                                              WHEN 'iris' THEN 100 * high END, NULL, NULL,
               CASE origin WHEN 'lcz' THEN lcz_vintage WHEN 'iris' THEN {sql_text(IRIS_VINTAGE)}
                           ELSE '' END,
               CASE origin WHEN 'lcz' THEN [lcz_source] WHEN 'iris' THEN [{sql_text(IRIS_SOURCE)}]
                           ELSE [{sql_text(REDON_SOURCE)}, {sql_text(IRIS_SOURCE)}] END,
               CASE WHEN origin = 'lcz'
                    THEN format('couche LCZ « {{}} », couvrant {{}} % du QPV', layer,
                                round(100 * lcz_coverage)::INTEGER)
                    WHEN origin = 'iris'
                    THEN format('{{}}, couvrant {{}} % du QPV', {sql_text(third)},
                                round(100 * iris_coverage)::INTEGER)
                    WHEN NOT drawn THEN 'contour du QPV absent des périmètres embarqués : '
                                        'exposition non disponible, rien n''est estimé'
                    ELSE 'aucune couche LCZ ni classe de chaleur chargée ne couvre ce QPV : '
                         'exposition non disponible, rien n''est estimé' END
        FROM staging.chaleur_exposure""")
    con.execute("""UPDATE staging.chaleur_rows SET status = CASE WHEN value IS NOT NULL
            THEN 'ok' ELSE 'non_disponible' END,
        score = CASE WHEN value IS NULL THEN NULL WHEN value < 100 / 3 THEN 1
                     WHEN value < 200 / 3 THEN 2 ELSE 3 END
        WHERE component = 'exposition'""")
    con.execute("""UPDATE staging.chaleur_rows SET status = CASE WHEN value IS NOT NULL
            THEN 'ok' ELSE 'non_disponible' END
        WHERE status IS NULL""")
    con.execute(f"""INSERT INTO staging.chaleur_rows
        WITH s AS (PIVOT (SELECT code, component, score FROM staging.chaleur_rows
                          WHERE component IN ('exposition', 'sensibilite', 'capacite'))
                   ON component USING any_value(score)),
        e AS (SELECT code, vintage, sources FROM staging.chaleur_rows
              WHERE component = 'exposition' AND value IS NOT NULL)
        SELECT code, 'vulnerabilite', exposition * sensibilite * capacite,
               CASE WHEN exposition * sensibilite * capacite <= 3 THEN 1
                    WHEN exposition * sensibilite * capacite <= 9 THEN 2 ELSE 3 END,
               CASE WHEN exposition * sensibilite * capacite IS NULL THEN 'non_disponible'
                    ELSE 'ok' END,
               concat_ws(' ; ', e.vintage, {sql_text(qpv_vintage)}),
               list_distinct(coalesce(e.sources, []) || [{sql_text(QPV_SOURCE)}]),
               CASE WHEN exposition * sensibilite * capacite IS NULL
                    THEN 'non calculée : manque ' || concat_ws(', ',
                         CASE WHEN exposition IS NULL THEN 'l''exposition' END,
                         CASE WHEN sensibilite IS NULL THEN 'la sensibilité' END,
                         CASE WHEN capacite IS NULL THEN 'la capacité d''adaptation' END) END
        FROM s LEFT JOIN e USING (code)""")
    con.execute("""CREATE OR REPLACE TABLE marts.analysis_chaleur AS
        SELECT 'qpv' AS level, code, '' AS facet, component,
               CASE WHEN status = 'ok' THEN value END::DOUBLE AS value,
               CASE WHEN status = 'ok' THEN score END::TINYINT AS score, status,
               vintage::VARCHAR AS vintage, sources::VARCHAR[] AS sources, note::VARCHAR AS note
        FROM staging.chaleur_rows ORDER BY code, component""")
    positions = ", ".join(f"({n}, {sql_text(c.code)}, {sql_text(c.label)}, {sql_text(c.unit)})"
                          for n, c in enumerate(COMPONENTS))
    con.execute(f"""CREATE OR REPLACE TABLE marts.chaleur_components AS
        SELECT 'qpv' AS level, r.code, c.position, c.label, r.value, c.unit, r.rank, r.score,
               r.ranked
        FROM (SELECT code, component, value, rank, score, ranked FROM staging.chaleur_ranked
              UNION ALL
              SELECT code, component, value, rank, score, ranked
              FROM staging.chaleur_dimensions) r
        JOIN (VALUES {positions}) c(position, component, label, unit) USING (component)""")
