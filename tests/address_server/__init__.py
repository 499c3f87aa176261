"""A real address server for the geocoding tests: addok (the engine of the national address
service) with its CSV plugin, on a private Redis, indexed with the real addresses and official
positions of the Ille-et-Vilaine school directory (``data/education/ecoles_35.csv``).

The index holds one document per street with its house numbers, as the national base does; a
school placed only at its street gives the street its position.
"""

from __future__ import annotations

import contextlib
import csv
import json
import os
import re
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import httpx

HERE = Path(__file__).parent
ROOT = HERE.parent.parent
VENV = ROOT / ".venv-addok"
NUMBERED = re.compile(r"^(\d+)\s*(bis|ter|quater|[a-z](?=\s))?[\s,]+(.+)$", re.IGNORECASE)


def street_documents(schools: Path) -> list[dict]:
    streets: dict[tuple[str, str], dict] = {}
    with schools.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            if row["precision_localisation"] not in ("Numéro de rue", "Rue"):
                continue  # placed at the commune or a locality: not an address position
            match = NUMBERED.match(row["adresse"])
            number = match.group(1) + (match.group(2) or "").lower() if match else None
            street = match.group(3) if match else row["adresse"]
            position = {"lat": float(row["latitude"]), "lon": float(row["longitude"])}
            document = streets.setdefault((row["code_commune"], street.lower()), {
                "id": f"{row['code_commune']}_{len(streets):04d}", "type": "street",
                "name": street, "postcode": row["code_postal"], "citycode": row["code_commune"],
                "city": row["commune"], "context": "35, Ille-et-Vilaine, Bretagne",
                "importance": 0.5, **position})
            if number and row["precision_localisation"] == "Numéro de rue":
                document.setdefault("housenumbers", {})[number] = position
    return list(streets.values())


def free_port() -> int:
    """A TCP port nobody listens on, for a test server."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait(check, what: str, seconds: float = 30.0) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with contextlib.suppress(Exception):
            if check():
                return
        time.sleep(0.1)
    raise RuntimeError(f"{what} ne répond pas après {seconds:.0f} s")


@contextlib.contextmanager
def running(schools: Path, workdir: Path) -> Iterator[str]:
    """Start Redis and addok, index the schools, yield the ``/search/csv/`` URL."""
    redis_server = shutil.which("redis-server")
    if not redis_server or not (VENV / "bin" / "addok").exists():
        raise RuntimeError("serveur d'adresses de test absent : lancez `make system-deps "
                           "address-server` (paquet Debian redis-server, addok dans .venv-addok)")
    redis_port, http_port = free_port(), free_port()
    env = {**os.environ, "ADDOK_CONFIG_MODULE": str(HERE / "addok_config.py"),
           "REDIS_HOST": "127.0.0.1", "REDIS_PORT": str(redis_port), "ADDOK_LOG_DIR": str(workdir)}
    documents = workdir / "adresses.ndjson"
    documents.write_text("".join(json.dumps(d, ensure_ascii=False) + "\n"
                                 for d in street_documents(schools)), encoding="utf-8")
    processes = [subprocess.Popen([redis_server, "--port", str(redis_port), "--bind", "127.0.0.1",
                                   "--save", "", "--appendonly", "no", "--dir", str(workdir)],
                                  stdout=subprocess.DEVNULL)]
    try:
        _wait(lambda: socket.create_connection(("127.0.0.1", redis_port), 1).close() is None,
              "Redis")
        for command in (["batch", str(documents)], ["ngrams"]):
            subprocess.run([VENV / "bin" / "addok", *command], env=env, check=True,
                           capture_output=True)
        processes.append(subprocess.Popen(
            [VENV / "bin" / "gunicorn", "--bind", f"127.0.0.1:{http_port}", "--workers", "1",
             "addok.http.wsgi"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        base = f"http://127.0.0.1:{http_port}"
        _wait(lambda: httpx.get(f"{base}/search/?q=rennes").status_code == 200, "addok")
        yield f"{base}/search/csv/"
    finally:
        for process in reversed(processes):
            process.terminate()
        for process in processes:
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
