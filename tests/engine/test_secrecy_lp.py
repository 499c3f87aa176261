"""The attacker's linear programmes on small hand-made tables whose answers are known by hand."""

import math

import pytest

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
    assert row == {"cellule": "A", "min_attaquant": 0, "max_attaquant": 9, "min_exige_au_plus": 3,
                   "max_exige_au_moins": 11, "protegee": False}


def test_as_json_keys_are_strings_and_infinity_is_null():
    report = audit_release({("t", 1): 5}, {("t", 1)}, [], Rules())
    assert report.ok
    assert report.as_json()["cellules"][0]["cellule"] == "t · 1"
    assert report.as_json()["cellules"][0]["max_attaquant"] is None
