"""Where the bundled data and the warehouse live; overridable for tests and deployments."""

from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(os.environ.get("QUARTIERS_HOME", Path(__file__).resolve().parents[2]))
DATA_DIR = Path(os.environ.get("QUARTIERS_DATA", ROOT / "data"))
WAREHOUSE = Path(os.environ.get("QUARTIERS_WAREHOUSE", ROOT / "var" / "warehouse.duckdb"))
