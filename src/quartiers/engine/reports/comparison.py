"""What a profile shows first from its comparison table: key figures and charts.

Shared by the web page and the PDF, so that both put forward the same figures.
"""

from __future__ import annotations

from ..indicators.catalogue import KEY_INDICATORS
from .charts import bar_chart

CHART_PREFERENCE = ("taux_pauvrete", "part_alloc_rsa", "part_etrangers", "taux_emploi",
                    "revenu_median", "part_pop_couverte_caf", "part_pop_qpv")
RATE_UNITS = frozenset({"%", "€", "ratio", "indice", "pour 10 000 hab."})  # counts make no chart
HIDDEN = frozenset({"secret", "non_publie"})
MAX_CHARTS = 3


def key_rows(rows: list[dict], count: int) -> list[dict]:
    """The key indicators first (in their declared order), then the others."""
    by_code = {row["indicator"].code: row for row in rows}
    chosen = [by_code[code] for code in KEY_INDICATORS if code in by_code]
    chosen += [row for row in rows if row not in chosen]
    return chosen[:count]


def comparison_charts(subject_label: str, rows: list[dict], refs: list[tuple[int, dict]],
                      limit: int = MAX_CHARTS) -> list[dict]:
    """Bar charts of rates the subject and at least one reference have.

    ``refs`` are (cell index, reference) pairs to draw after the subject. Each chart is
    ``{"row", "svg", "caption"}``; a reference of another vintage is starred.
    """
    by_code = {row["indicator"].code: row for row in rows if row["indicator"].unit in RATE_UNITS}
    order = [c for c in CHART_PREFERENCE if c in by_code]
    order += [c for c in by_code if c not in order]
    charts = []
    for code in order:
        row = by_code[code]
        items = _items(subject_label, row, refs)
        if sum(value is not None for _, value, _ in items) >= 2:
            indicator = row["indicator"]
            starred = any(label.endswith(" *") for label, _, _ in items)
            charts.append({
                "row": row,
                "svg": bar_chart(indicator.label, items, indicator.unit, indicator.decimals),
                "caption": f"Millésime du territoire : {row['subject'].vintage}"
                           + (" ; * autre millésime" if starred else "") + "."})
        if len(charts) == limit:
            break
    return charts


def _items(subject_label: str, row: dict, refs: list[tuple[int, dict]]) -> list[tuple]:
    def known(value) -> float | None:
        return None if value.status in HIDDEN else value.value

    items = [(subject_label, known(row["subject"]), True)]
    for index, ref in refs:
        cell = row["cells"][index]
        if cell["value"]:
            label = ref["label"] + (" *" if cell["other_vintage"] else "")
            items.append((label, known(cell["value"]), False))
    return items
