"""Benchmarks of the secrecy engine (issue 12): secondary suppression and audit time, each against
baselines measured in the same run.

    .venv/bin/python bench/secrecy.py               # région and France (≈ 2 min)
    .venv/bin/python bench/secrecy.py region        # one part
    .venv/bin/python bench/secrecy.py france_tau    # τ-ARGUS on all of France (≈ 5 min)

The table is the real referential of the warehouse (``QUARTIERS_TEST_WAREHOUSE`` or the bench
warehouse): the population of each QPV (2024), of the communes holding them and of their EPCI, laid
out as a two-way table with margins, as a partner's count would be published:

- rows: the area (région or France) > its EPCI > each commune with a QPV, plus one row per EPCI
  for its other communes; columns: total > « en QPV » > each QPV, and « hors QPV » (the commune
  minus its QPV). A QPV over several communes is counted in its main commune; the few communes
  whose QPV outnumber their population on that account, and the QPV without a population figure,
  are left out (the counts are printed).
- the frequency threshold is raised to 1,500 inhabitants so that the real figures give the share of
  sensitive cells a partner's count would (population counts never fall below 11): the rule, the
  protection levels and the programmes are those of any agreement, only the threshold is scaled.

Figures: cells, primary and secondary suppressed, rounds, time of ``protect`` (primary + closure +
audited rounds) against the primary rule alone, the single-unknown closure alone and one audit of the
primary-only pattern; for the région, pytauargus 0.6.0 (τ-ARGUS modular and optimal suppression,
when installed) on the same table, with OUR audit run on its pattern. Results in
bench/out/secrecy.json.
"""

from __future__ import annotations

import importlib.util
import json
import math
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

import duckdb

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))
from quartiers.engine.secrecy import SumRelation, suppress  # noqa: E402
from quartiers.engine.secrecy.lp import audit_release  # noqa: E402
from quartiers.engine.secrecy.protect import protect  # noqa: E402
from quartiers.engine.secrecy.rules import Cell, Rules, primary, required_interval  # noqa: E402
from run import WAREHOUSE, run_parts  # noqa: E402

RULES = Rules(threshold=1500)
REGIONS = ("52", "53")  # Pays de la Loire and Bretagne: 79 QPV
PER_RECORD = 100  # τ-ARGUS reads microdata: one record per 100 inhabitants, FREQ(15, 10) ≈ 1,500

REFERENTIAL_SQL = """
    SELECT q.code AS qpv, q.population AS qpv_pop, c.code AS commune, c.population AS commune_pop,
           e.code AS epci, e.population AS epci_pop
    FROM marts.territories q
    JOIN marts.territory_links l ON l.level = 'qpv' AND l.code = q.code
         AND l.parent_level = 'commune' AND l.is_main
    JOIN marts.territories c ON c.level = 'commune' AND c.code = l.parent_code
    JOIN marts.territories e ON e.level = 'epci' AND e.code = c.epci
    WHERE q.level = 'qpv' AND q.population IS NOT NULL
      AND (?::VARCHAR[] IS NULL OR list_contains(?::VARCHAR[], q.region))
    ORDER BY e.code, c.code, q.code
"""


def referential(regions: tuple[str, ...] | None) -> tuple[dict, dict]:
    """EPCI → commune → {QPV: population}, and populations of communes and EPCI."""
    path = os.environ.get("QUARTIERS_TEST_WAREHOUSE") or str(WAREHOUSE)
    with duckdb.connect(path, read_only=True) as con:
        rows = con.execute(REFERENTIAL_SQL, [list(regions) if regions else None] * 2).fetchall()
    tree: dict = defaultdict(lambda: defaultdict(dict))
    population: dict = {}
    for qpv, qpv_pop, commune, commune_pop, epci, epci_pop in rows:
        tree[epci][commune][qpv] = round(qpv_pop)
        population[commune], population[epci] = round(commune_pop), round(epci_pop)
    return tree, population


def two_way_table(tree: dict, population: dict) -> tuple[list[Cell], list[SumRelation], dict]:
    """Cells keyed (row, column), the sums linking them, and what was left out."""
    values: dict = {}
    sums: list[SumRelation] = []
    left_out = {"communes": 0, "qpv": 0}
    rows_of: dict = defaultdict(list)  # EPCI → its rows
    for epci, communes in sorted(tree.items()):
        for commune, qpvs in sorted(communes.items()):
            hors = population[commune] - sum(qpvs.values())
            if hors < 0:
                left_out["communes"] += 1
                left_out["qpv"] += len(qpvs)
                continue
            for qpv, n in qpvs.items():
                values[commune, qpv] = n
            values[commune, "en QPV"], values[commune, "hors QPV"] = sum(qpvs.values()), hors
            values[commune, "total"] = population[commune]
            sums += [SumRelation((commune, "en QPV"), tuple((commune, q) for q in sorted(qpvs))),
                     SumRelation((commune, "total"), ((commune, "en QPV"), (commune, "hors QPV")))]
            rows_of[epci].append(commune)
        if not rows_of[epci]:
            continue
        others = population[epci] - sum(values[row, "total"] for row in rows_of[epci])
        if others > 0:
            row = f"autres communes {epci}"
            values[row, "hors QPV"] = values[row, "total"] = others
            sums.append(SumRelation((row, "total"), ((row, "hors QPV"),)))
            rows_of[epci].append(row)
    columns: dict = defaultdict(set)
    for row, column in values:
        columns[column].add(row)
    for epci, rows in sorted(rows_of.items()):
        if not rows:
            continue
        for column in sorted({c for (r, c) in values if r in rows}):
            parts = tuple((row, column) for row in rows if (row, column) in values)
            values[f"EPCI {epci}", column] = sum(values[p] for p in parts)
            sums.append(SumRelation((f"EPCI {epci}", column), parts))
        epci_qpv = sorted(c for (r, c) in values if r == f"EPCI {epci}" and c not in
                          ("en QPV", "hors QPV", "total"))
        if epci_qpv:
            sums.append(SumRelation((f"EPCI {epci}", "en QPV"),
                                    tuple((f"EPCI {epci}", q) for q in epci_qpv)))
            sums.append(SumRelation((f"EPCI {epci}", "total"),
                                    ((f"EPCI {epci}", "en QPV"), (f"EPCI {epci}", "hors QPV"))))
    epcis = [f"EPCI {epci}" for epci, rows in sorted(rows_of.items()) if rows]
    for column in sorted({c for (r, c) in values if r in epcis}):
        parts = tuple((row, column) for row in epcis if (row, column) in values)
        values["ensemble", column] = sum(values[p] for p in parts)
        sums.append(SumRelation(("ensemble", column), parts))
    cells = [Cell(key, value, units=value) for key, value in sorted(values.items())]
    return cells, sums, left_out


def timed(function, *args, **kwargs):
    started = time.perf_counter()
    result = function(*args, **kwargs)
    return result, round(time.perf_counter() - started, 3)


def measure(cells: list[Cell], sums: list[SumRelation]) -> dict:
    values = {cell.key: cell.value for cell in cells}
    first, primary_s = timed(primary, cells, RULES)
    closure, closure_s = timed(suppress, values, [], sums, primary=first)
    one_audit, audit_s = timed(audit_release, values, set(first), sums, RULES, cells=cells)
    protection, protect_s = timed(protect, cells, sums, RULES)
    _, final_audit_s = timed(audit_release, values, protection.hidden, sums, RULES,
                                       cells=cells)
    return {"cells": len(cells), "relations": len(sums), "primary": len(first),
            "secondary": len(protection.secondary), "audit_ok": protection.audit.ok,
            "protect_s": protect_s, "final_audit_s": final_audit_s,
            "baseline_primary_rule_s": primary_s,
            "baseline_closure_only_s": closure_s,
            "baseline_closure_only_secondary": len(closure) - len(first),
            "baseline_one_audit_primary_only_s": audit_s,
            "baseline_primary_only_audit_failures": len(one_audit.failures),
            "closure_only_audit_failures": len(audit_release(
                values, set(closure), sums, RULES, cells=cells).failures)}


TAU_CHILD = """
import json
from pytauargus import protect
micro = json.load(open("micro.json"))
result = protect(micro, [["COM", "ZONE"]], response="N", safety_rules="FREQ({freq},10)",
                 suppress="{method}(1)", hrc={{"COM": "COM > EPCI", "ZONE": "ZONE > PART"}},
                 hierleadstring="@", totcode="Total", workdir=".")
table = result.tables[0]
json.dump([table.rows, table.status()], open("result.json", "w"))
"""


def tau_argus(cells: list[Cell], sums: list[SumRelation], method: str) -> dict:
    """pytauargus on the same table (leaves as microdata), then OUR audit of its pattern."""
    if importlib.util.find_spec("pytauargus") is None:
        return {f"tau_{method}": "pytauargus absent"}
    values = {cell.key: cell.value for cell in cells}
    derived = {rel.total for rel in sums}
    leaves = sorted(key for key in values if key not in derived)
    codes = {row: f"X{i:05d}" for i, row in enumerate(sorted({r for r, _ in leaves}))}
    epci_of = {part[0]: rel.total[0] for rel in sums if rel.total[0].startswith("EPCI ")
               for part in rel.parts}
    epci_codes = {epci: f"E{i:05d}" for i, epci in enumerate(sorted(set(epci_of.values())))}
    micro = {"COM": [], "EPCI": [], "ZONE": [], "PART": [], "N": []}
    for row, column in leaves:
        records = max(1, math.ceil(values[row, column] / PER_RECORD))
        zone = "HORSQPV0" if column == "hors QPV" else column
        for _ in range(records):
            micro["COM"].append(codes[row])
            micro["EPCI"].append(epci_codes[epci_of[row]])
            micro["ZONE"].append(zone)
            micro["PART"].append("H" if column == "hors QPV" else "Q")
            micro["N"].append(values[row, column] / records)
    workdir = Path(tempfile.mkdtemp(prefix="quartiers-tau-"))
    (workdir / "micro.json").write_text(json.dumps(micro))
    started = time.perf_counter()
    # in a child process whose working directory is the temporary folder: the engine writes its
    # own work files (HiTaS.log, XUit.dat…) into the current directory and the temporary one,
    # and may crash
    child = subprocess.run([sys.executable, "-c", TAU_CHILD.format(
        freq=RULES.threshold // PER_RECORD, method=method)], cwd=workdir, capture_output=True,
        text=True, env={**os.environ, "TMPDIR": str(workdir)})
    seconds = time.perf_counter() - started
    if child.returncode:
        shutil.rmtree(workdir, ignore_errors=True)
        last = (child.stderr.strip().splitlines() or [""])[-1]
        return {f"tau_{method}": f"échec après {seconds:.1f} s (code {child.returncode}) {last}"}
    rows, statuses = json.loads((workdir / "result.json").read_text())
    shutil.rmtree(workdir, ignore_errors=True)
    # back to our keys: τ-ARGUS names the margins « Total », the parts « Q » / « H »
    row_name = {v: k for k, v in codes.items()} | {v: k for k, v in epci_codes.items()}
    row_name["Total"] = "ensemble"
    column_name = {"Total": "total", "Q": "en QPV", "H": "hors QPV", "HORSQPV0": "hors QPV"}
    states, status = defaultdict(set), defaultdict(int)
    for row, state in zip(rows, statuses, strict=True):
        states[row_name[row["COM"]], column_name.get(row["ZONE"], row["ZONE"])].add(state)
        status[state] += 1
    # a cell τ-ARGUS hides under one name but publishes under another (« H » and its only child) is
    # published
    hidden = {key for key, seen in states.items() if key in values and seen <= {"U", "M"}}
    report = audit_release(values, hidden, sums, RULES, cells=cells)
    first = primary(cells, RULES)
    # τ-ARGUS's own FREQ protection: ± 10 % of the value, without reaching the threshold
    its_level = audit_release(values, hidden, sums, RULES, required={
        key: required_interval(values[key], RULES) if key in first else (values[key], values[key])
        for key in hidden})
    if os.environ.get("BENCH_SECRECY_DETAIL"):
        for key in report.failures:
            print("   ", key, values[key], report.intervals[key], report.required[key])
    return {f"tau_{method}_s": round(seconds, 2), f"tau_{method}_records": len(micro["N"]),
            f"tau_{method}_primary": status["U"], f"tau_{method}_secondary": len(hidden - set(first)),
            f"tau_{method}_our_audit_ok": report.ok,
            f"tau_{method}_our_audit_failures": len(report.failures),
            f"tau_{method}_failures_at_10_percent_only": len(its_level.failures),
            f"tau_{method}_misses_our_primary": len(set(first) - hidden)}


def bench_region() -> dict:
    tree, population = referential(REGIONS)
    cells, sums, left_out = two_way_table(tree, population)
    figures = {"region_qpv": sum(len(q) for c in tree.values() for q in c.values()),
               "region_left_out": left_out}
    figures.update({f"region_{k}": v for k, v in measure(cells, sums).items()})
    for method in ("MOD", "OPT"):
        figures.update({f"region_{k}": v for k, v in tau_argus(cells, sums, method).items()})
    return figures


def bench_france() -> dict:
    tree, population = referential(None)
    cells, sums, left_out = two_way_table(tree, population)
    figures = {"france_qpv": sum(len(q) for c in tree.values() for q in c.values()),
               "france_left_out": left_out}
    figures.update({f"france_{k}": v for k, v in measure(cells, sums).items()})
    return figures


def bench_france_tau() -> dict:
    """τ-ARGUS's modular method on all of France (≈ 5 min; not in the default run)."""
    cells, sums, _ = two_way_table(*referential(None))
    return {f"france_{k}": v for k, v in tau_argus(cells, sums, "MOD").items()}


PARTS = {"region": bench_region, "france": bench_france, "france_tau": bench_france_tau}
DEFAULT = ("region", "france")


if __name__ == "__main__":
    run_parts(PARTS, sys.argv[1:] or list(DEFAULT), "secrecy.json")
