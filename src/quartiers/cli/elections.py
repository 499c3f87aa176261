"""Elections: a commune's results per polling station and station contours, loaded by a user
for the turnout analysis (``participation``); the next ``quartiers build`` includes them."""

from __future__ import annotations

import argparse
import re
from datetime import date
from pathlib import Path

from .french import UserError, say


def _commune(text: str) -> str:
    if not re.fullmatch(r"[0-9][0-9AB][0-9]{3}", text):
        raise argparse.ArgumentTypeError(f"code INSEE de commune attendu, ex. 29019, et non "
                                         f"« {text} »")
    return text


def _scrutin(text: str) -> str:
    from ..engine.analyses.turnout_files import ELECTION_KINDS, SCRUTIN_PATTERN

    if not SCRUTIN_PATTERN.fullmatch(text):
        raise argparse.ArgumentTypeError(
            f"scrutin attendu sous la forme type + année, ex. leg2024, pres2022 (types : "
            f"{', '.join(ELECTION_KINDS)}), et non « {text} »")
    return text


def _year(text: str) -> int:
    if not (text.isdigit() and 1990 <= int(text) <= 2100):
        raise argparse.ArgumentTypeError(f"année sur quatre chiffres attendue, et non « {text} »")
    return int(text)


def _file(path: Path) -> Path:
    if not path.is_file():
        raise UserError(f"{path} : " + ("fichier introuvable" if not path.exists()
                                        else "ce n'est pas un fichier"))
    return path


def _bundled_contours(args, year: int) -> Path | None:
    from ..engine.analyses.turnout import CONTOURS
    from ..engine.analyses.turnout_files import stored_contours

    return next((path for c in CONTOURS if c.year == year
                 and (path := args.config.data_dir / c.source.path).exists()
                 and stored_contours(path, args.commune)), None)


def _bundled_results(args) -> bool:
    """Whether the bundled data already give this commune's results for this round."""
    import duckdb

    from ..engine.analyses.turnout import RESULTS

    for bundled in RESULTS:
        if (bundled.scrutin, bundled.round) == (args.scrutin, args.tour) and \
                _bundled_contours(args, bundled.contours_year):
            path = args.config.data_dir / bundled.source.path
            found = duckdb.execute(
                f"SELECT count(*) FROM read_csv('{path}', all_varchar = true, delim = "
                f"'{bundled.source.separator}') WHERE {bundled.commune} = ?",
                [args.commune]).fetchone()[0]
            if found:
                return True
    return False


def cmd_import(args) -> int:
    """Check both files against each other, then store them; nothing is written on error."""
    from ..engine.analyses import turnout_files as files
    from ..engine.warehouse.staging import BuildError

    label = files.facet_label(args.scrutin, args.tour)
    if _bundled_results(args):
        raise UserError(f"{label}, commune {args.commune} : déjà fourni par les données "
                        "embarquées ; rien n'a été importé")
    year = args.annee_contours or files.election_year(args.scrutin)
    bundled = _bundled_contours(args, year)
    imported = args.config.imports_dir / "elections" / args.commune / f"contours-{year}.parquet"
    results_path = _file(Path(args.resultats))
    contours, warnings = None, []
    try:
        results = files.read_results(results_path, args.commune)
        if args.contours:
            if bundled:
                raise UserError(f"contours {year} de la commune {args.commune} déjà fournis par "
                                "les données embarquées : relancez sans --contours")
            contours_path = _file(Path(args.contours))
            contours, warnings = files.read_contours(contours_path, args.commune,
                                                     args.champ_numero, args.champ_nom)
        elif bundled or imported.exists():
            contours_path = bundled or imported
        else:
            raise UserError(f"aucun contour {year} pour la commune {args.commune} : donnez "
                            "--contours FICHIER.geojson")
        drawn = contours or files.stored_contours(contours_path, args.commune)
        files.check_same_stations(results, drawn, results_path, contours_path)
    except BuildError as error:
        raise UserError(f"{error} ; rien n'a été importé") from error
    for warning in warnings:
        say(f"attention : {warning}", "yellow")
    files.store_import(args.config.imports_dir, args.commune, args.scrutin, args.tour, year, results,
                 contours, results_path.name, date.today().isoformat())
    registered = sum(r.registered for r in results)
    voters = sum(r.voters for r in results)
    say(f"Importé : {label}, commune {args.commune}, {len(results)} bureaux, {registered} "
        f"inscrits, {voters} votants, contours {year}.")
    if year != files.election_year(args.scrutin):
        say(f"Résultats {files.election_year(args.scrutin)} sur des contours {year} : ce sera signalé "
            "sur chaque valeur.", "yellow")
    say("Lancez « quartiers build » pour les inclure dans l'entrepôt.")
    return 0


def cmd_list(args) -> int:
    """One line per imported round, from the stored files themselves."""
    import pyarrow.parquet as pq

    folder = args.config.imports_dir / "elections"
    found = sorted(folder.glob("*/*.parquet")) if folder.exists() else []
    if not found:
        say(f"Aucun import dans {folder}.")
    for path in found:
        rows = pq.read_table(path).to_pylist()
        if path.stem.startswith("contours-"):
            say(f"{path.parent.name} : contours {path.stem.removeprefix('contours-')}, "
                f"{len(rows)} bureaux ({path})")
        else:
            first = rows[0]
            say(f"{path.parent.name} : {path.stem}, {len(rows)} bureaux, contours "
                f"{first['annee_contours']}, importé le {first['importe_le']} depuis "
                f"{first['origine']} ({path})")
    return 0


def cmd_delete(args) -> int:
    if not args.annee_contours and not (args.scrutin and args.tour):
        raise UserError("donnez --scrutin et --tour (un tour importé), ou --annee-contours (des "
                        "contours importés)")
    folder = args.config.imports_dir / "elections" / args.commune
    name = (f"contours-{args.annee_contours}" if args.annee_contours
            else f"{args.scrutin}-t{args.tour}") + ".parquet"
    if not (folder / name).exists():
        raise UserError(f"{folder / name} : aucun import de ce nom (voir « quartiers elections "
                        "liste »)")
    (folder / name).unlink()
    say(f"Supprimé : {folder / name}. Lancez « quartiers build » pour mettre l'entrepôt à jour.")
    return 0


def add_commands(commands, config) -> None:
    elections = commands.add_parser("elections", help="résultats par bureau de vote et contours "
                                    "des bureaux, pour l'analyse de la participation")
    actions = elections.add_subparsers(dest="elections_command", metavar="commande",
                                       required=True)
    imported = actions.add_parser(
        "importer", help="importer les résultats par bureau de vote d'une commune (fichier du "
        "ministère de l'Intérieur) et les contours de ses bureaux (GeoJSON)")
    imported.add_argument("--commune", type=_commune, required=True, metavar="CODE",
                          help="code INSEE de la commune, ex. 29019")
    imported.add_argument("--scrutin", type=_scrutin, required=True, metavar="NOM",
                          help="type et année du scrutin : leg2024, pres2022, mun2020…")
    imported.add_argument("--tour", type=int, choices=(1, 2), required=True, help="1 ou 2")
    imported.add_argument("--resultats", required=True, metavar="FICHIER.csv",
                          help="résultats par bureau de vote (colonnes Code commune, Code BV, "
                               "Inscrits, Votants, ou leurs anciens noms)")
    imported.add_argument("--contours", metavar="FICHIER.geojson",
                          help="contours des bureaux (WGS84, ou projection déclarée) ; inutile "
                               "s'ils sont déjà là pour cette année")
    imported.add_argument("--annee-contours", type=_year, metavar="AAAA",
                          help="année du découpage des bureaux (défaut : celle du scrutin)")
    imported.add_argument("--champ-numero", metavar="PROPRIÉTÉ",
                          help="propriété des contours donnant le numéro du bureau (défaut : "
                               "BVOTE, NUM_BUREAU, numero…)")
    imported.add_argument("--champ-nom", metavar="PROPRIÉTÉ",
                          help="propriété des contours donnant le nom du bureau")
    imported.set_defaults(func=cmd_import)

    listed = actions.add_parser("liste", help="les résultats et contours importés")
    listed.set_defaults(func=cmd_list)
    deleted = actions.add_parser("supprimer", help="supprimer un tour importé (--scrutin et "
                                 "--tour) ou des contours importés (--annee-contours)")
    deleted.add_argument("--commune", type=_commune, required=True, metavar="CODE")
    deleted.add_argument("--scrutin", type=_scrutin, metavar="NOM")
    deleted.add_argument("--tour", type=int, choices=(1, 2))
    deleted.add_argument("--annee-contours", type=_year, metavar="AAAA")
    deleted.set_defaults(func=cmd_delete)
