"""Primary and secondary suppression across linked tables, closed by the linear-programme audit.

1. :func:`.rules.primary` finds the sensitive cells (frequency, dominance, p %).
2. :func:`suppress` (the single-unknown closure) hides, for every relation that would give a hidden
   cell back by difference, its smallest published part.
3. The attacker's programmes (:func:`.lp.audit_release`) then bound every hidden cell using all the
   relations at once. For each cell still bounded too narrowly, one more published cell of a
   relation containing it is hidden (the smallest one large enough to give the missing width, else
   the largest there is; relations one step further when none is left), the closure is applied again,
   and so on until the audit passes — or no cell is left to hide, or the rounds run out: the audit
   then says ``ok = False`` and the caller refuses the release.

Primary cells need their protection level (:func:`.rules.required_interval`); a secondary cell is
not sensitive in itself: one the reader computes exactly anyway (a zero part of a hidden zero
total…) is published in the end, which changes none of his intervals. Everything is sorted by key, so
the result does not depend on the order of the input.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Hashable, Sequence
from dataclasses import dataclass

from . import SumRelation, describe, suppress
from .lp import AuditReport, audit_release
from .rules import Cell, Rules, primary, required_interval

Key = Hashable
MAX_ROUNDS = 60
RINGS = 3  # how many relations away from a failing cell a complementary cell may be looked for


@dataclass(frozen=True)
class Protection:
    """The cells to hide with their reasons (French) and the audit of the resulting release."""

    primary: dict[Key, str]
    secondary: dict[Key, str]
    audit: AuditReport
    values: dict[Key, float]

    @property
    def hidden(self) -> set:
        return set(self.primary) | set(self.secondary)

    def published(self) -> dict[Key, float | None]:
        """Every cell, None when hidden."""
        hidden = self.hidden
        return {key: None if key in hidden else value for key, value in sorted(self.values.items())}

    def reasons(self) -> dict[Key, str]:
        return {**self.secondary, **self.primary}


def _complement(key: Key, report: AuditReport, hidden: set, values: dict,
                relations_of: dict[Key, list[SumRelation]]) -> Key | None:
    """The published cell to hide so that ``key``'s interval widens (module docstring)."""
    (low, high), (low_max, high_min) = report.intervals[key], report.required[key]
    missing = max(high_min - high, low - low_max, 0.0)
    seen, frontier = {key}, [key]
    for _ in range(RINGS):
        members = {m for k in frontier for rel in relations_of[k] for m in rel.members} - seen
        candidates = [m for m in members if m in values and m not in hidden and values[m] > 0]
        if candidates:
            enough = [m for m in candidates if values[m] >= missing]
            if enough:
                return min(enough, key=lambda m: (values[m], m))
            return min(candidates, key=lambda m: (-values[m], m))
        seen |= members
        frontier = sorted(m for m in members if m in hidden or m not in values)
    return None


def protect(cells: Sequence[Cell], sums: Sequence[SumRelation], rules: Rules, *,
            max_rounds: int = MAX_ROUNDS) -> Protection:
    """Primary and secondary suppression of linked tables, audited (module docstring).

    ``sums`` link the cells (a member that is not a cell is unknown to the reader: never published,
    e.g. a QPV's part in one of its communes). Keys must be orderable among themselves.
    """
    cells = sorted(cells, key=lambda cell: cell.key)
    values: dict[Key, float] = {}
    for cell in cells:
        if cell.key in values:
            raise ValueError(f"Cellule en double dans les tableaux à protéger : {describe(cell.key)}.")
        values[cell.key] = cell.value
    sums = sorted(set(sums), key=lambda r: (r.total, r.parts))
    first = primary(cells, rules)
    # the levels of audit_release(…, cells=cells), computed once for every round
    needs = {cell.key: required_interval(cell.value, rules, cell) for cell in cells if cell.key in first}
    relations_of: dict[Key, list[SumRelation]] = defaultdict(list)
    for rel in sums:
        for key in rel.members:
            relations_of[key].append(rel)

    def audited(secret: dict[Key, str]) -> tuple[AuditReport, set]:
        """The audit, and the secondary cells the reader computes exactly: hiding them protects
        nothing, so they are published at the end, and their exactness is no failure."""
        required = {key: needs.get(key, (values[key], values[key])) for key in secret}
        report = audit_release(values, set(secret), sums, rules, required=required)
        known = {key for key in report.failures if key not in first
                 and report.intervals[key][1] - report.intervals[key][0] <= 1e-6 * max(1, values[key])}
        return AuditReport(intervals={k: v for k, v in report.intervals.items() if k not in known},
                           required={k: v for k, v in report.required.items() if k not in known},
                           failures=[k for k in report.failures if k not in known]), known

    secret = suppress(values, [], sums, primary=first)
    report, known = audited(secret)
    for _ in range(max_rounds):
        if report.ok:
            break
        hidden, added = set(secret), {}
        for key in report.failures:
            chosen = _complement(key, report, hidden | set(added), values, relations_of)
            if chosen is not None:
                added[chosen] = (f"secondaire (audit par programmes linéaires : sinon "
                                 f"{describe(key)} serait encadrée trop étroitement)")
        if not added:
            break
        secret = suppress(values, [], sums, primary={**secret, **added})
        report, known = audited(secret)
    # publishing a value the reader already computes changes none of his intervals
    return Protection(primary={key: first[key] for key in sorted(first)},
                      secondary={key: why for key, why in sorted(secret.items())
                                 if key not in first and key not in known},
                      audit=report, values=values)
