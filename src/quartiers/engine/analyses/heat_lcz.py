"""Local Climate Zones for the heat analysis: the classes, reading a producer's file into our
compact form, and the area overlap of zones (QPV) with a layer of classed polygons.

Two producers are read. GeoClimate (orbisgis) writes ``rsu_lcz`` with ``LCZ_PRIMARY`` coded
1–10 for the built types and 101–107 for the land-cover types A–G (its own styles,
geoindicators/src/main/resources/styles/fr/sld/rsu_lcz_primary.sld). Cerema's « Cartographie
des zones climatiques locales (LCZ) des 88 aires urbaines » ships one shapefile per urban area
(``LCZ_SPOT_2022_<aire>.shp``) whose class field is ``lcz``, as text « 1 »…« 10 », « A »…« G »
(as read by antoineverhulst/heat-risk-france @129bc848, scripts/process_iris_heat_all_cities.py).
Every class is stored as that text code; areas are computed in Lambert-93.
"""

from __future__ import annotations

from pathlib import Path

from ..geo import LAMBERT93
from ..sources.files import write_parquet

LCZ_CLASSES = {  # code -> French name (Stewart & Oke 2012, as Cerema words them)
    "1": "Ensemble compact de tours", "2": "Ensemble compact d'immeubles",
    "3": "Ensemble compact de maisons", "4": "Ensemble de tours espacées",
    "5": "Ensemble d'immeubles espacés", "6": "Ensemble de maisons espacées",
    "7": "Bâtiments légers denses", "8": "Bâtiments bas de grande emprise",
    "9": "Bâti épars", "10": "Industrie lourde", "A": "Végétation arborée dense",
    "B": "Végétation arborée clairsemée", "C": "Végétation arbustive",
    "D": "Végétation basse", "E": "Sol nu ou minéral", "F": "Sol nu perméable", "G": "Eau",
}
# the classes whose surfaces store and give back most heat at night: compact fabric (1–3),
# large low-rise buildings on sealed ground (8), heavy industry (10)
HOT_CLASSES = ("1", "2", "3", "8", "10")
FORMATS = {"geoclimate": "LCZ_PRIMARY", "cerema": "lcz"}  # format -> class field
GEOCLIMATE_LETTERS = {str(100 + i): letter for i, letter in enumerate("ABCDEFG", 1)}
WKT_DECIMALS = 1  # 10 cm in Lambert-93: far below the precision of any LCZ layer


class LczFileError(Exception):
    """An LCZ file that cannot be imported; the message names the file, entity and field."""


def class_code(value) -> str | None:
    """The text code of a class as either producer writes it (6, 6.0, « 6 », 104, « d »)."""
    if value is None or (isinstance(value, float) and value != value):
        return None
    text = str(value).strip().upper()
    if text.endswith(".0"):
        text = text[:-2]
    text = GEOCLIMATE_LETTERS.get(text, text)
    return text if text in LCZ_CLASSES else None


def read_lcz(path: Path, fmt: str | None = None) -> tuple[list[dict], list[str]]:
    """The file's polygons as rows (entity number, class code, Lambert-93 WKT) and what the
    user must know (repaired geometries, unclassed entities left out); ``fmt`` None takes the
    format whose class field is in the file. Raises LczFileError."""
    import geopandas
    import shapely

    from ..sources.files import repaired

    name = Path(path).name
    try:
        frame = geopandas.read_file(path, engine="pyogrio")
    except Exception as error:  # pyogrio's errors have no common base worth naming
        raise LczFileError(f"{name} : fichier illisible comme couche géographique "
                           f"(GeoJSON, GeoPackage, Shapefile) : {error}") from error
    if not isinstance(frame, geopandas.GeoDataFrame):  # a table read without any geometry
        raise LczFileError(f"{name} : aucune géométrie dans le fichier : une couche LCZ est un "
                           "GeoJSON, un GeoPackage ou un Shapefile de polygones")
    if frame.empty:
        raise LczFileError(f"{name} : aucune entité dans le fichier")
    if frame.crs is None:
        raise LczFileError(f"{name} : projection absente du fichier (un .prj pour un "
                           "Shapefile, « crs » pour un GeoJSON) : impossible de calculer des "
                           "surfaces")
    fields = {c.lower(): c for c in frame.columns if c != frame.geometry.name}
    if fmt is None:  # the format whose class field the file has
        fmt = next((f for f, field in FORMATS.items() if field.lower() in fields), None)
    column = fields.get(FORMATS[fmt].lower()) if fmt else None
    if column is None:
        expected = (f"« {FORMATS[fmt]} » (format {fmt})" if fmt else " ou ".join(
            f"« {field} » ({f})" for f, field in FORMATS.items()))
        raise LczFileError(f"{name} : champ de classe {expected} absent ; champs trouvés : "
                           f"{', '.join(fields.values()) or 'aucun'}")
    frame = frame.to_crs(LAMBERT93)
    rows, repairs, unclassed = [], [], []
    for number, (value, geometry) in enumerate(zip(frame[column], frame.geometry, strict=True), 1):
        if geometry is None or geometry.is_empty:
            raise LczFileError(f"{name}, entité {number} : géométrie vide ou absente")
        if geometry.geom_type not in ("Polygon", "MultiPolygon"):
            raise LczFileError(f"{name}, entité {number} : géométrie {geometry.geom_type}, "
                               "un polygone est attendu")
        code = class_code(value)
        if code is None:
            if value is None or str(value).strip() in ("", "nan", "None"):
                unclassed.append(number)
                continue
            raise LczFileError(f"{name}, entité {number}, champ « {column} » : classe LCZ "
                               f"inconnue « {value} » (attendu : 1 à 10, A à G"
                               f"{', ou 101 à 107' if fmt == 'geoclimate' else ''})")
        if not geometry.is_valid:
            repairs.append(number)
            geometry = repaired(geometry)
            if geometry is None:
                raise LczFileError(f"{name}, entité {number} : géométrie invalide dont la "
                                   "réparation ne laisse aucune surface")
        rows.append({"row": number, "lcz": code,
                     "geometry": shapely.to_wkt(geometry, rounding_precision=WKT_DECIMALS,
                                                trim=True)})
    if not rows:
        raise LczFileError(f"{name}, champ « {column} » : aucune entité classée")
    notes = []
    if repairs:
        notes.append(f"{len(repairs)} géométrie(s) invalide(s) réparée(s) : entité(s) "
                     f"{_numbers(repairs)}")
    if unclassed:
        notes.append(f"{len(unclassed)} entité(s) sans classe laissée(s) de côté : entité(s) "
                     f"{_numbers(unclassed)}")
    return rows, notes


def _numbers(numbers: list[int], most: int = 10) -> str:
    shown = ", ".join(str(n) for n in numbers[:most])
    return shown + (f"… (+{len(numbers) - most})" if len(numbers) > most else "")


def write_layer(rows: list[dict], layer: str, vintage: str, origin: str, out: Path) -> None:
    """Our compact form, the same for the bundled sample and for users' imports."""
    write_parquet([{"layer": layer, "vintage": vintage, "origin": origin, **row}
                   for row in rows], out)


def _valid(geometry: str) -> str:
    return f"CASE WHEN ST_IsValid({geometry}) THEN {geometry} ELSE ST_MakeValid({geometry}) END"


def overlay(con, zones: str, pieces: str, out: str) -> None:
    """``out``: one row per zone (``code``, ``geometry``) and piece of a layer (any columns and
    ``geometry``) that meet, both in Lambert-93, with the piece's columns, the shared part
    (``geometry``, ``area``) and the zone's area (``zone_area``). A piece straddling two zones
    is thus split between them by area. Only the pieces that meet a zone are made valid (a
    layer has thousands of them), each zone once, and a piece inside its zone is kept whole."""
    con.execute(f"""CREATE OR REPLACE TABLE {out} AS
        WITH z AS MATERIALIZED (  -- each zone made valid once, not once per piece it meets
                   SELECT code, {_valid('geometry')} AS zone, ST_Area(zone) AS zone_area
                   FROM {zones} WHERE geometry IS NOT NULL AND NOT ST_IsEmpty(geometry)),
        pairs AS (SELECT z.code, z.zone, z.zone_area,
                         p.* REPLACE ({_valid('p.geometry')} AS geometry)
                  FROM z JOIN (SELECT * FROM {pieces} WHERE geometry IS NOT NULL
                               AND NOT ST_IsEmpty(geometry)) p
                    ON ST_Intersects(z.zone, p.geometry)),
        shared AS MATERIALIZED (SELECT * EXCLUDE (zone) REPLACE (
                          CASE WHEN ST_Within(geometry, zone) THEN geometry
                               ELSE ST_Intersection(zone, geometry) END AS geometry)
                          FROM pairs),
        measured AS (SELECT *, ST_Area(geometry) AS area FROM shared)
        SELECT * FROM measured WHERE area > 0""")
