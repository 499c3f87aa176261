"""Benchmarks of the contrats de ville: full-text search across 1,000 documents of 50 pages,
and the comparison table (contracts × national priorities) of the 448 contracts 2024-2030.

    .venv/bin/python bench/contracts.py

Runs in a database of its own (a temporary folder, deleted after): `quartiers init`, the ten
bundled priorities, then 1,000 documents made by the benchmark from the bundled programme
texts (data/programmes/, RésO Villes 2024 and 2026: each page a window of about 2,000
characters of those texts, each document starting elsewhere), spread over the 448 contracts
2024-2030 — never shown to anyone, deleted with the folder. Their pages are indexed and tagged
as the worker does after an extraction (the time is said). Server time through Django's test
client, p50 and p95, against a baseline measured in the same run: the login page (a template,
no query). Figures are printed and written to bench/out/contracts.json.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))

from run import OUT, WAREHOUSE, _pct, _timed, bench_build  # noqa: E402

DOCUMENTS = int(os.environ.get("BENCH_DOCUMENTS", "1000"))
PAGES = 50
PAGE_CHARACTERS = 2000
REQUESTS = 60  # per query
QUERIES = ("quartiers", "participation des habitants", "clauses data", "education",
           "renouvellement urbain", "transition ecologique", "compostage", "introuvablissime")
# a warehouse with the contracts' marts (BENCH_ENTREPOT), else the benchmarks' own
STORE = Path(os.environ.get("BENCH_ENTREPOT", WAREHOUSE))


def _setup(var: Path):
    from quartiers.cli import main

    os.environ["QUARTIERS_VAR"] = str(var)
    assert main(["--warehouse", str(STORE), "init"]) == 0


def _programme_text() -> str:
    from django.conf import settings

    folder = settings.QUARTIERS.data_dir / "programmes"
    return " ".join(" ".join((folder / f"programme-{year}.txt").read_text().split())
                    for year in (2024, 2026))


def _make_documents() -> dict:
    """DOCUMENTS documents of PAGES pages over the 2024-2030 contracts, stored, indexed and
    tagged as after their extraction; seconds of each step."""
    from django.db import transaction
    from wagtail.search.backends import get_search_backend

    from quartiers.web.contracts import services
    from quartiers.web.contracts.models import ContractDocument, DocumentPage, Priority
    from quartiers.web.core.warehouse import get_store
    from quartiers.web.programme.taxonomy import normalise

    text = _programme_text()
    contracts = get_store().contrats("2024-2030")
    timings = {}
    started = time.perf_counter()
    with transaction.atomic():
        documents = ContractDocument.objects.bulk_create(
            ContractDocument(contract=contracts[n % len(contracts)]["code"],
                             generation="2024-2030", kind="contrat",
                             title=f"Document de mesure {n} (texte des programmes)",
                             file=f"contrats/mesure/{n}.pdf", extraction="extrait",
                             page_count=PAGES)
            for n in range(DOCUMENTS))
    step = len(text) // 37  # each document starts elsewhere in the text
    for number, document in enumerate(documents):
        if number % 100 == 0:
            print(f"  {number} documents indexés ({time.perf_counter() - started:.0f} s)",
                  flush=True)
        with transaction.atomic():
            pages = []
            for page in range(PAGES):
                start = (number * step + page * PAGE_CHARACTERS) % len(text)
                chunk = (text + " " + text)[start:start + PAGE_CHARACTERS]
                pages.append(DocumentPage(document=document, number=page + 1, text=chunk,
                                          folded=normalise(chunk)))
            get_search_backend().add_bulk(DocumentPage, DocumentPage.objects.bulk_create(pages))
    services.refresh_planner_statistics()  # as each extraction does
    timings["store_and_index_s"] = round(time.perf_counter() - started, 1)
    started = time.perf_counter()
    timings["passages_tagged"] = services.tag(ContractDocument.objects.all(),
                                              Priority.objects.all())
    timings["tag_s"] = round(time.perf_counter() - started, 1)
    return timings


def _comparison_build() -> dict:
    """The table of the 448 contracts, built 20 times (the warehouse's contracts cached)."""
    from quartiers.web.contracts.comparison import comparison_table

    comparison_table("2024-2030")
    times = []
    for _ in range(20):
        started = time.perf_counter()
        table = comparison_table("2024-2030")
        times.append((time.perf_counter() - started) * 1000)
    return {"comparison_contracts": table.total_contracts,
            "comparison_with_documents": len(table.rows),
            "comparison_build_p50_ms": _pct(times, .5),
            "comparison_build_p95_ms": _pct(times, .95)}


def main() -> None:
    if not STORE.exists():
        print(f"— build (entrepôt de mesure absent) : {bench_build()}", flush=True)
    var = Path(tempfile.mkdtemp(prefix="quartiers-bench-contracts-"))
    try:
        _setup(var)
        from django.test import Client
        from django.test.utils import setup_test_environment

        from quartiers.web.contracts.services import load_bundled

        setup_test_environment()
        load_bundled()
        results = {"date": time.strftime("%Y-%m-%d"), "documents": DOCUMENTS,
                   "pages_per_document": PAGES,
                   "made_from": "textes des programmes 2024 et 2026 (data/programmes/)",
                   **_make_documents()}
        client = Client()
        times = _timed(client, ["/comptes/connexion/"] * (REQUESTS + 1))[1:]
        results["baseline_login_page_p50_ms"] = _pct(times, .5)
        results["baseline_login_page_p95_ms"] = _pct(times, .95)
        every = []
        for query in QUERIES:
            times = _timed(client, [f"/contrats/recherche/?q={query}"] * (REQUESTS + 1))[1:]
            every += times
            results[f"search_{query.replace(' ', '_')}_p95_ms"] = _pct(times, .95)
        results["search_all_queries_p50_ms"] = _pct(every, .5)
        results["search_all_queries_p95_ms"] = _pct(every, .95)
        results.update(_comparison_build())
        times = _timed(client, ["/contrats/comparaison/"] * 21)[1:]
        results["comparison_page_p50_ms"] = _pct(times, .5)
        results["comparison_page_p95_ms"] = _pct(times, .95)
        for key, value in results.items():
            print(f"  {key:44} {value}")
        OUT.mkdir(parents=True, exist_ok=True)
        (OUT / "contracts.json").write_text(json.dumps(results, indent=1, ensure_ascii=False))
    finally:
        shutil.rmtree(var, ignore_errors=True)


if __name__ == "__main__":
    main()
