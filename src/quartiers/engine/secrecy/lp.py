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
from scipy.sparse import block_diag, csr_array

from . import SumRelation, _blank, describe
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


@dataclass
class _Component:
    """One connected component: its variables, its equality system and its hidden cells."""

    variables: list
    matrix: csr_array
    rhs: np.ndarray
    targets: list
    target_positions: list[int]
    lower: np.ndarray | None = None
    upper: np.ndarray | None = None


def _system(variables: list, rels: list[SumRelation], published: Mapping) -> tuple[csr_array, np.ndarray]:
    """``total − Σ parts = 0`` over the unknown cells, published members moved to the right."""
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
    return csr_array((coefs, (rows, cols)), shape=(len(rels), len(variables))), np.array(rhs)


def _inconsistent(components: list[_Component]) -> ValueError:
    """The error for tables whose published values break a relation, naming a cell of the first
    inconsistent component (found by solving each one alone: only on this error path)."""
    for component in components:
        result = linprog(np.zeros(len(component.variables)), A_eq=component.matrix,
                         b_eq=component.rhs, bounds=(0, None), method="highs")
        if result.status == 2:
            break
    return ValueError(f"Le programme linéaire de l'attaquant n'a pas de solution autour de la cellule "
                      f"{describe(component.targets[0])} : les valeurs publiées ne vérifient pas les "
                      f"relations déclarées (total ≠ somme des parties).")


def attacker_intervals(published: Mapping[Key, float], hidden: Collection[Key],
                       sums: Sequence[SumRelation], *,
                       lower_bounds: Mapping[Key, float] | None = None,
                       upper_bounds: Mapping[Key, float] | None = None) -> dict[Key, Interval]:
    """For each hidden cell, the (min, max) a reader derives from ``published`` and ``sums``.

    Every member of a relation that is not in ``published`` is unknown to the reader (hidden by
    us, blank in the source, or never published such as a QPV's part in one of its communes).
    Unknown cells are ≥ 0 unless ``lower_bounds`` says otherwise (finite bounds only);
    ``upper_bounds`` adds what a reader may know beyond the tables (e.g. a capacity). A maximum may
    be ``inf``.

    Speed: components are independent, so one programme optimises one hidden cell per component
    at once (the sum of them: its optimum is each component's own), and every solution settles the
    cells it shows at a bound (:func:`_extremes`): far fewer ``linprog`` calls than two per hidden
    cell. Unknown cells get a finite
    upper bound far above anything the tables can bound, so that one unbounded cell does not make
    the whole programme unbounded; a maximum reaching half of it is reported as ``inf``.
    """
    lower_bounds, upper_bounds = lower_bounds or {}, upper_bounds or {}
    relations = sorted(set(sums), key=lambda r: (r.total, r.parts))
    hidden = set(hidden)
    unknown = {key for rel in relations for key in rel.members if key not in published} | hidden
    intervals: dict[Key, Interval] = {}
    components = []
    for variables, rels in _components(unknown, relations):
        targets = [key for key in variables if key in hidden]
        if not targets:
            continue
        if not rels:
            intervals[targets[0]] = (lower_bounds.get(targets[0], 0.0),
                                     upper_bounds.get(targets[0], math.inf))
            continue
        components.append(_Component(variables, *_system(variables, rels, published), targets,
                                     [i for i, key in enumerate(variables) if key in hidden]))
    # above any bounded maximum: a vertex of these sum systems adds right-hand sides with
    # coefficients ±1 (their matrices are network-like)
    big = 2 * (sum(float(np.abs(c.rhs).sum()) for c in components)
               + sum(abs(v) for v in (*lower_bounds.values(), *upper_bounds.values())
                     if not math.isinf(v))) + 1
    for component in components:
        component.lower = np.array([lower_bounds.get(key, 0.0) for key in component.variables])
        component.upper = np.array([upper_bounds.get(key, big) for key in component.variables])
    lows = _extremes(components, 1.0, big)
    highs = _extremes(components, -1.0, big)
    intervals.update({key: (lows[key], highs[key]) for c in components for key in c.targets})
    return intervals


def _extremes(components: list[_Component], sense: float, big: float) -> dict[Key, float]:
    """Each target's minimum (``sense`` 1) or maximum (−1) over its component.

    A first programme optimises the sum of every target of every component; then, round after
    round, one programme optimises one unresolved target per component (the sum of them: the
    components are independent). Every solution is a feasible point, so a target found at its lower
    bound has that bound as minimum, and one beyond ``big / 2`` has no maximum: such targets need no
    programme of their own — most minima are 0, found by the first programme.
    """
    found: dict[Key, float] = {}
    first = True
    while True:
        chosen = {}  # component → positions of the targets its part of the objective optimises
        for n, c in enumerate(components):
            left = [i for key, i in zip(c.targets, c.target_positions, strict=True) if key not in found]
            if left:
                chosen[n] = c.target_positions if first else left[:1]
        if not chosen:
            return found
        active = [components[n] for n in chosen]
        objective = np.zeros(sum(len(c.variables) for c in active))
        offset = 0
        for n, c in zip(chosen, active, strict=True):
            objective[[offset + i for i in chosen[n]]] = sense
            offset += len(c.variables)
        result = linprog(objective, A_eq=block_diag([c.matrix for c in active], format="csr"),
                         b_eq=np.concatenate([c.rhs for c in active]),
                         bounds=np.column_stack([np.concatenate([c.lower for c in active]),
                                                 np.concatenate([c.upper for c in active])]),
                         method="highs")
        if result.status != 0:
            raise _inconsistent(active)
        offset = 0
        for n, c in zip(chosen, active, strict=True):
            for key, i in zip(c.targets, c.target_positions, strict=True):
                if key in found:
                    continue
                value, low, high = float(result.x[offset + i]), c.lower[i], c.upper[i]
                if sense > 0 and value <= low + 1e-9 * max(1.0, abs(low)):
                    found[key] = float(low)
                elif sense < 0 and value >= high - 1e-9 * max(1.0, abs(high)):
                    found[key] = math.inf if high == big else float(high)
                elif sense < 0 and value >= big / 2:
                    found[key] = math.inf
                elif not first and i == chosen[n][0]:
                    found[key] = value
            offset += len(c.variables)
        first = False


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
        """JSON-safe (keys joined by « · », infinity as null), for storage and the review page.

        Only what the published cells give away (the attacker's bounds) and the verdict: the
        required intervals are computed from the hidden values and never leave the engine."""
        failing = set(self.failures)
        return {"ok": self.ok, "resume": self.summary(), "cellules": [
            {"cellule": _label(key), "min_attaquant": _json_number(low),
             "max_attaquant": _json_number(high), "protegee": key not in failing}
            for key, (low, high) in sorted(self.intervals.items())]}


def audit_release(values: Mapping[Key, float], hidden: Collection[Key], sums: Sequence[SumRelation],
                  rules: Rules, *, cells: Sequence[Cell] | None = None,
                  required: Mapping[Key, Interval] | None = None,
                  lower_bounds: Mapping[Key, float] | None = None) -> AuditReport:
    """Solve the attacker's programmes for a candidate release and check each hidden cell.

    ``values`` are the true values of every cell (published and hidden); the reader sees those not
    in ``hidden``. A blank value (None, NaN) is unknown to the reader and is not audited. Each
    hidden cell's ``(low_max, high_min)`` comes from ``required`` if given; else, with ``cells``, a
    primary cell gets its level (:func:`.rules.required_interval` with the cell: counts up to the
    threshold, dominance…) and any other hidden cell only must not be known exactly; else the
    value-only level (± ``protection_percent`` %). A hidden cell known exactly always fails.
    """
    blank = {key for key, value in values.items() if _blank(value)}  # unknown, never « secret »
    hidden = set(hidden) - blank
    if required is None and cells is not None:
        sensitive = primary(cells, rules)
        required = {cell.key: (required_interval(cell.value, rules, cell) if cell.key in sensitive
                               else (cell.value, cell.value))
                    for cell in cells if cell.key in hidden}
    published = {key: value for key, value in values.items() if key not in hidden | blank}
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
