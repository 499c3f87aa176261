"""Number formatting and small SVG charts, built as plain strings.

No plotting library: the charts must render identically in a browser and inside Typst, stay a
few kilobytes, and cost well under a millisecond each.
"""

from __future__ import annotations

import math
from decimal import ROUND_HALF_UP, Decimal
from xml.sax.saxutils import escape, quoteattr

STRONG = "#b3262e"  # the territory the document is about
MUTED = "#5b6b7c"  # everything it is compared with
INK = "#1f2933"
GRID = "#d5dbe1"
FONT = "DejaVu Sans, Liberation Sans, Arial, sans-serif"
NARROW_NBSP = "\u202f"  # thousands separator, as the French typography wants it
NBSP = "\u00a0"  # between a number and its unit
NOT_AVAILABLE = "n.d."
UNITLESS = frozenset({"", "ratio", "indice"})  # catalogue « units » that are not printed
SYMBOL_UNITS = ("%", "€")  # printed right after the number; other units are words

WIDTH = 520
LABEL_WIDTH = 240  # left column of a bar chart
LABEL_CHARS = 42  # what fits in it at 9 px (DejaVu Sans is about 0.6 em a character)
VALUE_ROOM = 85  # room kept right of the longest bar for its value
ROW = 18
TITLE_HEIGHT = 26


def format_number(value: float | None, decimals: int = 1, unit: str = "") -> str:
    """French rendering of a value: « 12 345,6 % »; « n.d. » when there is none.

    The single place where numbers become text, so the web, the PDF and the charts agree.
    Dimensionless units (« ratio », « indice ») are not printed.
    """
    if value is None or not math.isfinite(value):
        return NOT_AVAILABLE
    # Half away from zero on the shortest decimal form, as published tables round (12,25 →
    # 12,3), where round() on the binary float would give 12,2.
    rounded = Decimal(repr(float(value))).quantize(Decimal(1).scaleb(-decimals), ROUND_HALF_UP)
    text = f"{abs(rounded):,.{decimals}f}".replace(",", NARROW_NBSP).replace(".", ",")
    if rounded < 0:
        text = "-" + text
    return text if unit in UNITLESS else f"{text}{NBSP}{unit}"


def _svg(width: int, height: int, body: list[str], title: str = "") -> str:
    label = f' aria-label={quoteattr(title)}' if title else ""
    return (f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
            f'viewBox="0 0 {width} {height}" role="img"{label} font-family="{FONT}">'
            + "".join(body) + "</svg>")


def _text(x: float, y: float, content: str, size: float = 10, anchor: str = "start",
          fill: str = INK, weight: str = "normal") -> str:
    return (f'<text x="{x:.1f}" y="{y:.1f}" font-size="{size}" text-anchor="{anchor}" '
            f'fill="{fill}" font-weight="{weight}">{escape(content)}</text>')


def _shorten(label: str, limit: int) -> str:
    return label if len(label) <= limit else label[: limit - 1].rstrip() + "…"


def bar_chart(title: str, items: list[tuple[str, float | None, bool]], unit: str,
              decimals: int) -> str:
    """Horizontal bars, one per (label, value, highlight); a missing value reads « n.d. »."""
    height = TITLE_HEIGHT + ROW * len(items) + 6
    scale_max = max((abs(v) for _, v, _ in items if v is not None and math.isfinite(v)),
                    default=0) or 1
    bar_room = WIDTH - LABEL_WIDTH - VALUE_ROOM
    body = [_text(0, 14, title, size=11.5, weight="bold")]
    for index, (label, value, highlight) in enumerate(items):
        top = TITLE_HEIGHT + index * ROW
        colour = STRONG if highlight else MUTED
        weight = "bold" if highlight else "normal"
        body.append(_text(LABEL_WIDTH - 8, top + 12, _shorten(label, LABEL_CHARS), size=9,
                          anchor="end", weight=weight))
        text = format_number(value, decimals, unit)
        if text == NOT_AVAILABLE:
            body.append(_text(LABEL_WIDTH, top + 12, text, fill=MUTED))
            continue
        length = max(1.0, bar_room * abs(value) / scale_max)
        body.append(f'<rect x="{LABEL_WIDTH}" y="{top + 3}" width="{length:.1f}" height="{ROW - 6}" '
                    f'fill="{colour}"/>')
        body.append(_text(LABEL_WIDTH + length + 5, top + 12, text, fill=colour, weight=weight))
    body.append(f'<line x1="{LABEL_WIDTH}" y1="{TITLE_HEIGHT}" x2="{LABEL_WIDTH}" '
                f'y2="{height - 4}" stroke="{GRID}"/>')
    return _svg(WIDTH, height, body, title)


def histogram(values: list[float], marker: float | None, unit: str = "", decimals: int = 1,
              title: str = "", bins: int = 20) -> str:
    """Distribution of values in equal-width bins, with an optional vertical marker line."""
    values = [v for v in values if v is not None and math.isfinite(v)]
    height, base, plot_top = 180, 150, 24
    body = [_text(0, 14, title, size=11.5, weight="bold")] if title else []
    if not values:
        body.append(_text(WIDTH / 2, base / 2 + 10, NOT_AVAILABLE, anchor="middle", fill=MUTED))
        return _svg(WIDTH, height, body, title)
    low, high = min(values), max(values)
    span = (high - low) or 1.0
    counts = [0] * bins
    for value in values:
        counts[min(bins - 1, int((value - low) / span * bins))] += 1
    step, tallest = WIDTH / bins, max(counts)
    for index, count in enumerate(counts):
        bar = (base - plot_top) * count / tallest
        body.append(f'<rect x="{index * step + 1:.1f}" y="{base - bar:.1f}" width="{step - 2:.1f}" '
                    f'height="{bar:.1f}" fill="{MUTED}"/>')
    body.append(f'<line x1="0" y1="{base}" x2="{WIDTH}" y2="{base}" stroke="{GRID}"/>')
    body.append(_text(0, base + 16, format_number(low, decimals, unit)))
    body.append(_text(WIDTH, base + 16, format_number(high, decimals, unit), anchor="end"))
    if marker is not None and math.isfinite(marker):
        body.extend(_marker(min(max((marker - low) / span, 0), 1) * WIDTH, plot_top, base,
                            format_number(marker, decimals, unit)))
    return _svg(WIDTH, height, body, title)


def _marker(x: float, top: float, base: float, label: str) -> list[str]:
    anchor = "end" if x > WIDTH * 0.8 else "start"
    offset = -4 if anchor == "end" else 4
    return [f'<line x1="{x:.1f}" y1="{top - 4}" x2="{x:.1f}" y2="{base}" stroke="{STRONG}" '
            'stroke-width="2"/>',
            _text(x + offset, top + 6, label, fill=STRONG, weight="bold", anchor=anchor)]


SERIES_COLOURS = (STRONG, MUTED, "#2f6f9f", "#7a5c1e")
DASHES = ("", "5 3", "2 2", "8 3 2 3")  # told apart without colour


def line_chart(title: str, lines: list[tuple[str, list[tuple[int, float | None]]]], unit: str,
               decimals: int) -> str:
    """Change over time: one line per (label, [(year, value)]), the first drawn strongest.

    A gap in a series (no value that year) breaks its line: nothing is interpolated. Each line
    has its own dash pattern, and its points carry their values, so the chart reads in grey.
    """
    years = sorted({year for _, points in lines for year, value in points if value is not None})
    values = [v for _, points in lines for _, v in points if v is not None and math.isfinite(v)]
    legend_height = 14 * len(lines)
    left, right, top = 48, WIDTH - 16, TITLE_HEIGHT + legend_height + 8
    base = top + 130
    body = [_text(0, 14, title, size=11.5, weight="bold")]
    for index, (label, _) in enumerate(lines):
        y = TITLE_HEIGHT + 14 * index + 4
        colour, dash = SERIES_COLOURS[index % 4], DASHES[index % 4]
        body.append(f'<line x1="0" y1="{y}" x2="22" y2="{y}" stroke="{colour}" stroke-width="2" '
                    f'stroke-dasharray="{dash}"/>')
        body.append(_text(28, y + 3.5, _shorten(label, 80), size=9))
    if not values or not years:
        body.append(_text(WIDTH / 2, (top + base) / 2, NOT_AVAILABLE, anchor="middle", fill=MUTED))
        return _svg(WIDTH, base + 24, body, title)
    low, high = min(min(values), 0), max(values)
    span = (high - low) or 1.0

    def x_of(year: int) -> float:
        return left + (right - left) * (years.index(year) + 0.5) / len(years)

    def y_of(value: float) -> float:
        return base - (base - top) * (value - low) / span

    body.append(f'<line x1="{left}" y1="{base}" x2="{right}" y2="{base}" stroke="{GRID}"/>')
    for year in years:
        body.append(_text(x_of(year), base + 14, str(year), size=9, anchor="middle"))
    for index, (_, points) in enumerate(lines):
        colour, dash = SERIES_COLOURS[index % 4], DASHES[index % 4]
        width = 2.5 if index == 0 else 1.5
        run: list[str] = []
        for year, value in [*sorted(points), (None, None)]:
            if value is None or not math.isfinite(value):
                if len(run) > 1:
                    body.append(f'<polyline points="{" ".join(run)}" fill="none" '
                                f'stroke="{colour}" stroke-width="{width}" '
                                f'stroke-dasharray="{dash}"/>')
                run = []
                continue
            x, y = x_of(year), y_of(value)
            run.append(f"{x:.1f},{y:.1f}")
            body.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="2.5" fill="{colour}"/>')
            body.append(_text(x, y - 5, format_number(value, decimals, unit), size=8,
                              anchor="middle", fill=colour))
    return _svg(WIDTH, base + 24, body, title)
