"""The charts a profile draws from its comparison table.

Shared by the web page and the PDF, so that both put forward the same figures.
"""

from __future__ import annotations

from .charts import SYMBOL_UNITS, bar_chart, line_chart

CHART_PREFERENCE = ("taux_pauvrete", "part_alloc_rsa", "part_etrangers", "taux_emploi",
                    "revenu_median", "part_pop_couverte_caf", "part_pop_qpv")
RATE_UNITS = frozenset({"%", "€", "ratio", "indice", "pour 10 000 hab.", "% par an", "‰ par an",
                        "hab./km²"})  # counts make no chart
MAX_CHARTS = 3


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
        if items[0][1] is not None and sum(value is not None for _, value, _ in items) >= 2:
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
        """Only a sound value draws a bar: not a partial sum, a secret or a blank."""
        return value.value if value.is_sound else None

    items = [(subject_label, known(row["subject"]), True)]
    for index, ref in refs:
        cell = row["cells"][index]
        if cell["value"]:
            label = ref["label"] + (" *" if cell["other_vintage"] else "")
            items.append((label, known(cell["value"]), False))
    return items


def series_chart(series) -> str:
    """Line chart of one indicator's series (``profiles.Series``): sound values only, one line
    per geography, each labelled by it."""
    indicator = series.indicator
    lines = []
    for line in series.lines:
        label = line.label + (f" — géographie {line.geography}" if line.geography else "")
        lines.append((label, [(v.year, v.value if v.is_sound else None) for v in line.points]))
    return line_chart(indicator.label, lines, indicator.unit if indicator.unit in SYMBOL_UNITS
                      else "", indicator.decimals)
