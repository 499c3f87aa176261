"""Benchmarks of the QPV locator, each against a baseline measured in the same run.

    .venv/bin/python bench/locator.py          # ≈ 2 min
    .venv/bin/python bench/locator.py csv      # one part

1,000,000 random points over the Bretagne + Pays de la Loire bounding box, against all QPV:
our ``locate`` versus ``geopandas.sjoin`` (same points, same polygons, Lambert-93); a
1,000,000-row CSV end to end; the single-point API under wrk; a file of 19,920 addresses
geocoded by the local test address server (addok) then located, against the same addresses
posted straight to addok. Results in bench/out/locator.json.
"""

from __future__ import annotations

import shutil
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))
from run import OUT, WAREHOUSE, child_json, run_parts, serving, wrk  # noqa: E402

N = 1_000_000
BBOX = (-5.2, 46.2, 0.0, 48.95)  # Bretagne + Pays de la Loire


def _points(n=N, seed=2024):
    rng = np.random.default_rng(seed)
    return rng.uniform(BBOX[0], BBOX[2], n), rng.uniform(BBOX[1], BBOX[3], n)


LOCATE = f"""
import json, resource, time, numpy as np
from quartiers.engine.warehouse.store import Warehouse
from quartiers.engine.locator import Locator, bundled
locator = Locator(bundled(Warehouse('{WAREHOUSE}')))
rng = np.random.default_rng(2024)
lon, lat = rng.uniform({BBOX[0]}, {BBOX[2]}, {N}), rng.uniform({BBOX[1]}, {BBOX[3]}, {N})
locator.locate(lon[:1000], lat[:1000])
started = time.perf_counter()
result = locator.locate(lon, lat)
seconds = time.perf_counter() - started
print(json.dumps({{"seconds": seconds, "inside": int(result.inside.sum()),
                   "peak_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}}))
"""

SJOIN = f"""
import json, resource, time, numpy as np, geopandas as gpd
from quartiers.engine.warehouse.store import Warehouse
from quartiers.engine.locator import bundled
perimeters = bundled(Warehouse('{WAREHOUSE}'))
polygons = gpd.GeoDataFrame({{"code": perimeters.codes}}, geometry=perimeters.geometries,
                            crs=4326).to_crs(2154)
polygons.sindex
rng = np.random.default_rng(2024)
lon, lat = rng.uniform({BBOX[0]}, {BBOX[2]}, {N}), rng.uniform({BBOX[1]}, {BBOX[3]}, {N})
started = time.perf_counter()
points = gpd.GeoDataFrame(geometry=gpd.points_from_xy(lon, lat), crs=4326).to_crs(2154)
joined = gpd.sjoin(points, polygons, predicate="intersects", how="left")
seconds = time.perf_counter() - started
print(json.dumps({{"seconds": seconds, "inside": int(joined["code"].notna().sum()),
                   "peak_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}}))
"""


def bench_locate() -> dict:
    ours, theirs = child_json(LOCATE), child_json(SJOIN)
    return {"locate_points_per_s": round(N / ours["seconds"]),
            "locate_s": round(ours["seconds"], 3), "locate_peak_mib": round(ours["peak_mib"]),
            "locate_inside": ours["inside"],
            "baseline_geopandas_sjoin_points_per_s": round(N / theirs["seconds"]),
            "baseline_geopandas_sjoin_s": round(theirs["seconds"], 3),
            "baseline_geopandas_peak_mib": round(theirs["peak_mib"]),
            "baseline_geopandas_inside": theirs["inside"],
            "speedup": round(theirs["seconds"] / ours["seconds"], 1)}


def bench_csv() -> dict:
    """A 1,000,000-row Excel-style CSV (cp1252, ';', decimal commas), read → locate → write."""
    folder = OUT / "locator"
    folder.mkdir(parents=True, exist_ok=True)
    source = folder / "beneficiaires_1M.csv"
    lon, lat = _points()
    with source.open("w", encoding="cp1252", newline="") as handle:
        handle.write("N°;Nom;Prénom;Longitude;Latitude\r\n")
        for i in range(N):
            handle.write(f"{i};Lebœuf;Zoé;{lon[i]:.6f};{lat[i]:.6f}\r\n".replace(".", ","))
    copy = folder / "copie.csv"
    started = time.perf_counter()
    shutil.copyfile(source, copy)
    copy_s = time.perf_counter() - started
    measured = child_json(f"""
import json, resource, time
from quartiers.cli import main
started = time.perf_counter()
main(["--warehouse", "{WAREHOUSE}", "locate", "{source}", "-o", "{folder / 'sortie.csv'}"])
print(json.dumps({{"seconds": time.perf_counter() - started,
                   "peak_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}}))
""")
    seconds, peak = measured["seconds"], measured["peak_mib"]
    with (folder / "sortie.csv").open(encoding="cp1252") as handle:
        rows = sum(1 for _ in handle) - 1
    return {"csv_1M_rows_s": round(seconds, 1), "csv_rows_out": rows,
            "csv_peak_mib": round(peak), "csv_mib": round(source.stat().st_size / 2**20),
            "baseline_file_copy_s": round(copy_s, 2)}


def bench_api() -> dict:
    if not shutil.which("wrk"):
        return {"api": "wrk absent (apt-get install wrk)"}
    results = {}
    with serving("8766") as base:
        for name, path in (("api_locate_point", "/api/v1/localiser?lon=-1.6588&lat=48.1258"),
                           ("baseline_static_css", "/static/quartiers/site.css")):
            figures = wrk(base + path)
            results.update({f"{name}_rps": figures["rps"], f"{name}_p90": figures["p90"],
                            f"{name}_p99": figures["p99"]})
    return results


def bench_geocode() -> dict:
    """The schools' 996 addresses, 20 times over: our geocode → locate → write, against the
    same batches posted to addok alone (the time the geocoding engine itself takes)."""
    import csv
    import io
    import tempfile

    import httpx

    sys.path.insert(0, str(ROOT))
    from tests.address_server import running

    from quartiers.engine.locator import Locator, bundled
    from quartiers.engine.locator.geocoding import BATCH_ROWS, Geocoder
    from quartiers.engine.locator.tables import locate_file
    from quartiers.engine.warehouse.store import Warehouse

    schools = ROOT / "data" / "education" / "ecoles_35.csv"
    with schools.open(encoding="utf-8") as handle:
        addresses = [(r["adresse"], r["code_postal"], r["commune"]) for r in csv.DictReader(handle)]
    addresses *= 20
    folder = OUT / "locator"
    folder.mkdir(parents=True, exist_ok=True)
    source = folder / "adresses.csv"
    with source.open("w", encoding="cp1252", newline="") as handle:
        writer = csv.writer(handle, delimiter=";", lineterminator="\r\n")
        writer.writerow(["Nom", "Adresse", "Code postal", "Commune"])
        writer.writerows(["Lebœuf", *address] for address in addresses)
    locator = Locator(bundled(Warehouse(WAREHOUSE)))
    with running(schools, Path(tempfile.mkdtemp())) as url:

        def addok_alone() -> float:
            started = time.perf_counter()
            for start in range(0, len(addresses), BATCH_ROWS):
                body = io.StringIO()  # written as ours is: addok sniffs the CSV dialect
                writer = csv.writer(body, lineterminator="\n")
                writer.writerow(["ligne", "adresse"])
                writer.writerows((i, " ".join(a)) for i, a in
                                 enumerate(addresses[start:start + BATCH_ROWS]))
                httpx.post(url, data={"columns": ["adresse"]}, timeout=600, files={
                    "data": ("a.csv", body.getvalue(), "text/csv")}).raise_for_status()
            return time.perf_counter() - started

        addok_alone()  # addok caches answers in Redis: both timed runs find it warm
        started = time.perf_counter()
        summary = locate_file(source, folder / "adresses_qpv.csv", locator, geocoder=Geocoder(url))
        ours = time.perf_counter() - started
        baseline = addok_alone()
    return {"geocode_rows": summary.rows, "geocode_s": round(ours, 1),
            "geocode_rows_per_s": round(summary.rows / ours),
            "baseline_addok_alone_s": round(baseline, 1),
            "geocode_in_qpv": summary.inside, "geocode_errors": summary.errors}


PARTS = {"locate": bench_locate, "csv": bench_csv, "api": bench_api, "geocode": bench_geocode}


if __name__ == "__main__":
    run_parts(PARTS, sys.argv[1:] or list(PARTS), "locator.json")
