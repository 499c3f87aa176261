"""`quartiers init`, `quartiers worker` and `quartiers serve` as real processes over a database of
their own (a SQLite file): init prepares it once; a file deposited on the web waits until a
worker, alone or started by serve, locates it; the worker stops cleanly on a signal, and with
serve."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

from ..address_server import free_port

ROOT = Path(__file__).resolve().parents[2]
DEADLINE_S = 180  # a safety net for a process that never answers, not a measure


def _quartiers(env: dict, *args: str) -> subprocess.CompletedProcess:
    result = subprocess.run([sys.executable, "-m", "quartiers.cli", *args], env=env,
                            capture_output=True, text=True, timeout=DEADLINE_S, check=False)
    result.said = " ".join((result.stdout + result.stderr).split())  # rich wraps long lines
    return result


@pytest.fixture(scope="module")
def platform(tmp_path_factory, warehouse_path) -> tuple[dict, list]:
    """The environment of a platform of its own, and what `quartiers init` said, run twice; the
    bundled content is one function of the tests (tests/web/locator/bundled_settings.py)."""
    var = tmp_path_factory.mktemp("platform")
    env = {**os.environ, "QUARTIERS_VAR": str(var), "QUARTIERS_WAREHOUSE": str(warehouse_path),
           "DATABASE_URL": f"sqlite:///{var / 'base' / 'quartiers.sqlite3'}",
           "QUARTIERS_TACHES": "base", "QUARTIERS_GEOCODEUR": "non",
           "DJANGO_SETTINGS_MODULE": "tests.web.locator.bundled_settings",
           "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))}
    return env, [_quartiers(env, "init"), _quartiers(env, "init")]


def test_init_prepares_the_database_then_changes_nothing(platform):
    _, (first, second) = platform
    assert first.returncode == 0, first.said
    assert re.search(r"quartiers\.sqlite3 : \d+ migrations appliquées\.", first.said)
    assert re.search(r"Fichiers statiques \(\S+\) : \d+ copiés\.", first.said)
    assert "Contenu d'essai : créé." in first.said
    assert second.returncode == 0, second.said
    assert "quartiers.sqlite3 : à jour, aucune migration à appliquer." in second.said
    assert "à jour, aucun fichier copié." in second.said
    assert "Contenu d'essai : déjà en place." in second.said


@contextmanager
def _running(env: dict, log: Path, *args: str) -> Iterator[subprocess.Popen]:
    """A quartiers command in the background, its output in ``log``; stopped if still alive."""
    with log.open("w") as output:
        process = subprocess.Popen([sys.executable, "-m", "quartiers.cli", *args], env=env,
                                   stdout=output, stderr=subprocess.STDOUT)
    try:
        yield process
    finally:
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def _wait_until(condition: Callable[[], object], what: str):
    deadline = time.monotonic() + DEADLINE_S
    while time.monotonic() < deadline:
        if value := condition():
            return value
        time.sleep(0.2)
    raise AssertionError(f"toujours pas : {what}")


def _site(port: int) -> httpx.Client:
    client = httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=30)

    def up():
        try:
            return client.get("/localiser/").status_code == 200
        except httpx.TransportError:
            return False

    _wait_until(up, "le site répond")
    return client


def _deposit(site: httpx.Client) -> str:
    """A file of one point in Maurepas deposited on the locator's page; the job's address."""
    form = site.get("/localiser/")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form.text).group(1)
    response = site.post("/localiser/", data={"csrfmiddlewaretoken": token},
                         files={"fichier": ("points.csv", b"id;lon;lat\n1;-1,6588;48,1258\n")})
    assert response.status_code == 302, response.text
    return response.headers["location"]


def _status(site: httpx.Client, job: str) -> str:
    return re.search(r'data-status="([^"]+)"', site.get(job).text).group(1)


def test_a_job_deposited_on_the_web_waits_for_the_worker_which_stops_on_a_signal(platform,
                                                                                tmp_path):
    env, _ = platform
    port = free_port()
    with _running(env, tmp_path / "web.log", "serve", "--sans-worker", "--port", str(port),
                  "--workers", "1"):
        site = _site(port)
        job = _deposit(site)
        assert _status(site, job) == "en attente"  # the web process does not run it
        with _running(env, tmp_path / "worker.log", "worker", "--intervalle", "0.2") as worker:
            _wait_until(lambda: _status(site, job) == "terminé", "localisation terminée")
            assert "QN03504M" in site.get(job + "resultat").text
            worker.send_signal(signal.SIGINT)
            assert worker.wait(timeout=60) == 0
    log = (tmp_path / "worker.log").read_text()
    assert re.search(r"Travailleur \S+ démarré : toutes les files, tâches cherchées toutes les "
                     r"0,2 s", log)
    assert re.search(r"Tâche quartiers\.web\.locator\.jobs\.locate terminée en \d+,\d s", log)
    assert "SIGINT reçu : arrêt" in log and re.search(r"Travailleur \S+ arrêté", log)
    assert "Task id=" not in log and "Traceback" not in log


def test_serve_runs_a_worker_and_stops_it_when_it_stops(platform, tmp_path):
    env, _ = platform
    port = free_port()
    log = tmp_path / "serve.log"
    with _running(env, log, "serve", "--port", str(port), "--workers", "1",
                  "--intervalle", "0.2") as serve:
        site = _site(port)
        job = _deposit(site)
        _wait_until(lambda: _status(site, job) == "terminé", "localisation terminée")
        worker = int(_wait_until(lambda: re.search(r"Travailleur \S+-(\d+) démarré",
                                                   log.read_text()), "travailleur démarré")[1])
        serve.send_signal(signal.SIGTERM)
        assert serve.wait(timeout=60) == 0
    with pytest.raises(ProcessLookupError):
        os.kill(worker, 0)
    said = log.read_text()
    assert "SIGTERM reçu : arrêt" in said and re.search(r"Travailleur \S+ arrêté", said)


def test_serve_and_worker_refuse_a_database_not_initialised(platform, tmp_path):
    env, _ = platform
    fresh = {**env, "DATABASE_URL": f"sqlite:///{tmp_path / 'vide.sqlite3'}"}
    for command in (["serve"], ["worker"]):
        result = _quartiers(fresh, *command)
        assert result.returncode == 1, result.said
        assert re.search(r"vide\.sqlite3 n'est pas à jour \(\d+ migrations en attente\) : lancez "
                         r"« quartiers init »", result.said), result.said
