"""Primary secrecy rules of an agreement and the protection level each hidden cell needs.

Rules (DESIGN.md, « Statistical secrecy », and INSEE's practice):

- *frequency*: a cell counting fewer than ``threshold`` units (default 11) is secret;
- *dominance (n, k)*: a cell whose ``n`` largest contributors make more than ``k`` % of its total is
  secret (default (1, 85 %): one employer above 85 % of the amounts of a contrat de ville);
- *p %* (off by default): a cell is secret when the second largest contributor could estimate the
  largest one within ``p`` % by subtracting its own share from the total.

Zeros: a cell of value 0 (or with 0 units) is published. It says that nobody is counted there — no
individual's figure is disclosed — and hiding every zero would make the margins of sparse tables
useless. INSEE publishes such zeros too.

Protection level of a hidden cell (what the audit checks): the interval an attacker computes from
everything published, ``[low, high]``, must reach ``low ≤ value − lower margin`` and
``high ≥ value + upper margin``:

- every margin is at least ``protection_percent`` % of the value (default 10 %);
- a count below the threshold: the upper bound must reach the threshold (the reader cannot tell
  the cell is small) and the lower bound must go at least one unit below the value;
- a dominance or p % cell: the margin is the amount the total would need to move for the rule to be
  met (sensitivity): ``Σ n largest × 100 / k − total`` for dominance, ``p % × x1 − (total − x1 − x2)``
  for p %, so the largest contributor cannot be estimated closer than the rule allows.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable
from dataclasses import dataclass

FREQUENCY = "primaire : effectif inférieur à {threshold}"
DOMINANCE = ("primaire : dominance ({n}, {k} %) : {who} plus de {k} % du total")
P_PERCENT = ("primaire : règle p % (p = {p} %) : le deuxième contributeur estimerait le premier "
             "à moins de {p} % près")


def _number(x: float) -> str:
    """85.0 → « 85 », 12.5 → « 12,5 » (French decimal comma)."""
    return f"{x:g}".replace(".", ",")


@dataclass(frozen=True)
class Rules:
    """An agreement's secrecy parameters (defaults: INSEE's)."""

    threshold: int = 11
    dominance_n: int = 1
    dominance_k: float = 85.0
    p_percent: float = 0.0
    protection_percent: float = 10.0

    def __post_init__(self) -> None:
        problems = []
        if self.threshold < 1:
            problems.append(f"le seuil de fréquence doit être au moins 1 (reçu {self.threshold})")
        if self.dominance_n < 1:
            problems.append(f"n de la dominance doit être au moins 1 (reçu {self.dominance_n})")
        if not 0 < self.dominance_k <= 100:
            problems.append(f"k de la dominance doit être compris entre 0 et 100 % (reçu "
                            f"{_number(self.dominance_k)})")
        if not 0 <= self.p_percent < 100:
            problems.append(f"p de la règle p % doit être compris entre 0 et 100 % (reçu "
                            f"{_number(self.p_percent)})")
        if not 0 <= self.protection_percent <= 100:
            problems.append(f"le niveau de protection doit être compris entre 0 et 100 % (reçu "
                            f"{_number(self.protection_percent)})")
        if problems:
            raise ValueError("Paramètres de secret invalides : " + " ; ".join(problems) + ".")


@dataclass(frozen=True)
class Cell:
    """One cell of a table to publish.

    ``key`` is hashable and orderable among keys (tuples of str/int), e.g. ``(table, level, code,
    vintage, column)``. ``units`` is the number of units behind the cell (frequency rule), ``None``
    when the rule does not apply; ``contributions`` the largest contributions, in any order
    (dominance, p %), ``()`` when unknown.
    """

    key: Hashable
    value: float
    units: int | None = None
    contributions: tuple[float, ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "contributions",
                           tuple(sorted((float(x) for x in self.contributions), reverse=True)))

    @property
    def is_count(self) -> bool:
        """A frequency cell: its value is its number of units."""
        return self.units is not None and self.value == self.units


def _dominance_amount(cell: Cell, rules: Rules) -> float:
    """How far the total would have to rise for the n largest to make k % of it (> 0: secret)."""
    top = sum(cell.contributions[:rules.dominance_n])
    return top * 100 / rules.dominance_k - cell.value


def _p_percent_amount(cell: Cell, rules: Rules) -> float:
    """How much the remainder after the two largest falls short of p % of the largest."""
    if rules.p_percent <= 0 or not cell.contributions:
        return 0.0
    x1, x2 = cell.contributions[0], sum(cell.contributions[1:2])
    return rules.p_percent / 100 * x1 - (cell.value - x1 - x2)


def reason(cell: Cell, rules: Rules) -> str | None:
    """Why ``cell`` is primary secret, in French, or None. Zeros are never secret."""
    if cell.value == 0 or cell.units == 0:
        return None
    if cell.units is not None and cell.units < rules.threshold:
        return FREQUENCY.format(threshold=rules.threshold)
    if cell.contributions and _dominance_amount(cell, rules) > 0:
        who = ("le premier contributeur fait" if rules.dominance_n == 1
               else f"les {rules.dominance_n} premiers contributeurs font")
        return DOMINANCE.format(n=rules.dominance_n, k=_number(rules.dominance_k), who=who)
    if cell.contributions and _p_percent_amount(cell, rules) > 0:
        return P_PERCENT.format(p=_number(rules.p_percent))
    return None


def primary(cells: Iterable[Cell], rules: Rules) -> dict[Hashable, str]:
    """The primary secret cells, each with its reason in French."""
    found = {}
    for cell in cells:
        why = reason(cell, rules)
        if why:
            found[cell.key] = why
    return found


def required_interval(value: float, rules: Rules, cell: Cell | None = None) -> tuple[float, float]:
    """``(low_max, high_min)``: the attacker's lower bound must be at most ``low_max`` and his upper
    bound at least ``high_min`` (module docstring). Without ``cell`` (only the value is known), the
    margin is ``protection_percent`` % on each side."""
    margin = rules.protection_percent / 100 * abs(value)
    low, high = value - margin, value + margin
    if cell is not None and cell.value != 0:
        if cell.is_count and cell.units < rules.threshold:
            low, high = min(low, value - 1), max(high, rules.threshold)
        if cell.contributions:
            amount = max(_dominance_amount(cell, rules), _p_percent_amount(cell, rules))
            low, high = min(low, value - amount), max(high, value + amount)
    return max(low, 0.0) if value >= 0 else low, high
