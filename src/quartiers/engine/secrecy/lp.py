"""The attacker's linear programmes: how closely can a reader bound each hidden cell?

A reader who sees every published cell of the linked tables and knows how they add up (commune =
its QPV + « hors QPV », EPCI = its communes, row total = Σ columns…) and that counts are not
negative can compute, for each hidden cell, the smallest and the largest value compatible with all
that. :func:`attacker_intervals` solves these two linear programmes per hidden cell (HiGHS through
``scipy.optimize.linprog``); :func:`audit_release` compares the intervals with the protection level
of :mod:`.rules` and refuses a release where one is narrower.

Scale: published cells are constants, so only the hidden and unpublished cells are variables; the
relations are split into connected components over these variables and each component's sparse
constraint matrix is built once, then solved with one objective per bound.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Collection, Hashable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
from scipy.optimize import linprog
from scipy.sparse import csr_array

from . import SumRelation, describe
from .rules import Cell, Rules, primary, required_interval

Key = Hashable
Interval = tuple[float, float]


def _components(variables: set, relations: list[SumRelation]) -> list[tuple[list, list]]:
    """Connected components of the variables linked by relations: (sorted variables, relations)."""
    parent = {key: key for key in variables}

    def find(key):
        while parent[key] != key:
            parent[key] = parent[parent[key]]
            key = parent[key]
        return key

    for rel in relations:
        members = [key for key in rel.members if key in variables]
        for key in members[1:]:
            a, b = find(members[0]), find(key)
            if a != b:
                parent[max(a, b)] = min(a, b)
    groups: dict = defaultdict(lambda: ([], []))
    for key in sorted(variables):
        groups[find(key)][0].append(key)
    for rel in relations:
        first = next((key for key in rel.members if key in variables), None)
        if first is not None:
            groups[find(first)][1].append(rel)
    return [groups[root] for root in sorted(groups)]


def _bounds(lp_result, sign: float, key) -> float:
    if lp_result.status == 3:  # unbounded: min → −∞, max → +∞
        return -sign * math.inf
    if lp_result.status != 0:
        raise ValueError(f"Le programme linéaire de l'attaquant n'a pas de solution pour la cellule "
                         f"{describe(key)} : les valeurs publiées ne vérifient pas les relations "
                         f"déclarées (total ≠ somme des parties).")
    return sign * lp_result.fun


def attacker_intervals(published: Mapping[Key, float], hidden: Collection[Key],
                       sums: Sequence[SumRelation], *,
                       lower_bounds: Mapping[Key, float] | None = None,
                       upper_bounds: Mapping[Key, float] | None = None) -> dict[Key, Interval]:
    """For each hidden cell, the (min, max) a reader derives from ``published`` and ``sums``.

    Every member of a relation that is not in ``published`` is unknown to the reader (hidden by
    us, blank in the source, or never published such as a QPV's part in one of its communes).
    Unknown cells are ≥ 0 unless ``lower_bounds`` says otherwise; ``upper_bounds`` adds what a reader
    may know beyond the tables (e.g. a capacity). A maximum may be ``inf``.
    """
    lower_bounds, upper_bounds = lower_bounds or {}, upper_bounds or {}
    relations = sorted(set(sums), key=lambda r: (r.total, r.parts))
    hidden = set(hidden)
    unknown = {key for rel in relations for key in rel.members if key not in published} | hidden
    intervals: dict[Key, Interval] = {}
    for variables, rels in _components(unknown, relations):
        targets = [key for key in variables if key in hidden]
        if not targets:
            continue
        if not rels:
            key = targets[0]
            intervals[key] = (lower_bounds.get(key, 0.0), upper_bounds.get(key, math.inf))
            continue
        index = {key: i for i, key in enumerate(variables)}
        rows, cols, coefs, rhs = [], [], [], []
        for r, rel in enumerate(rels):
            constant = 0.0
            for key, coef in ((rel.total, 1.0), *((part, -1.0) for part in rel.parts)):
                if key in index:
                    rows.append(r)
                    cols.append(index[key])
                    coefs.append(coef)
                else:
                    constant += coef * published[key]
            rhs.append(-constant)
        matrix = csr_array((coefs, (rows, cols)), shape=(len(rels), len(variables)))
        rhs = np.array(rhs)
        bounds = [(lower_bounds.get(key, 0.0), upper_bounds.get(key)) for key in variables]
        for key in targets:
            objective = np.zeros(len(variables))
            objective[index[key]] = 1.0
            low = _bounds(linprog(objective, A_eq=matrix, b_eq=rhs, bounds=bounds, method="highs"),
                          1.0, key)
            high = _bounds(linprog(-objective, A_eq=matrix, b_eq=rhs, bounds=bounds,
                                   method="highs"), -1.0, key)
            intervals[key] = (low, high)
    return intervals


def _label(key: Key) -> str:
    return describe(key)


def _json_number(x: float) -> float | None:
    return None if math.isinf(x) else round(x, 6)


@dataclass(frozen=True)
class AuditReport:
    """What a reader could learn about each hidden cell, against what the rules require.

    ``required[key] = (low_max, high_min)``: the attacker's min must be ≤ ``low_max`` and his max
    ≥ ``high_min``; moreover no hidden cell may be known exactly. ``failures`` are sorted keys.
    """

    intervals: dict[Key, Interval]
    required: dict[Key, Interval]
    failures: list[Key] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.failures

    def summary(self) -> str:
        """One French sentence for the review page and the journal."""
        n = len(self.intervals)
        if self.ok:
            return (f"Audit réussi : aucune des {n} cellules masquées ne peut être encadrée plus "
                    f"étroitement que son niveau de protection." if n else
                    "Audit réussi : aucune cellule masquée.")
        names = ", ".join(_label(key) for key in self.failures[:5])
        more = f" et {len(self.failures) - 5} autres" if len(self.failures) > 5 else ""
        return (f"Audit refusé : {len(self.failures)} cellule(s) masquée(s) sur {n} peuvent être "
                f"encadrées trop étroitement par différence : {names}{more}. La diffusion est "
                f"refusée.")

    def as_json(self) -> dict:
        """JSON-safe (keys joined by « · », infinity as null), for storage and the review page."""
        failing = set(self.failures)
        return {"ok": self.ok, "resume": self.summary(), "cellules": [
            {"cellule": _label(key), "min_attaquant": _json_number(low),
             "max_attaquant": _json_number(high),
             "min_exige_au_plus": _json_number(self.required[key][0]),
             "max_exige_au_moins": _json_number(self.required[key][1]),
             "protegee": key not in failing}
            for key, (low, high) in sorted(self.intervals.items())]}


def audit_release(values: Mapping[Key, float], hidden: Collection[Key], sums: Sequence[SumRelation],
                  rules: Rules, *, cells: Sequence[Cell] | None = None,
                  required: Mapping[Key, Interval] | None = None,
                  lower_bounds: Mapping[Key, float] | None = None) -> AuditReport:
    """Solve the attacker's programmes for a candidate release and check each hidden cell.

    ``values`` are the true values of every cell (published and hidden); the reader sees those not
    in ``hidden``. Each hidden cell's ``(low_max, high_min)`` comes from ``required`` if given;
    else, with ``cells``, a primary cell gets its level (:func:`.rules.required_interval` with the
    cell: counts up to the threshold, dominance…) and any other hidden cell only must not be known
    exactly; else the value-only level (± ``protection_percent`` %). A hidden cell known exactly
    always fails.
    """
    hidden = set(hidden)
    if required is None and cells is not None:
        sensitive = primary(cells, rules)
        required = {cell.key: (required_interval(cell.value, rules, cell) if cell.key in sensitive
                               else (cell.value, cell.value))
                    for cell in cells if cell.key in hidden}
    published = {key: value for key, value in values.items() if key not in hidden}
    intervals = attacker_intervals(published, hidden, sums, lower_bounds=lower_bounds)
    needed = {key: (required[key] if required is not None and key in required
                    else required_interval(values[key], rules)) for key in intervals}
    failures = []
    for key in sorted(intervals):
        (low, high), (low_max, high_min) = intervals[key], needed[key]
        tolerance = 1e-6 * max(1.0, abs(values[key]))
        if low > low_max + tolerance or high < high_min - tolerance or high - low <= tolerance:
            failures.append(key)
    return AuditReport(intervals=intervals, required=needed, failures=failures)
