"""Secondary suppression across linked tables, and the differencing attack it must withstand.

The territory below is made for the tests (« chiffres d'essai fabriqués pour les tests »): an EPCI
with three communes, two of them with QPV, published per QPV, per commune (total, en QPV, hors QPV)
and per EPCI (same three columns), for two vintages. « hors QPV » is the commune minus its QPV.
"""

import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from quartiers.engine.secrecy import SumRelation, audit, suppress
from quartiers.engine.secrecy.lp import attacker_intervals, audit_release
from quartiers.engine.secrecy.protect import protect
from quartiers.engine.secrecy.rules import Cell, Rules, required_interval

# vintage -> commune -> (QPV counts, hors QPV count); chiffres d'essai fabriqués pour les tests
TERRITOIRE_ESSAI = {
    "2022": {"C1": ({"Q1": 4, "Q2": 35}, 120), "C2": ({"Q3": 18}, 60), "C3": ({}, 25)},
    "2023": {"C1": ({"Q1": 12, "Q2": 31}, 118), "C2": ({"Q3": 7}, 64), "C3": ({}, 9)},
}


def linked_tables(territory=TERRITOIRE_ESSAI):
    """Cells keyed (level, code, vintage, column) and the sums that link them."""
    cells, sums = [], []

    def cell(key, value):
        cells.append(Cell(key, value, units=value))
        return key

    for vintage, communes in territory.items():
        epci = {"total": [], "en_qpv": [], "hors_qpv": []}
        for commune, (qpv, hors) in communes.items():
            parts = [cell(("qpv", code, vintage, "total"), n) for code, n in qpv.items()]
            h = cell(("commune", commune, vintage, "hors_qpv"), hors)
            t = cell(("commune", commune, vintage, "total"), sum(qpv.values()) + hors)
            epci["total"].append(t)
            epci["hors_qpv"].append(h)
            if parts:
                q = cell(("commune", commune, vintage, "en_qpv"), sum(qpv.values()))
                epci["en_qpv"].append(q)
                sums += [SumRelation(q, tuple(parts)), SumRelation(t, (q, h))]
            else:
                sums.append(SumRelation(t, (h,)))
        values = {c.key: c.value for c in cells}
        keys = {}
        for column, parts in epci.items():
            if not parts:
                continue
            keys[column] = cell(("epci", "E", vintage, column), sum(values[p] for p in parts))
            sums.append(SumRelation(keys[column], tuple(parts)))
        if "en_qpv" in keys:
            sums.append(SumRelation(keys["total"], (keys["en_qpv"], keys["hors_qpv"])))
    return cells, sums


def attack(cells, sums, hidden):
    """The attacker's intervals, computed from the published cells only."""
    published = {c.key: c.value for c in cells if c.key not in hidden}
    return attacker_intervals(published, hidden, sums)


def test_differencing_attack_recovers_no_suppressed_cell():
    cells, sums = linked_tables()
    rules = Rules()
    protection = protect(cells, sums, rules)
    assert protection.audit.ok, protection.audit.summary()
    assert set(protection.primary) == {("qpv", "Q1", "2022", "total"), ("qpv", "Q3", "2023", "total"),
                                       ("commune", "C2", "2023", "en_qpv"),  # = Q3, 7
                                       ("commune", "C3", "2023", "hors_qpv"),
                                       ("commune", "C3", "2023", "total")}
    assert protection.secondary  # and the complements, across tables and levels
    published = protection.published()
    hidden = {key for key, value in published.items() if value is None}
    assert hidden == protection.hidden
    intervals = attack(cells, sums, hidden)
    by_key = {c.key: c for c in cells}
    for key in protection.primary:
        low, high = intervals[key]
        low_max, high_min = required_interval(by_key[key].value, rules, by_key[key])
        assert low <= low_max and high >= high_min, key
    for key in protection.secondary:
        low, high = intervals[key]
        assert high - low > 0, key
    # the single-unknown check agrees: nothing comes back by one difference
    assert audit({c.key: c.value for c in cells}, [], sums, hidden) == []


def test_only_primary_suppression_is_caught():
    cells, sums = linked_tables()
    hidden = {("qpv", "Q1", "2022", "total")}
    report = audit_release({c.key: c.value for c in cells}, hidden, sums, Rules(), cells=cells)
    assert not report.ok and report.failures == [("qpv", "Q1", "2022", "total")]
    assert report.intervals[("qpv", "Q1", "2022", "total")] == (4, 4)
    assert "qpv · Q1 · 2022 · total" in report.summary()


def test_single_complementary_cell_leaving_a_narrow_interval_is_caught():
    # Q1 (4) hidden with the only other QPV of its commune, Q2, whose count is 0: no relation has
    # a single unknown, yet the commune's « en QPV » (4) bounds Q1 by 4 < 11
    cells, sums = linked_tables({"2022": {"C1": ({"Q1": 4, "Q2": 0}, 120), "C2": ({"Q3": 40}, 60)}})
    values = {c.key: c.value for c in cells}
    hidden = {("qpv", "Q1", "2022", "total"), ("qpv", "Q2", "2022", "total")}
    assert audit(values, [], sums, hidden) == []
    report = audit_release(values, hidden, sums, Rules(), cells=cells)
    assert not report.ok
    assert report.failures == [("qpv", "Q1", "2022", "total")]  # Q2 ∈ [0, 4] is not sensitive
    assert report.intervals[("qpv", "Q1", "2022", "total")] == (0, 4)


def test_protect_goes_beyond_the_single_unknown_closure():
    # the closure hides the smallest part, a zero, which leaves A ∈ [0, 4]; the programmes see it
    values = {"A": 4, "Z": 0, "E": 50, "T": 54}
    sums = [SumRelation("T", ("A", "Z", "E"))]
    cells = [Cell(key, value, units=value) for key, value in values.items()]
    closure = suppress(values, [], sums, count_keys_subject_to_rule={"A"})
    assert set(closure) == {"A", "Z"}
    protection = protect(cells, sums, Rules())
    assert protection.audit.ok
    assert set(protection.secondary) == {"E", "Z"}
    assert protection.secondary["E"] == ("secondaire (audit par programmes linéaires : sinon A "
                                         "serait encadrée trop étroitement)")
    assert attack(cells, sums, protection.hidden)["A"] == (0, 54)


def test_protect_reports_failure_when_it_gives_up():
    values = {"A": 4, "Z": 0, "E": 50, "T": 54}
    cells = [Cell(key, value, units=value) for key, value in values.items()]
    protection = protect(cells, [SumRelation("T", ("A", "Z", "E"))], Rules(), max_rounds=0)
    assert not protection.audit.ok and protection.audit.failures == ["A"]


def test_everything_hidden_around_a_cell_leaves_it_unbounded():
    cells = [Cell("A", 4, units=4), Cell("T", 4, units=4)]
    protection = protect(cells, [SumRelation("T", ("A",))], Rules())
    assert protection.hidden == {"A", "T"} and protection.audit.ok
    assert protection.audit.intervals["A"] == (0, float("inf"))


def test_duplicate_cells_are_refused():
    with pytest.raises(ValueError, match="Cellule en double"):
        protect([Cell("A", 4), Cell("A", 5)], [], Rules())


def test_dominance_cell_gets_its_sensitivity_width():
    # amounts per contrat de ville, one employer at 95 % of C1 (montants d'essai fabriqués)
    cells = [Cell("C1", 1000.0, units=12, contributions=(950.0, 50.0)),
             Cell("C2", 30.0, units=15), Cell("C3", 400.0, units=20), Cell("T", 1430.0, units=47)]
    sums = [SumRelation("T", ("C1", "C2", "C3"))]
    protection = protect(cells, sums, Rules(protection_percent=0))
    assert protection.primary == {"C1": "primaire : dominance (1, 85 %) : le premier contributeur "
                                        "fait plus de 85 % du total"}
    # C2 (30) would leave C1 ≤ 1030 < 950 / 0.85 ≈ 1117.6: C3 is needed
    assert set(protection.secondary) == {"C2", "C3"} and protection.audit.ok


# --- random linked tables ----------------------------------------------------------------------


@st.composite
def territories(draw):
    """1–2 vintages of 1–4 communes with 0–3 QPV each (counts 0–40), as TERRITOIRE_ESSAI."""
    vintages = {}
    for vintage in ("2022", "2023")[:draw(st.integers(1, 2))]:
        vintages[vintage] = {
            f"C{c}": ({f"Q{c}{q}": draw(st.integers(0, 40)) for q in range(draw(st.integers(0, 3)))},
                      draw(st.integers(0, 60)))
            for c in range(draw(st.integers(1, 4)))}
    return vintages


@settings(max_examples=25, deadline=None)
@given(territories(), st.randoms(use_true_random=False))
def test_protect_passes_its_own_audit_and_ignores_input_order(territory, rnd: random.Random):
    cells, sums = linked_tables(territory)
    protection = protect(cells, sums, Rules())
    hidden = protection.hidden
    # the attacker's own programmes, from the published cells alone
    intervals = attack(cells, sums, hidden)
    by_key = {c.key: c for c in cells}
    if protection.audit.ok:
        for key in protection.primary:
            low_max, high_min = required_interval(by_key[key].value, Rules(), by_key[key])
            assert intervals[key][0] <= low_max + 1e-6 and intervals[key][1] >= high_min - 1e-6
    else:
        assert protection.audit.failures
    cells, sums = cells[:], sums[:]
    rnd.shuffle(cells)
    rnd.shuffle(sums)
    again = protect(cells, sums, Rules())
    assert (again.primary, again.secondary) == (protection.primary, protection.secondary)


def test_secondary_cells_the_reader_computes_exactly_are_published():
    # the closure hides Z (0, the smallest part of T) beside A, then V since U = Z + V; but U is 0:
    # the reader knows Z = V = 0 anyway, so hiding them protects nothing
    values = {"A": 4, "Z": 0, "E": 50, "T": 54, "U": 0, "V": 0}
    sums = [SumRelation("T", ("A", "Z", "E")), SumRelation("U", ("Z", "V"))]
    cells = [Cell(key, value, units=value) for key, value in values.items()]
    assert set(suppress(values, [], sums, count_keys_subject_to_rule={"A"})) == {"A", "Z", "V"}
    protection = protect(cells, sums, Rules())
    assert protection.hidden == {"A", "E"} and protection.audit.ok
    assert protection.published()["Z"] == 0
    assert attack(cells, sums, protection.hidden)["A"] == (0, 54)
