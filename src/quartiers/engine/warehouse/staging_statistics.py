"""Staging of the statistical sources: INSEE QPV files, Filosofi, census, CAF, BPE, populations.

INSEE files change their column names from one year to the next (``DISP_MED_A19``,
``disp_q2_a16``, ``Q219``, ``MED21``): every numeric column is staged under one normalised name
(``median``, ``tp60``, ``d1``…) so that an indicator is declared once for all vintages. Every
non-empty cell must parse as a number, except « s » (secret) and « nd », which stay blank.
"""

from __future__ import annotations

import re

from ..sources.catalogue import FILO_QP_YEARS, QPV2015_YEARS
from .staging import check_numbers, raw_table, source_by_key

TEXT_COLUMNS = {"_line", "codgeo", "libgeo", "lib_com", "iris", "com", "typ_iris", "lab_iris",
                "reg", "dep", "libcom", "libiris"}
SYNONYMS = {"q2": "median", "med": "median", "d1d9": "rd", "gi": "gini", "nbmenfisc": "nbmen"}


def normalised(column: str, year: int | None = None) -> str:
    """``DISP_MED_A19`` → ``median``; ``TP60AGE121`` → ``tp60age1``; ``ABC_25`` → ``abc_25``."""
    name = re.sub(r"\W+", "_", column.lstrip("\ufeff").strip().lower()).strip("_")
    if year is not None:
        yy = f"{year % 100:02d}"
        name = re.sub(rf"(_a{yy}|{yy})$", "", name) if name not in ("rd",) else name
        name = name.removeprefix("disp_")
    return SYNONYMS.get(name, name)


def numeric_columns(con, table: str) -> list[str]:
    """Raw columns holding numbers: not codes or labels, not the empty trailing columns."""
    names = [row[0] for row in con.execute(f"DESCRIBE {table}").fetchall()]
    return [n for n in names if normalised(n) not in TEXT_COLUMNS
            and not re.fullmatch(r"column\d+", n) and n.strip()]


def checked_columns(con, source, year: int | None = None) -> dict[str, str]:
    """{normalised name: raw column} for every numeric column of a source, once checked."""
    columns = numeric_columns(con, raw_table(source))
    check_numbers(con, source, columns)
    staged: dict[str, str] = {}
    for column in columns:
        staged.setdefault(normalised(column, year), column)  # first wins on a clash
    return staged


def as_numbers(staged: dict[str, str]) -> str:
    """« num("TP6021") AS tp60, … »: the staged columns as SQL."""
    return ", ".join(f'num("{column}"::VARCHAR) AS {name}' for name, column in staged.items())


def code_column(con, table: str) -> str:
    return next(row[0] for row in con.execute(f"DESCRIBE {table}").fetchall()
                if row[0].lstrip("\ufeff").lower() == "codgeo")


def stage_statistics(con) -> None:
    _stage_qpv2015(con)
    _stage_filosofi(con)
    _stage_census(con)
    _stage_populations(con)
    _stage_caf_and_bpe(con)
    _stage_qpv_population_share(con)


def _stage_qpv2015(con) -> None:
    """INSEE QPV 2015 files, one table per family, one row per QPV and publication year."""
    families = {name.lower(): [(year, f"qpv2015_{name.lower()}:{year}", f"publication {year}")
                               for year in years] for name, years in QPV2015_YEARS.items()}
    families["filo"] = [(year, f"qpv2015_filo:{year}", f"revenus {year}")
                        for year in FILO_QP_YEARS]
    for family, files in families.items():
        selects = []
        for year, key, vintage in files:
            source = source_by_key(key)
            table = raw_table(source)
            columns = as_numbers(checked_columns(con, source, year if family == "filo" else None))
            code = code_column(con, table)
            labels = ', "LIBGEO" AS name' + (', "LIB_COM" AS lib_com' if family == "demo" else "")
            selects.append(f"""SELECT "{code}" AS code{labels if family != 'filo' else ''},
                '{vintage}' AS vintage, {columns} FROM {table}""")
        _split_ensemble(con, f"qpv2015_{family}", " UNION ALL BY NAME ".join(selects))


def _split_ensemble(con, table: str, select: str) -> None:
    """INSEE files open with an « Ensemble » row (all QPV of France): keep it apart."""
    con.execute(f"CREATE OR REPLACE TABLE staging.{table}_all AS {select}")
    con.execute(f"CREATE OR REPLACE VIEW staging.{table} AS SELECT * FROM staging.{table}_all "
                "WHERE code LIKE 'QP%'")
    con.execute(f"CREATE OR REPLACE VIEW staging.{table}_france AS SELECT * REPLACE ('FR' AS code)"
                f" FROM staging.{table}_all WHERE code = 'Ensemble'")


def _stage_by_commune(con, key: str, target: str, vintage: str, *, year: int | None,
                      summable: tuple[str, ...], whole_city_rows: bool = True) -> None:
    """A file by commune (and arrondissement): counts in ``summable`` are summed over former
    communes, anything else kept only from a commune's own row; arrondissements apart."""
    source = source_by_key(key)
    table, staged = raw_table(source), checked_columns(con, source, year)
    code, columns, names = code_column(con, table), as_numbers(staged), list(staged)
    aggregates = ", ".join(
        f"sum({n}) AS {n}" if n in summable else
        f"CASE WHEN count(*) = 1 AND bool_and(code = commune) THEN any_value({n}) END AS {n}"
        for n in names)
    con.execute(f"""CREATE OR REPLACE TABLE staging.{target} AS
        WITH r AS (SELECT "{code}" AS code, {columns} FROM {table}),
        mapped AS (
            SELECT k.code AS commune, r.* FROM r JOIN staging.commune_codes k
              ON k.any_code = r.code
            {"WHERE r.code NOT IN (SELECT code FROM staging.arrondissements)"
             if whole_city_rows else ""})
        SELECT commune AS code, 'commune' AS level, '{vintage}' AS vintage, {aggregates}
        FROM mapped GROUP BY commune
        UNION ALL BY NAME
        SELECT r.code, 'arrondissement' AS level, '{vintage}' AS vintage, r.* EXCLUDE (code)
        FROM r JOIN staging.arrondissements a ON a.code = r.code""")
    for level in ("commune", "arrondissement"):
        con.execute(f"CREATE OR REPLACE VIEW staging.{target}_{level} AS "
                    f"SELECT * FROM staging.{target} WHERE level = '{level}'")


def _stage_filosofi(con) -> None:
    for key, target in (("filosofi_com", "filo_com"), ("filosofi_epci", "filo_epci"),
                        ("filosofi_dep", "filo_dep"), ("filosofi_reg", "filo_reg"),
                        ("filosofi_metropole", "filo_france")):
        source = source_by_key(key)
        table, columns = raw_table(source), as_numbers(checked_columns(con, source, 2019))
        code = "'FR'" if target == "filo_france" else f'"{code_column(con, table)}"'
        con.execute(f"""CREATE OR REPLACE TABLE staging.{target} AS
            SELECT {code} AS code, 'revenus 2019' AS vintage, {columns} FROM {table}""")
    _stage_by_commune(con, "filosofi_2021_com", "filo21", "revenus 2021", year=2021,
                      summable=("nbmen", "nbpersmenfisc"))
    _stage_by_commune(con, "filosofi_pauvres_com_2018", "pauvres_com_2018", "revenus 2018",
                      year=2018, summable=())
    source = source_by_key("filosofi_pauvres_dep_2020")
    table, columns = raw_table(source), as_numbers(checked_columns(con, source, 2020))
    con.execute(f"""CREATE OR REPLACE TABLE staging.pauvres_dep_2020 AS
        SELECT "{code_column(con, table)}" AS code, 'revenus 2020' AS vintage, {columns}
        FROM {table}""")


CENSUS_COUNTS = ("p18_pop", "p13_pop", "superf", "nais1318", "dece1318", "p18_men", "p18_log",
                 "p18_rp", "p18_rsecocc", "p18_logvac", "p18_rp_prop", "p18_emplt",
                 "p18_emplt_sal", "p13_emplt", "p18_pop1564", "p18_chom1564", "p18_act1564",
                 "nbmenfisc19", "naisd20", "decesd20")


def _stage_census(con) -> None:
    """Comparateur de territoires: census 2018 counts (and Filosofi 2019 columns)."""
    _stage_by_commune(con, "comparateur", "comparateur", "RP 2018", year=None,
                      summable=CENSUS_COUNTS)


def _stage_populations(con) -> None:
    """Populations légales: Paris, Lyon and Marseille appear only through their arrondissements,
    summed into the commune (as INSEE does)."""
    selects = []
    for year, kind in ((2023, "com"), (2021, "com"), (2023, "dep"), (2023, "reg")):
        table = raw_table(source_by_key(f"populations_legales_{year}_{kind}"))
        vintage = f"'population légale {year}' AS vintage, {year} AS year"
        if kind == "com":
            selects.append(f"""
                SELECT k.code, 'commune' AS level, {vintage}, sum(num(r."PMUN")) AS pmun
                FROM {table} r JOIN staging.commune_codes k ON k.any_code = r."COM" GROUP BY ALL
                UNION ALL
                SELECT r."COM", 'arrondissement', {vintage}, num(r."PMUN")
                FROM {table} r JOIN staging.arrondissements a ON a.code = r."COM" """)
        else:
            column = "DEP" if kind == "dep" else "REG"
            level = "departement" if kind == "dep" else "region"
            selects.append(f"""SELECT "{column}" AS code, '{level}', {vintage}, num("PMUN")
                               FROM {table}""")
    con.execute("CREATE OR REPLACE TABLE staging.populations AS " + " UNION ALL ".join(selects))


BPE_GROUPS = {"pharmacies": ("D301",), "medecins": ("D201",), "boulangeries": ("B203",),
              "alimentaire": ("B101", "B102", "B201", "B202"),
              "ecoles": ("C101", "C102", "C104", "C105"), "poste": ("A206", "A207", "A208")}


def _stage_caf_and_bpe(con) -> None:
    caf = source_by_key("caf_iris")
    table = raw_table(caf)
    checked_columns(con, caf)
    counts = ("a", "percou", "am", "aal", "aaah", "arsas", "appa")
    sums = ", ".join(f'sum(num("{c.upper()}")) AS {c}' for c in counts)
    # allocataires of the IRIS where each count is published: the denominator of its share
    bases = ", ".join(f'sum(num("A")) FILTER (WHERE num("{c.upper()}") IS NOT NULL) AS a_{c}'
                      for c in counts[2:])
    con.execute(f"""CREATE OR REPLACE TABLE staging.caf_commune AS
        SELECT k.code, 'au 31/12/2020' AS vintage, {sums}, {bases}, count(*) AS n_iris,
               count(*) FILTER (WHERE num(i."A") IS NULL) AS n_missing,
               any_value(c.population) AS population
        FROM {table} i
        JOIN staging.commune_codes k ON k.any_code = left(i."CODGEO", 5)
        JOIN staging.communes c ON c.code = k.code
        GROUP BY k.code""")
    bpe = source_by_key("bpe")
    table = raw_table(bpe)
    check_numbers(con, bpe, ["NB_EQUIP"])
    pivots = ", ".join(
        f"coalesce(sum(num(b.\"NB_EQUIP\")) FILTER (WHERE b.\"TYPEQU\" IN "
        f"({', '.join(repr(t) for t in types)})), 0) AS {name}"
        for name, types in BPE_GROUPS.items())
    con.execute(f"""CREATE OR REPLACE TABLE staging.bpe_commune AS
        SELECT c.code, '2019' AS vintage, any_value(c.population) AS population, {pivots}
        FROM staging.communes c
        LEFT JOIN staging.commune_codes k ON k.code = c.code
        LEFT JOIN {table} b ON b."DEPCOM" = k.any_code
        WHERE c.region IN ('52', '53')
        GROUP BY c.code""")
    iris = source_by_key("filosofi_iris")  # bundled and checked; IRIS medians are never pooled
    checked_columns(con, iris)


def _stage_qpv_population_share(con) -> None:
    """Population of the QPV 2024 inside each territory. The sources give one population per
    QPV: a QPV over several communes is shared among them in proportion to its area in each
    (normalised so that the shares sum to one), and the result is flagged as an estimate only
    where the territory holds part of such a QPV, not all of it."""
    con.execute("""CREATE OR REPLACE TABLE staging.qpv_population_share AS
        WITH weights AS (
            SELECT l.code AS qpv, l.commune, f.pop,
                   CASE WHEN sum(l.share) OVER w > 0 THEN l.share / sum(l.share) OVER w
                        ELSE 1 / count(*) OVER w END AS weight
            FROM staging.qpv_communes l LEFT JOIN staging.qpv_figures f ON f.code = l.code
            WINDOW w AS (PARTITION BY l.code)
        ), commune_levels AS (
            SELECT c.code AS commune, c.population,
                   unnest(['commune', 'epci', 'departement', 'region', 'france']) AS level,
                   unnest([c.code, c.epci, c.departement, c.region, 'FR']) AS code
            FROM staging.communes c
        ), denominators AS (
            SELECT level, code, sum(population) AS population FROM commune_levels
            WHERE code IS NOT NULL GROUP BY ALL
        ), per_qpv AS (
            SELECT t.level, t.code, w.qpv, any_value(w.pop) AS pop, sum(w.weight) AS weight
            FROM weights w JOIN commune_levels t ON t.commune = w.commune
            WHERE t.code IS NOT NULL GROUP BY ALL
        ), numerators AS (
            SELECT level, code, sum(pop * weight) AS qpv_pop, count(*) AS n_qpv,
                   count(*) FILTER (WHERE pop IS NULL) AS n_qpv_missing,
                   bool_or(weight < 0.999) AS estimated
            FROM per_qpv GROUP BY ALL
        )
        SELECT d.level, d.code, 'QPV 2024 / population légale 2023' AS vintage,
               coalesce(n.qpv_pop, 0) AS qpv_pop, d.population,
               coalesce(n.n_qpv, 0) AS n_qpv, coalesce(n.n_qpv_missing, 0) AS n_qpv_missing,
               coalesce(n.estimated, false) AS estimated
        FROM denominators d LEFT JOIN numerators n USING (level, code)""")

