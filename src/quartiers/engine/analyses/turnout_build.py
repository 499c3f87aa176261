"""Building the turnout analysis: stations and their results (bundled or imported by users),
their overlap with QPV in Lambert-93, the stations table and the per-territory results."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import duckdb

from ..geo import transform_sql
from ..sources.model import Source
from ..warehouse.staging import BuildError, check_numbers, raw_table
from .model import BuildContext
from .turnout_files import SCRUTIN_PATTERN, election_year, facet_label

QPV_THRESHOLD = 0.5  # a station with at least this share of its area in QPV is « en QPV »
MIN_OVERLAP = 0.001  # below, a shared border drawn twice, not an overlap
QPV_SOURCE = "qpv2024_perimetres"
TABLE = "marts.analysis_participation"
_YEAR_SQL = "CAST(right(v.scrutin, 4) AS INTEGER)"


@dataclass(frozen=True)
class BundledContours:
    source: Source
    year: int


@dataclass(frozen=True)
class BundledResults:
    """One bundled results file: which columns give the commune and station (SQL), whether it
    carries counts (inscrits and votants) or list shares only."""

    source: Source
    scrutin: str
    round: int
    contours_year: int
    commune: str  # SQL expression
    number: str  # column
    name: str = "NULL"  # column, or NULL
    counted: bool = True
    where: str = "true"
    lists: tuple[str, str] | None = None  # columns of each list's name and share, if given


def _number(column: str) -> str:
    """SQL of ``turnout_files.station_number``: « 071 » → « 71 »."""
    return f"coalesce(nullif(ltrim(trim({column}::VARCHAR), '0'), ''), '0')"


def _imports(context: BuildContext, pattern: str) -> list[Path]:
    if context.imports_dir is None:
        return []
    return sorted((context.imports_dir / "elections").glob(pattern))


def _read_import(con, path: Path, columns: tuple[str, ...]) -> str:
    """A view of one imported file, its columns checked (it may have been edited by hand)."""
    try:
        found = {r[0] for r in con.execute(f"DESCRIBE SELECT * FROM read_parquet('{path}')")
                 .fetchall()}
    except duckdb.Error as error:
        raise BuildError(f"{path} : fichier importé illisible ({error})") from error
    missing = [c for c in columns if c not in found]
    if missing:
        raise BuildError(f"{path}, champ « {missing[0]} » : colonne absente du fichier importé")
    if len(path.parent.name) != 5:
        raise BuildError(f"{path} : dossier « {path.parent.name} » : code commune attendu")
    return f"(SELECT row_number() OVER () AS _line, * FROM read_parquet('{path}'))"


def _stage_contours(con, context: BuildContext, contours: tuple[BundledContours, ...]) -> None:
    con.execute("""CREATE OR REPLACE TABLE staging.participation_contours (commune VARCHAR,
        annee INTEGER, numero VARCHAR, nom VARCHAR, wkt VARCHAR, fichier VARCHAR, ligne BIGINT,
        importe BOOLEAN)""")
    for bundled in contours:
        con.execute(f"""INSERT INTO staging.participation_contours SELECT commune, ?,
            {_number('numero')}, nom, geometry, ?, _line, false FROM {raw_table(bundled.source)}""",
                    [bundled.year, bundled.source.path])
    for path in _imports(context, "*/contours-*.parquet"):
        year = path.stem.removeprefix("contours-")
        if not year.isdigit():
            raise BuildError(f"{path} : nom de fichier « contours-AAAA.parquet » attendu")
        view = _read_import(con, path, ("numero", "nom", "geometry"))
        con.execute(f"""INSERT INTO staging.participation_contours SELECT ?, ?,
            {_number('numero')}, nom, geometry, ?, _line, true FROM {view}""",
                    [path.parent.name, int(year), str(path)])
    twice = con.execute("""SELECT commune, annee FROM staging.participation_contours
        GROUP BY commune, annee HAVING count(DISTINCT importe) > 1 LIMIT 1""").fetchone()
    if twice:
        raise BuildError(f"contours importés pour la commune {twice[0]} ({twice[1]}) : déjà "
                         "fournis par les données embarquées ; supprimez l'import")
    bad = con.execute("""SELECT fichier, ligne, numero FROM staging.participation_contours
        WHERE coalesce(ST_IsEmpty(TRY(ST_GeomFromText(wkt))), true) LIMIT 1""").fetchone()
    if bad:
        raise BuildError(f"{bad[0]}, ligne {bad[1]} (bureau {bad[2]}), champ « geometry » : "
                         "géométrie vide ou illisible")
    double = con.execute("""SELECT any_value(fichier), commune, annee, numero
        FROM staging.participation_contours GROUP BY ALL HAVING count(*) > 1 LIMIT 1""")
    if (row := double.fetchone()):
        raise BuildError(f"{row[0]} : bureau {row[3]} de la commune {row[1]} dessiné deux fois")
    con.execute("""ALTER TABLE staging.participation_contours ADD COLUMN geometry GEOMETRY;
        UPDATE staging.participation_contours SET geometry = ST_GeomFromText(wkt);
        ALTER TABLE staging.participation_contours DROP COLUMN wkt""")


VOTES_COLUMNS = """(scrutin VARCHAR, tour INTEGER, commune VARCHAR, numero VARCHAR,
    nom VARCHAR, inscrits BIGINT, votants BIGINT, compte BOOLEAN, annee_contours INTEGER,
    source VARCHAR, fichier VARCHAR, ligne BIGINT, origine VARCHAR, liste_en_tete VARCHAR,
    part_en_tete DOUBLE)"""


def _stage_votes(con, context: BuildContext, results: tuple[BundledResults, ...]) -> None:
    con.execute(f"CREATE OR REPLACE TABLE staging.participation_votes {VOTES_COLUMNS}")
    for bundled in results:
        source = bundled.source
        counts = ('num("Inscrits")::BIGINT', 'num("Votants")::BIGINT')
        if bundled.counted:
            check_numbers(con, source, ("Inscrits", "Votants"))
        lists = bundled.lists or ("NULL", "NULL")
        con.execute(f"""INSERT INTO staging.participation_votes
            SELECT ?, ?, commune, numero, nom, inscrits, votants, ?, ?, ?, ?, min(_line), NULL,
                   arg_max(liste, part), max(part)
            FROM (SELECT {bundled.commune} AS commune, {_number(f'"{bundled.number}"')} AS numero,
                         {bundled.name} AS nom,
                         {counts[0] if bundled.counted else 'NULL'} AS inscrits,
                         {counts[1] if bundled.counted else 'NULL'} AS votants, _line,
                         {lists[0]} AS liste, num({lists[1]}) AS part
                  FROM {raw_table(source)} WHERE {bundled.where})
            WHERE commune IN (SELECT commune FROM staging.participation_contours
                              WHERE annee = ? AND NOT importe)
            GROUP BY commune, numero, nom, inscrits, votants""",
                    [bundled.scrutin, bundled.round, bundled.counted, bundled.contours_year,
                     source.key, source.path, bundled.contours_year])
    bundled_keys = {(b.scrutin, b.round) for b in results}
    for path in _imports(context, "*/*-t*.parquet"):
        view = _read_import(con, path, ("numero", "inscrits", "votants", "scrutin", "tour",
                                        "annee_contours", "origine", "importe_le"))
        con.execute(f"""INSERT INTO staging.participation_votes SELECT scrutin, tour, ?,
            {_number('numero')}, NULL, inscrits, votants, true, annee_contours, NULL, ?, _line,
            'importé le ' || importe_le || ' depuis ' || origine, NULL, NULL FROM {view}""",
                    [path.parent.name, str(path)])
        for scrutin, round_ in con.execute(f"SELECT DISTINCT scrutin, tour FROM {view}")\
                .fetchall():
            if not SCRUTIN_PATTERN.fullmatch(scrutin):
                raise BuildError(f"{path}, champ « scrutin » : « {scrutin} » non reconnu")
            if (scrutin, round_) in bundled_keys and con.execute(
                    "SELECT count(*) FROM staging.participation_votes WHERE scrutin = ? AND "
                    "tour = ? AND commune = ? AND origine IS NULL",
                    [scrutin, round_, path.parent.name]).fetchone()[0]:
                raise BuildError(f"{path} : {facet_label(scrutin, round_)} déjà fourni par les "
                                 "données embarquées pour cette commune ; supprimez l'import")


def _check_pairs(con) -> None:
    """Same stations on both sides, once each: a station without contour cannot be placed, a
    contour without result would leave its voters out of the commune."""
    row = con.execute("""SELECT any_value(fichier), max(ligne), commune, numero, scrutin, tour
        FROM staging.participation_votes GROUP BY commune, numero, scrutin, tour
        HAVING count(*) > 1 LIMIT 1""").fetchone()
    if row:
        raise BuildError(f"{row[0]}, ligne {row[1]} : bureau {row[3]} de la commune {row[2]} "
                         f"en double ({facet_label(row[4], row[5])})")
    row = con.execute("""SELECT v.fichier, v.ligne, v.commune, v.numero, v.annee_contours
        FROM staging.participation_votes v ANTI JOIN staging.participation_contours c
        ON c.commune = v.commune AND c.annee = v.annee_contours AND c.numero = v.numero
        ORDER BY v.fichier, v.ligne LIMIT 1""").fetchone()
    if row:
        raise BuildError(f"{row[0]}, ligne {row[1]}, champ « bureau » : bureau {row[3]} de la "
                         f"commune {row[2]} absent des contours {row[4]}")
    row = con.execute("""WITH e AS (SELECT DISTINCT scrutin, tour, commune, annee_contours
                                   FROM staging.participation_votes)
        SELECT c.fichier, c.ligne, c.commune, c.numero, e.scrutin, e.tour
        FROM e JOIN staging.participation_contours c
          ON c.commune = e.commune AND c.annee = e.annee_contours
        ANTI JOIN staging.participation_votes v ON v.scrutin = e.scrutin AND v.tour = e.tour
          AND v.commune = c.commune AND v.numero = c.numero
        ORDER BY c.fichier, c.ligne LIMIT 1""").fetchone()
    if row:
        raise BuildError(f"{row[0]}, ligne {row[1]} : bureau {row[3]} de la commune {row[2]} "
                         f"sans résultat ({facet_label(row[4], row[5])})")


def _overlap(con) -> None:
    """Share of each station's area (Lambert-93) in each QPV it overlaps."""
    con.execute(f"""CREATE OR REPLACE TABLE marts.participation_recouvrement AS
        WITH pairs AS (
            SELECT c.commune, c.annee, c.numero, t.code AS qpv,
                   {transform_sql('c.geometry')} AS station, {transform_sql('t.geometry')} AS quartier
            FROM staging.participation_contours c JOIN marts.territories t
              ON t.level = 'qpv' AND ST_Intersects(c.geometry, t.geometry))
        SELECT * FROM (SELECT commune, annee, numero, qpv,
                              ST_Area(ST_Intersection(station, quartier)) / ST_Area(station)
                                  AS part FROM pairs)
        WHERE part >= {MIN_OVERLAP}""")


def _facets(con) -> None:
    """Most recent election first, then its rounds."""
    found = con.execute("SELECT DISTINCT scrutin, tour FROM staging.participation_votes")\
        .fetchall()
    ordered = sorted(found, key=lambda f: (-election_year(f[0]), f[0], f[1]))
    con.execute(f"CREATE OR REPLACE TABLE {TABLE}_facets (facet VARCHAR, label VARCHAR, "
                "position INTEGER)")
    if ordered:
        con.executemany(f"INSERT INTO {TABLE}_facets VALUES (?, ?, ?)",
                        [(f"{s}-t{t}", facet_label(s, t), i)
                         for i, (s, t) in enumerate(ordered, 1)])


def _stations(con) -> None:
    con.execute(f"""CREATE OR REPLACE TABLE marts.participation_bureaux AS
        WITH shares AS (SELECT commune, annee, numero, sum(part) AS part_qpv,
                               arg_max(qpv, part) AS qpv
                        FROM marts.participation_recouvrement GROUP BY ALL),
        v AS (SELECT *, scrutin || '-t' || tour AS facet,
                     compte AND inscrits = 0 AND votants = 0 AS manquant
              FROM staging.participation_votes)
        SELECT v.facet, f.label AS facet_label, f.position, v.scrutin, v.tour, v.commune,
               v.numero, lpad(v.numero, 8, '0') AS numero_ordre,
               coalesce(nullif(c.nom, ''), v.nom) AS nom, v.nom AS nom_resultats,
               v.annee_contours, coalesce(s.part_qpv, 0) AS part_qpv, s.qpv, t.name AS qpv_nom,
               coalesce(s.part_qpv, 0) >= {QPV_THRESHOLD} AS en_qpv, v.compte, v.manquant,
               CASE WHEN NOT v.manquant THEN v.inscrits END AS inscrits,
               CASE WHEN NOT v.manquant THEN v.votants END AS votants,
               CASE WHEN NOT v.manquant THEN 100.0 * v.votants / nullif(v.inscrits, 0) END
                   AS participation,
               concat_ws(' ',
                   CASE WHEN v.manquant THEN 'Aucun résultat dans la copie du fichier (que des '
                        || 'zéros) : bureau exclu des totaux.' END,
                   CASE WHEN v.annee_contours <> {_YEAR_SQL} THEN 'Contours ' || v.annee_contours
                        || ' pour des résultats ' || {_YEAR_SQL} || '.' END) AS note,
               v.liste_en_tete, v.part_en_tete, v.source, v.origine,
               v.facet = arg_max(v.facet, right(v.scrutin, 4) || v.tour || v.scrutin)
                   OVER (PARTITION BY v.commune) AS dernier,
               ST_AsGeoJSON(c.geometry) AS geojson
        FROM v JOIN {TABLE}_facets f ON f.facet = v.facet
        JOIN staging.participation_contours c
          ON c.commune = v.commune AND c.annee = v.annee_contours AND c.numero = v.numero
        LEFT JOIN shares s ON s.commune = v.commune AND s.annee = v.annee_contours
          AND s.numero = v.numero
        LEFT JOIN marts.territories t ON t.level = 'qpv' AND t.code = s.qpv""")
    con.execute("UPDATE marts.participation_bureaux SET note = NULL WHERE note = ''")


COMMUNE_SQL = """
    SELECT facet, commune AS code, any_value(scrutin) AS scrutin, bool_and(compte) AS compte,
           count(*) AS bureaux, count(*) FILTER (en_qpv) AS bureaux_qpv,
           count(*) FILTER (part_qpv > 0) AS bureaux_recoupant,
           sum(inscrits) FILTER (en_qpv) AS inscrits_qpv, sum(votants) FILTER (en_qpv) AS votants_qpv,
           sum(inscrits) FILTER (NOT en_qpv) AS inscrits_hors_qpv,
           sum(votants) FILTER (NOT en_qpv) AS votants_hors_qpv,
           sum(inscrits) AS inscrits_commune, sum(votants) AS votants_commune,
           sum(part_qpv * inscrits) AS inscrits_estimes_qpv,
           sum(part_qpv * votants) AS votants_estimes_qpv,
           list(numero ORDER BY numero_ordre) FILTER (manquant) AS manquants,
           any_value(annee_contours) AS annee_contours,
           count(*) FILTER (nom_resultats IS NOT NULL) AS noms_compares,
           count(*) FILTER (norm(nom_resultats) = norm(nom)) AS noms_identiques,
           list(DISTINCT source) FILTER (source IS NOT NULL) AS sources,
           any_value(origine) AS origine
    FROM marts.participation_bureaux GROUP BY facet, commune"""
QPV_SQL = """
    SELECT b.facet, r.qpv AS code, any_value(b.scrutin) AS scrutin, bool_and(b.compte) AS compte,
           count(*) AS bureaux_recoupant,
           sum(r.part * b.inscrits) AS inscrits_estimes_qpv,
           sum(r.part * b.votants) AS votants_estimes_qpv,
           list(b.numero ORDER BY b.numero_ordre) FILTER (b.manquant) AS manquants,
           any_value(b.annee_contours) AS annee_contours,
           list(DISTINCT b.source) FILTER (b.source IS NOT NULL) AS sources,
           any_value(b.origine) AS origine
    FROM marts.participation_recouvrement r JOIN marts.participation_bureaux b
      ON b.commune = r.commune AND b.annee_contours = r.annee AND b.numero = r.numero
    GROUP BY b.facet, r.qpv"""
NO_COUNTS = ("Le fichier ne donne que des pourcentages par liste, sans inscrits ni votants : "
             "participation et effectifs non calculables.")


def _note(row: dict) -> str | None:
    """What a reader must know about every value of this territory and election."""
    year, parts = election_year(row["scrutin"]), []
    if row["annee_contours"] != year:
        parts.append(f"Résultats {year} rapportés aux contours {row['annee_contours']} des "
                     "bureaux : les limites ont pu changer entre les deux dates.")
        if row.get("noms_compares"):
            parts.append(f"Numéros retrouvés pour les {row['bureaux']} bureaux ; lieu de vote "
                         f"de même nom pour {row['noms_identiques']} sur {row['noms_compares']} "
                         "(les autres renommés ou déplacés).")
    if row["manquants"]:
        parts.append(f"Sans résultat dans la copie du fichier (que des zéros), exclu(s) des "
                     f"totaux : bureau(x) {', '.join(row['manquants'])}.")
    if year < 2024:
        parts.append("Périmètres des QPV de 2024, postérieurs au scrutin.")
    if row["origine"]:
        parts.append(f"Données importées par un utilisateur ({row['origine']}).")
    return " ".join(parts) or None


def _percent(part, whole) -> float | None:
    return 100.0 * part / whole if part is not None and whole else None


STATION_COUNTS = ("bureaux", "bureaux_qpv", "bureaux_recoupant")
ESTIMATES = ("inscrits_estimes_qpv", "votants_estimes_qpv")
GROUP_COUNTS = ("inscrits_qpv", "votants_qpv", "inscrits_hors_qpv", "votants_hors_qpv",
                "inscrits_commune", "votants_commune")
COMPARISONS = ("participation_qpv", "participation_hors_qpv", "participation_commune",
               "ecart_qpv_hors_qpv", "ecart_qpv_commune")
NO_QPV_STATION = f"Aucun bureau n'a au moins {QPV_THRESHOLD * 100:.0f} % de sa surface en QPV."
ALL_IN_QPV = "Tous les bureaux sont en QPV : pas de reste de la commune."
NO_OVERLAP = "Aucun bureau ne recoupe un QPV."


def _values(row: dict, level: str) -> dict[str, float | str]:
    """Component -> its value, or the sentence saying why it has none."""
    values = {key: row[key] for key in STATION_COUNTS if key in row}
    if not row["compte"]:
        counted = (*ESTIMATES, "participation_ponderee_qpv",
                   *((*GROUP_COUNTS, *COMPARISONS) if level == "commune" else ()))
        return {**values, **dict.fromkeys(counted, NO_COUNTS)}
    values.update({key: row[key] or 0 for key in ESTIMATES})
    weighted = _percent(row["votants_estimes_qpv"], row["inscrits_estimes_qpv"])
    values["participation_ponderee_qpv"] = NO_OVERLAP if weighted is None else weighted
    if level == "qpv":
        return values
    values.update({key: row[key] or 0 for key in GROUP_COUNTS})
    qpv = _percent(row["votants_qpv"], row["inscrits_qpv"])
    rest = _percent(row["votants_hors_qpv"], row["inscrits_hors_qpv"])
    commune = _percent(row["votants_commune"], row["inscrits_commune"])
    values["participation_commune"] = commune
    values["participation_qpv"] = NO_QPV_STATION if qpv is None else qpv
    values["participation_hors_qpv"] = ALL_IN_QPV if rest is None else rest
    values["ecart_qpv_commune"] = NO_QPV_STATION if qpv is None else qpv - commune
    values["ecart_qpv_hors_qpv"] = (NO_QPV_STATION if qpv is None else ALL_IN_QPV
                                    if rest is None else qpv - rest)
    return values


def _results(con) -> None:
    con.execute("CREATE OR REPLACE MACRO norm(x) AS "
                "regexp_replace(upper(strip_accents(x)), '[^A-Z0-9]', '', 'g')")
    con.execute(f"""CREATE OR REPLACE TABLE {TABLE} (level VARCHAR, code VARCHAR, facet VARCHAR,
        component VARCHAR, value DOUBLE, score TINYINT, status VARCHAR, vintage VARCHAR,
        sources VARCHAR[], note VARCHAR)""")
    rows = []
    for level, sql in (("commune", COMMUNE_SQL), ("qpv", QPV_SQL)):
        cursor = con.execute(sql)
        names = [d[0] for d in cursor.description]
        for found in cursor.fetchall():
            row = dict(zip(names, found, strict=True))
            note, sources = _note(row), [*(row["sources"] or ()), QPV_SOURCE]
            vintage = str(election_year(row["scrutin"]))
            for component, value in _values(row, level).items():
                if isinstance(value, str):
                    rows.append((level, row["code"], row["facet"], component, None, None,
                                 "non_disponible", vintage, sources,
                                 f"{value} {note}" if note else value))
                else:
                    rows.append((level, row["code"], row["facet"], component, float(value),
                                 None, "ok", vintage, sources, note))
    if rows:
        con.executemany(f"INSERT INTO {TABLE} VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)


def build(con, context: BuildContext, contours: tuple[BundledContours, ...] = (),
          results: tuple[BundledResults, ...] = ()) -> None:
    _stage_contours(con, context, contours)
    _stage_votes(con, context, results)
    _check_pairs(con)
    _overlap(con)
    _facets(con)
    _stations(con)
    _results(con)
