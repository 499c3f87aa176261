"""Template filters: French numbers and dates, level labels, sources in words, and the tables of
values (shared formatting with the PDF)."""

import functools
from datetime import datetime

from django import template
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape, format_html, format_html_join
from django.utils.safestring import mark_safe

from quartiers.engine.levels import OVERSEAS_STATUS, level_label
from quartiers.engine.reports import format_number
from quartiers.engine.reports.charts import SYMBOL_UNITS

from ..warehouse import get_store

register = template.Library()


@functools.cache
def _url(name: str, *args: str) -> str:
    """A page's address, reversed once per process: a comparison table links hundreds."""
    return reverse(name, args=args)


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
def count(value):
    """A count with French thousands separators: « 2 961 234 »."""
    return format_number(value, 0)


@register.filter
def local_time(iso: str) -> datetime:
    """An ISO timestamp (the build's) as a local time, for the ``date`` filter in French."""
    return timezone.localtime(datetime.fromisoformat(iso))


@register.filter
def level_name(level):
    return level_label(level)


@register.filter
def get_item(mapping, key):
    return mapping.get(key)


def _sources() -> dict[str, dict]:
    """Sources by key, and by family for the first source of each (kept with the store)."""
    store = get_store()

    def index() -> dict[str, dict]:
        by_key: dict[str, dict] = {}
        for source in store.sources():
            by_key.setdefault(source["family"], source)
            by_key[source["key"]] = source
        return by_key

    return store.remember(("sources_by_key",), index)


@register.filter
def source_link(key: str):
    """A source (key or family) in words — producer, dataset, vintage — linked to its entry on
    the data page; the vintage only for one file (a family may span several)."""
    return get_store().remember(("source_link", key), lambda: _source_link(key))


def _source_link(key: str):
    source = _sources().get(key)
    if source is None:
        return key
    vintage = f", {source['vintage']}" if source["key"] == key else ""
    return format_html('<a href="{}#source-{}">{} — {}</a>{}', _url("data"), key,
                       source["producer"], source["dataset"], vintage)


@register.filter
def source_links(keys):
    return format_html_join(" ; ", "{}", ((source_link(key),) for key in keys))


@register.filter
def has_own_figures(profile) -> bool:
    """Whether the territory itself has at least one value (not only its references)."""
    return any(row["subject"].value is not None for row in profile.comparison["rows"])


@register.simple_tag
def no_figures_reason(territory) -> str:
    """Why a territory has no figure, when its status says it: the overseas collectivities and
    the lands without inhabitants are outside every file the observatory reads."""
    code = territory["code"] if territory["level"] == "departement" else \
        territory.get("departement")
    status = OVERSEAS_STATUS.get(code or "")
    if not status:
        return ""
    if not territory["population"]:  # the TAAF, Clipperton
        return f"{territory['name']} : {status[0].lower()}{status[1:]}."
    return (f"Ce territoire relève d'une {status[0].lower()}{status[1:]}, qu'aucun des fichiers "
            "nationaux lus par l'observatoire (INSEE, CNAF, compilation du SIG Ville de l'ANCT) "
            "ne couvre.")


# Marks of a value that is not plainly published: shown as a letter linked to the legend, said
# in words to screen readers.
FLAGS = {"autre_millesime": "*", "incomplet": "p", "estimation": "e", "hors_bornes": ">"}
FLAG_WORDS = {"autre_millesime": "millésime différent", "incomplet": "somme partielle",
              "estimation": "estimation", "hors_bornes": "au-delà de 100 % par construction"}
BLANKS = {"absent": ("—", "non disponible à ce niveau"), "secret": ("s", "secret statistique"),
          "non_publie": ("n.p.", "non publié par la source")}


@functools.lru_cache(maxsize=4096)  # the same few marks, in hundreds of cells
def _flag(kind: str, detail: str = ""):
    words = FLAG_WORDS[kind] + (f" : {detail}" if detail else "")
    return format_html('<a class="flag" href="#legende-{}"><span aria-hidden="true">{}</span>'
                       '<span class="sr"> ({})</span></a>', kind, FLAGS[kind], words)


@functools.lru_cache(maxsize=4096)
def _blank(kind: str, words: str = ""):
    mark, default = BLANKS[kind]
    return format_html('<span class="blank"><span aria-hidden="true">{}</span>'
                       '<span class="sr">{}</span></span>', mark, words or default)


@register.simple_tag
def flags_legend():
    """The legend of the marks, each an anchor the marks link to."""
    items = format_html_join("", '<li id="legende-{}"><span class="flag">{}</span> {}</li>', (
        ("autre_millesime", "*", "millésime différent de celui du territoire (voir la ligne)"),
        ("incomplet", "p", "somme partielle : des unités n'ont pas de valeur publiée ; elle "
                           "n'est ni un chiffre clé, ni une référence des graphiques"),
        ("estimation", "e", "estimation"),
        ("hors_bornes", ">", "au-delà de 100 % par construction (voir la note de la ligne)")))
    blanks = format_html_join("", '<li><span class="blank">{}</span> {}</li>',
                              BLANKS.values())
    return format_html('<ul class="flags-legend" aria-label="Légende des tableaux">{}{}</ul>',
                       items, blanks)


@register.simple_tag
def value_cell(cell, indicator):
    """One cell of a table of values: the number and its marks, or why it is blank; its method
    and notes are in the row's disclosure (a tag: a table has hundreds of cells, an include per
    cell would dominate the page's time)."""
    value = cell["value"]
    if value is None:
        return _blank("absent")
    if value.value is None:
        return _blank("secret" if value.status == "secret" else "non_publie", value.status_label)
    flags = _flag("autre_millesime", value.vintage) if cell["other_vintage"] else mark_safe("")
    if value.status in FLAGS:
        flags += _flag(value.status)
    if value.status == "incomplet":
        flags += format_html('<br><small class="partial">{}</small>', value.status_label)
    unit = indicator.unit if indicator.unit in SYMBOL_UNITS else ""  # else in the row header
    return mark_safe(escape(format_number(value.value, indicator.decimals, unit)) + flags)


def _about(value) -> str:
    return " · ".join(part for part in (
        value.vintage, value.method,
        f"{value.n_missing} unité(s) sans valeur" if value.n_missing else "", value.note) if part)


def _provenance(indicator, labelled: list[tuple[str, object]]):
    """Sources of the values in words, the method, and the note of every value that differs
    from the first one (another vintage or method, missing units, a note)."""
    values = [(label, v) for label, v in labelled if v is not None and v.value is not None]
    sources = list(dict.fromkeys(v.source for _, v in values if v.source))
    first = values[0][1] if values else None
    notes = [(label, _about(v)) for label, v in values if v.note or v.n_missing or
             (v.vintage, v.method) != (first.vintage, first.method)]
    return format_html(
        "<p>Source{} : {}</p><p>Méthode : {}{}</p><p>{}</p>{}",
        "s" if len(sources) > 1 else "", source_links(sources) or "—",
        first.method if first else "—", f" — {indicator.method}" if indicator.method else "",
        indicator.definition,
        format_html("<ul>{}</ul>", format_html_join("", "<li>{} : {}</li>", notes))
        if notes else "")


def _summary(value) -> str:
    """The source of a row in a few words: its producer (the vintage is under the label)."""
    source = _sources().get(value.source) if value is not None else None
    return source["producer"] if source else "Source et méthode"


@register.simple_tag
def comparison_rows(rows, references):
    """Rows of a comparison table: the indicator and its vintage, a cell per reference, then its
    sources and notes in a disclosure (in one piece, for the same reason as ``series_table``)."""
    html = []
    for row in rows:
        indicator, subject = row["indicator"], row["subject"]
        cells = mark_safe("".join(  # safe parts: no escaping per cell (hundreds of them)
            f'<td class="num{" subject" if index == 0 else ""}">{value_cell(cell, indicator)}</td>'
            for index, cell in enumerate(row["cells"])))
        labelled = [(ref["label"], cell["value"])
                    for ref, cell in zip(references, row["cells"], strict=True)]
        shown = next((v for _, v in labelled if v is not None and v.value is not None), subject)
        html.append(format_html(
            '<tr><th scope="row"><a href="{}">{}</a> <small>({})</small>'
            '<small class="vintage">{}</small></th>{}'
            '<td class="source"><details><summary>{}</summary>{}</details></td></tr>',
            _url("indicator", indicator.code), indicator.label, indicator.unit,
            subject.vintage, cells, _summary(shown), _provenance(indicator, labelled)))
    return mark_safe("\n".join(html))


@register.simple_tag
def series_table(series):
    """A series as a table, one row per line and a column per year, then its sources and notes
    (built here in one piece: a profile has dozens of them, and template loops per cell
    dominated its rendering)."""
    indicator = series.indicator
    head = format_html_join("", '<th scope="col">{}</th>', ((year,) for year in series.years))
    rows = []
    for line in series.lines:
        by_year = {v.year: v for v in line.points}
        label = format_html("{}{}{}", line.label,
                            format_html(" <small>(géographie {})</small>", line.geography)
                            if line.geography else "",
                            format_html("<br><small>{}</small>", line.note) if line.note else "")
        cells = mark_safe("".join(
            f'<td class="num">{value_cell(cell, indicator)}</td>' for cell in (
                {"value": by_year.get(year), "other_vintage": False} for year in series.years)))
        rows.append(format_html('<tr><th scope="row">{}</th>{}</tr>', label, cells))
    labelled = [(f"{line.label}, {v.year}", v) for line in series.lines for v in line.points]
    return format_html(
        '<div class="table-wrap" tabindex="0" role="region" aria-label="Tableau : {}">'
        '<table class="series-table"><thead><tr><th scope="col">Série</th>{}</tr></thead>'
        '<tbody>{}</tbody></table></div><div class="provenance">{}</div>',
        indicator.label, head, mark_safe("".join(rows)), _provenance(indicator, labelled))
