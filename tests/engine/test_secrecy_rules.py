"""Primary secrecy rules of an agreement, each with its French reason, and protection levels."""

import pytest

from quartiers.engine.secrecy.rules import Cell, Rules, primary, required_interval


def test_frequency_rule_below_eleven_units():
    cells = [Cell("petit", 10, units=10), Cell("seuil", 11, units=11), Cell("montant", 5000.0)]
    assert primary(cells, Rules()) == {"petit": "primaire : effectif inférieur à 11"}
    assert primary(cells, Rules(threshold=5)) == {}


def test_zero_cells_are_published():
    cells = [Cell("zero", 0, units=0), Cell("zero_montant", 0.0, contributions=(0.0,))]
    assert primary(cells, Rules()) == {}


def test_dominance_one_contributor_above_85_percent():
    cells = [Cell("domine", 1000.0, units=20, contributions=(900.0, 50.0, 50.0)),
             Cell("partage", 1000.0, units=20, contributions=(500.0, 400.0, 100.0))]
    assert primary(cells, Rules()) == {
        "domine": "primaire : dominance (1, 85 %) : le premier contributeur fait plus de 85 % du total"}
    two = primary(cells, Rules(dominance_n=2, dominance_k=80))
    assert two["partage"] == ("primaire : dominance (2, 80 %) : les 2 premiers contributeurs font "
                              "plus de 80 % du total")


def test_p_percent_rule_only_when_set():
    # 100 + 95 + 3: the second (95) learns the first within 3 / 100 = 3 %
    cell = Cell("p", 198.0, units=15, contributions=(3.0, 95.0, 100.0))
    assert cell.contributions == (100.0, 95.0, 3.0)
    assert primary([cell], Rules(dominance_k=99)) == {}
    assert primary([cell], Rules(dominance_k=99, p_percent=10)) == {
        "p": "primaire : règle p % (p = 10 %) : le deuxième contributeur estimerait le premier à "
             "moins de 10 % près"}


def test_frequency_reason_comes_first():
    cell = Cell("les_deux", 100.0, units=2, contributions=(99.0, 1.0))
    assert primary([cell], Rules()) == {"les_deux": "primaire : effectif inférieur à 11"}


def test_protection_levels():
    rules = Rules()
    assert required_interval(200.0, rules) == (180.0, 220.0)
    # a count of 4: the reader must not be able to tell it is below 11, nor that it is at least 4
    assert required_interval(4, rules, Cell("c", 4, units=4)) == (3, 11)
    # dominance: the total must be able to reach 900 × 100 / 85 ≈ 1058.8 (more than the 10 %
    # margin when the largest makes 95 %)
    dominated = Cell("d", 1000.0, contributions=(950.0, 50.0))
    low, high = required_interval(1000.0, rules, dominated)
    assert high == pytest.approx(950 / 0.85) and low == pytest.approx(2000 - 950 / 0.85)
    assert required_interval(1000.0, rules, Cell("e", 1000.0, contributions=(900.0,))) == (900, 1100)


def test_invalid_rules_are_explained_in_french():
    with pytest.raises(ValueError, match=r"le seuil de fréquence doit être au moins 1 .* k de la dominance"):
        Rules(threshold=0, dominance_k=120)
