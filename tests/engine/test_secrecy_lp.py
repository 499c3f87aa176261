"""The attacker's linear programmes on small hand-made tables whose answers are known by hand."""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.optimize import linprog

from quartiers.engine.secrecy import SumRelation
from quartiers.engine.secrecy.lp import attacker_intervals, audit_release
from quartiers.engine.secrecy.rules import Cell, Rules

# a 2 × 2 table with its margins (chiffres d'essai fabriqués pour les tests)
#        c1   c2 | total
#   r1    3   37 |   40
#   r2   47   13 |   60
#   tot  50   50 |  100
TABLE_ESSAI = {"a": 3, "b": 37, "c": 47, "d": 13, "r1": 40, "r2": 60, "k1": 50, "k2": 50, "t": 100}
MARGINS = [SumRelation("t", ("r1", "r2")), SumRelation("t", ("k1", "k2")),
           SumRelation("r1", ("a", "b")), SumRelation("r2", ("c", "d")),
           SumRelation("k1", ("a", "c")), SumRelation("k2", ("b", "d"))]


def published(hidden):
    return {key: value for key, value in TABLE_ESSAI.items() if key not in hidden}


def test_interior_cells_hidden_give_the_classic_bounds():
    intervals = attacker_intervals(published("abcd"), set("abcd"), MARGINS)
    # a = 40 − b and a = 50 − c, b ≤ 40, c ≤ 50, d = 60 − c ≥ 0 … a ∈ [0, 40], c = 50 − a ∈ [10, 50]
    assert intervals == {"a": (0, 40), "b": (0, 40), "c": (10, 50), "d": (10, 50)}


def test_one_unknown_is_recovered_exactly():
    assert attacker_intervals(published("a"), {"a"}, MARGINS) == {"a": (3, 3)}


def test_cell_outside_every_relation_is_unbounded_above():
    assert attacker_intervals({}, {"seul"}, []) == {"seul": (0.0, math.inf)}


def test_unpublished_members_are_variables_and_bounds_apply():
    # t = x + y, only t is published and x is hidden; a capacity bound of 30 on y
    sums = [SumRelation("t", ("x", "y"))]
    assert attacker_intervals({"t": 100}, {"x"}, sums) == {"x": (0, 100)}
    assert attacker_intervals({"t": 100}, {"x"}, sums, lower_bounds={"y": 20}) == {"x": (0, 80)}


def test_inconsistent_tables_are_reported_in_french():
    with pytest.raises(ValueError, match="ne vérifient pas les relations"):
        attacker_intervals({"t": 10, "b": 20}, {"a"}, [SumRelation("t", ("a", "b"))])


def test_audit_release_catches_two_small_cells_hiding_each_other():
    # QPV A (4) and B (5) of one commune, the commune's QPV total published (9): the old
    # single-unknown check sees two unknowns, the programmes see both below 11
    values = {"A": 4, "B": 5, "C": 9}
    cells = [Cell(key, value, units=value) for key, value in values.items()]
    report = audit_release(values, {"A", "B"}, [SumRelation("C", ("A", "B"))], Rules(), cells=cells)
    assert not report.ok and report.failures == ["A", "B"]
    assert report.intervals["A"] == (0, 9)
    assert report.required["A"] == (3, 11)
    assert report.summary().startswith("Audit refusé : 2 cellule(s) masquée(s) sur 2")
    row = report.as_json()["cellules"][0]
    # the required interval comes from the hidden value: never stored nor shown
    assert row == {"cellule": "A", "min_attaquant": 0, "max_attaquant": 9, "protegee": False}


def test_as_json_keys_are_strings_and_infinity_is_null():
    report = audit_release({("t", 1): 5}, {("t", 1)}, [], Rules())
    assert report.ok
    assert report.as_json()["cellules"][0]["cellule"] == "t · 1"
    assert report.as_json()["cellules"][0]["max_attaquant"] is None


def test_several_components_and_an_unbounded_cell_in_one_call():
    # two copies of the 2 × 2 table, keyed apart, plus a total whose parts are all hidden
    sums = [SumRelation((n, r.total), tuple((n, p) for p in r.parts)) for n in (1, 2) for r in MARGINS]
    sums.append(SumRelation((3, "T"), ((3, "x"), (3, "y"))))
    published = {(n, key): value for n in (1, 2) for key, value in TABLE_ESSAI.items()
                 if key not in "abcd"} | {(2, "d"): 13}
    hidden = {(1, key) for key in "abcd"} | {(2, key) for key in "abc"} | {(3, "x"), (3, "T")}
    intervals = attacker_intervals(published, hidden, sums)
    assert intervals[1, "c"] == (10, 50)
    assert intervals[2, "c"] == (47, 47)  # d published: c = r2 − d
    assert intervals[3, "x"] == intervals[3, "T"] == (0, math.inf)


def naive_intervals(published, hidden, sums):
    """Two linprog calls per hidden cell over every unknown cell: the plain definition."""
    unknown = sorted({k for r in sums for k in r.members if k not in published} | set(hidden))
    index = {k: i for i, k in enumerate(unknown)}
    rows, rhs = [], []
    for r in sums:
        row = np.zeros(len(unknown))
        constant = 0.0
        for key, coef in ((r.total, 1.0), *((p, -1.0) for p in r.parts)):
            if key in index:
                row[index[key]] += coef
            else:
                constant += coef * published[key]
        rows.append(row)
        rhs.append(-constant)
    out = {}
    for key in hidden:
        c = np.zeros(len(unknown))
        c[index[key]] = 1
        low = linprog(c, A_eq=np.array(rows), b_eq=rhs, bounds=(0, None), method="highs")
        high = linprog(-c, A_eq=np.array(rows), b_eq=rhs, bounds=(0, None), method="highs")
        out[key] = (low.fun, math.inf if high.status == 3 else -high.fun)
    return out


@settings(max_examples=40, deadline=None)
@given(st.lists(st.lists(st.integers(0, 30), min_size=2, max_size=4), min_size=1, max_size=4),
       st.data())
def test_batched_intervals_equal_the_plain_definition(table, data):
    """Random tables with row and column margins (and their grand total), random hidden cells."""
    width = len(table[0])
    table = [(row + [0] * width)[:width] for row in table]
    values = {("c", i, j): v for i, row in enumerate(table) for j, v in enumerate(row)}
    sums = []
    for i, row in enumerate(table):
        values["r", i] = sum(row)
        sums.append(SumRelation(("r", i), tuple(("c", i, j) for j in range(width))))
    for j in range(width):
        values["k", j] = sum(row[j] for row in table)
        sums.append(SumRelation(("k", j), tuple(("c", i, j) for i in range(len(table)))))
    values["t", 0] = sum(values["r", i] for i in range(len(table)))
    sums.append(SumRelation(("t", 0), tuple(("r", i) for i in range(len(table)))))
    hidden = data.draw(st.sets(st.sampled_from(sorted(values)), min_size=1))
    published = {k: v for k, v in values.items() if k not in hidden}
    ours = attacker_intervals(published, hidden, sums)
    plain = naive_intervals(published, hidden, sums)
    assert ours.keys() == plain.keys()
    for key, (low, high) in plain.items():
        assert ours[key][0] == pytest.approx(low, abs=1e-6)
        assert ours[key][1] == pytest.approx(high, abs=1e-6)


def test_blank_values_are_unknown_and_not_audited():
    values = {"t": 10, "a": 4, "b": None, "c": 6}
    report = audit_release(values, {"a", "b"}, [SumRelation("t", ("a", "b", "c"))], Rules())
    assert set(report.intervals) == {"a"} and report.intervals["a"] == (0, 4)
