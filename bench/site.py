"""Benchmarks of the resource centre's pages, with 1,000 resources in the database.

    .venv/bin/python bench/site.py

Runs in a database of its own (a temporary folder, deleted after): `quartiers init` content
(roles, site pages, both programmes, the first resources), then 1,000 resources made by the
benchmark (titles and summaries cut from the real programmes' sentences, tagged with real
themes and territories) — never shown to anyone, deleted with the folder. Server time is
measured in-process through Django's test client (no network), p50 and p95 over 200 requests
per page, against a baseline measured in the same run: the login page (a template, no query).
Figures are printed and written to bench/out/site.json; copy them into the README.
"""

from __future__ import annotations

import json
import os
import random
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))

from run import OUT, WAREHOUSE, _pct, _timed, bench_build  # noqa: E402

RESOURCES = int(os.environ.get("BENCH_RESSOURCES", "1000"))
REQUESTS = 200


def _setup(var: Path):
    """`quartiers init` in this process, on a database of its own."""
    from quartiers.cli import main

    os.environ["QUARTIERS_VAR"] = str(var)
    assert main(["--warehouse", str(WAREHOUSE), "init"]) == 0


def _make_resources() -> float:
    """1,000 published resources; seconds taken (creation, then the search index)."""
    from django.conf import settings
    from django.core.management import call_command

    from quartiers.web.library.models import Kind, ResourceIndexPage, ResourcePage, ResourceTerritory
    from quartiers.web.programme.models import Public, Theme

    text = (settings.QUARTIERS.data_dir / "programmes" / "programme-2024.txt").read_text()
    sentences = [s.strip() for s in text.replace("\n", " ").split(".") if len(s.strip()) > 60]
    themes, publics = list(Theme.objects.all()), list(Public.objects.all())
    from quartiers.web.core.warehouse import get_store

    codes = [row["code"] for row in get_store().query(
        "SELECT code FROM marts.territories WHERE level = 'qpv' AND region IN ('52', '53')")]
    index_page = ResourceIndexPage.objects.get()
    draw = random.Random(2026)
    started = time.perf_counter()
    for number in range(RESOURCES):
        if number % 100 == 0:
            print(f"  {number} ressources créées ({time.perf_counter() - started:.0f} s)", flush=True)
        sentence = draw.choice(sentences)
        page = ResourcePage(title=f"{sentence[:60]} ({number})", summary=sentence,
                            kind=draw.choice(Kind.values),
                            date=f"20{draw.randint(18, 26)}-{draw.randint(1, 12):02}-01")
        page.territories.add(ResourceTerritory(level="qpv", code=draw.choice(codes)))
        index_page.add_child(instance=page)
        page.themes.set(draw.sample(themes, min(2, len(themes))))
        page.publics.set(draw.sample(publics, min(1, len(publics))))
        page.save_revision().publish()
    call_command("db_worker", batch=True, no_startup_delay=True, verbosity=0)  # search index
    return time.perf_counter() - started


def main() -> None:
    if not WAREHOUSE.exists():
        print(f"— build (entrepôt de mesure absent) : {bench_build()}", flush=True)
    var = Path(tempfile.mkdtemp(prefix="quartiers-bench-site-"))
    try:
        _setup(var)
        from django.test import Client
        from django.test.utils import setup_test_environment

        setup_test_environment()
        results = {"date": time.strftime("%Y-%m-%d"), "resources": RESOURCES,
                   "create_resources_s": round(_make_resources(), 1)}
        client = Client()
        for name, url in (("baseline_login_page", "/comptes/connexion/"),
                          ("programme_2026", "/programme/2026/"),
                          ("ressources", "/ressources/"),
                          ("ressources_facet_theme_page2", "/ressources/?page=2&theme=" +
                           _a_theme()),
                          ("recherche_ressources", "/ressources/?q=quartiers"),
                          ("recherche_mot_rare", "/ressources/?q=compostage")):
            times = _timed(client, [url] * (REQUESTS + 1))[1:]  # the first warms up
            results[f"{name}_p50_ms"], results[f"{name}_p95_ms"] = _pct(times, .5), _pct(times, .95)
        for key, value in results.items():
            print(f"  {key:40} {value}")
        OUT.mkdir(parents=True, exist_ok=True)
        (OUT / "site.json").write_text(json.dumps(results, indent=1, ensure_ascii=False))
    finally:
        shutil.rmtree(var, ignore_errors=True)


def _a_theme() -> str:
    from quartiers.web.programme.models import Theme

    return Theme.objects.order_by("slug").values_list("slug", flat=True).first()


if __name__ == "__main__":
    main()
