"""``quartiers build``: bundled files → raw → staging → marts, atomically.

The warehouse is written to a temporary file beside the served one and moved into place only
when every step and check has passed: a failed build leaves the previous warehouse served, and
readers that opened the old file keep reading it until they reopen.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from ..analyses.model import BuildContext
from ..analyses.pipeline import build_analyses
from ..geo import connect
from ..partners.published import load_releases
from ..sources.declared import SOURCES
from ..sources.files import sha256
from . import marts
from .staging import BuildError, load_raw, stage
from .staging_statistics import stage_statistics

# Counts the build must find in the bundled data (QPV as published by ANCT), and integrity.
EXPECTED = {
    "QPV 2024 en France": ("SELECT count(*) FROM marts.territories WHERE level = 'qpv'", 1609),
    "QPV 2024 en Bretagne": ("SELECT count(*) FROM marts.territories WHERE level = 'qpv' "
                             "AND region = '53'", 31),
    "QPV 2024 en Pays de la Loire": ("SELECT count(*) FROM marts.territories WHERE level = 'qpv' "
                                     "AND region = '52'", 48),
    "QPV sans commune": (
        "SELECT count(*) FROM marts.territories t WHERE level = 'qpv' AND NOT EXISTS (SELECT 1 "
        "FROM marts.territory_links l WHERE l.level = 'qpv' AND l.code = t.code "
        "AND l.parent_level = 'commune')", 0),
    "liens vers un territoire inconnu": (
        "SELECT count(*) FROM marts.territory_links l ANTI JOIN marts.territories t "
        "ON t.level = l.parent_level AND t.code = l.parent_code", 0),
}


BUILD_MEMORY = "1GB"


@dataclass
class BuildReport:
    path: Path
    seconds: float = 0.0
    counts: dict[str, int] = field(default_factory=dict)


Progress = Callable[[str, int, int], None]  # step label, step number, number of steps


def build(data_dir: Path, warehouse: Path, progress: Progress | None = None,
          imports_dir: Path | None = None) -> BuildReport:
    """``imports_dir`` holds the files users loaded with an import command (their own polling
    stations, LCZ layers…): the analyses read them beside the bundled data."""
    data_dir, warehouse = Path(data_dir), Path(warehouse)
    context = BuildContext(data_dir, Path(imports_dir) if imports_dir else None)
    started = time.perf_counter()
    warehouse.parent.mkdir(parents=True, exist_ok=True)
    tmp = warehouse.with_name(f".{warehouse.name}.{os.getpid()}.building")
    tmp.unlink(missing_ok=True)
    steps = [(f"lecture de {s.path}", s) for s in SOURCES] + [
        ("préparation (staging)", stage),
        ("statistiques (staging)", stage_statistics),
        ("territoires", marts.build_territories),
        ("hiérarchie", marts.build_links),
        ("comparaisons", marts.build_references),
        ("QPV 2015 ↔ 2024", marts.build_predecessors),
        ("indicateurs", marts.build_values),
        ("contrats de ville", marts.build_contrats),
        ("recherche", marts.build_search),
        ("analyses", lambda con: build_analyses(con, context)),
        ("tri des tables servies", marts.cluster),
    ]
    total = len(steps) + 2
    report = BuildReport(warehouse)
    con = connect(tmp)
    # DuckDB takes 80 % of the memory by default: a build must leave room to the web workers
    # serving meanwhile, and spills to disk beyond this
    con.execute(f"SET memory_limit = '{BUILD_MEMORY}'")
    try:
        for schema in ("raw", "staging", "marts"):
            con.execute(f'CREATE SCHEMA IF NOT EXISTS "{schema}"')
        for number, (label, step) in enumerate(steps, 1):
            if progress:
                progress(label, number, total)
            if callable(step):
                step(con)
            else:
                report.counts[step.key] = load_raw(con, step, data_dir)
        if progress:
            progress("contrôles", total - 1, total)
        _check_expected(con)
        checksums = {s.key: sha256(data_dir / s.path) for s in SOURCES}
        manifest_path = data_dir / "manifest.json"
        manifest = json.loads(manifest_path.read_text()) if manifest_path.exists() else {}
        marts.build_sources(con, manifest, checksums)
        load_releases(con, context.imports_dir)  # partners' outputs released by the staff
        report.seconds = time.perf_counter() - started
        _write_info(con, report, data_dir)
        if progress:
            progress("publication", total, total)
        con.execute("CHECKPOINT")
        con.close()
        os.replace(tmp, warehouse)
    except BaseException:
        con.close()
        tmp.unlink(missing_ok=True)
        raise
    return report


def _check_expected(con) -> None:
    for label, (query, expected) in EXPECTED.items():
        found = con.execute(query).fetchone()[0]
        if found != expected:
            raise BuildError(f"contrôle « {label} » : {found} trouvés, {expected} attendus")


def _write_info(con, report: BuildReport, data_dir: Path) -> None:
    counts = dict(con.execute("SELECT level, count(*) FROM marts.territories GROUP BY level")
                  .fetchall())
    counts["valeurs"] = con.execute("SELECT count(*) FROM marts.indicator_values").fetchone()[0]
    info = {"built_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "seconds": round(report.seconds, 2), "data_dir": str(data_dir.resolve()),
            "rows_read": report.counts, "territories": counts}
    con.execute("CREATE OR REPLACE TABLE marts.build_info AS SELECT ? AS info", [json.dumps(info)])
