"""The cost of the background worker when it has nothing to do, against baselines measured in the
same run. Linux (/proc).

    .venv/bin/python bench/worker.py                           # ≈ 1 min 30 s
    .venv/bin/python bench/worker.py --secondes 60 --intervalle 1

In a database of its own (a temporary SQLite file, migrated, deleted after), four processes wait
side by side through the same window: an idle Python (``time.sleep``); Django loaded and connected,
idle (the worker's memory floor); ``quartiers worker`` as run in production; and the same worker
counting the statements SQLite receives (sqlite3's trace callback). The worker looks for a waiting
task every ``--intervalle`` seconds (1 s, its default, which is also django_tasks_db's): each look
is one SELECT in an exclusive transaction. Printed: CPU time (user + system) over the window, RSS
at its end, statements per second. Results in bench/out/worker.json.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from run import OUT, PY

TICKS = os.sysconf("SC_CLK_TCK")

DJANGO_IDLE = """
import os, time, django
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "quartiers.web.settings")
django.setup()
from django.db import connection
connection.ensure_connection()
print("prêt", flush=True)
time.sleep(86400)
"""

COUNTING_WORKER = """
import json, signal, sys
from django.db.backends.signals import connection_created
from quartiers.cli import main
counts = {}
def trace(statement):
    verb = " ".join(statement.split()[:2]).upper() if statement.upper().startswith("BEGIN") \\
        else statement.split(None, 1)[0].upper()
    counts[verb] = counts.get(verb, 0) + 1
def traced(sender, connection, **kwargs):
    connection.connection.set_trace_callback(trace)
connection_created.connect(traced)
signal.signal(signal.SIGUSR1, lambda signum, frame: print(json.dumps(counts), flush=True))
sys.exit(main(["worker", "--intervalle", sys.argv[1]]))
"""


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS


def rss_mib(pid: int) -> float:
    status = Path(f"/proc/{pid}/status").read_text()
    return int(re.search(r"VmRSS:\s+(\d+) kB", status)[1]) / 1024


def wait_for(path: Path, text: str) -> None:
    for _ in range(600):
        if text in path.read_text():
            return
        time.sleep(0.1)
    raise RuntimeError(f"{path} : « {text} » jamais écrit ; voir {path.read_text()[-2000:]}")


def measure(seconds: float, interval: float) -> dict:
    folder = Path(tempfile.mkdtemp(prefix="quartiers-bench-worker-"))
    env = {**os.environ, "QUARTIERS_VAR": str(folder), "QUARTIERS_TACHES": "base",
           "DATABASE_URL": f"sqlite:///{folder / 'quartiers.sqlite3'}",
           "DJANGO_SETTINGS_MODULE": "quartiers.web.settings"}
    subprocess.run([PY, "-m", "django", "migrate", "--verbosity", "0"], env=env, check=True)
    commands = {
        "python_inactif": [PY, "-c", "import time; time.sleep(86400)"],
        "django_inactif": [PY, "-c", DJANGO_IDLE],
        "worker": [PY, "-m", "quartiers.cli", "worker", "--intervalle", str(interval)],
        "worker_compte": [PY, "-c", COUNTING_WORKER, str(interval)],
    }
    logs = {name: folder / f"{name}.log" for name in commands}
    processes = {name: subprocess.Popen(command, env=env, stdout=subprocess.PIPE
                                        if name == "worker_compte" else logs[name].open("w"),
                                        stderr=logs[name].open("w"), text=True)
                 for name, command in commands.items()}
    try:
        for name in ("worker", "worker_compte"):
            wait_for(logs[name], "démarré")
        wait_for(logs["django_inactif"], "prêt")
        time.sleep(2)  # start-up done: only waiting is measured
        counter = processes["worker_compte"]
        counter.send_signal(signal.SIGUSR1)
        counts_before = json.loads(counter.stdout.readline())
        cpu_before = {name: cpu_seconds(p.pid) for name, p in processes.items()}
        started = time.monotonic()
        time.sleep(seconds)
        cpu_after = {name: cpu_seconds(p.pid) for name, p in processes.items()}
        elapsed = time.monotonic() - started
        counter.send_signal(signal.SIGUSR1)
        counts_after = json.loads(counter.stdout.readline())
        rss = {name: rss_mib(p.pid) for name, p in processes.items()}
    finally:
        for process in processes.values():
            process.terminate()
        stopped = {name: process.wait(timeout=60) for name, process in processes.items()}
    statements = {verb: (counts_after[verb] - counts_before.get(verb, 0)) / elapsed
                  for verb in counts_after}
    results = {"fenetre_s": round(elapsed, 1), "intervalle_s": interval}
    for name in commands:
        used = cpu_after[name] - cpu_before[name]
        results[f"{name}_cpu_ms_par_minute"] = round(used / elapsed * 60 * 1000)
        results[f"{name}_cpu_pourcent_d_un_coeur"] = round(used / elapsed * 100, 2)
        results[f"{name}_rss_mio"] = round(rss[name], 1)
    results["worker_instructions_sql_par_s"] = round(sum(statements.values()), 2)
    results["worker_instructions_sql_detail_par_s"] = {verb: round(n, 2) for verb, n in
                                                       sorted(statements.items())}
    results["worker_arret_propre_sur_sigterm"] = stopped["worker"] == 0
    results["worker_moins_django_inactif_rss_mio"] = round(rss["worker"] - rss["django_inactif"], 1)
    shutil.rmtree(folder)
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--secondes", type=float, default=60)
    parser.add_argument("--intervalle", type=float, default=1.0)
    args = parser.parse_args()
    print(f"— travailleur inactif ({args.secondes:g} s, intervalle {args.intervalle:g} s)",
          flush=True)
    results = {"date": time.strftime("%Y-%m-%d"), "machine": f"{platform.machine()}, "
               f"{os.cpu_count()} cœurs, Python {platform.python_version()}",
               **measure(args.secondes, args.intervalle)}
    for key, value in results.items():
        print(f"  {key:45} {value}")
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "worker.json").write_text(json.dumps(results, indent=1, ensure_ascii=False))


if __name__ == "__main__":
    main()
