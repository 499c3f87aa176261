"""Benchmarks of the agenda: the agenda's and an event page's server time, and registrations
per second under concurrency on PostgreSQL, each next to a baseline measured in the same run.

    .venv/bin/python bench/events.py

Runs on the PostgreSQL server of ``./scripts/postgres-for-tests.sh`` (or ``BENCH_DATABASE_URL``)
in a database of its own, created then dropped: `quartiers init` content (both programmes'
dated actions become events), then 200 upcoming events made by the benchmark (titles cut from
the real programme's sentences; never shown to anyone, dropped with the database).

- pages: Django's test client in-process, p50 and p95 over 200 requests; baseline: the login
  page (a template, no query);
- registrations: 16 threads register 1,600 people (distinct addresses) to one event of 400
  places, each registration a transaction locking the event's row, creating the person and the
  registration and enqueueing its e-mail; baseline: the same threads each committing one
  plain INSERT per row into a table of their own making; and 200 registrations by one thread
  (no waiting on the lock) to tell the lock's queue from the work of one registration.
Figures are printed and written to bench/out/events.json; copy them into the README.
"""

from __future__ import annotations

import json
import os
import platform
import random
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))

from run import OUT, WAREHOUSE, _pct, _timed, bench_build  # noqa: E402

REQUESTS = 200
EVENTS = 200
THREADS = 16
PEOPLE = 1600
PLACES = 400
DATABASE = "quartiers_bench_events"


def _server_url() -> str:
    url = os.environ.get("BENCH_DATABASE_URL") or subprocess.run(
        [str(ROOT / "scripts" / "postgres-for-tests.sh")], check=True, capture_output=True,
        text=True).stdout.strip().splitlines()[-1]
    return url.rsplit("/", 1)[0]


def _admin(server: str, sql: str) -> None:
    import psycopg

    with psycopg.connect(f"{server}/postgres", autocommit=True) as connection:
        connection.execute(sql)


def _setup(server: str) -> None:
    from quartiers.cli import main

    _admin(server, f"DROP DATABASE IF EXISTS {DATABASE}")
    _admin(server, f"CREATE DATABASE {DATABASE}")
    os.environ["DATABASE_URL"] = f"{server}/{DATABASE}"
    assert main(["--warehouse", str(WAREHOUSE), "init"]) == 0


def _make_events() -> float:
    from django.conf import settings
    from django.utils import timezone

    from quartiers.web.events.models import EventIndexPage, EventPage, Mode
    from quartiers.web.programme.models import Format, Pole, Theme

    text = (settings.QUARTIERS.data_dir / "programmes" / "programme-2026.txt").read_text()
    sentences = [s.strip() for s in text.replace("\n", " ").split(".") if len(s.strip()) > 60]
    themes, poles = list(Theme.objects.all()), list(Pole.objects.all())
    index_page = EventIndexPage.objects.get()
    draw = random.Random(2026)
    started = time.perf_counter()
    for number in range(EVENTS):
        sentence = draw.choice(sentences)
        page = EventPage(title=f"{sentence[:60]} ({number})", summary=sentence,
                         date=timezone.localdate() + timedelta(days=draw.randint(1, 365)),
                         mode=draw.choice(Mode.values), kind=draw.choice(Format.values),
                         commune=draw.choice(["Rennes", "Nantes", "Angers", "Brest", "Laval"]),
                         pole=draw.choice(poles), capacity=draw.choice([None, 30, 80]),
                         themes=draw.sample(themes, 2))
        index_page.add_child(instance=page)
        page.save_revision().publish()
    return time.perf_counter() - started


def _pages() -> dict:
    from django.test import Client

    from quartiers.web.events.models import EventPage

    event = EventPage.objects.live().filter(capacity__isnull=False).order_by("date").first()
    theme = event.themes.first().slug
    client, results = Client(), {}
    for name, url in (("baseline_login_page", "/comptes/connexion/"),
                      ("agenda", "/agenda/"),
                      ("agenda_filtre_theme_lieu", f"/agenda/?theme={theme}&lieu=commune:Rennes"),
                      ("agenda_passes", "/agenda/?passes=1"),
                      ("page_evenement", event.url),
                      ("agenda_ics", "/agenda.ics")):
        times = _timed(client, [url] * (REQUESTS + 1))[1:]  # the first warms up
        results[f"{name}_p50_ms"], results[f"{name}_p95_ms"] = _pct(times, .5), _pct(times, .95)
    return results


def _in_threads(work, threads: int = THREADS, people: int = PEOPLE) -> float:
    """Seconds for ``threads`` threads to run ``work(thread, n)`` over ``people`` items."""
    from django.db import connection

    def run(thread: int) -> None:
        try:
            for n in range(thread, people, threads):
                work(thread, n)
        finally:
            connection.close()

    started = time.perf_counter()
    with ThreadPoolExecutor(threads) as pool:
        list(pool.map(run, range(threads)))
    return time.perf_counter() - started


def _registrations() -> dict:
    from django.db import connection, transaction
    from django.db.models import Count

    from quartiers.web.events.models import EventIndexPage, EventPage, Registration
    from quartiers.web.events.registration import Applicant, register

    with connection.cursor() as cursor:
        for thread in range(THREADS):
            cursor.execute(f"CREATE TABLE bench_insert_{thread} (n integer, email text, "
                           "created timestamptz DEFAULT now())")

    def insert(thread: int, n: int) -> None:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(f"INSERT INTO bench_insert_{thread} (n, email) VALUES (%s, %s)",
                           [n, f"bench{n}@exemple.test"])

    baseline = _in_threads(insert)
    day = EventPage.objects.order_by("-date").first().date
    alone, event = (EventPage(title=f"Événement du banc d'essai {n}", date=day,
                              summary="Jamais publié ailleurs.", capacity=PLACES)
                    for n in (1, 2))
    for page in (alone, event):
        EventIndexPage.objects.get().add_child(instance=page)

    def one(thread: int, n: int, event=event) -> None:
        register(event, Applicant(f"inscription{n}@exemple.test", "Banc", f"D'essai {n}"),
                 source="banc d'essai")

    single = _in_threads(lambda thread, n: one(thread, n, alone), threads=1, people=200)
    seconds = _in_threads(one)
    statuses = dict(Registration.objects.filter(event=event).values_list("status")
                    .annotate(n=Count("pk")))
    return {"threads": THREADS, "registrations": PEOPLE, "places": PLACES,
            "baseline_inserts_per_s": round(PEOPLE / baseline),
            "registrations_per_s_1_thread": round(200 / single),
            "registrations_per_s": round(PEOPLE / seconds),
            "ratio_to_baseline": round(baseline / seconds, 2),
            "confirmed": statuses.get(Registration.Status.CONFIRMED, 0),
            "waiting": statuses.get(Registration.Status.WAITING, 0)}


def main() -> None:
    if not WAREHOUSE.exists():
        print(f"— build (entrepôt de mesure absent) : {bench_build()}", flush=True)
    server = _server_url()
    try:
        _setup(server)
        from django.test.utils import setup_test_environment

        setup_test_environment()
        results = {"date": time.strftime("%Y-%m-%d %H:%M"), "machine":
                   f"{platform.node()} — {platform.processor() or platform.machine()}, "
                   f"{os.cpu_count()} cœurs", "events_made": EVENTS,
                   "create_events_s": round(_make_events(), 1)}
        results |= _pages()
        results |= _registrations()
        for key, value in results.items():
            print(f"  {key:40} {value}")
        OUT.mkdir(parents=True, exist_ok=True)
        (OUT / "events.json").write_text(json.dumps(results, indent=1, ensure_ascii=False))
    finally:
        from django.db import connections

        connections.close_all()
        _admin(server, f"DROP DATABASE IF EXISTS {DATABASE}")


if __name__ == "__main__":
    main()
