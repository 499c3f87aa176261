"""Statistical secrecy: primary and secondary suppression, on hand-made examples and on random
hierarchies France → régions → communes → QPV (+ the commune's « hors QPV » remainder)."""

from __future__ import annotations

import random

import duckdb
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from quartiers.engine.secrecy import (
    POOLED_QPV_SUMS_SQL,
    THRESHOLD,
    RatioRelation,
    SumRelation,
    apply_to_values,
    audit,
    suppress,
)

# --- helpers: a node has a numerator count, a denominator count and their ratio -------------


def cells(node: str, num: float | None, den: float | None) -> dict:
    ratio = None if num is None or den is None or den == 0 else num / den * 100
    return {(node, "num"): num, (node, "den"): den, (node, "ratio"): ratio}


def ratio_of(node: str, counts_units: bool = True) -> RatioRelation:
    return RatioRelation((node, "ratio"), (node, "num"), (node, "den"), counts_units=counts_units)


def sums_of(total: str, parts: list[str]) -> list[SumRelation]:
    return [SumRelation((total, field), tuple((part, field) for part in parts))
            for field in ("num", "den")]


# --- hand-made examples ---------------------------------------------------------------------


def commune_with_two_qpv(hors: tuple[float, float] | None):
    """Commune C = QPV A (3 of 7 households) + QPV B (12 of 30) + hors QPV H (40 of 200)."""
    values = {**cells("A", 3, 7), **cells("B", 12, 30), **cells("C", 55, 237)}
    values.update(cells("H", *hors) if hors else cells("H", None, None))
    ratios = [ratio_of(node) for node in "ABCH"]
    return values, ratios, sums_of("C", ["A", "B", "H"])


def test_example_commune_with_two_qpv_one_with_7_households_hides_the_other_qpv_too():
    values, ratios, sums = commune_with_two_qpv(hors=(40, 200))
    secret = suppress(values, ratios, sums)
    # A's rate is primary; its numerator would come back from rate × households, so it goes;
    # then C − H − A would give it back, so B's numerator (smaller than H's) goes; B's rate and
    # numerator would give B's households, so they go, and A's households with them
    assert secret == {
        ("A", "ratio"): "primaire (ratio calculé sur moins de 11 unités)",
        ("A", "num"): "secondaire (ratio A · ratio = A · num / A · den : "
                      "sinon A · ratio se recalculerait)",
        ("B", "num"): "secondaire (somme C · num = Σ de 3 parties : "
                      "sinon A · num se déduirait par différence)",
        ("B", "den"): "secondaire (ratio B · ratio = B · num / B · den : "
                      "sinon B · num se recalculerait)",
        ("A", "den"): "secondaire (somme C · den = Σ de 3 parties : "
                      "sinon B · den se déduirait par différence)",
    }
    assert audit(values, ratios, sums, secret) == []
    assert ("B", "ratio") not in secret  # the value the pages show stays published


def test_example_commune_with_two_qpv_one_with_7_households_hides_hors_qpv_when_smaller():
    values, ratios, sums = commune_with_two_qpv(hors=(5, 200))
    secret = suppress(values, ratios, sums)
    assert ("H", "num") in secret and ("B", "num") not in secret
    assert audit(values, ratios, sums, secret) == []


def test_example_unpublished_hors_qpv_already_protects_the_small_qpv():
    values, ratios, sums = commune_with_two_qpv(hors=None)
    secret = suppress(values, ratios, sums)
    # numerators: C − B leaves A + H, two unknowns, nothing more to hide. Denominators: the
    # unpublished H would be C − A − B, so the smallest part (A's 7 households) goes too; the
    # blank H itself is never reported as « secret »
    assert set(secret) == {("A", "ratio"), ("A", "num"), ("A", "den")}
    assert secret["A", "den"].endswith("sinon H · den se déduirait par différence)")
    assert audit(values, ratios, sums, secret) == []


def test_example_blank_in_source_is_protected_but_never_marked_secret():
    values = {"T": 50.0, "A": None, "B": 20.0, "C": 30.0}
    sums = [SumRelation("T", ("A", "B", "C"))]
    assert audit(values, [], sums, set()) == [(sums[0], "A")]
    secret = suppress(values, [], sums)
    assert secret == {"B": "secondaire (somme T = Σ de 3 parties : sinon A se déduirait par "
                           "différence)"}


def test_example_ties_between_parts_are_broken_by_key():
    values = {"T": 30.0, "A": None, "C": 10.0, "B": 10.0}
    assert set(suppress(values, [], [SumRelation("T", ("C", "A", "B"))])) == {"B"}


def test_example_counts_follow_the_rule_only_when_asked():
    values = {"T": 35.0, "A": 5.0, "B": 30.0}
    sums = [SumRelation("T", ("A", "B"))]
    assert suppress(values, [], sums) == {}
    secret = suppress(values, [], sums, count_keys_subject_to_rule={"A", "B", "T"})
    assert secret["A"] == "primaire (effectif inférieur à 11)"
    assert secret["B"].startswith("secondaire (somme T")
    assert "T" not in secret


def test_example_total_hidden_only_when_no_part_is_left():
    values = {"T": 5.0, "A": 5.0}
    secret = suppress(values, [], [SumRelation("T", ("A",))], count_keys_subject_to_rule={"A"})
    assert set(secret) == {"A", "T"}  # « ensemble des QPV » of a commune with one QPV


def test_example_hidden_numerator_then_the_denominator_not_the_rate():
    values = cells("A", 4, 50)
    secret = suppress(values, [ratio_of("A")], [], count_keys_subject_to_rule={("A", "num")})
    assert set(secret) == {("A", "num"), ("A", "den")}


def test_example_a_weight_is_not_a_count_of_units():
    values = cells("A", 4, 8)
    assert suppress(values, [ratio_of("A", counts_units=False)], []) == {}


def test_example_zero_denominator_blank_rate_hides_the_numerator():
    values = cells("A", 0, 0)  # the rate is blank: 0 / 0
    assert set(suppress(values, [ratio_of("A")], [])) == {("A", "num")}


def test_relations_reject_repeated_cells():
    with pytest.raises(ValueError, match="repeated"):
        SumRelation("T", ("A", "A"))
    with pytest.raises(ValueError, match="repeated"):
        SumRelation("T", ("T", "A"))
    with pytest.raises(ValueError, match="without parts"):
        SumRelation("T", ())
    with pytest.raises(ValueError, match="repeated"):
        RatioRelation("r", "n", "n")


# --- random hierarchies -----------------------------------------------------------------------


@st.composite
def hierarchies(draw, low: int = 0, blanks: bool = True):
    """France → 2-3 régions → 2-4 communes → 0-3 QPV and a « hors QPV » remainder per commune.

    Leaves draw their counts; every total is the exact sum of its parts; some cells are blank in
    the source (a whole « hors QPV », or any single cell)."""
    values: dict = {}
    ratios: list = []
    sums: list = []

    def leaf(node: str) -> tuple[int, int]:
        num, den = draw(st.integers(0, 40)), draw(st.integers(low, 40))
        values.update(cells(node, num, den))
        ratios.append(ratio_of(node))
        return num, den

    def total(node: str, parts: list[str], counts: list[tuple[int, int]]) -> tuple[int, int]:
        num, den = sum(c[0] for c in counts), sum(c[1] for c in counts)
        values.update(cells(node, num, den))
        ratios.append(ratio_of(node))
        sums.extend(sums_of(node, parts))
        return num, den

    regions, region_counts = [], []
    for r in range(draw(st.integers(2, 3))):
        region = f"R{r}"
        communes, commune_counts = [], []
        for c in range(draw(st.integers(2, 4))):
            commune = f"{region}C{c}"
            parts = [f"{commune}Q{q}" for q in range(draw(st.integers(0, 3)))] + [f"{commune}H"]
            counts = [leaf(part) for part in parts]
            communes.append(commune)
            commune_counts.append(total(commune, parts, counts))
        regions.append(region)
        region_counts.append(total(region, communes, commune_counts))
    total("FR", regions, region_counts)

    if blanks:
        for key in draw(st.sets(st.sampled_from(sorted(values)), max_size=4)):
            values[key] = None
        for key in sorted(values):
            if key[0].endswith("H") and draw(st.booleans()):
                values[key] = None  # the source does not publish « hors QPV »
    rule = {key for key in values if key[1] == "num"} if blanks and draw(st.booleans()) else set()
    return values, ratios, sums, rule


def primary_cells(values, ratios, rule) -> set:
    small = {r.ratio for r in ratios
             if values[r.ratio] is not None and values[r.denominator] is not None
             and values[r.denominator] < THRESHOLD}
    return small | {key for key in rule if values[key] is not None and values[key] < THRESHOLD}


@settings(max_examples=300, deadline=None)
@given(hierarchies())
def test_suppression_on_random_hierarchies(hierarchy):
    values, ratios, sums, rule = hierarchy
    secret = suppress(values, ratios, sums, count_keys_subject_to_rule=rule)
    # (a) every primary cell is hidden, as such
    for key in primary_cells(values, ratios, rule):
        assert secret[key].startswith("primaire")
    # (b) nothing hidden (by us or by the source) can be recomputed from one relation
    assert audit(values, ratios, sums, secret) == []
    # (c) a blank of the source is never reported as our secret
    assert not any(values[key] is None for key in secret)
    assert all(reason.startswith(("primaire", "secondaire (")) for reason in secret.values())


@settings(max_examples=100, deadline=None)
@given(hierarchies(low=THRESHOLD, blanks=False))
def test_nothing_hidden_when_every_denominator_reaches_the_threshold(hierarchy):
    values, ratios, sums, rule = hierarchy
    assert suppress(values, ratios, sums, count_keys_subject_to_rule=rule) == {}  # (d)


@settings(max_examples=100, deadline=None)
@given(hierarchies(), st.randoms(use_true_random=False))
def test_suppression_is_deterministic_whatever_the_order_of_the_input(hierarchy, rnd: random.Random):
    values, ratios, sums, rule = hierarchy
    first = suppress(values, ratios, sums, count_keys_subject_to_rule=rule)
    assert suppress(values, ratios, sums, count_keys_subject_to_rule=rule) == first  # (e)
    items = list(values.items())
    rnd.shuffle(items)
    ratios, sums = ratios[:], sums[:] + sums[:1]  # order and duplicates do not matter
    rnd.shuffle(ratios)
    rnd.shuffle(sums)
    assert suppress(dict(items), ratios, sums, count_keys_subject_to_rule=set(rule)) == first


# --- DuckDB -------------------------------------------------------------------------------------

COLUMNS = ("indicator VARCHAR, level VARCHAR, code VARCHAR, vintage VARCHAR, value DOUBLE, "
           "numerator DOUBLE, denominator DOUBLE, source VARCHAR, method VARCHAR, note VARCHAR, "
           "n_units INTEGER, n_missing INTEGER, counts_units BOOLEAN, status VARCHAR")


@pytest.fixture
def con():
    """A tiny warehouse: commune C with QPV A (7 households) and B, pooled into « qpv_commune »."""
    con = duckdb.connect()
    con.execute("CREATE SCHEMA marts")
    con.execute(f"CREATE TABLE marts.indicator_values ({COLUMNS})")
    con.execute("CREATE TABLE marts.territory_links (level VARCHAR, code VARCHAR, "
                "parent_level VARCHAR, parent_code VARCHAR, is_main BOOLEAN)")
    con.execute("INSERT INTO marts.territory_links VALUES ('qpv', 'A', 'commune', 'C', true), "
                "('qpv', 'B', 'commune', 'C', true), ('qpv', 'D', 'commune', 'E', true)")
    rows = [  # indicator, level, code, value, numerator, denominator, note, n_missing, counts units
        ("tx", "qpv", "A", 3 / 7 * 100, 3, 7, "", 0, True),
        ("tx", "qpv", "B", 40.0, 12, 30, "", 0, True),
        ("tx", "qpv_commune", "C", 15 / 37 * 100, 15, 37, "somme", 0, True),
        ("tx", "qpv", "D", 50.0, 4, 8, "", 0, False),  # a weight, not households
        ("tx", "qpv_commune", "E", 50.0, 4, 8, "", 0, False),
        ("nb", "qpv", "A", 6.0, None, None, "", 0, False),
        ("nb", "qpv", "B", 20.0, None, None, "", 0, False),
        ("nb", "qpv_commune", "C", 26.0, None, None, "", 0, False),
        ("nb", "qpv", "D", None, None, None, "", 0, False),  # blank in the source
    ]
    con.executemany("INSERT INTO marts.indicator_values VALUES (?, ?, ?, '2020', ?, ?, ?, 'src', "
                    "'m', ?, 1, ?, ?, CASE WHEN ? IS NULL THEN 'non_publie' ELSE 'ok' END)",
                    [(*row, row[3]) for row in rows])
    yield con
    con.close()


def table(con) -> dict:
    return {(i, lv, c): rest for i, lv, c, *rest in con.execute(
        "SELECT indicator, level, code, value, numerator, denominator, status, note "
        "FROM marts.indicator_values").fetchall()}


def test_apply_to_values_primary_only_hides_rate_and_numerator(con):
    assert apply_to_values(con) == 2
    rows = table(con)
    assert rows["tx", "qpv", "A"][:4] == [None, None, 7, "secret"]
    assert rows["tx", "qpv", "A"][4] == (
        "secret statistique, valeur : primaire (ratio calculé sur moins de 11 unités) ; "
        "secret statistique, numérateur : secondaire (ratio valeur de tx · qpv A · 2020 = "
        "numérateur de tx · qpv A · 2020 / dénominateur de tx · qpv A · 2020 : "
        "sinon valeur de tx · qpv A · 2020 se recalculerait)")
    assert rows["tx", "qpv", "D"][3] == "ok"  # the denominator is a weight, not units
    assert rows["nb", "qpv", "A"][3] == "ok"  # counts: only when asked


def test_apply_to_values_with_pooled_qpv_sums(con):
    hidden = apply_to_values(con, POOLED_QPV_SUMS_SQL, count_rule_sql="indicator = 'nb'")
    rows = table(con)
    assert rows["tx", "qpv", "A"][:4] == [None, None, None, "secret"]
    assert rows["tx", "qpv", "B"][:4] == [40.0, None, None, "ok"]  # the rate stays published
    assert "secondaire (somme numérateur de tx · qpv_commune C" in rows["tx", "qpv", "B"][4]
    assert rows["tx", "qpv_commune", "C"] == [15 / 37 * 100, 15, 37, "ok", "somme"]
    assert rows["nb", "qpv", "A"][:4] == [None, None, None, "secret"]  # 6 < 11, asked
    assert rows["nb", "qpv", "B"][3] == "secret"  # C − A
    assert rows["nb", "qpv", "D"][3] == "non_publie"
    assert hidden == 7
    assert rows["tx", "qpv_commune", "E"][3] == "ok"


def test_apply_to_values_rejects_a_malformed_relation(con):
    with pytest.raises(ValueError, match="relation 'r1': roles"):
        apply_to_values(con, "SELECT 'r1' AS relation, 'total' AS role, 'tx' AS indicator, "
                             "'qpv' AS level, 'A' AS code, '2020' AS vintage, 'value' AS field")
    with pytest.raises(ValueError, match="role 'sum'"):
        apply_to_values(con, "SELECT 'r1' AS relation, 'sum' AS role, 'tx' AS indicator, "
                             "'qpv' AS level, 'A' AS code, '2020' AS vintage, 'value' AS field")
