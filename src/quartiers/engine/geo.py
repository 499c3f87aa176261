"""DuckDB with its spatial extension, loaded offline from the pinned wheel, and CRS constants."""

from __future__ import annotations

from pathlib import Path

import duckdb
import duckdb_extension_spatial

WGS84 = "EPSG:4326"  # the web and the bundled files
LAMBERT93 = "EPSG:2154"  # metric work in metropolitan France

_EXTENSION = (Path(duckdb_extension_spatial.__path__[0]) / "extensions" / f"v{duckdb.__version__}"
              / "spatial.duckdb_extension")


def connect(path: str | Path = ":memory:", read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """Open a DuckDB database with spatial loaded, without any network access."""
    con = duckdb.connect(str(path), read_only=read_only,
                         config={"autoinstall_known_extensions": False,
                                 "autoload_known_extensions": False})
    try:
        con.execute("LOAD spatial")
    except duckdb.Error:
        con.execute(f"INSTALL '{_EXTENSION}'")
        con.execute("LOAD spatial")
    return con
