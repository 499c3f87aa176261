"""A hand-made fixture analysis, for developing the pages before a real analysis is registered:
two components computed from observatory values of QPV (poverty rate, population), two facets
and a detail table with a map. Never registered in the engine; never shown to users."""

from __future__ import annotations

from quartiers.engine.analyses.model import Analysis, Component, DetailTable


def _build(con, context) -> None:
    con.execute("""CREATE OR REPLACE TABLE marts.analysis_essai AS
        WITH v AS (SELECT code, arg_max(value, vintage) AS value FROM marts.indicator_values
                   WHERE indicator = 'taux_pauvrete' AND level = 'qpv' GROUP BY code),
        q AS (SELECT t.code, v.value FROM marts.territories t LEFT JOIN v USING (code)
              WHERE t.level = 'qpv')
        SELECT 'qpv' AS level, code, f.facet, c.component,
               CASE WHEN value IS NULL THEN NULL WHEN c.component = 'pauvrete' THEN value
                    ELSE round(value / 2, 1) END AS value,
               CASE WHEN value IS NULL OR c.component <> 'pauvrete' THEN NULL
                    ELSE ntile(3) OVER (PARTITION BY f.facet, c.component
                                        ORDER BY value) END::TINYINT AS score,
               CASE WHEN value IS NULL THEN 'non_disponible' ELSE 'ok' END AS status,
               '2021' AS vintage, ['qpv2024_indicateurs'] AS sources,
               CAST(NULL AS VARCHAR) AS note
        FROM q, (VALUES ('a'), ('b')) f(facet), (VALUES ('pauvrete'), ('moitie')) c(component)
    """)
    con.execute("""CREATE OR REPLACE TABLE marts.analysis_essai_facets AS
        SELECT * FROM (VALUES ('a', 'Cas A', 1), ('b', 'Cas B', 2)) f(facet, label, position)""")


FIXTURE = Analysis(
    code="essai", title="Analyse d'essai (fixture)", summary="Une analyse fabriquée pour les tests.",
    method=("Le taux de pauvreté de chaque QPV, et sa moitié.",),
    limits=("Fabriquée pour les tests.",), sources=(),
    components=(
        Component("pauvrete", "Taux de pauvreté", "%", "Pauvreté", "Taux publié.",
                  "defavorable", True),
        Component("moitie", "Moitié du taux", "%", "Autre", "La moitié du taux."),
    ),
    levels=("qpv",), build=_build, facet_label="Cas", map_component="pauvrete",
    related_sources=("qpv2024_indicateurs",),
    details=(DetailTable(
        "voisins", "QPV de la commune",
        """SELECT q.code, q.name, q.population, ST_AsGeoJSON(q.geometry) AS geojson
           FROM marts.territories t JOIN marts.territories q
             ON q.level = 'qpv' AND q.commune = t.commune
           WHERE t.level = ? AND t.code = ? ORDER BY q.code""",
        (("code", "Code", ""), ("name", "Nom", ""), ("population", "Population", "habitants")),
        map_value="population"),),
)
