"""Downloads of a territory, answered alike to the pages and to the API: its profile's figures
(CSV, XLSX, JSON) and the wide table of a finer level inside it (CSV, XLSX, Parquet).

An unknown format or level raises ``NotFound`` with a French message: the pages answer it
with their 404 page, the API in JSON.
"""

from __future__ import annotations

from django.http import HttpResponse, JsonResponse

from quartiers.engine import exports
from quartiers.engine.profiles import build_profile
from quartiers.engine.reports import format_number
from quartiers.engine.warehouse.store import NotFound

from .warehouse import get_store

WIDE_XLSX_MAX_ROWS = 5000  # beyond, a spreadsheet takes a minute to write: CSV or Parquet

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PROFILE_FORMATS = ("csv", "xlsx", "json")
TABLE_FORMATS = {"csv": "text/csv; charset=utf-8", "xlsx": XLSX,
                 "parquet": "application/vnd.apache.parquet"}


def _format(fmt: str, formats) -> str:
    if fmt not in formats:
        raise NotFound(f"format « {fmt} » inconnu ; formats possibles : {', '.join(formats)}")
    return fmt


def _attachment(response: HttpResponse, filename: str) -> HttpResponse:
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def profile_download(level: str, code: str, fmt: str) -> HttpResponse:
    """The profile's figures in long form, each row with its lineage."""
    _format(fmt, PROFILE_FORMATS)
    store = get_store()
    rows = exports.profile_rows(build_profile(store, level, code))
    if fmt == "csv":
        response = HttpResponse(exports.to_csv(rows), content_type=TABLE_FORMATS["csv"])
    elif fmt == "xlsx":
        response = HttpResponse(exports.to_xlsx(rows, store.sources()), content_type=XLSX)
    else:
        response = JsonResponse({"territoire": {"niveau": level, "code": code},
                                 "chiffres": rows}, json_dumps_params={"ensure_ascii": False})
    return _attachment(response, f"quartiers_{level}_{code}.{fmt}")


def table_download(level: str, code: str, inner: str, fmt: str) -> HttpResponse:
    """Every territory of level ``inner`` inside the territory: one row each, one column per
    indicator at its latest vintage, and next to it the value's status (blank when plainly
    published; « absent » when the territory has no value at that vintage)."""
    _format(fmt, TABLE_FORMATS)
    store = get_store()
    rows = store.inner_counts(level, code).get(inner, 0)
    if fmt == "xlsx" and rows > WIDE_XLSX_MAX_ROWS:
        raise NotFound(f"tableau de {format_number(rows, 0)} territoires : le XLSX est limité "
                       f"à {format_number(WIDE_XLSX_MAX_ROWS, 0)} lignes ; prenez le CSV ou le "
                       "Parquet")
    table = exports.wide_table(store, level, code, inner)
    body = {"csv": lambda: exports.wide_csv(table),
            "xlsx": lambda: exports.wide_xlsx(table, store.sources()),
            "parquet": lambda: exports.wide_parquet(table)}[fmt]()
    return _attachment(HttpResponse(body, content_type=TABLE_FORMATS[fmt]),
                       f"quartiers_{level}_{code}_{inner}.{fmt}")
