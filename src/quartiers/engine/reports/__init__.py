"""Documents made from the warehouse: the PDF fiche of a territory, its charts and its map."""

from .charts import bar_chart, format_number, histogram
from .maps import territory_map_svg
from .pdf import compile_typst, render_batch, render_fiche

__all__ = ["bar_chart", "compile_typst", "format_number", "histogram", "render_batch",
           "render_fiche", "territory_map_svg"]
