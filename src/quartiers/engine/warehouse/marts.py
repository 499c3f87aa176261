"""Marts: what the web, the API, the PDF and the CLI read.

- ``territories``: every territory of every level, with its geometry, centroid and main parents;
- ``territory_links``: the hierarchy (a QPV may have two communes);
- ``references``: for each territory, the territories it is compared with, in order;
- ``indicator_values``: territory × indicator × vintage, with source, method and status;
- ``search``: accent- and case-free keys for names, codes and postcodes.
"""

from __future__ import annotations

from ..indicators.catalogue import INDICATORS
from ..indicators.model import FROM_TABLE, Indicator, Measure
from ..levels import LEVELS
from ..sources.catalogue import SOURCES

SECRECY_THRESHOLD = 11  # INSEE rule: no ratio published over fewer than 11 units

STATUS_LABELS = {
    "ok": "publié",
    "non_publie": "non publié par la source (secret statistique ou non disponible)",
    "secret": "secret statistique (effectif inférieur à 11)",
    "incomplet": "somme incomplète",
}


def build_territories(con) -> None:
    con.execute("CREATE OR REPLACE TEMP MACRO name_key(x) AS "
                "trim(regexp_replace(strip_accents(lower(x)), '[^a-z0-9]+', ' ', 'g'))")
    con.execute(r"""
        CREATE OR REPLACE TABLE marts.territories AS
        WITH qpv2015 AS (
            SELECT code, any_value(name ORDER BY vintage DESC) AS name,
                   -- « Cannes, Le Cannet » → Cannes ; « Marseille 14e Arrondissement » → Marseille
                   name_key(regexp_replace(split_part(any_value(lib_com ORDER BY vintage DESC),
                       ',', 1), '\s+[0-9]+(er|e|eme|ème)?\s+arrondissement.*$', '', 'i'))
                       AS commune_key,
                   CASE WHEN substr(code, 3, 1) = '0' THEN substr(code, 4, 2)
                        ELSE substr(code, 3, 3) END AS departement
            FROM staging.qpv2015_demo GROUP BY code
        ), epci_seat AS (
            SELECT epci, arg_max(departement, population) AS departement,
                   arg_max(region, population) AS region
            FROM staging.communes WHERE epci IS NOT NULL GROUP BY epci
        ), rows AS (
            SELECT 'france' AS level, 'FR' AS code, 'France' AS name,
                   (SELECT sum(population) FROM staging.communes) AS population,
                   NULL AS commune, NULL AS epci, NULL AS departement, NULL AS region,
                   NULL AS postcodes, NULL AS densite, NULL AS centralite,
                   NULL::BOOLEAN AS repaired, ST_Union_Agg(geometry) AS geometry
            FROM staging.regions WHERE zone = 'metro'
            UNION ALL
            SELECT 'region', r.code, r.name, sum(c.population), NULL, NULL, NULL, NULL, NULL,
                   NULL, NULL, NULL, any_value(r.geometry)
            FROM staging.regions r LEFT JOIN staging.communes c ON c.region = r.code GROUP BY ALL
            UNION ALL
            SELECT 'departement', d.code, d.name, sum(c.population), NULL, NULL, NULL, d.region,
                   NULL, NULL, NULL, NULL, any_value(d.geometry)
            FROM staging.departements d LEFT JOIN staging.communes c ON c.departement = d.code
            GROUP BY ALL
            UNION ALL
            SELECT 'epci', e.code, e.name, e.population, NULL, NULL, s.departement, s.region,
                   NULL, NULL, NULL, NULL, e.geometry
            FROM staging.epci e LEFT JOIN epci_seat s ON s.epci = e.code
            UNION ALL
            SELECT 'commune', code, name, population, NULL, epci, departement, region, postcodes,
                   densite, centralite, NULL, geometry FROM staging.communes
            UNION ALL
            SELECT 'qpv', q.code, q.name, f.pop, q.commune, q.epci, q.departement, q.region,
                   c.postcodes, NULL, NULL, q.repaired, q.geometry
            FROM staging.qpv q LEFT JOIN staging.qpv_figures f USING (code)
            LEFT JOIN staging.communes c ON c.code = q.commune
            UNION ALL
            SELECT 'qpv2015', q.code, q.name, p.pop_mun, c.code, c.epci, q.departement,
                   d.region, NULL, NULL, NULL, NULL, NULL
            FROM qpv2015 q LEFT JOIN staging.departements d ON d.code = q.departement
            LEFT JOIN staging.qpv2015_demo p
                   ON p.code = q.code AND p.vintage = (SELECT max(vintage) FROM staging.qpv2015_demo)
            LEFT JOIN staging.communes c
                   ON c.departement = q.departement AND name_key(c.name) = q.commune_key
        )
        SELECT *, ST_X(ST_PointOnSurface(geometry)) AS lon, ST_Y(ST_PointOnSurface(geometry)) AS lat,
               ST_XMin(geometry) AS xmin, ST_YMin(geometry) AS ymin,
               ST_XMax(geometry) AS xmax, ST_YMax(geometry) AS ymax
        FROM rows
    """)


def build_links(con) -> None:
    con.execute("""
        CREATE OR REPLACE TABLE marts.territory_links AS
        SELECT 'qpv' AS level, l.code, 'commune' AS parent_level, l.commune AS parent_code,
               l.commune = q.commune AS is_main
        FROM staging.qpv_communes l JOIN staging.qpv q USING (code)
        UNION ALL  -- a QPV over two communes may belong to two EPCI
        SELECT DISTINCT 'qpv', l.code, 'epci', c.epci, c.epci = q.epci
        FROM staging.qpv_communes l JOIN staging.qpv q USING (code)
        JOIN staging.communes c ON c.code = l.commune
        UNION ALL
        SELECT level, code, unnest(['departement', 'region', 'france']),
               unnest([departement, region, 'FR']), true
        FROM marts.territories WHERE level = 'qpv'
        UNION ALL
        SELECT level, code, unnest(['epci', 'departement', 'region', 'france']),
               unnest([epci, departement, region, 'FR']), true
        FROM marts.territories WHERE level = 'commune'
        UNION ALL
        SELECT 'qpv2015', code, unnest(['commune', 'epci', 'departement', 'region', 'france']),
               unnest([commune, epci, departement, region, 'FR']), true
        FROM marts.territories WHERE level = 'qpv2015'
        UNION ALL
        SELECT 'epci', code, unnest(['departement', 'region', 'france']),
               unnest([departement, region, 'FR']), true
        FROM marts.territories WHERE level = 'epci'
        UNION ALL
        SELECT 'departement', code, unnest(['region', 'france']), unnest([region, 'FR']), true
        FROM marts.territories WHERE level = 'departement'
        UNION ALL
        SELECT 'region', code, 'france', 'FR', true FROM marts.territories WHERE level = 'region'
    """)
    con.execute("DELETE FROM marts.territory_links WHERE parent_code IS NULL")


def build_references(con) -> None:
    """Comparison territories: the territory, its parents, then pooled QPV groups."""
    ranks = " ".join(f"WHEN '{code}' THEN {level.rank}" for code, level in LEVELS.items())
    con.execute(f"""
        CREATE OR REPLACE TABLE marts.references AS
        SELECT level, code, 0 AS rank, level AS ref_level, code AS ref_code
        FROM marts.territories
        UNION ALL
        SELECT level, code, 10 + (CASE parent_level {ranks} END) * 2 + (NOT is_main)::INT,
               parent_level, parent_code
        FROM marts.territory_links
        UNION ALL  -- all QPV of the territory itself
        SELECT level, code, 30, 'qpv_' || level, code FROM marts.territories
        WHERE level IN ('commune', 'epci', 'departement', 'region', 'france')
        UNION ALL  -- all QPV of its région (for territories below the région)
        SELECT level, code, 31, CASE WHEN level = 'qpv2015' THEN 'qpv2015_region'
               ELSE 'qpv_region' END, region FROM marts.territories
        WHERE level IN ('qpv', 'qpv2015', 'commune', 'epci', 'departement') AND region IS NOT NULL
        UNION ALL  -- all QPV of France
        SELECT level, code, 32, CASE WHEN level = 'qpv2015' THEN 'qpv2015_france'
               ELSE 'qpv_france' END, 'FR' FROM marts.territories WHERE level <> 'france'
    """)


def _measure_select(measure: Measure, indicator: Indicator) -> str:
    level = "level" if measure.level == FROM_TABLE else f"'{measure.level}'"
    num = measure.numerator or "NULL"
    den = measure.denominator or "NULL"
    if measure.value:
        value, method = measure.value, measure.method or "publié"
    else:
        value = f"({num}) / nullif({den}, 0) * {measure.scale}"
        method = measure.method or (
            "ratio calculé" + (" (numérateur reconstitué)" if measure.reconstructed else ""))
    return f"""
        SELECT '{indicator.code}' AS indicator, {level} AS level, code, vintage,
               ({value})::DOUBLE AS value, ({num})::DOUBLE AS numerator,
               ({den})::DOUBLE AS denominator, '{measure.source}' AS source,
               '{method}' AS method, '{measure.note}' AS note,
               1::INTEGER AS n_units, ({measure.missing})::INTEGER AS n_missing,
               {measure.reconstructed} AS reconstructed
        FROM {measure.table}"""


def _insert(con, select: str) -> None:
    """Insert candidate values unless the same cell already has one (published wins)."""
    con.execute(f"""
        INSERT INTO marts.indicator_values
        SELECT c.*, CASE WHEN c.value IS NULL THEN 'non_publie' ELSE 'ok' END
        FROM ({select}) c
        ANTI JOIN marts.indicator_values v
          ON v.indicator = c.indicator AND v.level = c.level AND v.code = c.code
         AND v.vintage = c.vintage
        WHERE c.code IS NOT NULL""")


def _aggregate(con, indicator: Indicator, measure: Measure, base_level: str,
               target_levels: tuple[str, ...], level_expr: str, method: str, note: str) -> None:
    """Sum values (counts) or numerators and denominators of ``base_level`` into parents."""
    parents = ", ".join(f"'{level}'" for level in target_levels)
    if measure.value:
        value, num, den = "sum(v.value)", "NULL", "NULL"
    else:
        num, den = "sum(v.numerator)", "sum(v.denominator)"
        value = f"{num} / nullif({den}, 0) * {measure.scale}"
    # every linked unit counts, for every vintage: a unit without a row is missing too
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE candidates AS
        WITH vintages AS (
            SELECT DISTINCT vintage FROM marts.indicator_values
            WHERE indicator = '{indicator.code}' AND level = '{base_level}'
              AND source = '{measure.source}'
        ), units AS (
            SELECT l.level, l.code, l.parent_level, l.parent_code, vv.vintage
            FROM marts.territory_links l, vintages vv
            WHERE l.level = '{base_level}' AND l.parent_level IN ({parents})
        )
        SELECT '{indicator.code}' AS indicator, {level_expr} AS level, l.parent_code AS code,
               l.vintage, {value} AS value, {num} AS numerator, {den} AS denominator,
               '{measure.source}' AS source, '{method}' AS method, '{note}' AS note,
               count(v.value)::INTEGER AS n_units,
               -- units without a value, and the units missing inside the ones with a value
               (count(*) - count(v.value) + coalesce(sum(v.n_missing), 0))::INTEGER AS n_missing,
               {measure.reconstructed} AS reconstructed
        FROM units l
        LEFT JOIN marts.indicator_values v
          ON v.indicator = '{indicator.code}' AND v.level = l.level AND v.code = l.code
         AND v.source = '{measure.source}' AND v.vintage = l.vintage
        GROUP BY ALL HAVING count(v.value) > 0""")
    _insert(con, "SELECT * FROM candidates")


def build_values(con) -> None:
    con.execute("""
        CREATE OR REPLACE TABLE marts.indicator_values (
            indicator VARCHAR, level VARCHAR, code VARCHAR, vintage VARCHAR, value DOUBLE,
            numerator DOUBLE, denominator DOUBLE, source VARCHAR, method VARCHAR, note VARCHAR,
            n_units INTEGER, n_missing INTEGER, reconstructed BOOLEAN, status VARCHAR)""")
    for indicator in INDICATORS:
        # every published value of the indicator first: a sum never takes a published cell
        for measure in indicator.measures:
            _insert(con, _measure_select(measure, indicator))
        for measure in indicator.measures:
            if measure.roll_up:
                _aggregate(con, indicator, measure, measure.level, measure.roll_up, "l.parent_level",
                           "somme des communes" if measure.value else "ratio des sommes des "
                           "communes", measure.note)
            if measure.pool_qpv:
                method = ("somme des QPV" if measure.value else
                          "moyenne pondérée reconstituée (approximation)" if measure.reconstructed
                          else "ratio des sommes des QPV")
                _aggregate(con, indicator, measure, measure.level,
                           ("commune", "epci", "departement", "region", "france"),
                           f"'{measure.level}_' || l.parent_level", method, measure.note)
    apply_secrecy(con)
    con.execute("UPDATE marts.indicator_values SET status = 'incomplet' "
                "WHERE status = 'ok' AND n_missing > 0")


def apply_secrecy(con) -> None:
    """INSEE rule: a ratio computed over fewer than 11 units is not published. A reconstructed
    denominator is a weight (population), not a count of the units behind a published rate."""
    con.execute(f"""
        UPDATE marts.indicator_values SET value = NULL, numerator = NULL, status = 'secret'
        WHERE denominator IS NOT NULL AND NOT reconstructed
          AND denominator < {SECRECY_THRESHOLD} AND value IS NOT NULL""")


def cluster(con) -> None:
    """Store the marts sorted by the keys pages look up: DuckDB's zone maps then skip most
    row groups, and a profile's queries take a few milliseconds instead of scans."""
    for table, keys in (("indicator_values", "level, code, indicator, vintage"),
                        ("territories", "level, code"), ("territory_links", "level, code"),
                        ("references", "level, code, rank"), ("search", "level, code")):
        con.execute(f"CREATE OR REPLACE TABLE marts.{table} AS "
                    f"SELECT * FROM marts.{table} ORDER BY {keys}")


SEARCH_KEY_MACRO = (
    "CREATE OR REPLACE MACRO search_key(x) AS regexp_replace(regexp_replace("
    "' ' || trim(regexp_replace(strip_accents(lower(x)), '[^a-z0-9]+', ' ', 'g')) || ' ', "
    "' st ', ' saint ', 'g'), ' ste ', ' sainte ', 'g')")


def build_search(con) -> None:
    """Keys without accents, case, hyphens or apostrophes: « St-Nazaire » ~ « saint nazaire ».

    Keys are padded with spaces so that « st » is only expanded as a whole word.
    """
    con.execute(SEARCH_KEY_MACRO)
    con.execute("""
        CREATE OR REPLACE TABLE marts.search AS
        SELECT level, code, name, population, departement,
               search_key(name) AS key, coalesce(postcodes, '') AS postcodes
        FROM marts.territories
        UNION ALL
        SELECT 'epci', c.epci, c.name || ' (contrat de ville ' || c.code || ')', t.population,
               t.departement, search_key(c.name || ' ' || c.code), ''
        FROM staging.contrats c JOIN marts.territories t ON t.level = 'epci' AND t.code = c.epci
    """)
    con.execute("""CREATE OR REPLACE TABLE marts.contrats_de_ville AS
        SELECT code, name, epci, departement, pop_qpv FROM staging.contrats""")


def build_sources(con, manifest: dict, checksums: dict) -> None:
    rows = [(s.key, s.family, s.path, s.producer, s.dataset, s.vintage, s.licence, s.origin,
             s.attribution, "\n".join(s.doubts), manifest.get(s.key, {}).get("sha256"),
             checksums[s.key])
            for s in SOURCES]
    con.execute("""CREATE OR REPLACE TABLE marts.sources (key VARCHAR, family VARCHAR,
        path VARCHAR, producer VARCHAR, dataset VARCHAR, vintage VARCHAR, licence VARCHAR,
        origin VARCHAR, attribution VARCHAR, doubts VARCHAR, bundled_sha256 VARCHAR,
        built_sha256 VARCHAR)""")
    con.executemany("INSERT INTO marts.sources VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    rows)
