"""Generation time of the mid-term report of Rennes Métropole's contrat de ville.

    .venv/bin/python bench/report.py
    BENCH_WAREHOUSE=/path/w.duckdb .venv/bin/python bench/report.py

Runs in a database of its own (a temporary folder, deleted after): `quartiers init`, then a
framework for CN03501I (EPCI 243500139) created by the benchmark FROM THE STARTING TEMPLATE
(its catalogue indicators bound to the warehouse's live values; no text invented: the
narrative sections stay « non rédigée »). Measured in-process: the report's PDF and ODT,
from the framework's live values to the document, 10 times each after one warm-up, against
a baseline measured in the same run: the EPCI's own fiche PDF (engine/reports/pdf.py).
Figures are printed and written to bench/out/report.json; copy them into the README.
"""

from __future__ import annotations

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
from run import OUT, WAREHOUSE  # noqa: E402

BASE = Path(os.environ.get("BENCH_WAREHOUSE", WAREHOUSE))
CONTRACT, EPCI = "CN03501I", "243500139"
RUNS = 10


def _timed(make) -> dict:
    make()  # warm-up: fonts, templates, the warehouse's first answers
    times, size = [], 0
    for _ in range(RUNS):
        started = time.perf_counter()
        size = len(make())
        times.append(time.perf_counter() - started)
    return {"median_s": round(statistics.median(times), 3), "max_s": round(max(times), 3),
            "bytes": size}


def main() -> None:
    var = Path(tempfile.mkdtemp(prefix="quartiers-bench-report-"))
    try:
        os.environ["QUARTIERS_VAR"] = str(var)
        os.environ["DJANGO_SETTINGS_MODULE"] = "quartiers.web.settings"
        from quartiers.cli import main as cli

        assert cli(["--warehouse", str(BASE), "init"]) == 0
        from quartiers.engine.reports import render_fiche
        from quartiers.engine.reports.midterm import render_midterm_odt, render_midterm_pdf
        from quartiers.web.core.warehouse import get_store
        from quartiers.web.evaluation import report, services

        store = get_store()
        contract = store.contrat(CONTRACT)
        started = time.perf_counter()
        framework = services.create_framework(store, contract, None,
                                              "Cadre créé par la mesure (modèle)", True)
        created = time.perf_counter() - started

        def data():
            return report.framework_data(store, contract, framework)

        results = {
            "contract": CONTRACT, "warehouse": str(BASE),
            "framework_from_template_s": round(created, 3),
            "indicators": sum(len(q["indicators"]) for p in data()["parts"]
                              for o in p["objectives"] for q in o["questions"]),
            "midterm_pdf": _timed(lambda: render_midterm_pdf(store, contract, data())),
            "midterm_odt": _timed(lambda: render_midterm_odt(store, contract, data())),
            "baseline_epci_fiche_pdf": _timed(lambda: render_fiche(store, "epci", EPCI)),
        }
    finally:
        shutil.rmtree(var, ignore_errors=True)
    print(json.dumps(results, indent=1, ensure_ascii=False))
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "report.json").write_text(json.dumps(results, indent=1, ensure_ascii=False))


if __name__ == "__main__":
    main()
