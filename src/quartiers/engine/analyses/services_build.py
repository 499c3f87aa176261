"""Build of the essential-services analysis: equipment of the BPE proximity range in the IRIS
that overlap each QPV, against its commune.

Contours are checked (readable, not empty, polygons, coordinates inside the declared projection's
extent over France), repaired with make_valid when invalid, and reprojected to Lambert-93, where
areas and overlaps are measured.
"""

from __future__ import annotations

from ..geo import LAMBERT93, WGS84, transform_sql
from ..warehouse.staging import (
    BuildError,
    check_numbers,
    first_row,
    raw_table,
    source_by_key,
)
from .services_sources import CRS, SOURCES

SOURCE = {source.key: source for source in SOURCES}

# an IRIS « recouvre » a QPV when their intersection is at least this share of the QPV's area
# or of the IRIS's area: below it, a sliver left by two drawings of the same street
OVERLAP_SHARE = 0.05
# a QPV gets IRIS results when the contours cover at least this share of its area
COVERAGE_SHARE = 0.5
# (x min, y min, x max, y max) of metropolitan France in each projection the contours may use
EXTENT = {"EPSG:4326": (-5.5, 41.0, 10.0, 51.5),
          "EPSG:2154": (90_000, 6_030_000, 1_250_000, 7_120_000)}
KEY_TYPES = ("pharmacie", "medecin", "boulangerie", "epicerie_superette", "poste")


def _fail(source, line, field: str, problem: str) -> BuildError:
    return BuildError(f"{source.path}, ligne {line}, champ « {field} » : {problem}")


def stage_gamme(con) -> None:
    source = SOURCE["services:gamme"]
    table = raw_table(source)
    bad = first_row(con, f"""SELECT _line, typequ FROM {table}
        WHERE NOT regexp_full_match(coalesce(typequ, ''), '[A-G][0-9]{{3}}')
           OR coalesce(trim(groupe), '') = '' OR coalesce(trim(libelle_groupe), '') = ''""")
    if bad:
        raise _fail(source, bad[0], "typequ", f"code d'équipement ou groupe invalide « {bad[1]} »")
    twice = first_row(con, f"SELECT min(_line), typequ FROM {table} GROUP BY typequ "
                        "HAVING count(*) > 1")
    if twice:
        raise _fail(source, twice[0], "typequ", f"type « {twice[1]} » déclaré deux fois")
    con.execute(f"""CREATE OR REPLACE TABLE staging.services_gamme AS
        SELECT typequ, groupe, libelle_groupe, libelle_type, domaine, _line AS position
        FROM {table}""")


def stage_bpe(con) -> None:
    """Counts of the proximity range by commune (current code) and IRIS: a commune not split
    into IRIS is its own IRIS <commune>0000 (INSEE's convention); in a split commune, code
    <commune>_0000 is equipment placed in no IRIS (NULL here: the commune counts it)."""
    source = source_by_key("bpe")
    check_numbers(con, source, ["NB_EQUIP"])
    bpe = raw_table(source)
    con.execute(f"""CREATE OR REPLACE TABLE staging.services_bpe AS
        SELECT k.code AS commune,
               CASE WHEN b."DCIRIS" = b."DEPCOM" THEN b."DCIRIS" || '0000'
                    WHEN NOT ends_with(b."DCIRIS", '_0000') THEN replace(b."DCIRIS", '_', '')
               END AS code_iris,
               b."TYPEQU" AS typequ, g.groupe, num(b."NB_EQUIP") AS nb
        FROM {bpe} b
        JOIN staging.commune_codes k ON k.any_code = b."DEPCOM"
        LEFT JOIN staging.services_gamme g ON g.typequ = b."TYPEQU" """)


def stage_iris(con) -> None:
    parts = []
    for key, crs in CRS.items():
        source, table = SOURCE[key], raw_table(SOURCE[key])
        _check_iris(con, source, table, crs)
        to_l93 = "g" if crs == LAMBERT93 else transform_sql("g", crs)
        parts.append(f"""SELECT '{key}' AS source, _line, code_iris, nom_iris, code_commune,
                nom_commune, repaired, {to_l93} AS geometry
            FROM (SELECT *, CASE WHEN ST_IsValid(g0) THEN g0
                                 ELSE ST_CollectionExtract(ST_MakeValid(g0), 3) END AS g,
                         NOT ST_IsValid(g0) AS repaired
                  FROM (SELECT *, ST_GeomFromText(geometry) AS g0 FROM {table}))""")
    con.execute("CREATE OR REPLACE TABLE staging.services_iris AS SELECT *, "
                "ST_Area(geometry) AS area_m2, "
                f"{transform_sql('geometry', LAMBERT93, WGS84)} AS geometry_wgs84 "
                "FROM (" + " UNION ALL ".join(parts) + ")")
    empty = first_row(con, "SELECT source, _line FROM staging.services_iris WHERE ST_IsEmpty(geometry)"
                        " OR area_m2 = 0")
    if empty:
        raise _fail(SOURCE[empty[0]], empty[1], "geometry",
                    "contour vide après réparation (make_valid)")
    twice = first_row(con, "SELECT code_iris, count(*) FROM staging.services_iris GROUP BY 1 "
                        "HAVING count(*) > 1")
    if twice:
        raise BuildError(f"IRIS {twice[0]} présent {twice[1]} fois dans les contours des IRIS")


def _check_iris(con, source, table: str, crs: str) -> None:
    checks = (
        ("code_iris", "NOT regexp_full_match(coalesce(code_iris, ''), '[0-9][0-9AB][0-9]{7}')",
         "code IRIS invalide (9 caractères attendus)", "code_iris"),
        ("code_commune", "coalesce(code_commune, '') <> left(code_iris, 5)",
         "commune différente des 5 premiers caractères du code IRIS", "code_commune"),
        ("geometry", "geometry IS NULL OR trim(geometry) = ''", "géométrie absente", "geometry"),
        ("geometry", "TRY(ST_GeomFromText(geometry)) IS NULL", "géométrie illisible (WKT)",
         "left(geometry, 40)"),
        ("geometry", "ST_IsEmpty(ST_GeomFromText(geometry))", "géométrie vide",
         "left(geometry, 40)"),
        ("geometry", "ST_GeometryType(ST_GeomFromText(geometry))::VARCHAR NOT IN "
                     "('POLYGON', 'MULTIPOLYGON')", "un polygone est attendu, trouvé",
         "ST_GeometryType(ST_GeomFromText(geometry))::VARCHAR"),
    )
    for field, condition, problem, shown in checks:
        bad = first_row(con, f"SELECT _line, {shown} FROM {table} WHERE {condition} ORDER BY _line")
        if bad:
            raise _fail(source, bad[0], field, f"{problem} « {bad[1]} »")
    x0, y0, x1, y1 = EXTENT[crs]
    bad = first_row(con, f"""SELECT _line, ST_XMin(g), ST_YMin(g) FROM (
            SELECT _line, ST_GeomFromText(geometry) AS g FROM {table})
        WHERE ST_XMin(g) < {x0} OR ST_YMin(g) < {y0} OR ST_XMax(g) > {x1} OR ST_YMax(g) > {y1}
        ORDER BY _line""")
    if bad:
        raise _fail(source, bad[0], "geometry",
                    f"coordonnées ({bad[1]:.6g}, {bad[2]:.6g}) hors de l'emprise de la France "
                    f"en {crs}, projection déclarée pour ce fichier : contours dans une autre "
                    "projection ?")


def stage_overlaps(con) -> None:
    con.execute(f"""CREATE OR REPLACE TABLE staging.services_overlap AS
        WITH q AS (
            SELECT code AS qpv, commune, ST_MakeValid({transform_sql('geometry')}) AS geometry
            FROM staging.qpv WHERE region IN ('52', '53') AND geometry IS NOT NULL
        ), pairs AS (
            SELECT q.qpv, q.commune, ST_Area(q.geometry) AS qpv_m2, i.code_iris, i.area_m2,
                   ST_Area(ST_Intersection(q.geometry, i.geometry)) AS inter_m2
            FROM q JOIN staging.services_iris i ON ST_Intersects(q.geometry, i.geometry)
        )
        SELECT *, inter_m2 / qpv_m2 AS share_qpv, inter_m2 / area_m2 AS share_iris,
               (inter_m2 / qpv_m2 >= {OVERLAP_SHARE} OR inter_m2 / area_m2 >= {OVERLAP_SHARE})
                   AS kept
        FROM pairs WHERE inter_m2 > 0""")
    con.execute(f"""CREATE OR REPLACE TABLE staging.services_qpv AS
        SELECT qpv, any_value(commune) AS commune, sum(inter_m2) / any_value(qpv_m2) AS coverage,
               any_value(qpv_m2) AS qpv_m2,
               list(code_iris ORDER BY code_iris) FILTER (WHERE kept) AS iris,
               sum(area_m2) FILTER (WHERE kept) AS iris_m2
        FROM staging.services_overlap GROUP BY qpv
        HAVING sum(inter_m2) / any_value(qpv_m2) >= {COVERAGE_SHARE}""")


def stage_population(con) -> None:
    """Population aged 15+ by IRIS: it must match the contours of its communes one to one,
    or a commune's total would silently miss IRIS."""
    source = SOURCE["services:pop_nantes"]
    table = raw_table(source)
    check_numbers(con, source, ["P22_POP15P"])
    bad = first_row(con, f"""SELECT p._line, p."IRIS" FROM {table} p
        ANTI JOIN staging.services_iris i ON i.code_iris = p."IRIS"
        ORDER BY p._line""")
    if bad:
        raise _fail(source, bad[0], "IRIS", f"IRIS « {bad[1]} » absent des contours des IRIS")
    missing = first_row(con, f"""SELECT i.code_iris FROM staging.services_iris i
        WHERE i.code_commune IN (SELECT left("IRIS", 5) FROM {table})
          AND i.code_iris NOT IN (SELECT "IRIS" FROM {table}) ORDER BY 1""")
    if missing:
        raise BuildError(f"{source.path} : pas de population pour l'IRIS {missing[0]} de ses "
                         "communes (le total de la commune serait faux)")
    blank = first_row(con, f"""SELECT _line, "P22_POP15P" FROM {table}
        WHERE num("P22_POP15P") IS NULL OR num("P22_POP15P") <= 0 ORDER BY _line""")
    if blank:
        raise _fail(source, blank[0], "P22_POP15P", f"population absente ou nulle « {blank[1]} »")
    con.execute(f"""CREATE OR REPLACE TABLE staging.services_iris_pop AS
        SELECT "IRIS" AS code_iris, num("P22_POP15P") AS pop15p FROM {table}""")


def stage_counts(con) -> None:
    """Equipment of the range by group, for each QPV's IRIS and for each commune."""
    con.execute("""CREATE OR REPLACE TABLE staging.services_counts AS
        WITH groups AS (SELECT DISTINCT groupe, libelle_groupe FROM staging.services_gamme),
        qpv_iris AS (SELECT qpv, unnest(iris) AS code_iris FROM staging.services_qpv),
        by_qpv AS (
            SELECT q.qpv AS code, b.groupe, sum(b.nb) AS nb
            FROM qpv_iris q JOIN staging.services_bpe b ON b.code_iris = q.code_iris
            WHERE b.groupe IS NOT NULL GROUP BY ALL
        ), by_commune AS (
            SELECT commune AS code, groupe, sum(nb) AS nb FROM staging.services_bpe
            WHERE groupe IS NOT NULL GROUP BY ALL
        )
        SELECT 'qpv' AS level, q.qpv AS code, g.groupe, g.libelle_groupe,
               coalesce(b.nb, 0) AS nb
        FROM staging.services_qpv q CROSS JOIN groups g
        LEFT JOIN by_qpv b ON b.code = q.qpv AND b.groupe = g.groupe
        UNION ALL
        SELECT 'commune', c.code, g.groupe, g.libelle_groupe, coalesce(b.nb, 0)
        FROM staging.communes c CROSS JOIN groups g
        LEFT JOIN by_commune b ON b.code = c.code AND b.groupe = g.groupe
        WHERE c.region IN ('52', '53')""")
