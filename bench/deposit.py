"""Benchmark of a trusted third party deposit, against a baseline measured in the same run.

    .venv/bin/python bench/deposit.py          # ≈ 2 min

A 1,000,000-row lettings file (schema ``logements_sociaux``) is generated in memory by the
benchmark — identifiers, dates and bands drawn at random, never shown to anyone — with points
drawn inside the real contours of the communes of Bretagne and Pays de la Loire (one in three
inside a QPV). ``ingest`` reads it, validates it against the agreement (every région, so that
the territory check runs on every row), locates every point (QPV, commune), pseudonymises both
identifiers and writes the encrypted store. The QPV and commune indexes are built before timing
(once per process and warehouse, as in the worker).
Baseline: parsing the same bytes with ``pyarrow.csv.read_csv`` alone. Each side runs in its own
process (its peak memory, ru_maxrss, includes the generated file). Results in
bench/out/deposit.json.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))
from run import WAREHOUSE, child_json, run_parts  # noqa: E402

N = 1_000_000

GENERATE = f"""
import io, numpy as np, shapely
from quartiers.engine.geo import connect
from quartiers.engine.partners.schemas import AGE_BANDS_REFERENCE, INCOME_BANDS

def polygons(level):
    con = connect()
    con.execute("ATTACH '{WAREHOUSE}' AS wh (READ_ONLY)")
    rows = con.execute("SELECT ST_AsWKB(geometry) FROM wh.marts.territories WHERE level = ? "
                       "AND region IN ('52', '53') AND geometry IS NOT NULL", [level]).fetchall()
    return shapely.from_wkb([bytes(r[0]) for r in rows])

def points(shapes, n, rng):
    chosen = shapes[rng.integers(0, len(shapes), n * 3)]
    x0, y0, x1, y1 = shapely.bounds(chosen).T
    x, y = rng.uniform(x0, x1), rng.uniform(y0, y1)
    inside = shapely.contains_xy(chosen, x, y)
    return x[inside][:n], y[inside][:n]

rng = np.random.default_rng(2026)
qx, qy = points(polygons('qpv'), {N} // 3, rng)
cx, cy = points(polygons('commune'), {N} - len(qx), rng)
lon, lat = np.concatenate([qx, cx]), np.concatenate([qy, cy])
assert len(lon) == {N}
ages, bands = np.array(AGE_BANDS_REFERENCE), np.array(INCOME_BANDS)
entry = np.datetime64('2015-01-01') + rng.integers(0, 3650, {N})
leave = np.where(rng.random({N}) < 0.4, entry + rng.integers(30, 2000, {N}), np.datetime64('NaT'))
out = io.StringIO()
out.write('logement;menage;longitude;latitude;date_entree;date_sortie;taille_menage;'
          'tranche_age_reference;tranche_revenus\\n')
housing = rng.integers(0, {N} // 2, {N})
for i in range({N}):
    gone = '' if np.isnat(leave[i]) else str(leave[i])
    out.write(f'L{{housing[i]:07d}};B{{i:07d}};{{lon[i]:.6f}};{{lat[i]:.6f}};{{entry[i]}};{{gone}};'
              f'{{1 + i % 6}};{{ages[i % 4]}};{{bands[i % 6]}}\\n')
content = out.getvalue().encode('utf-8')
del out
"""

INGEST = GENERATE + f"""
import json, resource, tempfile, time
from pathlib import Path
from quartiers.engine.partners.ingest import ingest
from quartiers.engine.partners.keys import KeyRing
from quartiers.engine.partners.location import communes_for, locator_for
from quartiers.engine.partners.schemas import SCHEMAS
from quartiers.engine.partners.store import AgreementStore
folder = Path(tempfile.mkdtemp(prefix='quartiers-bench-depot-'))
ring = KeyRing(folder / 'cles')
ring.create('BENCH')
store = AgreementStore(folder / 'donnees', 'BENCH', ring.store_key('BENCH'))
schema = SCHEMAS['logements_sociaux']
locator_for(Path('{WAREHOUSE}'))  # built once per process and warehouse, as in the worker
communes_for(Path('{WAREHOUSE}'))
con = connect()  # every region: points on a regional boundary may fall in the neighbour
con.execute("ATTACH '{WAREHOUSE}' AS wh (READ_ONLY)")
regions = con.execute("SELECT 'region', code FROM wh.marts.territories WHERE level = 'region'"
                      ).fetchall()
con.close()
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
started = time.perf_counter()
report = ingest(schema, 'logements.csv', content, deposit_id='bench', allowed_fields=schema.names,
                store=store, keys=ring.pseudonym_keys('BENCH'), warehouse=Path('{WAREHOUSE}'),
                territories=regions)
seconds = time.perf_counter() - started
assert report.accepted, report.errors[:3]
print(json.dumps({{"seconds": seconds, "rows": report.rows, "located": report.located,
                   "mib": len(content) / 2**20, "before_mib": before,
                   "store_mib": store.path.stat().st_size / 2**20,
                   "peak_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}}))
store.destroy()
ring.destroy('BENCH')
"""

BASELINE = GENERATE + """
import json, resource, time
import pyarrow.csv as pcsv
started = time.perf_counter()
table = pcsv.read_csv(io.BytesIO(content), parse_options=pcsv.ParseOptions(delimiter=';'))
seconds = time.perf_counter() - started
print(json.dumps({"seconds": seconds, "rows": table.num_rows,
                  "peak_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def bench_deposit() -> dict:
    ours, baseline = child_json(INGEST), child_json(BASELINE)
    assert ours["rows"] == baseline["rows"] == N
    return {"deposit_rows": N, "deposit_csv_mib": round(ours["mib"]),
            "deposit_s": round(ours["seconds"], 1),
            "deposit_rows_per_s": round(N / ours["seconds"]),
            "deposit_peak_mib": round(ours["peak_mib"]),
            "deposit_peak_before_ingest_mib": round(ours["before_mib"]),
            "deposit_store_mib": round(ours["store_mib"], 1),
            "deposit_located": ours["located"],
            "baseline_pyarrow_read_csv_s": round(baseline["seconds"], 2),
            "baseline_pyarrow_rows_per_s": round(N / baseline["seconds"]),
            "baseline_pyarrow_peak_mib": round(baseline["peak_mib"])}


PARTS = {"deposit": bench_deposit}


if __name__ == "__main__":
    run_parts(PARTS, sys.argv[1:] or list(PARTS), "deposit.json")
