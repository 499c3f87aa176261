"""A released output, written where the next ``quartiers build`` takes it into the warehouse.

``imports_dir/tiers/<key>/`` holds ``manifest.json`` (the agreement as licence, the partner as
producer, the recipe, the audit's summary) and ``valeurs.parquet`` (one row per cell: a hidden
cell keeps its status « secret » and its reason, never its value). The folder is written aside
then renamed, so a build never reads half a release.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import tempfile
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from .recipes.model import SECRET, RecipeResult

FOLDER = "tiers"
MANIFEST, VALUES = "manifest.json", "valeurs.parquet"
KEY = re.compile(r"^[a-z0-9][a-z0-9-]{0,80}$")
SCHEMA = pa.schema([("level", pa.string()), ("code", pa.string()), ("vintage", pa.string()),
                    ("measure", pa.string()), ("value", pa.float64()), ("status", pa.string()),
                    ("reason", pa.string())])


class ReleaseRefused(ValueError):
    pass


PUBLIC_REASON = "secret statistique"


def release_dir(imports_dir: Path, release_key: str) -> Path:
    if not KEY.match(release_key):
        raise ReleaseRefused(f"Clé de publication invalide : « {release_key} » (lettres minuscules, "
                             "chiffres et tirets).")
    return Path(imports_dir) / FOLDER / release_key


def write_release(imports_dir: Path, release_key: str, manifest: dict, result: RecipeResult) -> Path:
    """Write the release (replacing one of the same key); refused when the audit failed."""
    target = release_dir(imports_dir, release_key)
    if not result.ok:
        raise ReleaseRefused(f"La sortie « {release_key} » ne peut pas être publiée : l'audit du "
                             "secret statistique a échoué.")
    # the reason a cell is hidden (« primaire : effectif inférieur à 11 », « secondaire… »)
    # bounds it for the reader: the public sees only « secret statistique »
    rows = [{**row, "value": None, "reason": PUBLIC_REASON} if row["status"] == SECRET
            else {**row, "reason": ""} for row in result.rows]
    manifest = {**manifest, "clé": release_key, "recette": result.recipe,
                "titre": result.title, "millésime": manifest.get("millésime") or result.vintage,
                "audit": result.audit.get("resume", ""), "cases primaires": result.primary,
                "cases secondaires": result.secondary, "mesures": result.measures,
                "méthode": result.method, "limites": result.limits}
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{release_key}.", dir=target.parent))
    try:
        pq.write_table(pa.Table.from_pylist(rows, schema=SCHEMA), staging / VALUES)
        (staging / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=1),
                                        encoding="utf-8")
        os.chmod(staging, 0o755)
        if target.exists():
            old = target.with_name(f".{release_key}.old")
            shutil.rmtree(old, ignore_errors=True)
            os.replace(target, old)
            os.replace(staging, target)
            shutil.rmtree(old, ignore_errors=True)
        else:
            os.replace(staging, target)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return target


def withdraw_release(imports_dir: Path, release_key: str) -> bool:
    """Remove a release; False when there was none."""
    target = release_dir(imports_dir, release_key)
    if not target.exists():
        return False
    gone = target.with_name(f".{release_key}.withdrawn")
    shutil.rmtree(gone, ignore_errors=True)
    os.replace(target, gone)
    shutil.rmtree(gone)
    return True
