"""Build of the employment analysis: INSEE QPV 2015 files (IPRO) per publication year, their sums
over the QPV of a commune, EPCI, département, région and France, and the census of the whole
territory for comparison.

Three steps, each a table a reader can query: ``staging.emploi_qpv`` (one row per QPV,
publication year and measure, with whether the year's file has the column at all, so that a
column absent from a file is told from a blank cell), ``staging.emploi_groups`` (which QPV each
territory pools) and ``marts.analysis_emploi``. Rates are never averaged over QPV: the files
give no 15-64 population to weigh them; only sums of counts and shares of those sums are pooled.
"""

from __future__ import annotations

from ..sources.catalogue import QPV2015_YEARS
from ..warehouse.staging import BuildError, raw_table, source_by_key
from ..warehouse.staging_statistics import normalised
from .model import RESULT_COLUMNS

YEARS = QPV2015_YEARS["IPRO"]
SOURCE = "qpv2015_ipro:{year}"
CENSUS_SOURCE = "comparateur"
POOLED_LEVELS = ("commune", "epci", "departement", "region", "france")

# component -> staged column(s) of the IPRO files (the first one present in a year's file wins)
COUNTS = {
    "de_abcde": ("abcde",), "de_abc": ("abc",), "de_a": ("a",),
    "de_femmes": ("abc_f",), "de_hommes": ("abc_h",),
    "de_moins_25": ("abc_25",), "de_26_49": ("abc_2649",), "de_50_plus": ("abc_50",),
    "de_francais": ("abc_fr",), "de_etrangers": ("abc_e",), "de_rsa": ("abc_rsa",),
    "de_infcapbep": ("abc_infcapbep",), "de_capbep": ("abc_capbep",), "de_bac": ("abc_bac",),
    "de_supbac": ("abc_supbac",),
    "de_dur1": ("abc_dur1",), "de_dur2": ("abc_dur2",), "de_dur3": ("abc_dur3",),
    "de_dur4": ("abc_dur4",),
}
# published for each QPV only (and for « Ensemble des QPV » where a file has that row)
RATES = {
    "taux_emploi": ("tx_tot_empl",), "taux_emploi_femmes": ("tx_f_empl",),
    "taux_emploi_etrangers": ("tx_et_empl",),
    "part_emplois_precaires": ("tx_tot_edlim", "tx_tot_eprec"),
    "evolution_abc_publiee": ("evol_abc_t4",), "evolution_a_publiee": ("evol_a_t4",),
}
# share component -> count component over de_abc
SHARES = {
    "part_a": "de_a", "part_femmes": "de_femmes", "part_moins_25": "de_moins_25",
    "part_26_49": "de_26_49", "part_50_plus": "de_50_plus", "part_etrangers": "de_etrangers",
    "part_rsa": "de_rsa", "part_infcapbep": "de_infcapbep", "part_capbep": "de_capbep",
    "part_bac": "de_bac", "part_supbac": "de_supbac", "part_dur1": "de_dur1",
    "part_dur2": "de_dur2", "part_dur3": "de_dur3", "part_dur4": "de_dur4",
}
MEASURES = {**COUNTS, **RATES}

NOT_IN_FILE = "Colonne absente du fichier de la publication {year} de l'INSEE."
RATE_NOT_POOLED = ("Taux publié par quartier seulement : sans l'effectif des 15-64 ans de chaque "
                   "quartier, les taux des quartiers ne peuvent pas être moyennés (voir la "
                   "médiane des quartiers).")
SAME_CENSUS = ("Les publications 2017 et 2018 portent exactement les mêmes taux d'emploi pour "
               "chaque quartier (même recensement) : pas d'évolution à lire.")


def build(con, context) -> None:
    stage_qpv(con)
    stage_groups(con)
    stage_census(con)
    write_results(con)
    write_details(con)


def file_columns(con, year: int) -> set[str]:
    """Normalised names of the columns the publication year's raw file really has."""
    table = raw_table(source_by_key(SOURCE.format(year=year)))
    return {normalised(row[0]) for row in con.execute(f"DESCRIBE {table}").fetchall()}


def stage_qpv(con) -> None:
    """One row per QPV, year and measure, from the observatory's staging of the IPRO files
    (every numeric column, blank = NULL), with the file's own column list."""
    presence = []
    for year in YEARS:
        found = file_columns(con, year)
        for measure, columns in MEASURES.items():
            present = next((c for c in columns if c in found), None)
            presence.append((year, measure, present))
    con.execute("CREATE OR REPLACE TEMP TABLE emploi_presence (year INTEGER, measure VARCHAR, "
                "column_name VARCHAR)")
    con.executemany("INSERT INTO emploi_presence VALUES (?, ?, ?)", presence)
    staged = {row[0] for row in con.execute("DESCRIBE staging.qpv2015_ipro_all").fetchall()}
    values = ", ".join(
        f"{_first_present(columns, staged)} AS {measure}" for measure, columns in MEASURES.items())
    con.execute(f"""CREATE OR REPLACE TABLE staging.emploi_ipro AS
        SELECT code, CAST(right(vintage, 4) AS INTEGER) AS year, note_pe, {values}
        FROM staging.qpv2015_ipro_all""")
    con.execute(f"""CREATE OR REPLACE TABLE staging.emploi_qpv AS
        WITH long AS (
            SELECT * FROM staging.emploi_ipro
            UNPIVOT INCLUDE NULLS (value FOR measure IN ({', '.join(MEASURES)})))
        SELECT l.code, l.year, l.measure, l.value, p.column_name IS NOT NULL AS present,
               l.note_pe
        FROM long l JOIN emploi_presence p USING (year, measure)""")


def _first_present(columns: tuple[str, ...], staged: set[str]) -> str:
    found = [c for c in columns if c in staged]
    if not found:
        raise BuildError(
            f"qpv2015/IPRO_{YEARS[0]}…{YEARS[-1]}.csv.gz : aucune publication n'a la colonne "
            f"{' ou '.join(c.upper() for c in columns)} (renommée ou absente) : l'analyse "
            "« emploi » ne peut pas être calculée")
    return f"coalesce({', '.join(found)})" if len(found) > 1 else found[0]


def stage_groups(con) -> None:
    """Each QPV 2015 of the files in itself and in its commune, EPCI, département, région and
    France (a QPV over two communes counts in its main commune, as in the referential)."""
    con.execute("""CREATE OR REPLACE TABLE staging.emploi_groups AS
        WITH q AS (SELECT t.* FROM marts.territories t
                   WHERE t.level = 'qpv2015'
                     AND t.code IN (SELECT DISTINCT code FROM staging.emploi_qpv
                                    WHERE code LIKE 'QP%'))
        SELECT code AS qpv, 'qpv2015' AS level, code FROM q
        UNION ALL SELECT code, 'commune', commune FROM q WHERE commune IS NOT NULL
        UNION ALL SELECT code, 'epci', epci FROM q WHERE epci IS NOT NULL
        UNION ALL SELECT code, 'departement', departement FROM q WHERE departement IS NOT NULL
        UNION ALL SELECT code, 'region', region FROM q WHERE region IS NOT NULL
        UNION ALL SELECT code, 'france', 'FR' FROM q""")


def stage_census(con) -> None:
    """The whole territory from the census 2018 (comparateur de territoires): counts of its
    communes summed, for each territory that pools at least one QPV."""
    con.execute("""CREATE OR REPLACE TABLE staging.emploi_census AS
        WITH c AS (
            SELECT t.code AS commune, t.epci, t.departement, t.region, r.p18_pop1564 AS pop,
                   r.p18_act1564 AS act, r.p18_chom1564 AS chom
            FROM marts.territories t JOIN staging.comparateur_commune r ON r.code = t.code
            WHERE t.level = 'commune'),
        member AS (
            SELECT 'commune' AS level, commune AS code, * FROM c
            UNION ALL SELECT 'epci', epci, * FROM c WHERE epci IS NOT NULL
            UNION ALL SELECT 'departement', departement, * FROM c
            UNION ALL SELECT 'region', region, * FROM c WHERE region IS NOT NULL
            UNION ALL SELECT 'france', 'FR', * FROM c)
        SELECT level, code, sum(pop) AS pop, sum(act - chom) AS employed, sum(act) AS act,
               sum(chom) AS chom, count(*) AS n_communes, count(pop) AS n_published
        FROM member
        WHERE (level, code) IN (SELECT level, code FROM staging.emploi_groups)
        GROUP BY level, code""")


def _values(names) -> str:
    return ", ".join(f"('{name}')" for name in names)


def write_results(con) -> None:
    """Every component for every QPV and pooling territory, one facet per publication year."""
    columns = ", ".join(f"{name} {kind}" for name, kind in RESULT_COLUMNS)
    con.execute(f"CREATE OR REPLACE TABLE marts.analysis_emploi ({columns})")
    changes = [_COUNT_CHANGE.replace("{component}", component).replace("{base}", base)
               for component, base in COUNT_CHANGES.items()]
    for sql in (_COUNTS, _SHARES, _RATES, _MEDIAN, _RATE_CHANGE, *changes, _CENSUS):
        con.execute("INSERT INTO marts.analysis_emploi BY NAME " + sql.format(
            counts=_values(COUNTS), rates=_values(RATES), pooled=_values(POOLED_LEVELS),
            shares=", ".join(f"('{s}', '{c}')" for s, c in SHARES.items()),
            not_in_file=NOT_IN_FILE.replace("'", "''").replace("{year}", "' || year || '"),
            rate_not_pooled=RATE_NOT_POOLED.replace("'", "''"),
            same_census=SAME_CENSUS.replace("'", "''")))
    con.execute("""CREATE OR REPLACE TABLE marts.analysis_emploi_facets AS
        SELECT DISTINCT facet, 'Publication ' || facet || ' de l''INSEE (demandeurs '
               || 'd''emploi au 31/12/' || (CAST(facet AS INTEGER) - 1) || ')' AS label,
               CAST(facet AS INTEGER) AS position
        FROM marts.analysis_emploi ORDER BY position""")


# the columns of the detail tables: one row per territory (or QPV) and publication
SERIES = ("taux_emploi", "taux_emploi_median", "taux_emploi_rp", "evolution_taux_emploi",
          "de_abc", "part_a", "part_femmes", "part_moins_25", "part_50_plus", "part_etrangers",
          "part_rsa", "part_infcapbep", "part_dur4", "evolution_abc")


def write_details(con) -> None:
    """Wide tables for the detail tables: the territory's series across publications and the
    QPV it pools, each value rounded as shown (the results keep full precision)."""
    columns = ", ".join(f"round(max(value) FILTER (component = '{c}'), 1) AS {c}"
                        for c in SERIES)
    con.execute(f"""CREATE OR REPLACE TABLE marts.emploi_series AS
        SELECT level, code, facet, {columns} FROM marts.analysis_emploi
        GROUP BY level, code, facet ORDER BY level, code, facet""")
    con.execute("""CREATE OR REPLACE TABLE marts.emploi_members AS
        SELECT g.level, g.code, g.qpv, t.name FROM staging.emploi_groups g
        JOIN marts.territories t ON t.level = 'qpv2015' AND t.code = g.qpv""")


_STATUS = """CASE WHEN NOT present THEN 'non_disponible' WHEN n_published = 0 THEN 'secret'
    ELSE 'ok' END"""

_COUNTS = """
WITH a AS (
    SELECT g.level, g.code, q.year, q.measure, bool_or(q.present) AS present, count(*) AS n,
           count(q.value) AS n_published, sum(q.value) AS total, max(q.note_pe) AS note_pe
    FROM staging.emploi_qpv q JOIN staging.emploi_groups g ON g.qpv = q.code
    WHERE q.measure IN ({counts}) GROUP BY ALL),
e AS (SELECT year AS e_year, measure AS e_measure, value AS published
      FROM staging.emploi_qpv WHERE code = 'Ensemble')
SELECT level, code, year::VARCHAR AS facet, measure AS component,
       CASE WHEN present AND n_published > 0 THEN total END AS value,
       """ + _STATUS + """ AS status, 'publication ' || year AS vintage,
       ['qpv2015_ipro:' || year] AS sources,
       CASE WHEN NOT present THEN '{not_in_file}'
            WHEN level = 'qpv2015' THEN CASE WHEN note_pe > 0 THEN
                'Indicateur de qualité NOTE_PE = ' || note_pe::INTEGER || ' dans le fichier.' END
            ELSE 'Somme des ' || n_published || ' QPV 2015 publiés sur ' || n
                 || CASE WHEN n_published < n THEN ' (les autres sous secret statistique)'
                    ELSE '' END
                 || coalesce('. Total publié par l''INSEE pour l''ensemble des QPV (secrets '
                    || 'compris, arrondi) : ' || round(published)::BIGINT, '') || '.'
       END AS note
FROM a LEFT JOIN e ON level = 'france' AND e_year = year AND e_measure = measure
"""

_SHARES = """
WITH pairs(component, part) AS (VALUES {shares}),
v AS (
    SELECT g.level, g.code, n.year, p.component, n.value AS num, d.value AS den,
           n.present AND d.present AS present, n.note_pe
    FROM pairs p JOIN staging.emploi_qpv n ON n.measure = p.part
    JOIN staging.emploi_qpv d ON d.measure = 'de_abc' AND d.code = n.code AND d.year = n.year
    JOIN staging.emploi_groups g ON g.qpv = n.code),
a AS (
    SELECT level, code, year, component, bool_or(present) AS present, count(*) AS n,
           count(*) FILTER (num IS NOT NULL AND den IS NOT NULL) AS n_published,
           sum(num) FILTER (num IS NOT NULL AND den IS NOT NULL) AS s_num,
           sum(den) FILTER (num IS NOT NULL AND den IS NOT NULL) AS s_den,
           max(note_pe) AS note_pe
    FROM v GROUP BY ALL)
SELECT level, code, year::VARCHAR AS facet, component,
       CASE WHEN present AND n_published > 0 AND s_den > 0 THEN 100 * s_num / s_den END
           AS value,
       CASE WHEN present AND n_published > 0 AND s_den = 0 THEN 'non_disponible'
            ELSE """ + _STATUS + """ END AS status,
       'publication ' || year AS vintage, ['qpv2015_ipro:' || year] AS sources,
       CASE WHEN NOT present THEN '{not_in_file}'
            WHEN n_published > 0 AND s_den = 0 THEN
                'Aucun demandeur d''emploi A, B, C : part non définie.'
            WHEN level = 'qpv2015' THEN CASE WHEN note_pe > 0 THEN
                'Indicateur de qualité NOTE_PE = ' || note_pe::INTEGER || ' dans le fichier.' END
            ELSE 'Rapport des sommes sur les ' || n_published || ' QPV 2015 (sur ' || n
                 || ') où les deux effectifs sont publiés.'
       END AS note
FROM a
"""

# QPV: the published rate; pooled territories: only the « Ensemble » row of a file (France)
_RATES = """
WITH r AS (SELECT * FROM staging.emploi_qpv WHERE measure IN ({rates})),
pooled AS (
    SELECT DISTINCT g.level, g.code, r.year, r.measure, r.present
    FROM staging.emploi_groups g, (SELECT DISTINCT year, measure, present FROM r) r
    WHERE g.level <> 'qpv2015'),
both_levels AS (
    SELECT 'qpv2015' AS level, r.code, r.year, r.measure, r.value, r.present, false AS whole
    FROM r WHERE r.code IN (SELECT qpv FROM staging.emploi_groups)
    UNION ALL
    SELECT p.level, p.code, p.year, p.measure, e.value, p.present, true
    FROM pooled p LEFT JOIN r e ON p.level = 'france' AND e.code = 'Ensemble'
      AND e.year = p.year AND e.measure = p.measure)
SELECT level, code, year::VARCHAR AS facet, measure AS component,
       CASE WHEN present THEN value END AS value,
       CASE WHEN NOT present THEN 'non_disponible' WHEN value IS NOT NULL THEN 'ok'
            WHEN whole THEN 'non_disponible' ELSE 'secret' END AS status,
       'publication ' || year AS vintage, ['qpv2015_ipro:' || year] AS sources,
       CASE WHEN NOT present THEN '{not_in_file}'
            WHEN whole AND value IS NOT NULL THEN
                'Valeur publiée par l''INSEE pour l''ensemble des QPV (ligne « Ensemble »).'
            WHEN whole THEN '{rate_not_pooled}'
            WHEN measure = 'part_emplois_precaires' THEN CASE WHEN year <= 2020 THEN
                'Colonne TX_TOT_EPREC (« emplois précaires ») de cette publication.'
                ELSE 'Colonne TX_TOT_EDLIM (« emplois à durée limitée ») de cette '
                     || 'publication.' END
       END AS note
FROM both_levels  -- for pooled territories, only the headline rate says it is not pooled
WHERE NOT whole OR value IS NOT NULL OR measure = 'taux_emploi'
"""

_MEDIAN = """
SELECT g.level, g.code, q.year::VARCHAR AS facet, 'taux_emploi_median' AS component,
       median(q.value) AS value,
       CASE WHEN count(q.value) = 0 THEN 'secret' ELSE 'ok' END AS status,
       'publication ' || q.year AS vintage, ['qpv2015_ipro:' || q.year] AS sources,
       'Médiane des taux d''emploi des ' || count(q.value) || ' QPV 2015 publiés (sur '
           || count(*) || ') : la moitié des quartiers ont un taux inférieur.' AS note
FROM staging.emploi_qpv q JOIN staging.emploi_groups g ON g.qpv = q.code
WHERE q.measure = 'taux_emploi' AND g.level <> 'qpv2015'
GROUP BY ALL
"""

_RATE_CHANGE = """
WITH r AS (SELECT * FROM marts.analysis_emploi WHERE component = 'taux_emploi'),
pairs AS (
    SELECT c.level, c.code, c.facet, c.status, c.value, p.status AS prev_status,
           p.value AS prev_value, CAST(c.facet AS INTEGER) AS year
    FROM r c LEFT JOIN r p ON p.level = c.level AND p.code = c.code
      AND CAST(p.facet AS INTEGER) = CAST(c.facet AS INTEGER) - 1)
SELECT level, code, facet, 'evolution_taux_emploi' AS component,
       CASE WHEN year > 2018 AND status = 'ok' AND prev_status = 'ok'
            THEN round(value - prev_value, 1) END AS value,
       CASE WHEN year > 2018 AND status = 'ok' AND prev_status = 'ok' THEN 'ok'
            WHEN year > 2018 AND 'secret' IN (status, prev_status) THEN 'secret'
            ELSE 'non_disponible' END AS status,
       CASE WHEN year > (SELECT min(year) FROM staging.emploi_qpv)
            THEN 'publications ' || (year - 1) || ' et ' || year
            ELSE 'publication ' || year END AS vintage,
       CASE WHEN year > (SELECT min(year) FROM staging.emploi_qpv)
            THEN ['qpv2015_ipro:' || (year - 1), 'qpv2015_ipro:' || year]
            ELSE ['qpv2015_ipro:' || year] END AS sources,
       CASE WHEN year = (SELECT min(year) FROM staging.emploi_qpv)
                THEN 'Pas de publication précédente dans les données.'
            WHEN year = 2018 THEN '{same_census}'
            WHEN status = 'non_disponible' OR prev_status = 'non_disponible'
                THEN 'Taux non publié pour cet ensemble de quartiers.' END AS note
FROM pairs WHERE level IN ('qpv2015', 'france')
"""

# change of the A, B, C count against a base publication: {base} is its year
COUNT_CHANGES = {"evolution_abc": "c.year - 1", "evolution_abc_depuis_debut": "m.first"}
_COUNT_CHANGE = """
WITH q AS (SELECT * FROM staging.emploi_qpv WHERE measure = 'de_abc'),
m AS (SELECT min(year) AS first FROM q),
v AS (
    SELECT g.level, g.code, c.year, {base} AS base, c.value AS cur, p.value AS prev
    FROM q c CROSS JOIN m JOIN staging.emploi_groups g ON g.qpv = c.code
    LEFT JOIN q p ON p.code = c.code AND p.year = {base}),
a AS (
    SELECT level, code, year, base, count(*) AS n,
           count(*) FILTER (cur IS NOT NULL AND prev IS NOT NULL) AS n_published,
           sum(cur) FILTER (cur IS NOT NULL AND prev IS NOT NULL) AS s_cur,
           sum(prev) FILTER (cur IS NOT NULL AND prev IS NOT NULL) AS s_prev
    FROM v GROUP BY ALL)
SELECT level, code, year::VARCHAR AS facet, '{component}' AS component,
       CASE WHEN year > first AND n_published > 0 AND s_prev > 0
            THEN 100 * (s_cur / s_prev - 1) END AS value,
       CASE WHEN year = first OR (n_published > 0 AND s_prev = 0) THEN 'non_disponible'
            WHEN n_published = 0 THEN 'secret' ELSE 'ok' END AS status,
       CASE WHEN year > first THEN 'publications ' || base || ' et ' || year
            ELSE 'publication ' || year END AS vintage,
       CASE WHEN year > first THEN ['qpv2015_ipro:' || base, 'qpv2015_ipro:' || year]
            ELSE ['qpv2015_ipro:' || year] END AS sources,
       CASE WHEN year = first THEN 'Pas de publication antérieure dans les données.'
            WHEN n_published > 0 AND s_prev = 0 THEN
                'Aucun demandeur dans la publication ' || base || '.'
            ELSE 'Calculée entre les publications ' || base || ' et ' || year
                 || CASE WHEN level = 'qpv2015' THEN '' ELSE ' sur les ' || n_published
                         || ' QPV 2015 (sur ' || n || ') publiés les deux fois' END
                 || ' ; l''INSEE révise ses données d''une publication à l''autre.' END AS note
FROM a, m
"""

_CENSUS = """
WITH years AS (SELECT DISTINCT year FROM staging.emploi_qpv),
c AS (SELECT * FROM staging.emploi_census,
      (VALUES ('taux_emploi_rp'), ('actifs_occupes_rp'), ('pop_1564_rp'), ('taux_chomage_rp'))
          k(component))
SELECT level, code, year::VARCHAR AS facet, component,
       CASE component WHEN 'taux_emploi_rp' THEN 100 * employed / pop
                      WHEN 'actifs_occupes_rp' THEN employed WHEN 'pop_1564_rp' THEN pop
                      ELSE 100 * chom / act END AS value,
       CASE WHEN pop > 0 AND act > 0 THEN 'ok' ELSE 'non_disponible' END AS status,
       'recensement 2018' AS vintage, ['comparateur'] AS sources,
       'Territoire entier, quartiers compris, au recensement 2018 (comparateur de territoires '
           || 'de l''INSEE) : le même chiffre pour chaque publication.'
           || CASE WHEN n_published < n_communes THEN ' ' || (n_communes - n_published)
                   || ' commune(s) sans donnée.' ELSE '' END AS note
FROM c, years
"""
