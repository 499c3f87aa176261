"""Benchmarks of the observatory core; each figure next to a baseline measured in the same run.

    .venv/bin/python bench/run.py            # everything (≈ 3 min)
    .venv/bin/python bench/run.py build pdf  # some parts

Figures are printed and written to bench/out/results.json; copy them into the README with the
date and the machine. Never used as test assertions.
"""

from __future__ import annotations

import contextlib
import gzip
import json
import os
import platform
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "bench" / "out"
PY = sys.executable
WAREHOUSE = ROOT / "var" / "bench-warehouse.duckdb"


def child_json(code: str) -> dict:
    """Run ``code`` in a fresh Python process (so that its peak memory is its own); its last
    printed line is JSON."""
    output = subprocess.run([PY, "-c", code], check=True, capture_output=True, text=True,
                            cwd=ROOT).stdout
    return json.loads(output.strip().splitlines()[-1])


def run_child(code: str) -> tuple[float, float]:
    """Wall seconds and peak RSS (MiB) of a fresh Python process running ``code``."""
    started = time.perf_counter()
    peak = child_json(code + "\nimport json, resource; print(json.dumps(resource.getrusage("
                      "resource.RUSAGE_SELF).ru_maxrss / 1024))")
    return time.perf_counter() - started, peak


@contextlib.contextmanager
def serving(port: str, workers: int | None = None):
    """``quartiers serve`` on the bench warehouse, with a database of its own set up by
    ``quartiers init``; yields its base URL once it answers."""
    more = ["--workers", str(workers)] if workers else []
    var = tempfile.mkdtemp(prefix="quartiers-bench-")
    os.environ.update(QUARTIERS_VAR=var, QUARTIERS_CACHE_PAGES=var + "/pages")
    quartiers = [str(Path(PY).with_name("quartiers")), "--warehouse", str(WAREHOUSE)]
    subprocess.run([*quartiers, "init"], cwd=ROOT, check=True, capture_output=True)
    server = subprocess.Popen([*quartiers, "serve", "--port", port, *more], cwd=ROOT,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            if subprocess.run(["curl", "-sf", base + "/donnees/", "-o", "/dev/null"]).returncode == 0:
                break
            time.sleep(0.3)
        else:
            raise RuntimeError(f"{base} ne répond pas")
        yield base
    finally:
        server.terminate()
        server.wait()
        shutil.rmtree(var, ignore_errors=True)


def wrk(url: str, *headers: str) -> dict:
    """Requests/s and latency percentiles of wrk (2 threads, 8 connections, 10 s), once every
    worker has answered the URL (opened the warehouse, loaded its templates)."""
    for _ in range(16):
        subprocess.run(["curl", "-sf", url, "-o", "/dev/null"])
    more = [arg for header in headers for arg in ("-H", header)]
    lines = subprocess.run([shutil.which("wrk"), "-t2", "-c8", "-d10s", "--latency", *more, url],
                           capture_output=True, text=True, check=True).stdout.splitlines()

    def percentile(name: str) -> str:
        return next(line for line in lines if line.strip().startswith(name)).split()[-1]

    return {"rps": float(next(x for x in lines if "Requests/sec" in x).split()[-1]),
            "p90": percentile("90%"), "p99": percentile("99%")}


def bench_build() -> dict:
    build = ("from quartiers.engine.warehouse.build import build; "
             f"build('data', '{WAREHOUSE}')")
    raw_only = ("from quartiers.engine.geo import connect; "
                "from quartiers.engine.warehouse.staging import load_raw; "
                "from quartiers.engine.sources.declared import SOURCES; from pathlib import Path; "
                "con = connect(); con.execute('CREATE SCHEMA raw'); "
                "[load_raw(con, s, Path('data')) for s in SOURCES]")
    base_s, base_mb = run_child(raw_only)
    seconds, peak = run_child(build)
    return {"build_s": round(seconds, 2), "build_peak_mib": round(peak),
            "baseline_read_raw_s": round(base_s, 2), "baseline_read_raw_peak_mib": round(base_mb)}


def _django():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "quartiers.web.settings")
    os.environ["QUARTIERS_WAREHOUSE"] = str(WAREHOUSE)
    os.environ["QUARTIERS_CACHE_PAGES"] = tempfile.mkdtemp(prefix="quartiers-pages-")  # cold
    import django

    django.setup()
    from django.test import Client
    from django.test.utils import setup_test_environment

    setup_test_environment()
    return Client()


def _timed(client, urls: list[str]) -> list[float]:
    times = []
    for url in urls:
        started = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, url
    return times


def _pct(times: list[float], q: float) -> float:
    return round(sorted(times)[int(q * (len(times) - 1))], 1)


def bench_pages() -> dict:
    from quartiers.engine.warehouse.store import Warehouse

    client = _django()
    store = Warehouse(WAREHOUSE)
    rows = store.query("SELECT level, code FROM marts.territories")
    # three disjoint draws: the store keeps answers about recently asked territories, so each
    # measure meets territories never asked before, as a visitor's first look would
    drawn = random.Random(2024).sample(rows, 410)
    warm, sample, other = drawn[:10], drawn[10:210], drawn[210:]
    _timed(client, [f"/territoires/{r['level']}/{r['code']}/" for r in warm])  # templates
    pages = _timed(client, [f"/territoires/{r['level']}/{r['code']}/" for r in sample])
    api = _timed(client, [f"/api/v1/territoires/{r['level']}/{r['code']}" for r in other])
    layer = client.get("/api/v1/couches/qpv.geojson?indicateur=taux_pauvrete").content
    outline = client.get("/api/v1/couches/departement.geojson").content
    return {"profile_p50_ms": _pct(pages, .5), "profile_p95_ms": _pct(pages, .95),
            "profile_max_ms": _pct(pages, 1), "baseline_api_territory_p50_ms": _pct(api, .5),
            "baseline_api_territory_p95_ms": _pct(api, .95),
            "map_qpv_layer_kib": len(layer) // 1024,
            "map_qpv_layer_gzip_kib": len(gzip.compress(layer)) // 1024,
            "map_departements_kib": len(outline) // 1024,
            "map_departements_gzip_kib": len(gzip.compress(outline)) // 1024}


def bench_pdf() -> dict:
    import typst

    from quartiers.engine.reports import render_batch, render_fiche
    from quartiers.engine.warehouse.store import Warehouse

    store = Warehouse(WAREHOUSE)
    qpv = [r["code"] for r in store.query(
        "SELECT code FROM marts.territories WHERE level = 'qpv' AND region IN ('52', '53') "
        "ORDER BY code")]
    render_fiche(store, "qpv", qpv[0])  # warm-up
    times = []
    for code in qpv[:30]:
        started = time.perf_counter()
        render_fiche(store, "qpv", code)
        times.append(time.perf_counter() - started)
    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / "empty.typ"
        source.write_text("= Vide\n")
        empty = []
        for _ in range(10):
            started = time.perf_counter()
            typst.compile(str(source))
            empty.append(time.perf_counter() - started)
        started = time.perf_counter()
        written = render_batch(store, "qpv", qpv, Path(folder) / "batch")
        batch = time.perf_counter() - started
    return {"pdf_median_s": round(statistics.median(times), 3),
            "pdf_max_s": round(max(times), 3),
            "baseline_typst_empty_doc_s": round(statistics.median(empty), 3),
            "pdf_batch_qpv_52_53": len(written), "pdf_batch_s": round(batch, 1)}


def bench_load() -> dict:
    """Requests/s on repeated profile pages with wrk (served from the page cache), and on a
    conditional request answered 304, against a static file on the same server."""
    if not shutil.which("wrk"):
        return {"load": "wrk absent (apt-get install wrk)"}
    results = {}
    with serving("8765", workers=2) as base:
        static = wrk(base + "/static/quartiers/site.css")
        results["baseline_static_css_rps"], results["baseline_static_css_p99"] = (
            static["rps"], static["p99"])
        for name, path in (("profile_commune_rennes", "/territoires/commune/35238/"),
                           ("profile_qpv_maurepas", "/territoires/qpv/QN03504M/")):
            figures = wrk(base + path)
            results[f"{name}_rps"], results[f"{name}_p99"] = figures["rps"], figures["p99"]
            results[f"{name}_vs_static"] = round(figures["rps"] / static["rps"], 2)
        etag = subprocess.run(["curl", "-sI", base + "/territoires/qpv/QN03504M/"],
                              capture_output=True, text=True).stdout
        etag = next(line.split(":", 1)[1].strip() for line in etag.splitlines()
                    if line.lower().startswith("etag:"))
        figures = wrk(base + "/territoires/qpv/QN03504M/", f"If-None-Match: {etag}")
        results["conditional_304_maurepas_rps"] = figures["rps"]
        results["conditional_304_vs_static"] = round(figures["rps"] / static["rps"], 2)
    return results


PARTS = {"build": bench_build, "pages": bench_pages, "pdf": bench_pdf, "load": bench_load}


def run_parts(parts: dict, names: list[str], output: str) -> None:
    """Run the named parts, print their figures, save them all in bench/out/<output>."""
    OUT.mkdir(parents=True, exist_ok=True)
    if not WAREHOUSE.exists() and "build" not in names:
        print(f"— build (entrepôt de mesure absent) : {bench_build()}", flush=True)
    results = {"date": time.strftime("%Y-%m-%d"), "machine": f"{platform.machine()}, "
               f"{os.cpu_count()} cœurs, Python {platform.python_version()}"}
    for name in names:
        print(f"— {name}", flush=True)
        figures = parts[name]()
        for key, value in figures.items():
            print(f"  {key:40} {value}")
        results.update(figures)
    (OUT / output).write_text(json.dumps(results, indent=1, ensure_ascii=False))


if __name__ == "__main__":
    run_parts(PARTS, sys.argv[1:] or list(PARTS), "results.json")
