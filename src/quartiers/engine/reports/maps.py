"""A static SVG map of a territory and its QPV, for the PDF (no tiles, no network).

Longitudes are shrunk by cos(mean latitude), an equirectangular plane that keeps shapes right
at the scale of a commune or a région. Geometries are simplified in pixel space, so France's
outline stays small, and QPV smaller than a few pixels become dots so they remain visible.
"""

from __future__ import annotations

import math
from xml.sax.saxutils import escape

import numpy as np
import shapely
from shapely.geometry import shape

from .charts import FONT, MUTED, STRONG

OUTLINE_FILL, OUTLINE_STROKE = "#eef0f2", "#9aa5b1"
OTHER_QPV_FILL = "#e8b4b7"  # QPV shown for context when the map is about one of them
MARGIN_SHARE = 0.06  # of the box's smaller side, kept free around the framed territory
MAX_LABELS = 15
OVERLAP_AREA = 1e-8  # square degrees: about 100 m² in France, under a pixel of any map here
DOT_BELOW = 3.0  # px: a QPV smaller than this is drawn as a dot


def territory_map_svg(outline: dict | None, qpv: dict, width: int = 520, height: int = 360, *,
                      highlight: str | None = None, fills: dict[str, str] | None = None) -> str:
    """SVG of an outline (GeoJSON geometry or None) and QPV features (a FeatureCollection).

    The view fits the outline when there is one (so overseas QPV do not shrink France), else
    the QPV. With ``highlight``, the view centres on that QPV, drawn strong, with the outline
    and the other QPV around it as context, lighter. ``fills`` colours each feature by its code
    instead (an analysis's classes; a code it lacks is drawn in the outline's grey).
    """
    features = _features(qpv)
    border = shape(outline) if outline else None
    border = None if border is None or border.is_empty else border
    focus = [g for code, g in features if code == highlight]
    if focus:
        bounds = _around(focus[0].bounds)
    else:
        bounds = _bounds([border] if border is not None else [g for _, g in features])
    if bounds is None:
        return _frame(width, height, [_note(width, height, "Contour non disponible")])
    project = _projection(bounds, width, height)
    body = []
    if border is not None:
        body.append(_path(project(border), OUTLINE_FILL, OUTLINE_STROKE, 0.8))
    window = shapely.box(*bounds)
    shown = [(code, project(g)) for code, g in features if g.intersects(window)]
    for code, geometry in shown:
        fill = STRONG if highlight in (None, code) else OTHER_QPV_FILL
        if fills is not None:
            fill = fills.get(code, OUTLINE_STROKE)
        body.append(_qpv(geometry, fill))
    if len(shown) <= MAX_LABELS:
        body.extend(_label(code, geometry) for code, geometry in shown)
    return _frame(width, height, body)


def perimeters_overlap(qpv: dict, outline: dict | None) -> bool:
    """Whether simplified QPV perimeters overlap one another or spill over the outline (a
    commune's or a territory's) by more than about 100 m²: the map's note then says so."""
    geometries = [shapely.make_valid(g) for _, g in _features(qpv)]
    tree = shapely.STRtree(geometries)
    pairs = tree.query(geometries, predicate="intersects")
    if any(i < j and geometries[i].intersection(geometries[j]).area > OVERLAP_AREA
           for i, j in zip(*pairs, strict=True)):
        return True
    border = shapely.make_valid(shape(outline)) if outline else None
    return border is not None and any(g.difference(border).area > OVERLAP_AREA
                                      for g in geometries)


def _features(collection: dict) -> list[tuple[str, object]]:
    geometries = [(f["properties"]["code"], shape(f["geometry"]))
                  for f in collection.get("features", []) if f.get("geometry")]
    return [(code, geometry) for code, geometry in geometries if not geometry.is_empty]


def _bounds(geometries: list) -> tuple | None:
    if not geometries:
        return None
    corners = np.array([g.bounds for g in geometries])
    return (*corners[:, :2].min(axis=0), *corners[:, 2:].max(axis=0))


def _around(bounds: tuple, context: float = 1.5) -> tuple:
    """Bounds grown by ``context`` times their size on each side: a QPV and its surroundings."""
    xmin, ymin, xmax, ymax = bounds
    pad = max(xmax - xmin, ymax - ymin) * context
    return xmin - pad, ymin - pad, xmax + pad, ymax + pad


def _projection(bounds: tuple, width: int, height: int):
    """A function mapping a lon/lat geometry to pixels: ``bounds`` centred in the box with a
    margin on every side, one scale on both axes (the aspect kept)."""
    xmin, ymin, xmax, ymax = bounds
    margin = MARGIN_SHARE * min(width, height)
    shrink = math.cos(math.radians((ymin + ymax) / 2))
    span_x, span_y = max((xmax - xmin) * shrink, 1e-9), max(ymax - ymin, 1e-9)
    scale = min((width - 2 * margin) / span_x, (height - 2 * margin) / span_y)
    offset_x = (width - span_x * scale) / 2
    offset_y = (height - span_y * scale) / 2

    def to_pixels(coords: np.ndarray) -> np.ndarray:
        x = offset_x + (coords[:, 0] - xmin) * shrink * scale
        y = offset_y + (ymax - coords[:, 1]) * scale
        return np.column_stack((x, y))

    return lambda geometry: shapely.transform(geometry, to_pixels)


def _rings(geometry) -> list:
    """Polygon rings, whatever collection repaired (make_valid) geometries come in."""
    parts = shapely.get_parts(shapely.get_parts(geometry))
    return [ring for polygon in parts if polygon.geom_type == "Polygon"
            for ring in (polygon.exterior, *polygon.interiors)]


def _path(geometry, fill: str, stroke: str, stroke_width: float) -> str:
    """Path of a pixel-space geometry, simplified below half a pixel to keep the SVG small."""
    geometry = geometry.simplify(0.4, preserve_topology=False)
    data = "".join("M" + "L".join(f"{x:.1f},{y:.1f}" for x, y in ring.coords[:-1]) + "Z"
                   for ring in _rings(geometry) if len(ring.coords) > 3)
    if not data:
        return ""
    return (f'<path d="{data}" fill="{fill}" stroke="{stroke}" stroke-width="{stroke_width}" '
            'fill-rule="evenodd" stroke-linejoin="round"/>')


def _qpv(geometry, fill: str) -> str:
    xmin, ymin, xmax, ymax = geometry.bounds
    if max(xmax - xmin, ymax - ymin) < DOT_BELOW:
        x, y = (xmin + xmax) / 2, (ymin + ymax) / 2
        return f'<circle cx="{x:.1f}" cy="{y:.1f}" r="1.6" fill="{fill}"/>'
    return _path(geometry, fill, STRONG, 0.6)


def _label(code: str, geometry) -> str:
    point = geometry.centroid
    return (f'<text x="{point.x:.1f}" y="{point.y - 4:.1f}" font-size="8" text-anchor="middle" '
            f'fill="{MUTED}" stroke="white" stroke-width="2.5" paint-order="stroke" '
            f'font-weight="bold">{escape(code)}</text>')


def _note(width: int, height: int, text: str) -> str:
    return (f'<text x="{width / 2}" y="{height / 2}" font-size="11" text-anchor="middle" '
            f'fill="{MUTED}">{escape(text)}</text>')


def _frame(width: int, height: int, body: list[str]) -> str:
    return (f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
            f'viewBox="0 0 {width} {height}" font-family="{FONT}">'
            f'<rect width="{width}" height="{height}" fill="white"/>' + "".join(body)
            + f'<rect x="0.5" y="0.5" width="{width - 1}" height="{height - 1}" fill="none" '
            f'stroke="{OUTLINE_STROKE}"/></svg>')
