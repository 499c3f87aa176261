"""Released partner outputs in the public warehouse, read at ``quartiers build``.

Every ``imports_dir/tiers/<key>/`` (``release.write_release``) becomes rows of
``marts.partner_releases`` (one per release: the agreement as licence, the partner as producer)
and ``marts.partner_values`` (its cells, hidden ones with the status « secret » and no value), and
a row of ``marts.sources`` like any other source, so that its values carry the same provenance.
Both tables exist, empty, when nothing was released. A missing or unreadable file stops the
build with a French message naming it.
"""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow.parquet as pq

from ..sources.files import sha256
from ..warehouse.staging import BuildError
from .recipes.model import LEVEL_LABELS
from .release import FOLDER, MANIFEST, SCHEMA, VALUES

FAMILY = "tiers de confiance"
RELEASE_COLUMNS = ("key", "agreement", "title", "producer", "licence", "purpose", "recipe",
                   "recipe_title", "vintage", "released_at", "audit", "method", "limits")
VALUE_COLUMNS = ("release", "recipe", "measure", "measure_label", "unit", "level", "level_label",
                 "code", "vintage", "value", "status", "note")
NEEDED = ("convention", "producteur", "licence", "recette", "publiée le")


def _read(folder: Path) -> tuple[dict, list[dict]]:
    manifest_path, values_path = folder / MANIFEST, folder / VALUES
    for path in (manifest_path, values_path):
        if not path.is_file():
            raise BuildError(f"Publication du tiers de confiance incomplète : fichier {path} "
                             "absent.")
    try:
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise BuildError(f"{manifest_path} : manifeste illisible ({error}).") from error
    missing = [name for name in NEEDED if not manifest.get(name)]
    if missing:
        raise BuildError(f"{manifest_path} : champ(s) manquant(s) : {', '.join(missing)}.")
    try:
        table = pq.read_table(values_path)
    except Exception as error:  # pyarrow raises several kinds for a damaged file
        raise BuildError(f"{values_path} : fichier de valeurs illisible ({error}).") from error
    absent = [name for name in SCHEMA.names if name not in table.column_names]
    if absent:
        raise BuildError(f"{values_path} : colonne(s) manquante(s) : {', '.join(absent)}.")
    return manifest, table.select(SCHEMA.names).to_pylist()


def load_releases(con, imports_dir: Path | None) -> int:
    """Create ``marts.partner_releases`` and ``marts.partner_values`` from the releases found;
    their number."""
    con.execute(f"CREATE OR REPLACE TABLE marts.partner_releases "
                f"({', '.join(f'{c} VARCHAR' for c in RELEASE_COLUMNS)})")
    con.execute("CREATE OR REPLACE TABLE marts.partner_values (release VARCHAR, recipe VARCHAR, "
                "measure VARCHAR, measure_label VARCHAR, unit VARCHAR, level VARCHAR, "
                "level_label VARCHAR, code VARCHAR, vintage VARCHAR, value DOUBLE, "
                "status VARCHAR, note VARCHAR)")
    root = Path(imports_dir) / FOLDER if imports_dir else None
    folders = sorted(p for p in root.iterdir() if p.is_dir() and not p.name.startswith(".")) \
        if root and root.is_dir() else []
    for folder in folders:
        manifest, rows = _read(folder)
        key = folder.name
        con.execute(f"INSERT INTO marts.partner_releases VALUES "
                    f"({', '.join('?' * len(RELEASE_COLUMNS))})", [
                        key, manifest["convention"], manifest.get("intitulé", ""),
                        manifest["producteur"], manifest["licence"], manifest.get("finalité", ""),
                        manifest["recette"], manifest.get("titre", ""),
                        manifest.get("millésime") or "", manifest["publiée le"],
                        manifest.get("audit", ""), "\n".join(manifest.get("méthode", [])),
                        "\n".join(manifest.get("limites", []))])
        measures = {m["code"]: m for m in manifest.get("mesures", [])}
        con.executemany(f"INSERT INTO marts.partner_values VALUES "
                        f"({', '.join('?' * len(VALUE_COLUMNS))})", [
                            (key, manifest["recette"], row["measure"],
                             measures.get(row["measure"], {}).get("label", row["measure"]),
                             measures.get(row["measure"], {}).get("unit", ""), row["level"],
                             LEVEL_LABELS.get(row["level"], row["level"]), row["code"],
                             row["vintage"], row["value"], row["status"], row["reason"])
                            for row in rows])
        _declare_source(con, folder, manifest)
    return len(folders)


def _declare_source(con, folder: Path, manifest: dict) -> None:
    """The release as a source of ``marts.sources`` (the build writes that table first)."""
    if not con.execute("SELECT count(*) FROM duckdb_tables() WHERE schema_name = 'marts' "
                       "AND table_name = 'sources'").fetchone()[0]:
        return
    digest = sha256(folder / VALUES)
    con.execute("INSERT INTO marts.sources VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", [
        f"tiers:{folder.name}", FAMILY, f"{FOLDER}/{folder.name}/{VALUES}",
        manifest["producteur"], manifest.get("titre") or manifest["recette"],
        manifest.get("millésime") or "", manifest["licence"],
        f"Tiers de confiance du centre de ressources, publication du {manifest['publiée le'][:10]}",
        f"Source : {manifest['producteur']}, {manifest['licence']}",
        "\n".join(manifest.get("limites", [])), manifest.get("audit", ""), digest, digest])
