"""Benchmarks of the use-case analyses, each against a baseline measured in the same run.

    .venv/bin/python bench/analyses.py                 # everything (≈ 5 min)
    .venv/bin/python bench/analyses.py overlay         # one part
    BENCH_WAREHOUSE=/path/w.duckdb .venv/bin/python bench/analyses.py

- build: each registered analysis's build step, in a fresh process on a copy of a built
  warehouse (its bundled files loaded into raw first), against the same process doing
  everything but the build (copy opened, files loaded): time and peak memory;
- map: the national heat map payload (results.layer of the main component over all QPV):
  time and size, against the bare QPV contours as GeoJSON from the same warehouse;
- overlay: the QPV with a contour (1,606 of 1,609) against 100,000 LCZ polygons tiling all of
  them, our DuckDB overlay against a geopandas overlay on the same inputs: time, peak memory,
  QPV covered at 99 % or more and sum of shares (≈ one per QPV). The polygons are SYNTHETIC:
  real shapes of the Redon GeoClimate sample, enlarged and repeated on a grid over the QPV,
  invented places (see ``_synthetic_inputs``).
Figures are printed and written to bench/out/analyses.json; never used as test assertions.
"""

from __future__ import annotations

import gzip
import json
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))
from run import WAREHOUSE, child_json, run_child, run_parts  # noqa: E402

BASE = Path(os.environ.get("BENCH_WAREHOUSE", WAREHOUSE))
LCZ_POLYGONS = 100_000
# Lambert-93 corner and side (m) of the square of Redon whose pieces are repeated: covered at
# 99.9998 % by the sample (which fills only a third of its own extent)
WINDOW = (318_000, 6_741_000, 2_000)
# enlargement of the square so that about LCZ_POLYGONS pieces meet the QPV (99,707 in 2024)
SCALE = 1.6

PREPARE = """
import shutil, sys
from pathlib import Path
from quartiers.config import current
from quartiers.engine.analyses import ANALYSES_BY_CODE
from quartiers.engine.analyses.model import BuildContext
from quartiers.engine.analyses.pipeline import check_results
from quartiers.engine.geo import connect
from quartiers.engine.warehouse.staging import NUMBER_MACRO, load_raw
analysis = ANALYSES_BY_CODE[{code!r}]
con = connect({copy!r})
con.execute(NUMBER_MACRO)
data = current().data_dir
for source in analysis.sources:
    load_raw(con, source, data)
"""
BUILD = """
analysis.build(con, BuildContext(data, None))
check_results(con, analysis)
"""


def bench_build() -> dict:
    from quartiers.engine.analyses import ANALYSES

    figures = {}
    with tempfile.TemporaryDirectory(prefix="quartiers-bench-") as folder:
        copy = str(Path(folder) / "w.duckdb")
        for analysis in ANALYSES:
            prepare = PREPARE.format(code=analysis.code, copy=copy)
            shutil.copyfile(BASE, copy)
            base_s, base_mib = run_child(prepare)
            shutil.copyfile(BASE, copy)
            seconds, peak = run_child(prepare + BUILD)
            figures |= {f"{analysis.code}_build_s": round(seconds - base_s, 2),
                        f"{analysis.code}_peak_mib": round(peak),
                        f"{analysis.code}_baseline_open_and_load_s": round(base_s, 2),
                        f"{analysis.code}_baseline_peak_mib": round(base_mib)}
    return figures


def _median_ms(work, times: int = 5) -> float:
    spent = []
    for _ in range(times):
        started = time.perf_counter()
        work()
        spent.append((time.perf_counter() - started) * 1000)
    return round(statistics.median(spent), 1)


def bench_map() -> dict:
    from quartiers.engine.analyses.heat import ANALYSIS
    from quartiers.engine.analyses.results import layer
    from quartiers.engine.warehouse.store import Warehouse

    store = Warehouse(BASE)
    component = ANALYSIS.map_component
    payload = json.dumps(layer(store, ANALYSIS.code, component)).encode()
    contours = json.dumps([r["g"] for r in store.query(
        "SELECT ST_AsGeoJSON(geometry) AS g FROM marts.territories WHERE level = 'qpv' "
        "AND geometry IS NOT NULL")]).encode()
    return {
        "heat_map_component": component,
        "heat_map_features": len(json.loads(payload)["features"]),
        "heat_map_ms": _median_ms(lambda: json.dumps(layer(store, ANALYSIS.code, component))),
        "heat_map_kib": len(payload) // 1024,
        "heat_map_gzip_kib": len(gzip.compress(payload)) // 1024,
        "baseline_qpv_contours_ms": _median_ms(lambda: json.dumps(store.query(
            "SELECT ST_AsGeoJSON(geometry) AS g FROM marts.territories WHERE level = 'qpv' "
            "AND geometry IS NOT NULL"))),
        "baseline_qpv_contours_kib": len(contours) // 1024,
    }


def _synthetic_inputs(folder: Path) -> dict:
    """QPV in Lambert-93 and LCZ polygons tiling every QPV, both as WKT Parquet. The polygons
    are real shapes in invented places: the pieces of the Redon sample inside a fully covered
    2 km square of its centre (cut at the square's edges), enlarged SCALE times (similar
    shapes: at Redon's density of about 120 pieces per km², covering the QPV's 1,557 km² in
    Lambert-93 would take over 180,000 of them), then repeated without overlap on a grid of
    squares anchored at the Lambert-93 origin, on each square meeting a QPV's bounding box.
    Kept: every piece meeting a QPV, then the first others (by grid cell) up to LCZ_POLYGONS,
    so that each QPV's shares sum to about 100 % of its area."""
    from quartiers.config import current
    from quartiers.engine.analyses.heat import SOURCES
    from quartiers.engine.geo import connect

    con = connect()
    con.execute(f"ATTACH '{BASE}' AS w (READ_ONLY)")
    qpv, lcz = folder / "qpv.parquet", folder / "lcz.parquet"
    con.execute(f"""COPY (SELECT code, ST_AsText(ST_Transform(geometry, 'EPSG:4326',
            'EPSG:2154', always_xy := true)) AS geometry
        FROM w.marts.territories WHERE level = 'qpv' AND geometry IS NOT NULL)
        TO '{qpv}' (FORMAT parquet)""")
    sample = current().data_dir / SOURCES[0].path
    x0, y0, side = WINDOW
    cell = side * SCALE
    con.execute(f"""CREATE TABLE tile AS SELECT "row", lcz,
            ST_Scale(ST_Translate(cut, -{x0}, -{y0}), {SCALE}, {SCALE}) AS geometry
        FROM (SELECT "row", lcz, ST_CollectionExtract(ST_Intersection(ST_MakeValid(
                  ST_GeomFromText(geometry)), ST_MakeEnvelope({x0}, {y0}, {x0 + side},
                  {y0 + side})), 3) AS cut FROM read_parquet('{sample}'))
        WHERE ST_Area(cut) > 0""")
    con.execute(f"""CREATE TABLE q AS SELECT code, ST_MakeValid(ST_GeomFromText(geometry))
        AS geometry FROM read_parquet('{qpv}')""")
    con.execute(f"""CREATE TABLE cells AS SELECT DISTINCT i, j FROM q,
        LATERAL (SELECT unnest(range(floor(ST_XMin(geometry) / {cell})::BIGINT,
                                     floor(ST_XMax(geometry) / {cell})::BIGINT + 1)) AS i),
        LATERAL (SELECT unnest(range(floor(ST_YMin(geometry) / {cell})::BIGINT,
                                     floor(ST_YMax(geometry) / {cell})::BIGINT + 1)) AS j)""")
    con.execute(f"""CREATE TABLE pieces AS SELECT row_number() OVER (ORDER BY i, j, "row")
            AS piece, lcz AS class, ST_Translate(t.geometry, i * {cell}, j * {cell}) AS geometry
        FROM cells, tile t""")
    con.execute("""CREATE TABLE meeting AS SELECT DISTINCT piece FROM pieces p
        JOIN q ON ST_Intersects(p.geometry, q.geometry)""")
    con.execute(f"""COPY (SELECT piece, class, ST_AsText(geometry) AS geometry FROM (
            SELECT p.*, m.piece IS NOT NULL AS meets FROM pieces p LEFT JOIN meeting m USING (piece))
        QUALIFY meets OR row_number() OVER (ORDER BY meets DESC, piece) <= {LCZ_POLYGONS}
        ORDER BY piece) TO '{lcz}' (FORMAT parquet)""")
    count = "SELECT count(*) FROM "
    return {"qpv": str(qpv), "lcz": str(lcz),
            "qpv_count": con.execute(count + "q").fetchone()[0],
            "window_pieces": con.execute(count + "tile").fetchone()[0],
            "cells": con.execute(count + "cells").fetchone()[0],
            "pieces": con.execute(count + "pieces").fetchone()[0],
            "meeting": con.execute(count + "meeting").fetchone()[0],
            "kept": con.execute(count + f"read_parquet('{lcz}')").fetchone()[0]}


OURS = """
import json, resource, time
from quartiers.engine.analyses.heat_lcz import overlay
from quartiers.engine.geo import connect
con = connect()
for name, columns, path in (("q", "code", "{qpv}"), ("p", "piece, class", "{lcz}")):
    con.execute(f"CREATE TABLE {{name}} AS SELECT {{columns}}, ST_GeomFromText(geometry) "
                f"AS geometry FROM read_parquet('{{path}}')")
started = time.perf_counter()
overlay(con, "q", "p", "shares")
shares = con.execute("SELECT code, class, sum(area) / any_value(zone_area) FROM shares "
                     "GROUP BY ALL").fetchall()
seconds = time.perf_counter() - started
cover = {{}}
for code, _, share in shares:
    cover[code] = cover.get(code, 0) + share
print(json.dumps({{"seconds": seconds, "pairs": len(shares), "area": sum(cover.values()),
                   "covered": sum(c >= 0.99 for c in cover.values()),
                   "peak_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}}))
"""
THEIRS = """
import json, resource, time, geopandas as gpd, pandas as pd
q = pd.read_parquet('{qpv}'); p = pd.read_parquet('{lcz}')
q = gpd.GeoDataFrame(q[["code"]], geometry=gpd.GeoSeries.from_wkt(q.geometry), crs=2154)
p = gpd.GeoDataFrame(p[["piece", "class"]], geometry=gpd.GeoSeries.from_wkt(p.geometry), crs=2154)
started = time.perf_counter()
q["geometry"], p["geometry"] = q.make_valid(), p.make_valid()
q["zone_area"] = q.area
parts = gpd.overlay(q, p, how="intersection", keep_geom_type=True)
parts["area"] = parts.area
shares = (parts.groupby(["code", "class"])["area"].sum()
          / parts.groupby(["code", "class"])["zone_area"].first())
seconds = time.perf_counter() - started
cover = shares.groupby(level="code").sum()
print(json.dumps({{"seconds": seconds, "pairs": len(shares), "area": float(cover.sum()),
                   "covered": int((cover >= 0.99).sum()),
                   "peak_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}}))
"""


def bench_overlay() -> dict:
    with tempfile.TemporaryDirectory(prefix="quartiers-bench-") as folder:
        # made in a child too: Linux keeps a process's peak memory across fork and exec, so
        # the children measured after must start from a small parent
        made = child_json(f"import json, sys; sys.path.insert(0, 'bench'); import analyses; "
                          f"print(json.dumps(analyses._synthetic_inputs("
                          f"analyses.Path({folder!r}))))")
        ours = child_json(OURS.format(qpv=made["qpv"], lcz=made["lcz"]))
        theirs = child_json(THEIRS.format(qpv=made["qpv"], lcz=made["lcz"]))
    qpv = made["qpv_count"]
    return {"overlay_lcz_polygons": (
                f"{made['kept']} synthétiques (formes réelles, lieux inventés) : les "
                f"{made['window_pieces']} morceaux d'un carré de {WINDOW[2]} m au centre de "
                f"Redon, agrandis ×{SCALE}, répétés sur {made['cells']} carrés d'une grille "
                f"couvrant les QPV ({made['pieces']} morceaux), dont les {made['meeting']} qui "
                f"touchent un QPV et les premiers autres"),
            "overlay_qpv": qpv,
            "overlay_qpv_covered_99pct_duckdb_vs_geopandas": (
                f"{ours['covered']} / {theirs['covered']} (sur {qpv})"),
            "overlay_duckdb_s": round(ours["seconds"], 2),
            "overlay_duckdb_peak_mib": round(ours["peak_mib"]),
            "overlay_qpv_class_pairs": ours["pairs"],
            "baseline_geopandas_overlay_s": round(theirs["seconds"], 2),
            "baseline_geopandas_peak_mib": round(theirs["peak_mib"]),
            "baseline_geopandas_qpv_class_pairs": theirs["pairs"],
            "sum_of_shares_duckdb_vs_geopandas": (
                f"{ours['area']:.4f} / {theirs['area']:.4f} (≈ {qpv} si chaque QPV est couvert)"),
            "speedup": round(theirs["seconds"] / ours["seconds"], 1)}


# the map part last: it opens the warehouse in this process, whose peak memory the children
# of the other parts would inherit
PARTS = {"build": bench_build, "overlay": bench_overlay, "map": bench_map}

if __name__ == "__main__":
    run_parts(PARTS, sys.argv[1:] or list(PARTS), "analyses.json")
