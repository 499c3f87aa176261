"""Raw and staging layers: load each bundled file as it is, check it, then type and clean it.

A raw table is the file as text, with its line number; nothing is interpreted. Checks name the
file, the line and the field. Staging tables have typed columns, current commune codes and one
row per territory; the marts read only them.
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from ..sources.catalogue import FILO_QP_YEARS, QPV2015_YEARS, SOURCES, Source, filo_qp_columns


class BuildError(Exception):
    """A source that cannot be built from; the message names the file and the field."""


# Parses the INSEE dialect: "1 234,5" (space or no-break space as thousands separator).
NUMBER_MACRO = ("CREATE OR REPLACE MACRO num(x) AS TRY_CAST(replace(replace(replace(replace("
                "trim(x), ' ', ''), chr(160), ''), chr(8239), ''), ',', '.') AS DOUBLE)")


def raw_table(source: Source) -> str:
    return "raw." + source.key.replace(":", "_")


def load_raw(con: duckdb.DuckDBPyConnection, source: Source, data_dir: Path) -> int:
    """Load one file into ``raw`` and check that the columns the build needs are there."""
    path = data_dir / source.path
    if not path.exists():
        raise BuildError(f"{source.path} : fichier absent du dossier de données {data_dir}")
    if path.suffix == ".parquet":
        reader = f"read_parquet('{path}')"
    else:
        delim = ";" if source.insee_format else ","
        reader = (f"read_csv('{path}', all_varchar=true, header=true, delim='{delim}', "
                  "quote='\"')")
    try:
        con.execute(f"CREATE OR REPLACE TABLE {raw_table(source)} AS "
                    f"SELECT row_number() OVER () + 1 AS _line, * FROM {reader}")
    except duckdb.Error as error:
        raise BuildError(f"{source.path} : fichier illisible ({error})") from error
    found = [row[0] for row in con.execute(f"DESCRIBE {raw_table(source)}").fetchall()]
    known = {name.lstrip("\ufeff").lower() for name in found}
    missing = [column for column in source.columns if column.lower() not in known]
    if missing:
        raise BuildError(
            f"{source.path} : colonne(s) attendue(s) absente(s) : {', '.join(missing)} "
            f"(colonnes trouvées : {', '.join(found[1:12])}…)")
    count = con.execute(f"SELECT count(*) FROM {raw_table(source)}").fetchone()[0]
    if count == 0:
        raise BuildError(f"{source.path} : fichier vide")
    return count


def _check_cells(con, source: Source, column: str, bad_when: str, problem: str) -> None:
    """Stop at the first cell of ``column`` where the SQL condition ``bad_when`` holds."""
    quoted = f'"{column}"'
    condition = bad_when.replace("{c}", quoted)
    bad = con.execute(f"SELECT _line, {quoted} FROM {raw_table(source)} WHERE {condition} "
                      "LIMIT 1").fetchone()
    if bad:
        raise BuildError(f"{source.path}, ligne {bad[0]}, champ « {column} » : {problem} "
                         f"« {bad[1]} »")


def check_numbers(con, source: Source, columns: tuple[str, ...]) -> None:
    """Every non-empty cell of a numeric column must parse; blanks stay blanks (not published)."""
    for column in columns:
        _check_cells(con, source, column, "trim(coalesce({c}::VARCHAR, '')) <> '' "
                     "AND num({c}::VARCHAR) IS NULL", "valeur non numérique")


def check_codes(con, source: Source, column: str, pattern: str, what: str) -> None:
    _check_cells(con, source, column, "NOT regexp_full_match(coalesce({c}, ''), '" + pattern + "')",
                 f"{what} invalide")


def _src(key: str) -> Source:
    return next(source for source in SOURCES if source.key == key)


QPV2015_STAGED = {  # staged name -> INSEE column, per file family (missing optional -> NULL)
    "demo": ("pop_mun", "tx_tot_0a24", "tx_tot_60etplus", "ind_jeune", "tx_tot_et",
             "tx_tot_men1", "tx_tot_men6", "a", "percou", "am"),
    "revn": ("disp_q2", "tp60", "arsas", "aaah", "appa", "a"),
    "ipro": ("tx_tot_empl", "tx_f_empl", "abc", "abc_25", "abc_f"),
}
FILO_STAGED = ("median", "tp60", "gini", "rd", "ppsoc")


def _columns_of(con, table: str) -> set[str]:
    return {row[0].lstrip("\ufeff").lower() for row in con.execute(f"DESCRIBE {table}").fetchall()}


def _stage_qpv2015(con) -> None:
    for family, years in QPV2015_YEARS.items():
        name = family.lower()
        selects = []
        for year in years:
            source = _src(f"qpv2015_{name}:{year}")
            present = _columns_of(con, raw_table(source))
            check_numbers(con, source, tuple(c for c in QPV2015_STAGED[name] if c in present))
            code = next(c for c in present if c.endswith("codgeo"))
            cols = ", ".join(f'num("{c}") AS {c}' if c in present else f"NULL::DOUBLE AS {c}"
                             for c in QPV2015_STAGED[name])
            lib_com = ', "LIB_COM" AS lib_com' if name == "demo" else ""
            selects.append(f"SELECT \"{code}\" AS code, \"LIBGEO\" AS name{lib_com}, "
                           f"'publication {year}' AS vintage, {cols} FROM {raw_table(source)}")
        _split_ensemble(con, f"qpv2015_{name}", " UNION ALL ".join(selects))
    selects = []
    for year in FILO_QP_YEARS:
        source = _src(f"qpv2015_filo:{year}")
        columns = filo_qp_columns(year)
        check_numbers(con, source, columns[1:])
        cols = ", ".join(f'num("{c}") AS {n}' for c, n in zip(columns[1:], FILO_STAGED,
                                                              strict=True))
        selects.append(f"SELECT \"{columns[0]}\" AS code, 'revenus {year}' AS vintage, {cols} "
                       f"FROM {raw_table(source)}")
    _split_ensemble(con, "qpv2015_filo", " UNION ALL ".join(selects))


def _split_ensemble(con, table: str, select: str) -> None:
    """INSEE files open with an « Ensemble » row (all QPV of France): keep it apart."""
    con.execute(f"CREATE OR REPLACE TABLE staging.{table}_all AS {select}")
    con.execute(f"CREATE OR REPLACE VIEW staging.{table} AS SELECT * FROM staging.{table}_all "
                "WHERE code LIKE 'QP%'")
    con.execute(f"CREATE OR REPLACE VIEW staging.{table}_france AS SELECT * REPLACE ('FR' AS code)"
                f" FROM staging.{table}_all WHERE code = 'Ensemble'")


QPV_FIGURES = {  # staged name -> column of the SIG Ville compilation
    "pop": "popMuniQPV", "indice_jeunesse": "indiceJeunesse", "part_et": "partPopEt",
    "part_immi": "partPopImmi", "part_men_immi": "partMenImmi", "part_men_1p": "partMen1p",
    "part_men_6pp": "partMen6pp", "menages": "nombre_menages",
    "logements_sociaux": "nombre_logements_sociaux",
    "taux_logements_sociaux": "taux_logements_sociaux", "taux_emploi": "taux_d_emploi",
    "taux_pauvrete": "taux_pauvrete_60%", "couverts_caf": "personnes_couvertes_CAF",
    "allocataires_caf": "allocataires_CAF", "rsa_socle": "RSA_socle",
}

BPE_GROUPS = {"pharmacies": ("D301",), "medecins": ("D201",), "boulangeries": ("B203",),
              "alimentaire": ("B101", "B102", "B201", "B202"),
              "ecoles": ("C101", "C102", "C104", "C105"), "poste": ("A206", "A207", "A208")}


def stage(con) -> None:
    """Create every staging table from the raw layer; raises BuildError on bad content."""
    con.execute(NUMBER_MACRO)
    qpv, communes = _src("qpv2024_perimetres"), _src("communes")
    check_codes(con, qpv, "code_qp", "QN[0-9A-Z]{5,6}M?", "code QPV")
    check_codes(con, communes, "code", "[0-9][0-9AB][0-9]{3}", "code commune")
    _stage_geography(con)
    _stage_qpv_figures(con)
    _stage_qpv2015(con)
    _stage_commune_sources(con)


def _stage_geography(con) -> None:
    con.execute("""
        CREATE OR REPLACE TABLE staging.communes AS
        SELECT c.code, c.nom AS name, c.departement, c.region, c.epci, c.population, c.zone,
               c.codes_postaux AS postcodes, c.anciens_codes AS former_codes,
               ST_GeomFromText(c.geometry) AS geometry,
               d.niveau_densite AS densite, z.niveau_centralite AS centralite,
               'COG (decoupage-administratif 6.0.0)' AS vintage
        FROM "raw".communes c
        LEFT JOIN "raw".densite d ON d.insee_com = c.code
        LEFT JOIN "raw".centralite z ON z.insee_com = c.code
    """)
    # any code a file may use (former communes, arrondissements) -> current commune
    con.execute("""
        CREATE OR REPLACE TABLE staging.commune_codes AS
        SELECT code AS any_code, code FROM staging.communes
        UNION ALL
        SELECT DISTINCT unnest(string_split(former_codes, ',')) AS any_code, code
        FROM staging.communes WHERE former_codes <> ''
    """)
    con.execute("""
        CREATE OR REPLACE TABLE staging.epci AS
        SELECT code, nom AS name, type, population, ST_GeomFromText(geometry) AS geometry,
               'COG (decoupage-administratif 6.0.0)' AS vintage FROM "raw".epci
    """)
    for level in ("departements", "regions"):
        con.execute(f"""CREATE OR REPLACE TABLE staging.{level} AS
            SELECT * EXCLUDE (_line, geometry, nom), nom AS name,
                   ST_GeomFromText(geometry) AS geometry FROM "raw".{level}""")
    con.execute("""
        CREATE OR REPLACE TABLE staging.qpv AS
        SELECT p.code_qp AS code, p.lib_qp AS name, p.insee_com AS commune,
               p.insee_dep AS departement,
               coalesce(nullif(p.insee_reg, ''), d.region) AS region,
               nullif(p.siren_epci, 'NA') AS epci,
               p.repaired, ST_GeomFromText(p.geometry) AS geometry
        FROM "raw".qpv2024_perimetres p LEFT JOIN staging.departements d ON d.code = p.insee_dep
    """)
    unknown = con.execute("""SELECT l._line, l.insee_com FROM "raw".qpv2024_communes l
        LEFT JOIN staging.communes c ON c.code = l.insee_com WHERE c.code IS NULL LIMIT 1""")
    if (bad := unknown.fetchone()):
        raise BuildError(f"{_src('qpv2024_communes').path}, ligne {bad[0]}, champ « insee_com » : "
                         f"commune inconnue « {bad[1]} »")
    # share of each QPV's area in each of its communes: the largest is its main commune
    con.execute("""CREATE OR REPLACE TABLE staging.qpv_communes AS
        WITH listed AS (SELECT DISTINCT code_qp AS code, insee_com AS commune
                        FROM "raw".qpv2024_communes),
        pairs AS (  -- the list leaves out 133 overseas QPV: their perimeter names the commune
            SELECT * FROM listed
            UNION
            SELECT code, trim(unnest(string_split(commune, ','))) FROM staging.qpv
            WHERE code NOT IN (SELECT code FROM listed))
        SELECT p.code, p.commune,
               coalesce(ST_Area(ST_Intersection(q.geometry, c.geometry)) / ST_Area(q.geometry), 0)
                   AS share
        FROM pairs p JOIN staging.qpv q USING (code)
        LEFT JOIN staging.communes c ON c.code = p.commune""")
    # siren_epci lists two EPCI for a few QPV: the main EPCI is the main commune's
    con.execute("""UPDATE staging.qpv SET commune = m.commune, epci = c.epci
        FROM (SELECT code, arg_max(commune, share) AS commune FROM staging.qpv_communes
              GROUP BY code) m JOIN staging.communes c ON c.code = m.commune
        WHERE m.code = staging.qpv.code""")
    con.execute("""CREATE OR REPLACE TABLE staging.contrats AS
        SELECT code_cv AS code, lib_cv AS name, siren_epci AS epci, insee_dep AS departement,
               TRY_CAST(pop_qpv AS INTEGER) AS pop_qpv FROM "raw".contrats_de_ville""")


def _stage_qpv_figures(con) -> None:
    source = _src("qpv2024_indicateurs")
    check_numbers(con, source, tuple(QPV_FIGURES.values()))
    cols = ", ".join(f'any_value(num("{column}")) AS {name}' for name, column in
                     QPV_FIGURES.items())
    con.execute(f"""CREATE OR REPLACE TABLE staging.qpv_figures AS
        SELECT "codeQPV" AS code, '{source.vintage}' AS vintage, {cols}
        FROM {raw_table(source)} GROUP BY "codeQPV" """)


def _stage_commune_sources(con) -> None:
    for key, table in (("filosofi_com", "filo_com"), ("filosofi_epci", "filo_epci")):
        source = _src(key)
        check_numbers(con, source, source.columns[1:])
        con.execute(f"""CREATE OR REPLACE TABLE staging.{table} AS
            SELECT "CODGEO" AS code, 'revenus 2019' AS vintage, num("NBMEN19") AS nbmen,
                   num("NBPERS19") AS nbpers, num("Q219") AS median, num("RD") AS rd,
                   num("GI19") AS gini, num("PPSOC19") AS ppsoc, num("PPMINI19") AS ppmini
            FROM {raw_table(source)}""")
    caf = _src("caf_iris")
    check_numbers(con, caf, (*caf.columns[1:], "APPA"))
    counts = ("a", "percou", "am", "aal", "aaah", "arsas", "appa")
    sums = ", ".join(f'sum(num("{c.upper()}")) AS {c}' for c in counts)
    # allocataires of the IRIS where each count is published: the denominator of its share
    bases = ", ".join(f'sum(num("A")) FILTER (WHERE num("{c.upper()}") IS NOT NULL) AS a_{c}'
                      for c in counts[2:])
    con.execute(f"""CREATE OR REPLACE TABLE staging.caf_commune AS
        SELECT k.code, 'au 31/12/2020' AS vintage, {sums}, {bases},
               count(*) FILTER (WHERE num(i."A") IS NULL) AS n_missing,
               any_value(c.population) AS population
        FROM {raw_table(caf)} i
        JOIN staging.commune_codes k ON k.any_code = left(i."CODGEO", 5)
        JOIN staging.communes c ON c.code = k.code
        GROUP BY k.code""")
    bpe = _src("bpe")
    check_numbers(con, bpe, ("NB_EQUIP",))
    pivots = ", ".join(
        f"coalesce(sum(num(b.\"NB_EQUIP\")) FILTER (WHERE b.\"TYPEQU\" IN "
        f"({', '.join(repr(t) for t in types)})), 0) AS {name}"
        for name, types in BPE_GROUPS.items())
    con.execute(f"""CREATE OR REPLACE TABLE staging.bpe_commune AS
        SELECT c.code, '2019' AS vintage, any_value(c.population) AS population, {pivots}
        FROM staging.communes c
        LEFT JOIN staging.commune_codes k ON k.code = c.code
        LEFT JOIN {raw_table(bpe)} b ON b."DEPCOM" = k.any_code
        WHERE c.region IN ('52', '53')
        GROUP BY c.code""")
    iris = _src("filosofi_iris")  # bundled and checked; IRIS medians are never pooled
    check_numbers(con, iris, iris.columns[2:])
