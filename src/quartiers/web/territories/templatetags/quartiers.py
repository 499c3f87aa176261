"""Template filters: French number formatting and level labels, shared with the PDF."""

from django import template
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

from quartiers.engine.levels import level_label
from quartiers.engine.reports import format_number
from quartiers.engine.reports.charts import SYMBOL_UNITS

register = template.Library()


@register.filter
def fmt(value, indicator):
    """A Value (or raw number) formatted with the indicator's unit and decimals."""
    number = getattr(value, "value", value)
    return format_number(number, indicator.decimals, indicator.unit)


@register.filter
def number(value, indicator):
    """The number alone (the unit is shown apart, in small type)."""
    return format_number(getattr(value, "value", value), indicator.decimals, "")


@register.filter
def level_name(level):
    return level_label(level)


@register.filter
def get_item(mapping, key):
    return mapping.get(key)


@register.simple_tag
def value_cell(cell, indicator):
    """One cell of the comparison table: the value with its vintage and method on hover,
    marks for another vintage and incomplete sums, or why it is blank (a tag: the table has
    hundreds of cells, an include per cell would dominate the page's time)."""
    value = cell["value"]
    if value is None:
        return mark_safe('<span class="blank" title="non disponible pour ce territoire">—</span>')
    if value.value is None:
        mark = "s" if value.status == "secret" else "n.p."
        return format_html('<span class="blank" title="{}">{}</span>', value.status_label, mark)
    title = " · ".join(part for part in (
        value.vintage, value.method,
        f"{value.n_missing} unité(s) sans valeur" if value.n_missing else "", value.note) if part)
    flags = mark_safe("")
    if cell["other_vintage"]:
        flags += format_html('<sup class="flag" title="millésime différent : {}">*</sup>',
                             value.vintage)
    flags += _status_flag(value)
    unit = indicator.unit if indicator.unit in SYMBOL_UNITS else ""  # else in the row header
    return format_html('<span title="{}">{}</span>{}', title,
                       format_number(value.value, indicator.decimals, unit), flags)


STATUS_FLAGS = {"incomplet": "p", "estimation": "e", "hors_bornes": ">"}


def _status_flag(value):
    """A value that is not plainly published says so on itself, in words for a partial sum."""
    flag = STATUS_FLAGS.get(value.status)
    if not flag:
        return mark_safe("")
    text = format_html('<sup class="flag" title="{}">{}</sup>', value.status_label, flag)
    if value.status == "incomplet":
        text += format_html('<br><small class="partial">{}</small>', value.status_label)
    return text


@register.simple_tag
def comparison_rows(rows):
    """Rows of a comparison table: the indicator, its vintage, a cell per reference, its source
    and method (in one piece, for the same reason as ``series_table``)."""
    html = []
    for row in rows:
        indicator, subject = row["indicator"], row["subject"]
        cells = format_html_join("", '<td class="num{}">{}</td>', (
            (" subject" if index == 0 else "", value_cell(cell, indicator))
            for index, cell in enumerate(row["cells"])))
        html.append(format_html(
            '<tr><th><a href="{}">{}</a> <small>({})</small></th><td class="vintage">{}</td>{}'
            '<td class="source"><details><summary>{}</summary><p>{}{}</p><p>{}</p></details>'
            "</td></tr>",
            reverse("indicator", args=[indicator.code]), indicator.label, indicator.unit,
            subject.vintage, cells, subject.source, subject.method,
            f" — {indicator.method}" if indicator.method else "", indicator.definition))
    return mark_safe("\n".join(html))


@register.simple_tag
def series_table(series):
    """A series as a table, one row per line and a column per year (built here in one piece:
    a profile has dozens of them, and template loops per cell dominated its rendering)."""
    indicator = series.indicator
    head = format_html_join("", "<th>{}</th>", ((year,) for year in series.years))
    rows = []
    for line in series.lines:
        by_year = {v.year: v for v in line.points}
        label = format_html("{}{}{}", line.label,
                            format_html(" <small>(géographie {})</small>", line.geography)
                            if line.geography else "",
                            format_html("<br><small>{}</small>", line.note) if line.note else "")
        cells = format_html_join("", '<td class="num">{}</td>', (
            (value_cell({"value": by_year.get(year), "other_vintage": False}, indicator),)
            for year in series.years))
        rows.append(format_html("<tr><th>{}</th>{}</tr>", label, cells))
    return format_html('<div class="table-wrap"><table class="series-table"><thead><tr>'
                       "<th>Série</th>{}</tr></thead><tbody>{}</tbody></table></div>",
                       head, mark_safe("".join(rows)))
