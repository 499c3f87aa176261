"""Writing bundled files reproducibly, shared by the observatory's bundle and the analyses'."""

from __future__ import annotations

import gzip
import hashlib
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import shapely


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def write_gzip(data: bytes, path: Path) -> None:
    """Level 9, no file name and no date in the header: the same bytes give the same file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as raw, gzip.GzipFile(filename="", mode="wb", compresslevel=9,
                                               fileobj=raw, mtime=0) as handle:
        handle.write(data)


def write_parquet(rows: list[dict], path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    pq.write_table(pa.Table.from_pylist(rows), path, compression="zstd", compression_level=19)


def repaired(geometry):
    """make_valid, keeping only polygons (a repair may leave stray lines or points); None when
    nothing is left, as for the three QPV whose simplified ring collapsed to a point."""
    fixed = shapely.make_valid(geometry)
    if fixed.geom_type not in ("Polygon", "MultiPolygon"):
        fixed = shapely.union_all([g for g in shapely.get_parts(fixed)
                                   if g.geom_type in ("Polygon", "MultiPolygon")])
    # exterior rings counter-clockwise (RFC 7946): web maps tell holes by winding order
    return None if fixed.is_empty else shapely.orient_polygons(fixed)
