"""Vectorised QPV lookup: is each point in a QPV, which one, how far from its boundary.

Points are projected to a metric CRS (Lambert-93 in metropolitan France, the official UTM
zone overseas). A coarse grid of cells near any QPV sends most points straight to « no QPV
within the radius » with numpy alone; only the remaining candidates meet shapely's STRtree.

Boundary rule: a point exactly on a QPV boundary is inside that QPV (distance 0), and, like
every point closer to a boundary than the stated precision of the perimeters, « à vérifier ».
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

import numpy as np
import shapely
from pyproj import Transformer

from ..geo import DEFAULT_RADIUS_M, LAMBERT93, WGS84

OK, CHECK, ERROR = 0, 1, 2
STATUS_LABELS = {OK: "ok", CHECK: "à vérifier", ERROR: "erreur"}
GRID_CELL_M = 1000.0
NAN = float("nan")


@dataclass(frozen=True)
class Zone:
    name: str
    bbox: tuple[float, float, float, float]  # lon/lat
    crs: str


ZONES = (
    Zone("France métropolitaine", (-5.8, 41.2, 9.9, 51.3), LAMBERT93),
    Zone("Antilles", (-63.2, 14.3, -60.7, 18.2), "EPSG:5490"),
    Zone("Guyane", (-54.7, 2.0, -51.5, 6.0), "EPSG:2972"),
    Zone("La Réunion", (55.1, -21.5, 55.95, -20.8), "EPSG:2975"),
    Zone("Mayotte", (44.9, -13.1, 45.4, -12.5), "EPSG:4471"),
    Zone("Polynésie française (îles du Vent et Sous-le-Vent)", (-152.5, -18.2, -148.5, -16.0),
         "EPSG:3297"),
)


@dataclass(frozen=True)
class Perimeters:
    """QPV perimeters of one geography, with the precision their source allows."""

    geography: str  # "2024"
    codes: np.ndarray
    names: np.ndarray
    communes: np.ndarray
    geometries: np.ndarray  # shapely polygons, WGS84
    precision_m: float
    label: str  # said in every output: which perimeters, how precise

    def __post_init__(self):
        if not len(self.codes) == len(self.names) == len(self.geometries):
            raise ValueError("perimeters: codes, names and geometries differ in length")


@dataclass
class Located:
    """Results aligned with the input points; index arrays point into ``Perimeters``."""

    status: np.ndarray  # OK, CHECK, ERROR
    reason: np.ndarray  # error reason (object) or None
    qpv: np.ndarray  # index of the QPV containing the point, -1 if none
    distance: np.ndarray  # signed distance to the boundary (m): negative inside, NaN if none near
    nearest: np.ndarray  # index of the nearest QPV within the radius when outside, -1 if none

    @property
    def inside(self) -> np.ndarray:
        return self.qpv >= 0

    def answers(self, notes: list[str] | None = None) -> list[Answer]:
        """One answer per point, as every output states it. ``notes`` come from an earlier
        step (geocoding: « erreur : … » or « à vérifier : … », empty when fine); an error of
        the point itself wins over a note that it is only to check."""
        status = np.array([STATUS_LABELS[s] for s in (OK, CHECK, ERROR)], object)[self.status]
        reason = np.where(self.status == ERROR, self.reason, "")
        qpv, nearest, distance = self.qpv.copy(), self.nearest.copy(), self.distance.copy()
        for i, note in enumerate(notes or ()):
            noted, _, why = note.partition(" : ")
            if noted == "erreur":
                status[i], reason[i], qpv[i], nearest[i], distance[i] = noted, why, -1, -1, NAN
            elif noted and status[i] != "erreur":
                status[i], reason[i] = noted, why
        return list(map(Answer._make, zip(status.tolist(), reason.tolist(), qpv.tolist(),
                                          nearest.tolist(), distance.tolist(), strict=True)))


class Answer(NamedTuple):
    """One point: « ok », « à vérifier » or « erreur », why (for the last two, when known), the
    QPV containing it or else the nearest one within the radius (indexes, -1 if none), and the
    signed distance to that QPV's boundary (NaN when neither)."""

    status: str
    reason: str
    qpv: int
    nearest: int
    distance: float

    @property
    def text(self) -> str:
        return f"{self.status} : {self.reason}" if self.reason else self.status


class _ZoneIndex:
    """One metric zone: projected polygons, their boundaries, an STRtree and a cell grid."""

    def __init__(self, zone: Zone, perimeters: Perimeters, members: np.ndarray, reach: float):
        self.zone = zone
        self.members = members  # indices into perimeters
        self.to_metric = Transformer.from_crs(WGS84, zone.crs, always_xy=True)
        polygons = shapely.transform(perimeters.geometries[members], self._project)
        self.polygons = polygons
        self.boundaries = shapely.boundary(polygons)
        self.tree = shapely.STRtree(polygons)
        xmin, ymin, xmax, ymax = shapely.total_bounds(polygons) if len(polygons) else (0, 0, 1, 1)
        self.origin = (xmin - reach - GRID_CELL_M, ymin - reach - GRID_CELL_M)
        shape = (int((ymax - ymin + 2 * reach) / GRID_CELL_M) + 3,
                 int((xmax - xmin + 2 * reach) / GRID_CELL_M) + 3)
        self.grid = np.zeros(shape, dtype=bool)
        for x0, y0, x1, y1 in shapely.bounds(polygons):
            i0, j0 = self._cell(np.array([x0 - reach]), np.array([y0 - reach]))
            i1, j1 = self._cell(np.array([x1 + reach]), np.array([y1 + reach]))
            self.grid[j0[0]:j1[0] + 1, i0[0]:i1[0] + 1] = True

    def _project(self, coords: np.ndarray) -> np.ndarray:
        return np.column_stack(self.to_metric.transform(coords[:, 0], coords[:, 1]))

    def _cell(self, x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        i = np.clip(((x - self.origin[0]) // GRID_CELL_M).astype(np.int64), 0,
                    self.grid.shape[1] - 1)
        j = np.clip(((y - self.origin[1]) // GRID_CELL_M).astype(np.int64), 0,
                    self.grid.shape[0] - 1)
        return i, j

    def near_any(self, x: np.ndarray, y: np.ndarray) -> np.ndarray:
        """True where a QPV may lie within the radius; False is certain, True is a candidate."""
        i, j = self._cell(x, y)
        return self.grid[j, i]


class Locator:
    """Built once per set of perimeters (≈ 0.3 s), then ``locate`` runs on arrays."""

    def __init__(self, perimeters: Perimeters, radius_m: float = DEFAULT_RADIUS_M):
        self.perimeters = perimeters
        self.radius_m = float(radius_m)
        centres = shapely.centroid(perimeters.geometries)
        lon, lat = shapely.get_x(centres), shapely.get_y(centres)
        self.zones = []
        for zone in ZONES:
            members = np.flatnonzero(_in_bbox(lon, lat, zone.bbox))
            self.zones.append(_ZoneIndex(zone, perimeters, members, self.radius_m))

    def locate(self, a, b, crs: str = WGS84, radius_m: float | None = None) -> Located:
        """Locate points given as longitude/latitude (WGS84) or x/y (Lambert-93); the nearest
        QPV is kept within ``radius_m`` (at most the radius the locator was built for)."""
        a = np.asarray(a, dtype=float)
        b = np.asarray(b, dtype=float)
        n = len(a)
        result = Located(status=np.zeros(n, np.int8), reason=np.full(n, None, object),
                         qpv=np.full(n, -1, np.int64), distance=np.full(n, np.nan),
                         nearest=np.full(n, -1, np.int64))
        missing = ~(np.isfinite(a) & np.isfinite(b))
        _fail(result, missing, "coordonnées absentes ou non numériques")
        if crs == LAMBERT93:
            zone_of = np.where(missing, -1, 0)
            outside = ~missing & ~_in_bbox(a, b, (-400000, 5900000, 1400000, 7300000))
            _fail(result, outside, "coordonnées Lambert-93 hors de France métropolitaine")
            zone_of[outside] = -1
            metric = {0: (a, b)}
        elif crs == WGS84:
            bad = ~missing & ((np.abs(a) > 180) | (np.abs(b) > 90))
            _fail(result, bad, "longitude ou latitude hors limites")
            zone_of = np.full(n, -1)
            swapped = np.zeros(n, bool)
            for number, zone in enumerate(self.zones):
                zone_of[~missing & ~bad & (zone_of < 0)
                        & _in_bbox(a, b, zone.zone.bbox)] = number
                swapped |= _in_bbox(b, a, zone.zone.bbox)
            lost = ~missing & ~bad & (zone_of < 0)
            _fail(result, lost & swapped, "point hors de France : longitude et latitude "
                                          "inversées ?")
            _fail(result, lost, "point hors de France")
            metric = {}
            for number, zone in enumerate(self.zones):
                rows = zone_of == number
                if rows.any():
                    metric[number] = zone.to_metric.transform(a[rows], b[rows])
        else:
            raise ValueError(f"système de coordonnées non pris en charge : {crs}")
        for number, (x, y) in metric.items():
            rows = np.flatnonzero(zone_of == number)
            self._locate_zone(self.zones[number], rows, np.asarray(x), np.asarray(y), result)
        checked = (result.status == OK) & (np.abs(result.distance) < self.perimeters.precision_m)
        result.status[checked] = CHECK
        if radius_m is not None and radius_m < self.radius_m:
            far = (result.nearest >= 0) & (result.distance > radius_m)
            result.nearest[far], result.distance[far] = -1, np.nan
        return result

    def _locate_zone(self, zone: _ZoneIndex, rows, x, y, result: Located) -> None:
        candidates = np.flatnonzero(zone.near_any(x, y))
        if not len(candidates) or not len(zone.members):
            return
        points = shapely.points(x[candidates], y[candidates])
        point_idx, poly_idx = zone.tree.query(points, predicate="intersects")
        # a point on the shared edge of two QPV: keep the first QPV in code order
        order = np.lexsort((zone.members[poly_idx], point_idx))
        point_idx, poly_idx = point_idx[order], poly_idx[order]
        first = np.unique(point_idx, return_index=True)[1]
        point_idx, poly_idx = point_idx[first], poly_idx[first]
        inside_rows = rows[candidates[point_idx]]
        result.qpv[inside_rows] = zone.members[poly_idx]
        result.distance[inside_rows] = -shapely.distance(points[point_idx],
                                                         zone.boundaries[poly_idx])
        outside = np.ones(len(candidates), bool)
        outside[point_idx] = False
        if outside.any():
            (near_point, near_poly), distances = zone.tree.query_nearest(
                points[outside], max_distance=self.radius_m, all_matches=False,
                return_distance=True)
            near_rows = rows[candidates[np.flatnonzero(outside)[near_point]]]
            result.nearest[near_rows] = zone.members[near_poly]
            result.distance[near_rows] = distances


def _in_bbox(x, y, bbox) -> np.ndarray:
    return (x >= bbox[0]) & (x <= bbox[2]) & (y >= bbox[1]) & (y <= bbox[3])


def _fail(result: Located, mask: np.ndarray, reason: str) -> None:
    fresh = mask & (result.status != ERROR)
    result.status[fresh] = ERROR
    result.reason[fresh] = reason
