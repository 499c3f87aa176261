"""CRS constants as users type them, and DuckDB with its spatial extension, loaded offline
from the pinned wheel (imported on first use: the CLI parses its arguments without it)."""

from __future__ import annotations

from pathlib import Path

WGS84 = "EPSG:4326"  # the web and the bundled files
LAMBERT93 = "EPSG:2154"  # metric work in metropolitan France
CRS_CODES = {"4326": WGS84, "2154": LAMBERT93}  # as users type them (CLI, forms, API)
DEFAULT_RADIUS_M = 500.0  # how far the locator looks for the nearest QPV, unless told
MAX_RADIUS_M = 2000.0  # the web locator's grid is built for this reach; smaller radii filter


def transform_sql(expression: str, source: str = WGS84, target: str = LAMBERT93) -> str:
    """DuckDB spatial's reprojection of a SQL geometry, longitude first (``always_xy``: without
    it EPSG:4326 is read latitude first and every area is wrong)."""
    return f"ST_Transform({expression}, '{source}', '{target}', always_xy := true)"


def connect(path: str | Path = ":memory:", read_only: bool = False,
            extensions: tuple[str, ...] = ("spatial",)):
    """Open a DuckDB database with ``extensions`` loaded from their pinned wheels
    (``duckdb_extension_<name>``), without any network access."""
    import duckdb

    con = duckdb.connect(str(path), read_only=read_only,
                         config={"autoinstall_known_extensions": False,
                                 "autoload_known_extensions": False})
    for name in extensions:
        load_extension(con, name)
    return con


def load_extension(con, name: str) -> None:
    """``LOAD name``, installed first from its wheel when this DuckDB has not seen it yet."""
    import importlib

    import duckdb

    try:
        con.execute(f"LOAD {name}")
    except duckdb.Error:
        wheel = importlib.import_module(f"duckdb_extension_{name}")
        extension = (Path(wheel.__path__[0]) / "extensions"
                     / f"v{duckdb.__version__}" / f"{name}.duckdb_extension")
        con.execute(f"INSTALL '{extension}'")
        con.execute(f"LOAD {name}")
