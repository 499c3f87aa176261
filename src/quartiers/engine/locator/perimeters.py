"""Which QPV perimeters the locator uses, and how precise they are said to be.

The bundled perimeters are a simplified copy (≈ 50 vertices per QPV): fine for maps, not for
an address at the boundary. Official full-resolution perimeters, once imported with
``quartiers data import-perimetres``, replace them; every output says which ones were used.
"""

from __future__ import annotations

import json
import shutil
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
    """Full-resolution perimeters from an ANCT GeoJSON (field code_qp) replace the simplified
    ones for the QPV they cover; the label says how many are official."""
    try:
        collection = json.loads(Path(path).read_text(encoding="utf-8"))
        features = [f for f in collection["features"] if f.get("geometry")]
        codes = [f["properties"]["code_qp"] for f in features]
    except (ValueError, KeyError, TypeError) as error:
        raise ValueError(f"{path} : GeoJSON des QPV illisible ({error!r} ; champ code_qp "
                         "attendu)") from error
    base = bundled(store)
    index = {code: i for i, code in enumerate(base.codes)}
    known = {r["code"] for r in store.query("SELECT code FROM marts.territories "
                                            "WHERE level = 'qpv'")}
    unknown = sorted({c for c in codes if c not in known}, key=str)
    if unknown or not codes:
        raise ValueError(f"{path} : aucun QPV, ou codes inconnus du référentiel 2024 : "
                         f"{unknown[:5]}")
    geometries = base.geometries.copy()
    shapes = shapely.make_valid(shapely.from_geojson([json.dumps(f["geometry"]) for f in features]))
    for code, shape in zip(codes, shapes, strict=True):
        if code in index:
            geometries[index[code]] = shape
    complete = set(codes) >= set(base.codes)
    precision = OFFICIAL_PRECISION_M if complete else SIMPLIFIED_PRECISION_M
    label = (f"QPV 2024, périmètres officiels importés (précision ±{precision:.0f} m)" if complete
             else f"QPV 2024, périmètres officiels pour {len(set(codes))} QPV, simplifiés pour "
                  f"les autres (précision ±{precision:.0f} m)")
    return Perimeters(geography="2024", codes=base.codes, names=base.names,
                      communes=base.communes, geometries=geometries, precision_m=precision,
                      label=label)


def import_official(source: Path, store: Warehouse, data_dir: Path) -> Perimeters:
    """Check an official perimeter file, then keep a copy where the locator looks for it."""
    perimeters = official(source, store)
    target = Path(data_dir) / IMPORTED
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(source, target)
    return perimeters


def current(store: Warehouse, data_dir: Path) -> Perimeters:
    """The official perimeters when imported, else the bundled simplified ones."""
    imported = Path(data_dir) / IMPORTED
    return official(imported, store) if imported.exists() else bundled(store)
