"""Each deposited row placed in its QPV (2024 geography), IRIS and commune, then its address or
point forgotten.

Points go through the project's locator (the warehouse's QPV perimeters, vectorised) and a
spatial join on the warehouse's commune contours; addresses are first geocoded by the platform's
geocoder (only the address leaves the machine, with a row number). Codes given by the partner
(commune, IRIS, QPV) are kept as given: an IRIS gives its commune, not its QPV, and a point gives
no IRIS (the warehouse holds no IRIS contours). The commune contours are simplified: a point
within ``COMMUNE_TOLERANCE_DEGREES`` of one is placed in the nearest. ``localisation`` says, per
row, how it was placed.
"""

from __future__ import annotations

import functools
from pathlib import Path

import numpy as np
import pyarrow as pa
import shapely

from ..locator import CHECK, ERROR, Locator, bundled
from ..locator.geocoding import AddressColumns, GeocodingError
from ..warehouse.store import Warehouse
from .reading import LINE
from .schemas import Schema
from .validation import Errors

ADDRESS, ADDRESS_CHECK = "adresse", "adresse, à vérifier"
POINT, POINT_CHECK = "point", "point, à vérifier"
PRECISIONS = {
    ADDRESS: "adresse géocodée au numéro, puis effacée",
    ADDRESS_CHECK: "adresse géocodée à la voie ou avec un score faible, puis effacée",
    POINT: "coordonnées du logement, effacées après localisation",
    POINT_CHECK: "coordonnées près d'une limite de QPV (moins que la précision des périmètres)",
    "iris": "code IRIS donné par le partenaire (pas de QPV déduit)",
    "qpv": "code QPV donné par le partenaire",
    "commune": "code commune donné par le partenaire",
}
COMMUNE_TOLERANCE_DEGREES = 0.002
"""A point just outside the simplified commune contours (≈ 150 m: the coast, a boundary) goes to
the nearest commune within this reach."""
NO_GEOCODER = ("le géocodage n'est pas configuré sur cette plateforme ; donnez longitude et "
               "latitude (ou les codes de commune et d'IRIS) au lieu de l'adresse")


@functools.lru_cache(maxsize=2)
def _locator(warehouse: str, modified: float) -> Locator:
    return Locator(bundled(Warehouse(Path(warehouse))))


def locator_for(warehouse: Path) -> Locator:
    """One locator per warehouse file version (built in ≈ 0.5 s)."""
    return _locator(str(warehouse), Path(warehouse).stat().st_mtime)


class Communes:
    """The warehouse's commune contours, prepared and indexed once, to place points in them."""

    def __init__(self, warehouse: Path):
        rows = Warehouse(warehouse).query("""SELECT code, ST_AsWKB(geometry) AS wkb
            FROM marts.territories WHERE level = 'commune' AND geometry IS NOT NULL
            ORDER BY code""")
        self.codes = np.array([r["code"] for r in rows] + [None], dtype=object)
        self.shapes = shapely.from_wkb([bytes(r["wkb"]) for r in rows])
        shapely.prepare(self.shapes)
        self.tree = shapely.STRtree(self.shapes)

    def find(self, lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
        """Code of the commune holding each point (the first by code on a shared edge), else
        the nearest within the tolerance, else None."""
        found = np.full(len(lon), -1, np.int64)
        points = shapely.points(lon, lat)
        point, shape = self.tree.query(points)
        inside = shapely.contains_xy(self.shapes[shape], lon[point], lat[point])
        point, shape = point[inside], shape[inside]
        order = np.lexsort((shape, point))[::-1]  # the smallest code wins when written last
        found[point[order]] = shape[order]
        lost = np.flatnonzero(found < 0)
        if len(lost):
            (near, shape), _ = self.tree.query_nearest(
                points[lost], max_distance=COMMUNE_TOLERANCE_DEGREES, return_distance=True,
                all_matches=False)
            found[lost[near]] = shape
        return self.codes[found]


@functools.lru_cache(maxsize=2)
def _communes(warehouse: str, modified: float) -> Communes:
    return Communes(Path(warehouse))


def communes_for(warehouse: Path) -> Communes:
    return _communes(str(warehouse), Path(warehouse).stat().st_mtime)


def locate(con, schema: Schema, warehouse: Path, errors: Errors, geocoder=None) -> dict[str, int]:
    """Fill the temp table ``located`` (``_ligne``, qpv, iris, commune, localisation) from
    ``typed``; returns the rows per ``localisation``. Unplaceable rows are errors."""
    columns = {r[0] for r in con.execute("DESCRIBE typed").fetchall()}
    con.execute("CREATE OR REPLACE TEMP TABLE located (_ligne BIGINT, qpv VARCHAR, iris VARCHAR, "
                "commune VARCHAR, localisation VARCHAR)")
    placed = "FALSE"
    if {"longitude", "latitude"} <= columns:
        placed = "(longitude IS NOT NULL AND latitude IS NOT NULL)"
    points = con.execute(f"SELECT {LINE}, longitude, latitude FROM typed WHERE {placed}"
                         ).fetchnumpy() if placed != "FALSE" else None
    lines = [points[LINE]] if points else []
    lons = [points["longitude"]] if points else []
    lats = [points["latitude"]] if points else []
    kinds = [np.full(len(lines[0]), POINT, object)] if points else []
    fields = [np.full(len(lines[0]), "longitude", object)] if points else []
    if "adresse" in columns:
        rows = con.execute(f"SELECT {LINE}, adresse FROM typed WHERE adresse IS NOT NULL "
                           f"AND NOT {placed}").fetchall()
        if rows and geocoder is None:
            errors.add(NO_GEOCODER, None, "adresse")
        elif rows:
            geocoded = _geocode(geocoder, rows, errors)
            if geocoded is not None:
                line, lon, lat, kind = geocoded
                lines.append(line), lons.append(lon), lats.append(lat), kinds.append(kind)
                fields.append(np.full(len(line), "adresse", object))
    if lines:
        _locate_points(con, warehouse, np.concatenate(lines), np.concatenate(lons),
                       np.concatenate(lats), np.concatenate(kinds), np.concatenate(fields), errors)
    _given_codes(con, columns, placed)
    return dict(con.execute("SELECT localisation, count(*) FROM located GROUP BY 1 ORDER BY 1"
                            ).fetchall())


def _geocode(geocoder, rows: list[tuple], errors: Errors):
    try:
        found = geocoder.geocode([[address] for _, address in rows], AddressColumns(query=(0,)))
    except GeocodingError as error:
        errors.add(f"{error} ; donnez longitude et latitude au lieu de l'adresse", None, "adresse")
        return None
    line = np.array([number for number, _ in rows], np.int64)
    kind = np.full(len(rows), ADDRESS, object)
    keep = np.ones(len(rows), bool)
    for i, problem in enumerate(found.problem):
        status, _, why = problem.partition(" : ")
        if status == "erreur":
            errors.add(f"adresse non localisée ({why})", int(line[i]), "adresse")
            keep[i] = False
        elif status:
            kind[i] = ADDRESS_CHECK
    return line[keep], found.lon[keep], found.lat[keep], kind[keep]


def _locate_points(con, warehouse: Path, line, lon, lat, kind, field, errors: Errors) -> None:
    locator = locator_for(warehouse)
    result = locator.locate(lon, lat)
    for i in np.flatnonzero(result.status == ERROR):
        errors.add(f"point non localisé ({result.reason[i]})", int(line[i]), str(field[i]))
    checked = result.status == CHECK
    kind = np.where(checked & (kind == POINT), POINT_CHECK,
                    np.where(checked & (kind == ADDRESS), ADDRESS_CHECK, kind))
    codes = np.append(locator.perimeters.codes, None)[result.qpv]  # -1 → None
    ok = result.status != ERROR
    con.register("points", pa.table({LINE: line[ok], "lon": lon[ok], "lat": lat[ok],
                                     "qpv": pa.array(codes[ok], pa.string()),
                                     "localisation": pa.array(kind[ok], pa.string()),
                                     "champ": pa.array(field[ok], pa.string())}))
    commune = communes_for(warehouse).find(lon[ok], lat[ok])
    con.register("point_communes", pa.table({LINE: line[ok],
                                             "commune": pa.array(commune, pa.string())}))
    errors.add_query(con, f"""
        SELECT p.{LINE}, p.champ, 'point hors des contours des communes du référentiel'
        FROM points p LEFT JOIN point_communes c USING ({LINE})
        LEFT JOIN wh.marts.territories q ON q.level = 'qpv' AND q.code = p.qpv
        WHERE c.commune IS NULL AND q.commune IS NULL""")
    con.execute(f"""INSERT INTO located
        SELECT p.{LINE}, p.qpv, NULL, coalesce(c.commune, q.commune), p.localisation
        FROM points p LEFT JOIN point_communes c USING ({LINE})
        LEFT JOIN wh.marts.territories q ON q.level = 'qpv' AND q.code = p.qpv""")
    con.unregister("points")
    con.unregister("point_communes")


def _given_codes(con, columns: set[str], placed: str) -> None:
    """Rows placed by the partner's codes: those without a point nor an address."""
    iris = "iris" if "iris" in columns else "NULL"
    qpv = "qpv" if "qpv" in columns else "NULL"
    commune = "commune" if "commune" in columns else "NULL"
    address = "adresse IS NOT NULL" if "adresse" in columns else "FALSE"
    con.execute(f"""INSERT INTO located
        SELECT {LINE}, {qpv}, {iris}, coalesce({commune}, left({iris}, 5)),
               CASE WHEN {iris} IS NOT NULL THEN 'iris' WHEN {qpv} IS NOT NULL THEN 'qpv'
                    ELSE 'commune' END
        FROM typed WHERE NOT {placed} AND NOT {address}
          AND coalesce({iris}, {qpv}, {commune}) IS NOT NULL""")
