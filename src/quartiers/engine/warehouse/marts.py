"""Marts: what the web, the API, the PDF and the CLI read.

- ``territories``: every territory of every level, with its geometry, centroid and main parents;
- ``territory_links``: the hierarchy (a QPV may have two communes);
- ``references``: for each territory, the territories it is compared with, in order;
- ``indicator_values``: territory × indicator × vintage, with source, method and status;
- ``search``: accent- and case-free keys for names, codes and postcodes.
"""

from __future__ import annotations

import pyarrow as pa

from ..indicators.catalogue import INDICATORS
from ..indicators.model import ADMIN_LEVELS, FROM_TABLE, Indicator, Measure
from ..levels import LEVELS
from ..secrecy import POOLED_QPV_SUMS_SQL, THRESHOLD, apply_to_values
from ..sources.declared import SOURCES

STATUS_LABELS = {
    "ok": "publié",
    "non_publie": "non publié par la source (secret statistique ou non disponible)",
    "secret": "secret statistique (effectif inférieur à 11)",
    "incomplet": "somme partielle",
    "estimation": "estimation",
    "hors_bornes": "au-delà de 100 % par construction",
    "incoherent": "valeur incohérente (au-delà des bornes possibles) : non publiée",
}
# statuses of a value that may stand as a territory's figure (a partial sum may not)
SOUND_STATUSES = frozenset({"ok", "estimation", "hors_bornes"})


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
            UNION ALL  -- the arrondissements municipaux of Paris, Lyon and Marseille
            SELECT 'arrondissement', a.code, a.name, a.population, a.commune, c.epci,
                   c.departement, c.region, a.postcodes, NULL, NULL, NULL, a.geometry
            FROM staging.arrondissements a JOIN staging.communes c ON c.code = a.commune
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
        SELECT level, code, unnest(['commune', 'epci', 'departement', 'region', 'france']),
               unnest([commune, epci, departement, region, 'FR']), true
        FROM marts.territories WHERE level IN ('qpv2015', 'arrondissement')
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


def build_predecessors(con) -> None:
    """The official ANCT table from 2024 QPV to the 2015 QPV they replace (up to three), with
    its status: INCHANGE (same perimeter), MODIFIE, NOUVEAU (no predecessor)."""
    con.execute("""CREATE OR REPLACE TABLE marts.qpv_predecessors AS
        SELECT c.qp2024 AS code, c.statut AS status, p.rank, p.code AS code2015,
               coalesce(t.name, p.label) AS name2015, t.code IS NOT NULL AS has_profile
        FROM "raw".qpv_correspondance c,
             LATERAL (SELECT unnest([1, 2, 3]) AS rank,
                             unnest([c.qp2015_1, c.qp2015_2, c.qp2015_3]) AS code,
                             unnest([c.label_qp2015_1, c.label_qp2015_2, c.label_qp2015_3])
                                 AS label) p
        LEFT JOIN marts.territories t ON t.level = 'qpv2015' AND t.code = p.code
        WHERE coalesce(p.code, '') <> ''
        UNION ALL
        SELECT qp2024, statut, 0, NULL, NULL, false FROM "raw".qpv_correspondance
        WHERE coalesce(qp2015_1, '') = ''
        ORDER BY code, rank""")


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


def build_contrats(con) -> None:
    """The contrats de ville of both generations, their derived QPV, the link between the
    generations and their funded posts (counts only).

    - ``contrats``: one row per (generation, code). A code can be in both generations (45
      overseas contracts kept their CV code): ``preferred`` marks the 2024-2030 one, which a
      bare code means. The signatory is the EPCI line of the contract when it has one, else
      its most populated line. ``signatory_name`` is None when today's referential has no
      such territory (an EPCI merged since 2015, an établissement public territorial of the
      Grand Paris); ``epci`` is then the EPCI of the commune holding ANCT's point (checked
      against the contract's département), since the warehouse does not know the former
      EPCI's members (for a Grand Paris territory whose point falls outside its département,
      the EPCI of the QPV that name it).
    - ``contrat_communes`` (derived): the signatory's communes today — an EPCI's members, the
      commune itself; for a 2015-2023 contract, today's EPCI's communes are shared among the
      contracts of that generation now in it, each commune going to the nearest ANCT point.
      A signatory with several contracts (one per département) keeps its département's.
    - ``contrat_qpv`` (derived): the QPV of the contract's geography (2024 or 2015) with a
      commune among those; for a Grand Paris territory, the QPV 2024 whose published EPCI
      list names it.
    - ``contrat_postes``: posts and employers counted per dispositif and year, filed under a
      2015-2023 code; a 2024-2030 contract shows those of its related 2015-2023 contracts.
    """
    con.execute("CREATE OR REPLACE TEMP MACRO name_key(x) AS "
                "trim(regexp_replace(strip_accents(lower(x)), '[^a-z0-9]+', ' ', 'g'))")
    con.execute("""CREATE OR REPLACE TEMP TABLE contrat_lines AS
        SELECT l.*, coalesce(e.code, cc.code) AS known_code, coalesce(e.name, c.name) AS known_name,
               CASE WHEN e.code IS NOT NULL THEN e.code WHEN c.code IS NOT NULL THEN c.epci
                    ELSE coalesce(p.epci, (  -- a Grand Paris territory: its QPV's EPCI
                        SELECT any_value(q.epci) FROM "raw".qpv2024_perimetres r
                        JOIN staging.qpv q ON q.code = r.code_qp
                        WHERE list_contains(string_split(replace(r.siren_epci, ' ', ''), ','),
                                            l.signatory_code))) END AS epci
        FROM staging.contrats l
        LEFT JOIN staging.epci e ON l.signatory_level = 'epci' AND e.code = l.signatory_code
        LEFT JOIN staging.commune_codes cc
               ON l.signatory_level = 'commune' AND cc.any_code = l.signatory_code
        LEFT JOIN staging.communes c ON c.code = cc.code
        LEFT JOIN staging.communes p
               ON e.code IS NULL AND c.code IS NULL AND p.departement = l.departement
              AND l.lon IS NOT NULL AND ST_Contains(p.geometry, ST_Point(l.lon, l.lat))""")
    con.execute(r"""CREATE OR REPLACE TABLE marts.contrats AS
        WITH ranked AS (
            SELECT *, row_number() OVER (PARTITION BY generation, code ORDER BY
                       (signatory_level = 'epci') DESC, pop_qpv DESC NULLS LAST, _line) AS n
            FROM contrat_lines
        ), pops AS (  -- one line per département adds up; two signatories repeat the figure
            SELECT generation, code, sum(pop)::INTEGER AS pop_qpv FROM (
                SELECT generation, code, departement, max(pop_qpv) AS pop
                FROM contrat_lines GROUP BY ALL) GROUP BY ALL
        )
        SELECT r.generation, r.code,
               coalesce(nullif(regexp_replace(r.label, '^[0-9AB]{2,3} - ', ''), 'NA'),
                        r.known_name, r.code) AS name,
               r.label, r.signatory_level,
               coalesce(r.known_code, r.signatory_code) AS signatory_code,
               r.known_name AS signatory_name, r.epci, r.departement, d.region, p.pop_qpv,
               CASE r.generation WHEN '2024-2030' THEN 'qpv' ELSE 'qpv2015' END AS qpv_level,
               r.lon, r.lat,
               r.generation = '2024-2030' OR NOT EXISTS (
                   SELECT 1 FROM staging.contrats o
                   WHERE o.code = r.code AND o.generation = '2024-2030') AS preferred
        FROM ranked r JOIN pops p USING (generation, code)
        LEFT JOIN staging.departements d ON d.code = r.departement
        WHERE r.n = 1""")
    con.execute("""CREATE OR REPLACE TEMP TABLE contrat_communes AS
        WITH split AS (  -- a signatory with one contract per département
            SELECT generation, signatory_code FROM contrat_lines
            GROUP BY ALL HAVING count(DISTINCT code) > 1
        ), direct AS (
            SELECT l.generation, l.code, c.code AS commune, l.departement,
                   (l.generation, l.signatory_code) IN (SELECT (generation, signatory_code)
                                                        FROM split) AS by_departement
            FROM contrat_lines l JOIN staging.communes c
              ON (l.signatory_level = 'epci' AND c.epci = l.known_code)
              OR (l.signatory_level = 'commune' AND c.code = l.known_code)
            WHERE l.generation = '2024-2030' OR l.signatory_level = 'commune'
        ), claimants AS (  -- 2015-2023 EPCI contracts by today's EPCI
            SELECT DISTINCT generation, code, epci, lon, lat FROM contrat_lines
            WHERE generation = '2015-2023' AND signatory_level = 'epci' AND epci IS NOT NULL
        ), shared AS (
            SELECT k.generation, arg_min(k.code, CASE WHEN k.lon IS NULL THEN 1e9 ELSE
                       ST_Distance(ST_PointOnSurface(c.geometry), ST_Point(k.lon, k.lat)) END)
                       AS code, c.code AS commune
            FROM claimants k JOIN staging.communes c ON c.epci = k.epci
            WHERE c.code NOT IN (SELECT commune FROM direct WHERE generation = '2015-2023')
            GROUP BY k.generation, c.code
        )
        SELECT generation, code, commune, departement, by_departement FROM direct
        UNION ALL
        SELECT s.generation, s.code, s.commune, c.departement, false
        FROM shared s JOIN staging.communes c ON c.code = s.commune""")
    con.execute(r"""CREATE OR REPLACE TEMP TABLE qpv2015_communes AS
        WITH listed AS (
            SELECT code, CASE WHEN substr(code, 3, 1) = '0' THEN substr(code, 4, 2)
                              ELSE substr(code, 3, 3) END AS departement,
                   any_value(lib_com ORDER BY vintage DESC) AS lib_com
            FROM staging.qpv2015_demo GROUP BY code
        )
        SELECT l.code, c.code AS commune FROM (
            SELECT code, departement, lib_com, name_key(regexp_replace(trim(unnest(
                       string_split(lib_com, ','))),
                       '\s+[0-9]+(er|e|eme|ème)?\s+arrondissement.*$', '', 'i')) AS commune_key
            FROM listed) l
        JOIN staging.communes c ON c.departement = l.departement AND name_key(c.name) = l.commune_key
    """)
    con.execute("""CREATE OR REPLACE TABLE marts.contrat_qpv AS
        WITH qpv AS (
            SELECT 'qpv' AS level, code, commune FROM staging.qpv_communes
            UNION ALL
            SELECT 'qpv2015', code, commune FROM qpv2015_communes
        ), found AS (
            SELECT DISTINCT k.generation, k.code AS contrat, q.level, q.code
            FROM contrat_communes k JOIN marts.contrats m USING (generation, code)
            JOIN qpv q ON q.level = m.qpv_level AND q.commune = k.commune
            JOIN marts.territories t ON t.level = q.level AND t.code = q.code
            WHERE NOT k.by_departement OR t.departement = k.departement
            UNION
            SELECT l.generation, l.code, 'qpv', p.code_qp
            FROM contrat_lines l JOIN "raw".qpv2024_perimetres p
              ON list_contains(string_split(replace(p.siren_epci, ' ', ''), ','),
                               l.signatory_code)
             AND p.insee_dep = l.departement
            WHERE l.generation = '2024-2030' AND l.known_code IS NULL
        )
        SELECT f.generation, f.contrat, f.level, f.code, t.name, t.population,
               coalesce((SELECT string_agg(c.name, ', ' ORDER BY c.name)
                         FROM staging.qpv_communes x JOIN staging.communes c ON c.code = x.commune
                         WHERE f.level = 'qpv' AND x.code = f.code),
                        (SELECT any_value(lib_com ORDER BY vintage DESC) FROM staging.qpv2015_demo
                         WHERE f.level = 'qpv2015' AND code = f.code)) AS communes
        FROM found f JOIN marts.territories t ON t.level = f.level AND t.code = f.code
        ORDER BY f.generation, f.contrat, f.code""")
    con.execute("""CREATE OR REPLACE TABLE marts.contrat_related AS
        SELECT DISTINCT a.generation, a.code, b.generation AS related_generation,
               b.code AS related_code, b.name AS related_name
        FROM marts.contrats a JOIN marts.contrats b
          ON a.generation <> b.generation
         AND (a.signatory_code = b.signatory_code
              OR (a.epci = b.epci AND (a.signatory_code = a.epci OR b.signatory_code = b.epci)))
        ORDER BY ALL""")
    con.execute("""ALTER TABLE marts.contrats ADD COLUMN qpv_count INTEGER""")
    con.execute("""UPDATE marts.contrats c SET qpv_count = (SELECT count(*) FROM marts.contrat_qpv q
        WHERE q.generation = c.generation AND q.contrat = c.code)""")
    con.execute("""CREATE OR REPLACE TABLE marts.contrat_postes AS
        WITH filed AS (
            SELECT generation, code, code AS filed_under, NULL AS via_code FROM marts.contrats
            WHERE generation = '2015-2023'
            UNION ALL
            SELECT generation, code, related_code, related_code FROM marts.contrat_related
            WHERE generation = '2024-2030'
        )
        SELECT f.generation, f.code, p.dispositif, p.annee,
               count(DISTINCT p.id_poste)::INTEGER AS postes,
               count(DISTINCT p.code_tiers)::INTEGER AS employeurs,
               p.source, f.via_code
        FROM filed f JOIN staging.contrat_postes p ON p.code_cv = f.filed_under
        GROUP BY ALL ORDER BY f.generation, f.code, p.dispositif, p.annee, f.via_code""")
    # the partners' releases are filed under the 2015-2023 codes of the posts files
    con.execute("""CREATE OR REPLACE TABLE marts.contrats_de_ville AS
        SELECT code, name, epci, departement, pop_qpv FROM marts.contrats
        WHERE generation = '2015-2023'""")


VALUE_TABLE = """CREATE OR REPLACE TABLE marts.indicator_values (
    indicator VARCHAR, level VARCHAR, code VARCHAR, vintage VARCHAR, year INTEGER, value DOUBLE,
    numerator DOUBLE, denominator DOUBLE, source VARCHAR, method VARCHAR, note VARCHAR,
    n_units INTEGER, n_missing INTEGER, units_label VARCHAR, reconstructed BOOLEAN,
    counts_units BOOLEAN, estimated BOOLEAN, computed BOOLEAN, status VARCHAR)"""
# the last 4-digit number of a vintage (« publication 2022 », « au 31/12/2020 »): series order
YEAR_OF = ("CASE WHEN {v} NOT LIKE '%non précisé%' "  # « sources 2020–2022 » is not a year
           "THEN TRY_CAST(list_last(regexp_extract_all({v}, '[0-9]{{4}}')) AS INTEGER) END")


def _measure_select(number: int, measure: Measure) -> str:
    """The candidate values of one measure. Its catalogue text (source, method, note) is joined
    from ``declared_measures`` by number: it never reaches the SQL text."""
    level = "level" if measure.level == FROM_TABLE else f"'{measure.level}'"
    num = measure.numerator or "NULL"
    den = measure.denominator or "NULL"
    value = measure.value or measure.published_rate or measure.transform.format(
        ratio=f"(({num}) / nullif({den}, 0) * {measure.scale})")
    return f"""
        SELECT {number} AS measure, {level} AS level, code, ({measure.vintage}) AS vintage,
               ({value})::DOUBLE AS value, ({num})::DOUBLE AS numerator,
               ({den})::DOUBLE AS denominator,
               ({measure.units})::INTEGER AS n_units, ({measure.missing})::INTEGER AS n_missing,
               ({measure.estimated})::BOOLEAN AS estimated
        FROM {measure.table}"""


def _counts_units(measure: Measure) -> bool:
    """The value is a ratio over a number of people or households: the secrecy rule applies
    (not to a reconstructed weight, an area, a published value, nor a ratio of two counts the
    producer publishes itself). A sum of communes keeps the flag: its parts may be hidden."""
    return (measure.denominator is not None and not measure.reconstructed
            and measure.denominator_counts_units and not measure.from_public_counts)


DECLARED_MEASURES = pa.schema([
    ("measure", pa.int32()), ("indicator", pa.string()), ("base_level", pa.string()),
    ("source", pa.string()), ("method", pa.string()), ("note", pa.string()),
    ("units_label", pa.string()), ("reconstructed", pa.bool_()), ("counts_units", pa.bool_()),
    ("computed", pa.bool_()), ("is_value", pa.bool_()), ("scale", pa.float64()),
    ("transform", pa.int32()), ("roll_up", pa.list_(pa.string())),
    ("roll_up_method", pa.string()), ("pool_qpv", pa.bool_()), ("pool_method", pa.string()),
    ("base_units", pa.string())])


def _declared_measures(con) -> tuple[list[tuple[Indicator, Measure]], list[str]]:
    """Every measure of the catalogue, numbered in declaration order (the first one to give a
    cell wins), with its text, flags and how it is summed, in a table the SQL joins."""
    measures = [(indicator, measure) for indicator in INDICATORS
                for measure in indicator.measures]
    transforms = sorted({m.transform for _, m in measures})
    rows = []
    for number, (indicator, measure) in enumerate(measures):
        published = measure.value or measure.published_rate
        method = measure.method or ("publié" if published else "ratio calculé" + (
            " (numérateur reconstitué)" if measure.reconstructed else ""))
        pooled = ("somme des QPV" if measure.value else
                  "moyenne pondérée reconstituée (approximation)" if measure.reconstructed
                  else "ratio des sommes des QPV")
        rows.append((
            number, indicator.code, measure.level, measure.source, method, measure.note,
            measure.units_label, measure.reconstructed, _counts_units(measure),
            published is None or measure.method != "", measure.value is not None,
            measure.scale, transforms.index(measure.transform), list(measure.roll_up),
            "somme des communes" if measure.value else "ratio des sommes des communes",
            measure.pool_qpv, pooled,
            LEVELS[measure.level].plural.lower() if measure.level in LEVELS else measure.level))
    names = ("measure", "indicator", "base_level", "source", "method", "note", "units_label",
             "reconstructed", "counts_units", "computed", "is_value", "scale", "transform",
             "roll_up", "roll_up_method", "pool_qpv", "pool_method", "base_units")
    declared = pa.Table.from_pylist([dict(zip(names, row, strict=True)) for row in rows],
                                    schema=DECLARED_MEASURES)  # one transfer, not 420 inserts
    con.register("declared_rows", declared)
    con.execute("CREATE OR REPLACE TEMP TABLE declared_measures AS SELECT * FROM declared_rows")
    con.unregister("declared_rows")
    return measures, transforms


def _published(con, measures) -> None:
    """All measures read in one statement; where two give the same cell, the first declared
    wins."""
    union = " UNION ALL ".join(_measure_select(number, measure)
                               for number, (_, measure) in enumerate(measures))
    con.execute(f"""CREATE OR REPLACE TEMP TABLE published AS
        SELECT d.indicator, c.level, c.code, c.vintage, NULL::INTEGER AS year, c.value,
               c.numerator, c.denominator, d.source, d.method, d.note, c.n_units, c.n_missing,
               d.units_label, d.reconstructed, d.counts_units, c.estimated, d.computed,
               c.measure
        FROM ({union}) c JOIN declared_measures d USING (measure)
        WHERE c.code IS NOT NULL
        QUALIFY row_number() OVER (PARTITION BY d.indicator, c.level, c.code, c.vintage
                                   ORDER BY c.measure) = 1""")


def _summed(con, transforms: list[str]) -> None:
    """Sums of the published values into their parents, for every measure at once: communes
    into EPCI, départements… (``roll_up``), QPV into « ensemble des QPV de … » (``pool_qpv``).

    Every linked unit counts, for every vintage: a unit without a value, or whose own value is
    a partial sum, makes the parent's sum partial (``n_missing``), and it is labelled so; so
    does a published rate whose weight is blank (no numerator to add). A sum never replaces a
    published cell."""
    # sums in exact decimals: float sums depend on the order of the rows, and a total ending
    # in ,5 would round one way or the other from one build to the next
    numerator, denominator = (f"sum(p.{c}::DECIMAL(18, 6))::DOUBLE"
                              for c in ("numerator", "denominator"))
    ratio = f"({numerator} / nullif({denominator}, 0) * d.scale)"
    transform = "CASE d.transform " + " ".join(
        f"WHEN {i} THEN {t.format(ratio=ratio)}" for i, t in enumerate(transforms)) + " END"
    complete = ("p.value IS NOT NULL AND p.n_missing = 0 AND (d.is_value OR "
                "(p.numerator IS NOT NULL AND p.denominator IS NOT NULL))")
    con.execute(f"""CREATE OR REPLACE TEMP TABLE summed AS
        WITH targets AS (
            SELECT measure, unnest(roll_up) AS parent_level, '' AS prefix, roll_up_method AS method
            FROM declared_measures
            UNION ALL
            SELECT measure, unnest({list(ADMIN_LEVELS)}), base_level || '_', pool_method
            FROM declared_measures WHERE pool_qpv
        ), vintages AS (
            SELECT DISTINCT measure, vintage FROM published
            WHERE measure IN (SELECT measure FROM targets)
        ), units AS (
            SELECT t.measure, t.prefix, t.method, l.code, l.parent_level, l.parent_code,
                   v.vintage
            FROM targets t JOIN declared_measures d USING (measure)
            JOIN vintages v USING (measure)
            JOIN marts.territory_links l
              ON l.level = d.base_level AND l.parent_level = t.parent_level
        )
        SELECT d.indicator, u.prefix || u.parent_level AS level, u.parent_code AS code,
               u.vintage, NULL::INTEGER AS year,
               CASE WHEN d.is_value THEN sum(p.value::DECIMAL(18, 6))::DOUBLE
                    ELSE {transform} END AS value,
               CASE WHEN NOT d.is_value THEN {numerator} END AS numerator,
               CASE WHEN NOT d.is_value THEN {denominator} END AS denominator,
               d.source, u.method, d.note,
               count(*) FILTER (WHERE {complete})::INTEGER AS n_units,
               count(*) FILTER (WHERE NOT ({complete}))::INTEGER AS n_missing,
               d.base_units AS units_label, d.reconstructed, d.counts_units,
               coalesce(bool_or(p.estimated), false) AS estimated, true AS computed, u.measure
        FROM units u JOIN declared_measures d USING (measure)
        LEFT JOIN published p
          ON p.measure = u.measure AND p.code = u.code AND p.vintage = u.vintage
         AND p.level = d.base_level
        GROUP BY d.indicator, u.prefix, u.parent_level, u.parent_code, u.vintage, d.source,
                 u.method, d.note, d.base_units, d.reconstructed, d.counts_units, u.measure,
                 d.is_value, d.scale, d.transform
        HAVING count(p.value) > 0""")


def build_values(con) -> None:
    """Published values first, then their sums, in memory; the mart is written once."""
    con.execute(VALUE_TABLE)
    measures, transforms = _declared_measures(con)
    _published(con, measures)
    _summed(con, transforms)
    # a column a file does not have one year is not a blank of that year: no rows at all
    con.execute(f"""INSERT INTO marts.indicator_values
        WITH candidates AS (
            SELECT * FROM published
            UNION ALL BY NAME
            (SELECT s.* FROM summed s ANTI JOIN published p
               ON p.indicator = s.indicator AND p.level = s.level AND p.code = s.code
              AND p.vintage = s.vintage
             QUALIFY row_number() OVER (PARTITION BY s.indicator, s.level, s.code, s.vintage
                                        ORDER BY s.measure) = 1)
        ), kept AS (
            SELECT c.* FROM candidates c SEMI JOIN (
                SELECT indicator, level, vintage, source FROM candidates
                GROUP BY ALL HAVING count(value) > 0) k
              ON k.indicator = c.indicator AND k.level = c.level AND k.vintage = c.vintage
             AND k.source = c.source
        )
        SELECT k.* EXCLUDE (measure) REPLACE (y.year AS year),
               CASE WHEN k.value IS NULL THEN 'non_publie' ELSE 'ok' END AS status
        FROM kept k JOIN (SELECT vintage, {YEAR_OF.format(v="vintage")} AS year
                          FROM (SELECT DISTINCT vintage FROM kept)) y USING (vintage)
        ORDER BY {CLUSTERED["indicator_values"]}""")
    for table in ("published", "summed", "declared_measures"):
        con.execute(f"DROP TABLE {table}")
    apply_secrecy(con)
    _round_and_qualify(con)


def _round_and_qualify(con) -> None:
    """Computed values rounded once, here, to the indicator's precision (published ones stay
    as published); then each value's status says what a reader must know before using it: a
    partial sum first (never a sound figure, whatever its value), then an estimate, then a
    share past its bounds."""
    decimals = [(i.code, i.decimals, i.bounds[0], i.bounds[1], i.may_exceed_100, i.is_share)
                for i in INDICATORS]
    con.execute("CREATE OR REPLACE TEMP TABLE declared (indicator VARCHAR, decimals INTEGER, "
                "low DOUBLE, high DOUBLE, may_exceed VARCHAR, is_share BOOLEAN)")
    con.executemany("INSERT INTO declared VALUES (?, ?, ?, ?, ?, ?)", decimals)
    con.execute("""UPDATE marts.indicator_values v SET value = round(v.value, d.decimals)
        FROM declared d WHERE d.indicator = v.indicator AND v.computed""")
    con.execute("UPDATE marts.indicator_values SET status = 'incomplet' "
                "WHERE status = 'ok' AND n_missing > 0")
    con.execute("UPDATE marts.indicator_values SET status = 'estimation' "
                "WHERE status = 'ok' AND estimated")
    outside = ("d.indicator = v.indicator AND d.is_share AND v.value IS NOT NULL "
               "AND (v.value > d.high OR v.value < d.low)")
    con.execute(f"""UPDATE marts.indicator_values v SET note = concat_ws(' ; ',
            nullif(v.note, ''), 'au-delà de 100 % : ' || d.may_exceed)
        FROM declared d WHERE {outside} AND d.may_exceed <> ''""")
    con.execute(f"""UPDATE marts.indicator_values v SET
            status = CASE WHEN d.may_exceed <> '' THEN 'hors_bornes' ELSE 'incoherent' END,
            value = CASE WHEN d.may_exceed <> '' THEN v.value END
        FROM declared d WHERE {outside} AND v.status IN ('ok', 'estimation')""")


ROLLED_UP_SUMS_SQL = """
    -- a département, EPCI… summed from its communes = Σ of them (complete sums only)
    WITH totals AS (
        SELECT indicator, level, code, vintage,
               unnest(CASE WHEN numerator IS NULL AND denominator IS NULL THEN ['value']
                           ELSE ['numerator', 'denominator'] END) AS field
        FROM marts.indicator_values
        WHERE method IN ('somme des communes', 'ratio des sommes des communes')
          AND n_missing = 0
    )
    SELECT 'r|' || indicator || '|' || level || '|' || code || '|' || vintage || '|' || field
               AS relation, 'total' AS role, indicator, level, code, vintage, field
    FROM totals
    UNION ALL
    SELECT 'r|' || t.indicator || '|' || t.level || '|' || t.code || '|' || t.vintage || '|'
               || t.field, 'part', t.indicator, l.level, l.code, t.vintage, t.field
    FROM totals t JOIN marts.territory_links l
      ON l.level = 'commune' AND l.parent_level = t.level AND l.parent_code = t.code
"""


def _ratios_between_indicators_sql() -> str:
    """A share and the two counts it is made of, published as three indicators: any two give
    the third (declared by ``Indicator.recomputed_from``)."""
    triples = [(i.code, *i.recomputed_from) for i in INDICATORS if i.recomputed_from]
    selects = []
    for ratio, numerator, denominator in triples:
        members = " UNION ALL ".join(
            f"SELECT '{role}' AS role, '{code}' AS indicator" for role, code in
            (("ratio", ratio), ("numerator", numerator), ("denominator", denominator)))
        selects.append(f"""
            SELECT 'x|{ratio}|' || v.level || '|' || v.code || '|' || v.vintage AS relation,
                   m.role, m.indicator, v.level, v.code, v.vintage, 'value' AS field
            FROM marts.indicator_values v, ({members}) m
            WHERE v.indicator = '{ratio}' AND EXISTS (
                SELECT 1 FROM marts.indicator_values n WHERE n.indicator = '{numerator}'
                  AND n.level = v.level AND n.code = v.code AND n.vintage = v.vintage)""")
    return " UNION ALL ".join(selects)


def apply_secrecy(con) -> int:
    """INSEE rules (``engine.secrecy``): a ratio over fewer than 11 units is hidden, with
    whatever would let a reader recompute it — its counts, another QPV of the same pooled
    group, another commune of the same sum. Only the relations of the indicators and vintages
    where a ratio falls under the rule can hide anything: the others are not read."""
    seeds = set(con.execute("""SELECT DISTINCT indicator, vintage FROM marts.indicator_values
        WHERE counts_units AND value IS NOT NULL AND denominator < ?""", [THRESHOLD]).fetchall())
    linked = [(i.code, *i.recomputed_from) for i in INDICATORS if i.recomputed_from]
    while True:  # a share hides its counts and the reverse: close over those links
        grown = seeds | {(other, vintage) for codes in linked for code, vintage in seeds
                         if code in codes for other in codes}
        if grown == seeds:
            break
        seeds = grown
    if not seeds:
        return 0
    con.execute("CREATE OR REPLACE TEMP TABLE secrecy_seeds (indicator VARCHAR, vintage VARCHAR)")
    con.executemany("INSERT INTO secrecy_seeds VALUES (?, ?)", sorted(seeds))
    relations = " UNION ALL ".join(
        f"SELECT * FROM ({sql}) WHERE (indicator, vintage) IN (SELECT (indicator, vintage) "
        "FROM secrecy_seeds)"
        for sql in (POOLED_QPV_SUMS_SQL, ROLLED_UP_SUMS_SQL, _ratios_between_indicators_sql()))
    return apply_to_values(con, relations)


CLUSTERED = {"indicator_values": "level, code, indicator, vintage", "territories": "level, code",
             "territory_links": "level, code", "references": "level, code, rank",
             "search": "level, code"}


def cluster(con) -> None:
    """Store the marts sorted by the keys pages look up: DuckDB's zone maps then skip most
    row groups, and a profile's queries take a few milliseconds instead of scans."""
    for table, keys in CLUSTERED.items():
        if table == "indicator_values":
            continue  # written in this order by build_values
        con.execute(f"CREATE OR REPLACE TABLE marts.{table} AS "
                    f"SELECT * FROM marts.{table} ORDER BY {keys}")
    # a territory's values are a few hundred rows among three million: an index finds them
    # without decompressing whole row groups (a profile's lookups: 32 ms → 6 ms each)
    con.execute("CREATE INDEX indicator_values_territory ON marts.indicator_values (level, code)")


SEARCH_KEY_MACRO = (
    "CREATE OR REPLACE MACRO search_key(x) AS regexp_replace(regexp_replace("
    "' ' || trim(regexp_replace(strip_accents(lower(x)), '[^a-z0-9]+', ' ', 'g')) || ' ', "
    "' st ', ' saint ', 'g'), ' ste ', ' sainte ', 'g')")


def build_search(con) -> None:
    """Keys without accents, case, hyphens or apostrophes: « St-Nazaire » ~ « saint nazaire ».

    Keys are padded with spaces so that « st » is only expanded as a whole word.
    ``marts.search_codes`` holds one row per code (lower case) and per postcode of every
    territory, whatever its level (arrondissements municipaux included when
    ``marts.territories`` has them), sorted and indexed by token: a 5-digit query finds in one look-up
    both the communes having it as postcode and the commune whose INSEE code it is.
    """
    con.execute(SEARCH_KEY_MACRO)
    con.execute("""
        CREATE OR REPLACE TABLE marts.search AS
        SELECT level, code, name, population, departement,
               search_key(name) AS key, coalesce(postcodes, '') AS postcodes
        FROM marts.territories
        UNION ALL  -- a contract leads to its signatory, or to today's EPCI holding it
        SELECT t.level, t.code, c.name || ' (contrat de ville ' || c.code || ')',
               t.population, t.departement, search_key(c.name || ' ' || c.code), ''
        FROM marts.contrats c JOIN marts.territories t
          ON (t.level = c.signatory_level AND t.code = c.signatory_code
              AND c.signatory_name IS NOT NULL)
          OR (t.level = 'epci' AND t.code = c.epci AND c.signatory_name IS NULL)
    """)
    con.execute("""
        CREATE OR REPLACE TABLE marts.search_codes AS
        SELECT token, via, level, code, name, population, departement FROM (
            SELECT lower(code) AS token, 'code' AS via, level, code, name, population,
                   departement
            FROM marts.territories
            UNION
            SELECT trim(p), 'postcode', level, code, name, population, departement
            FROM (SELECT unnest(string_split(postcodes, ',')) AS p, level, code, name,
                         population, departement
                  FROM marts.territories WHERE coalesce(postcodes, '') <> '')
            WHERE trim(p) <> '')
        ORDER BY token, level, code
    """)
    con.execute("CREATE INDEX search_codes_token ON marts.search_codes (token)")


def build_sources(con, manifest: dict, checksums: dict) -> None:
    rows = [(s.key, s.family, s.path, s.producer, s.dataset, s.vintage, s.licence, s.origin,
             s.attribution, "\n".join(s.doubts), "\n".join(s.file_notes),
             manifest.get(s.key, {}).get("sha256"), checksums[s.key])
            for s in SOURCES]
    con.execute("""CREATE OR REPLACE TABLE marts.sources (key VARCHAR, family VARCHAR,
        path VARCHAR, producer VARCHAR, dataset VARCHAR, vintage VARCHAR, licence VARCHAR,
        origin VARCHAR, attribution VARCHAR, doubts VARCHAR, file_notes VARCHAR,
        bundled_sha256 VARCHAR, built_sha256 VARCHAR)""")
    con.executemany("INSERT INTO marts.sources VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    rows)
