"""Raw and staging layers: load each bundled file as it is, check it, then type and clean it.

A raw table is the file as text, with its line number; nothing is interpreted. Checks name the
file, the line and the field. Staging tables have typed columns, current commune codes and one
row per territory; the marts read only them.
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from ..sources.catalogue import SOURCES
from ..sources.model import Source


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
        delim = source.separator
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


def first_row(con, sql: str, params=()) -> tuple | None:
    """The first row a query finds (a problem to report), or None."""
    return con.execute(sql + " LIMIT 1", list(params)).fetchone()


def sql_text(value: str | None) -> str:
    """A Python string as a SQL literal, for text written into generated SQL (labels, notes)."""
    return "NULL" if value is None else "'" + value.replace("'", "''") + "'"


def _check_cells(con, source: Source, column: str, bad_when: str, problem: str) -> None:
    """Stop at the first cell of ``column`` where the SQL condition ``bad_when`` holds."""
    quoted = f'"{column}"'
    condition = bad_when.replace("{c}", quoted)
    bad = con.execute(f"SELECT _line, {quoted} FROM {raw_table(source)} WHERE {condition} "
                      "LIMIT 1").fetchone()
    if bad:
        raise BuildError(f"{source.path}, ligne {bad[0]}, champ « {column} » : {problem} "
                         f"« {bad[1]} »")


BLANK_MARKS = ("s", "nd", "n.d.")  # secret or not available: a blank, not an error


# what ``num`` reads, for a quick first pass: only the cells that fail it are parsed
NUMBER_SHAPE = r"^\s*-?[0-9][0-9 \x{a0}\x{202f}]*([.,][0-9]*)?\s*$"


def check_numbers(con, source: Source, columns) -> None:
    """One pass over the file: the first cell that is neither blank, a secret mark nor a
    number stops the build, named by file, line and field."""
    if not columns:
        return
    marks = ", ".join(f"'{m}'" for m in BLANK_MARKS)
    bad = con.execute(f"""
        SELECT _line, field, cell FROM (
            UNPIVOT (SELECT _line, {', '.join(f'"{c}"::VARCHAR AS "{c}"' for c in columns)}
                     FROM {raw_table(source)}) ON COLUMNS(* EXCLUDE (_line))
            INTO NAME field VALUE cell)
        WHERE NOT regexp_full_match(cell, ?) AND trim(cell) <> ''
          AND lower(trim(cell)) NOT IN ({marks}) AND num(cell) IS NULL
        ORDER BY _line LIMIT 1""", [NUMBER_SHAPE]).fetchone()
    if bad:
        raise BuildError(f"{source.path}, ligne {bad[0]}, champ « {bad[1].strip()} » : valeur "
                         f"non numérique « {bad[2]} »")


def check_codes(con, source: Source, column: str, pattern: str, what: str) -> None:
    _check_cells(con, source, column, "NOT regexp_full_match(coalesce({c}, ''), '" + pattern + "')",
                 f"{what} invalide")


def source_by_key(key: str) -> Source:
    return next(source for source in SOURCES if source.key == key)


QPV_FIGURES = {  # staged name -> column of the SIG Ville compilation
    "pop": "popMuniQPV", "indice_jeunesse": "indiceJeunesse", "part_et": "partPopEt",
    "part_immi": "partPopImmi", "part_men_immi": "partMenImmi", "part_men_et": "partMenEt",
    "part_men_1p": "partMen1p", "part_men_2p": "partMen2p", "part_men_3p": "partMen3p",
    "part_men_45p": "partMen45p", "part_men_6pp": "partMen6pp", "menages": "nombre_menages",
    "logements_sociaux": "nombre_logements_sociaux",
    "taux_logements_sociaux": "taux_logements_sociaux", "taux_emploi": "taux_d_emploi",
    "taux_pauvrete": "taux_pauvrete_60%", "couverts_caf": "personnes_couvertes_CAF",
    "allocataires_caf": "allocataires_CAF", "rsa_socle": "RSA_socle",
}

def stage(con) -> None:
    """Create every staging table from the raw layer; raises BuildError on bad content."""
    con.execute(NUMBER_MACRO)
    qpv, communes = source_by_key("qpv2024_perimetres"), source_by_key("communes")
    check_codes(con, qpv, "code_qp", "QN[0-9A-Z]{5,6}M?", "code QPV")
    check_codes(con, communes, "code", "[0-9][0-9AB][0-9]{3}", "code commune")
    _stage_geography(con)
    _stage_qpv_figures(con)
    _stage_contrats(con)


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
    con.execute("""CREATE OR REPLACE TABLE staging.arrondissements AS
        SELECT code, nom AS name, commune, population, codes_postaux AS postcodes,
               ST_GeomFromText(geometry) AS geometry
        FROM "raw".arrondissements""")
    con.execute("""
        CREATE OR REPLACE TABLE staging.epci AS
        SELECT code, nom AS name, type, population, ST_GeomFromText(geometry) AS geometry,
               'COG (decoupage-administratif 6.0.0)' AS vintage FROM "raw".epci
    """)
    # the collectivités d'outre-mer are listed as régions too (zone « com »): they are not
    con.execute("""CREATE OR REPLACE TABLE staging.regions AS
        SELECT * EXCLUDE (_line, geometry, nom), nom AS name,
               ST_GeomFromText(geometry) AS geometry FROM "raw".regions WHERE zone <> 'com'""")
    con.execute("""CREATE OR REPLACE TABLE staging.departements AS
        SELECT * EXCLUDE (_line, geometry, nom, region), nom AS name,
               CASE WHEN zone <> 'com' THEN region END AS region,
               ST_GeomFromText(geometry) AS geometry FROM "raw".departements""")
    con.execute("""UPDATE staging.communes SET region = NULL
        WHERE region NOT IN (SELECT code FROM staging.regions)""")
    con.execute("""
        CREATE OR REPLACE TABLE staging.qpv AS
        SELECT p.code_qp AS code, p.lib_qp AS name, p.insee_com AS commune,
               p.insee_dep AS departement,
               CASE WHEN d.zone = 'com' THEN NULL
                    ELSE coalesce(nullif(p.insee_reg, ''), d.region) END AS region,
               nullif(p.siren_epci, 'NA') AS epci,
               p.repaired, ST_GeomFromText(p.geometry) AS geometry
        FROM "raw".qpv2024_perimetres p LEFT JOIN staging.departements d ON d.code = p.insee_dep
    """)
    unknown = con.execute("""SELECT l._line, l.insee_com FROM "raw".qpv2024_communes l
        LEFT JOIN staging.communes c ON c.code = l.insee_com WHERE c.code IS NULL LIMIT 1""")
    if (bad := unknown.fetchone()):
        raise BuildError(f"{source_by_key('qpv2024_communes').path}, ligne {bad[0]}, champ « insee_com » : "
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


def _stage_qpv_figures(con) -> None:
    source = source_by_key("qpv2024_indicateurs")
    check_numbers(con, source, tuple(QPV_FIGURES.values()))
    cols = ", ".join(f'any_value(num("{column}")) AS {name}' for name, column in
                     QPV_FIGURES.items())
    con.execute(f"""CREATE OR REPLACE TABLE staging.qpv_figures AS
        SELECT "codeQPV" AS code, '{source.vintage}' AS vintage, {cols}
        FROM {raw_table(source)} GROUP BY "codeQPV" """)


CONTRAT_GENERATIONS = {"contrats_de_ville_2024_2030": "2024-2030",
                       "contrats_de_ville_2015_2023": "2015-2023"}
POST_FILES = {  # source key -> dispositif; the regional files give the years before 2023
    "postes_adultes_relais_2023": "Adultes-relais", "postes_fonjep_2023": "FONJEP",
    "postes_adultes_relais": "Adultes-relais", "postes_fonjep": "FONJEP"}


def _stage_contrats(con) -> None:
    """One row per line of the ANCT files (a contract may have two signatories, or one line
    per département); the signatory's level is told by its code: a SIREN has 9 digits, a
    commune code 5 characters. Posts: national 2023 files, regional files before 2023."""
    selects = []
    for key, generation in CONTRAT_GENERATIONS.items():
        source = source_by_key(key)
        check_codes(con, source, "code_cv", "C[NV][0-9A-Z]{3,6}", "code de contrat")
        check_codes(con, source, "codgeo", "[0-9]{9}|[0-9][0-9AB][0-9]{3}",
                    "code du signataire (SIREN ou code commune)")
        check_numbers(con, source, ("pop", "lon", "lat"))
        selects.append(f"""SELECT '{generation}' AS generation, _line, code_cv AS code,
            lib_cv AS label, codgeo AS signatory_code,
            CASE WHEN length(codgeo) = 9 THEN 'epci' ELSE 'commune' END AS signatory_level,
            insee_dep AS departement, num(pop)::INTEGER AS pop_qpv, num(lon) AS lon,
            num(lat) AS lat FROM {raw_table(source)}""")
    con.execute("CREATE OR REPLACE TABLE staging.contrats AS " + " UNION ALL ".join(selects))
    posts = []
    for key, dispositif in POST_FILES.items():
        source = source_by_key(key)
        years = "" if key.endswith("_2023") else "WHERE annee::INTEGER < 2023"
        posts.append(f"""SELECT '{key}' AS source, '{dispositif}' AS dispositif,
            annee::INTEGER AS annee, id_poste, code_tiers, nullif(code_cv, '') AS code_cv,
            nullif(insee_reg, '') AS region FROM {raw_table(source)} {years}""")
    con.execute("CREATE OR REPLACE TABLE staging.contrat_postes AS "
                + " UNION ALL ".join(posts))
