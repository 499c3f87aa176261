"""The heat analysis's commands: import a Local Climate Zone layer (Cerema or GeoClimate) that
the next ``quartiers build`` uses for the exposure of the QPV it covers, list and remove them."""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from pathlib import Path

from .french import UserError, say


def _folder(args) -> Path:
    return args.config.imports_dir / "lcz"


def _slug(text: str) -> str:
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", plain.lower()).strip("-") or "couche"


def cmd_import(args) -> int:
    from ..engine.analyses.heat_lcz import HOT_CLASSES, LczFileError, read_lcz, write_layer

    source = Path(args.fichier)
    if not source.is_file():
        raise UserError(f"{source} : " + ("c'est un dossier" if source.is_dir()
                                          else "fichier introuvable"))
    name = args.nom or source.stem
    target = _folder(args) / f"{_slug(name)}.parquet"
    if target.exists() and not args.remplacer:
        raise UserError(f"une couche « {name} » est déjà importée ({target}) : ajoutez "
                        "--remplacer pour la remplacer")
    try:
        rows, notes = read_lcz(source, args.format)
    except LczFileError as error:
        raise UserError(f"{error} — rien n'a été importé") from error
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(f".{target.name}.partiel")
    write_layer(rows, name, args.millesime, f"import de {source.name}", partial)
    partial.replace(target)  # a build running meanwhile sees the old file or the new one
    classes = Counter(row["lcz"] for row in rows)
    hot = sum(classes[c] for c in HOT_CLASSES)
    say(f"Couche « {name} » importée : {len(rows)} zones ({hot} de types « chauds »), "
        f"classes : {', '.join(f'{c} ({n})' for c, n in sorted(classes.items()))}", "green")
    for note in notes:
        say(f"  {note}", "yellow")
    say(f"Enregistrée dans {target} ; le prochain « quartiers build » l'utilisera.")
    return 0


def cmd_list(args) -> int:
    import pyarrow.parquet as pq

    files = sorted(_folder(args).glob("*.parquet"))
    if not files:
        say(f"aucune couche LCZ importée (dossier {_folder(args)})")
    for path in files:
        table = pq.read_table(path, columns=["layer", "vintage", "origin"])
        say(f"{path.stem:24} « {table['layer'][0]} », {table['vintage'][0]}, "
            f"{table.num_rows} zones ({table['origin'][0]})")
    return 0


def cmd_remove(args) -> int:
    target = _folder(args) / f"{_slug(args.nom)}.parquet"
    if not target.exists():
        raise UserError(f"aucune couche « {args.nom} » importée (voir « quartiers chaleur "
                        "couches »)")
    target.unlink()
    say(f"Couche « {args.nom} » retirée ; le prochain « quartiers build » s'en passera.")
    return 0


def add_commands(commands, config) -> None:
    heat = commands.add_parser("chaleur", help="vulnérabilité aux fortes chaleurs : couches de "
                               "zones climatiques locales (LCZ)")
    heat_commands = heat.add_subparsers(dest="heat_command", metavar="commande", required=True)
    imported = heat_commands.add_parser(
        "importer-lcz", help="importer une couche LCZ (Cerema ou GeoClimate ; GeoJSON, "
        "GeoPackage ou Shapefile) pour l'exposition des QPV qu'elle couvre")
    imported.add_argument("fichier", metavar="FICHIER", help="couche LCZ à importer")
    imported.add_argument("--format", choices=("cerema", "geoclimate"),
                          help="producteur du fichier (champ « lcz » du Cerema, « LCZ_PRIMARY » "
                               "de GeoClimate) ; par défaut, selon le champ présent")
    imported.add_argument("--nom", help="nom de la couche (défaut : nom du fichier)")
    imported.add_argument("--millesime", default="millésime non précisé",
                          help="année des données, affichée avec les résultats")
    imported.add_argument("--remplacer", action="store_true",
                          help="remplacer une couche déjà importée sous ce nom")
    imported.set_defaults(func=cmd_import)
    listed = heat_commands.add_parser("couches", help="lister les couches LCZ importées")
    listed.set_defaults(func=cmd_list)
    removed = heat_commands.add_parser("retirer-lcz", help="retirer une couche LCZ importée")
    removed.add_argument("nom", metavar="NOM", help="nom de la couche")
    removed.set_defaults(func=cmd_remove)
