"""Which QPV perimeters the locator uses, and how precise they are said to be.

The bundled perimeters are a simplified copy (≈ 50 vertices per QPV): fine for maps, not for
an address at the boundary. Official full-resolution perimeters, once imported with
``quartiers data import-perimetres``, replace them; every output says which ones were used.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import shapely

from ..warehouse.store import Warehouse
from .core import Perimeters

SIMPLIFIED_PRECISION_M = 50.0  # declared: vertices ≈ 50–100 m apart along streets and blocks
OFFICIAL_PRECISION_M = 5.0
IMPORTED = "imports/qpv2024_perimetres_officiels.geojson"


def bundled(store: Warehouse) -> Perimeters:
    rows = store.query("""SELECT code, name, commune, ST_AsWKB(geometry) AS wkb
        FROM marts.territories WHERE level = 'qpv' AND geometry IS NOT NULL ORDER BY code""")
    return Perimeters(
        geography="2024",
        codes=np.array([r["code"] for r in rows], dtype=object),
        names=np.array([r["name"] for r in rows], dtype=object),
        communes=np.array([r["commune"] for r in rows], dtype=object),
        geometries=shapely.from_wkb([bytes(r["wkb"]) for r in rows]),
        precision_m=SIMPLIFIED_PRECISION_M,
        label=f"QPV 2024, périmètres simplifiés (précision ±{SIMPLIFIED_PRECISION_M:.0f} m)")


def official(path: Path, store: Warehouse) -> Perimeters:
    """Full-resolution perimeters from an ANCT GeoJSON (fields code_qp, lib_qp)."""
    collection = json.loads(Path(path).read_text(encoding="utf-8"))
    known = {r["code"]: r for r in store.query(
        "SELECT code, name, commune FROM marts.territories WHERE level = 'qpv'")}
    features = [f for f in collection["features"] if f.get("geometry")]
    codes = [f["properties"].get("code_qp") for f in features]
    unknown = sorted({c for c in codes if c not in known}, key=str)
    if unknown:
        raise ValueError(f"{path} : codes QPV inconnus du référentiel 2024 : {unknown[:5]}")
    geometries = shapely.make_valid(shapely.from_geojson(
        [json.dumps(f["geometry"]) for f in features]))
    return Perimeters(
        geography="2024", codes=np.array(codes, dtype=object),
        names=np.array([known[c]["name"] for c in codes], dtype=object),
        communes=np.array([known[c]["commune"] for c in codes], dtype=object),
        geometries=geometries, precision_m=OFFICIAL_PRECISION_M,
        label=f"QPV 2024, périmètres officiels importés (précision ±{OFFICIAL_PRECISION_M:.0f} m)")


def current(store: Warehouse, data_dir: Path) -> Perimeters:
    """The official perimeters when imported, else the bundled simplified ones."""
    imported = Path(data_dir) / IMPORTED
    return official(imported, store) if imported.exists() else bundled(store)
