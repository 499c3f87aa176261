"""The observatory's commands: build the warehouse, profiles as PDF, search, locate a file,
bundle the data. Plain engine work: Django is never started."""

from __future__ import annotations

import tempfile
from pathlib import Path

from rich.progress import BarColumn, Progress, ProgressColumn, TextColumn, TimeElapsedColumn
from rich.text import Text

from ..engine.geo import CRS_CODES, DEFAULT_RADIUS_M, MAX_RADIUS_M
from .french import UserError, console, positive_number, say, why


def output_file(path: Path, option: str, source: Path | None = None) -> Path:
    """An output file, checked before any work: not a folder, in an existing folder where one
    can write, and not the input itself (through another path or a link either)."""
    where = f"{path} ({option})"
    if path.is_dir():
        raise UserError(f"{where} est un dossier : donnez un nom de fichier")
    if not path.parent.is_dir():
        raise UserError(f"{where} : {path.parent} n'est pas un dossier existant")
    if source is not None and path.exists() and path.samefile(source):
        raise UserError(f"{where} est le fichier d'entrée : il serait écrasé ; donnez un autre "
                        "nom de fichier de sortie")
    try:
        tempfile.TemporaryFile(dir=path.parent).close()
    except OSError as error:
        raise UserError(f"{where} : impossible d'écrire dans le dossier {path.parent} "
                        f"({why(error)})") from error
    return path


class _Done(ProgressColumn):
    """« 12 000/300 000 »: steps done, and the total when known, in French figures."""

    def render(self, task) -> Text:
        from ..engine.reports import format_number

        done = format_number(task.completed, 0)
        return Text(done if task.total is None else f"{done}/{format_number(task.total, 0)}")


def _progress() -> Progress:
    return Progress(TextColumn("{task.description}"), BarColumn(), _Done(),
                    TimeElapsedColumn(), console=console, transient=False)


def cmd_build(args) -> int:
    from ..engine.warehouse.build import build
    from ..engine.warehouse.staging import BuildError

    with _progress() as progress:
        task = progress.add_task("construction", total=1)

        def report(label: str, step: int, total: int) -> None:
            progress.update(task, description=label, completed=step - 1, total=total)

        try:
            result = build(args.data, args.warehouse, report, imports_dir=args.config.imports_dir)
        except BuildError as error:
            progress.stop()
            console.print(f"[bold red]Échec de la construction[/] : {error}")
            if Path(args.warehouse).exists():
                console.print(f"L'entrepôt précédent ({args.warehouse}) reste en service, inchangé.")
            else:
                console.print("Aucun entrepôt n'a été écrit.")
            return 2
        progress.update(task, description="terminé", completed=progress.tasks[0].total)
    console.print(f"Entrepôt prêt : {result.path} ({result.seconds:.1f} s)")
    return 0


def open_store(args):
    from ..engine.warehouse.store import Warehouse

    return Warehouse(args.warehouse)


def resolve_territory(store, code: str, level: str | None) -> tuple[str, str]:
    """A code alone is enough when it names one territory (QN…, INSEE, SIREN, FR)."""
    if level:
        return level, code
    matches = [r for r in store.search(code, 50) if r["code"].lower() == code.lower()]
    levels = sorted({r["level"] for r in matches})
    if len(levels) == 1:
        return levels[0], matches[0]["code"]
    if not levels:
        raise SystemExit(f"code inconnu : {code} (essayez « quartiers cherche {code} »)")
    raise SystemExit(f"code ambigu {code} : précisez --niveau parmi {', '.join(levels)}")


def cmd_fiche(args) -> int:
    from ..engine.reports import render_fiche

    store = open_store(args)
    level, code = resolve_territory(store, args.code, args.niveau)
    out = output_file(Path(args.pdf or f"fiche_{level}_{code}.pdf"), "--pdf")
    pdf = render_fiche(store, level, code)
    out.write_bytes(pdf)
    console.print(f"Fiche écrite : {out} ({len(pdf) // 1024} Ko)")
    return 0


def cmd_fiches(args) -> int:
    from ..engine.reports import render_batch

    store = open_store(args)
    parent_level, _, parent_code = args.dans.partition(":")
    store.territory(parent_level, parent_code)
    _, rows = store.territories(args.niveau, 100000, 0, (parent_level, parent_code))
    if not rows:
        raise UserError(f"aucun territoire de niveau « {args.niveau} » dans {args.dans} "
                        "(--niveau : qpv, commune, epci, departement…)")
    folder = Path(args.dossier)
    with _progress() as progress:
        task = progress.add_task(f"fiches {args.niveau} de {args.dans}", total=len(rows))
        written = render_batch(store, args.niveau, [r["code"] for r in rows], folder,
                               progress=lambda done, total, code: progress.update(
                                   task, completed=done, description=f"fiche {code}"))
    console.print(f"{len(written)} fiches écrites dans {folder}")
    return 0


def cmd_search(args) -> int:
    """Every territory the text may mean (all those having it as code or postcode), with why
    it matched; close names when nothing matches, then a French error (exit status 1)."""
    from ..engine.warehouse.store import NotFound

    store = open_store(args)
    rows = store.search(args.texte, 20, every_exact=True)
    if not rows:
        raise NotFound(f"aucun territoire ne correspond à « {args.texte} » (essayez un nom de "
                       "commune, un code INSEE, un code QPV ou un code postal)",
                       store.suggest(None, args.texte))
    for row in rows:
        print(f"{row['level']:14} {row['code']:10} {row['name']} ({row['reason']})")
    if all(row["match"] == "partial" for row in rows):  # « renes » is only in Renescure
        shown = {(row["level"], row["code"]) for row in rows}
        for suggestion in store.suggest(None, args.texte):
            if (suggestion["niveau"], suggestion["code"]) not in shown:
                console.print("  peut-être : " + " ".join(str(v) for v in suggestion.values()))
    return 0


def cmd_locate(args) -> int:
    from ..engine.locator import Locator, current
    from ..engine.locator.geocoding import Geocoder
    from ..engine.locator.tables import EXTRA_COLUMN, Options, TableError, column_names, locate_file
    from ..engine.reports import format_number

    source = Path(args.fichier)
    if not source.is_file():
        raise UserError(f"{source} : " + ("fichier introuvable" if not source.exists()
                                          else "ce n'est pas un fichier"))
    target = output_file(Path(args.sortie or source.with_name(f"{source.stem}_qpv{source.suffix}")),
                     "-o" if args.sortie else "fichier de sortie par défaut ; -o pour un autre",
                     source)
    store = open_store(args)
    locator = Locator(current(store, args.config.data_dir), radius_m=args.rayon)
    crs = CRS_CODES.get(args.crs)
    geocoder = Geocoder.from_setting(args.geocodeur)
    options = Options(lon="--lon", lat="--lat", address="--adresse",
                      geocoding="--geocodeur URL, ou la variable QUARTIERS_GEOCODEUR")
    with _progress() as progress:
        task = progress.add_task(f"localisation de {source.name}", total=None)
        try:
            summary = locate_file(source, target, locator, lon=args.lon, lat=args.lat, crs=crs,
                                  geocoder=geocoder, address=column_names(args.adresse),
                                  progress=lambda rows: progress.update(task, completed=rows),
                                  options=options)
        except TableError as error:
            progress.stop()
            say(str(error), "red")
            return 1
        finally:
            if geocoder:
                geocoder.close()

    def n(count: int) -> str:
        return format_number(count, 0)

    say(f"{n(summary.rows)} lignes → {target}")
    say(f"  dans un QPV : {n(summary.inside)} (dont {n(summary.check_inside)} à vérifier) ; "
         f"hors QPV : {n(summary.outside)} (dont {n(summary.check - summary.check_inside)} à "
         f"vérifier) ; erreurs : {n(summary.errors)}")
    if summary.extra_columns:
        say(f"  cellules au-delà de l'en-tête : colonnes {EXTRA_COLUMN.format(1)} à "
             f"{EXTRA_COLUMN.format(summary.extra_columns)} ajoutées après celles du fichier")
    say(f"  colonnes {summary.columns[0]} / {summary.columns[1]}, {summary.crs} ; "
         f"{summary.perimeters}")
    if summary.geocoder:
        say(f"  adresses envoyées au géocodeur {summary.geocoder} : {n(summary.geocoded)} (seules "
             "les colonnes d'adresse ont été envoyées)")
    return 0


def cmd_import_perimeters(args) -> int:
    from ..engine.locator.perimeters import download_official, import_official

    if bool(args.fichier) == args.telecharger:
        console.print("[red]indiquez un fichier GeoJSON, ou --telecharger (pas les deux)[/]")
        return 1
    try:
        if args.telecharger:
            perimeters, url = download_official(open_store(args), Path(args.data), url=args.url)
            console.print(f"Téléchargé : {url}")
        else:
            perimeters = import_official(Path(args.fichier), open_store(args), Path(args.data))
    except (OSError, ValueError) as error:
        console.print(f"[red]{error}[/]")
        return 1
    console.print(f"Périmètres importés : {perimeters.label}")
    return 0


def cmd_bundle(args) -> int:
    from ..engine.sources.bundle import bundle

    manifest = bundle(Path(args.source), Path(args.data), log=console.print)
    console.print(f"{len(manifest)} fichiers empaquetés dans {args.data}")
    return 0


def add_commands(commands, config) -> None:
    build = commands.add_parser("build", help="construire l'entrepôt depuis les données embarquées")
    build.add_argument("--data", type=Path, default=config.data_dir)
    build.set_defaults(func=cmd_build)

    fiche = commands.add_parser("fiche", help="fiche PDF d'un territoire")
    fiche.add_argument("code", help="code officiel : QN…, INSEE, SIREN d'EPCI, FR…")
    fiche.add_argument("--niveau", help="qpv, commune, epci, departement, region, france, qpv2015")
    fiche.add_argument("--pdf", help="fichier de sortie (défaut : fiche_<niveau>_<code>.pdf)")
    fiche.set_defaults(func=cmd_fiche)

    fiches = commands.add_parser("fiches", help="fiches PDF en lot, ex. tous les QPV d'une région")
    fiches.add_argument("--dans", required=True, help="territoire englobant, ex. region:53")
    fiches.add_argument("--niveau", default="qpv")
    fiches.add_argument("--dossier", required=True)
    fiches.set_defaults(func=cmd_fiches)

    search = commands.add_parser("cherche", help="chercher un territoire")
    search.add_argument("texte")
    search.set_defaults(func=cmd_search)

    locate = commands.add_parser("locate", help="localiser les lignes d'un fichier CSV ou XLSX "
                                 "dans les QPV")
    locate.add_argument("fichier", help="CSV (; , tabulation ; UTF-8 ou cp1252) ou XLSX")
    locate.add_argument("-o", "--sortie", help="fichier enrichi (défaut : <nom>_qpv.<ext>)")
    locate.add_argument("--lon", help="colonne des longitudes (ou x) ; reconnue sinon")
    locate.add_argument("--lat", help="colonne des latitudes (ou y) ; reconnue sinon")
    locate.add_argument("--crs", choices=tuple(CRS_CODES),
                        help="4326 = longitude/latitude WGS84, 2154 = Lambert-93 (deviné sinon)")
    locate.add_argument("--rayon", type=positive_number("rayon en mètres attendu", MAX_RADIUS_M),
                        default=DEFAULT_RADIUS_M,
                        help="rayon de recherche du QPV le plus proche, en mètres "
                             f"(défaut {DEFAULT_RADIUS_M:.0f}, au plus {MAX_RADIUS_M:.0f})")
    locate.add_argument("--adresse", metavar="COLONNES",
                        help="colonnes d'adresse à géocoder, dans l'ordre, séparées par des "
                             "virgules (ex. « Rue,CP,Ville ») ; reconnues sinon")
    locate.add_argument("--geocodeur", metavar="URL", default=config.geocoder,
                        help="service /search/csv/ qui géocode un fichier d'adresses sans "
                             "coordonnées (défaut : QUARTIERS_GEOCODEUR, sinon le service national "
                             "de la Géoplateforme) ; « non » pour ne jamais envoyer d'adresses")
    locate.set_defaults(func=cmd_locate)

    data = commands.add_parser("data", help="gestion des données embarquées")
    data_commands = data.add_subparsers(dest="data_command", required=True)
    bundle = data_commands.add_parser("bundle", help="empaqueter depuis le kit de données partagé")
    bundle.add_argument("--from", dest="source", required=True)
    bundle.add_argument("--data", default=str(config.data_dir))
    bundle.set_defaults(func=cmd_bundle)
    imported = data_commands.add_parser(
        "import-perimetres", help="importer les périmètres officiels des QPV 2024 (GeoJSON ANCT, "
        "champ code_qp) : le localisateur les utilise à la place des périmètres simplifiés")
    imported.add_argument("fichier", nargs="?", help="GeoJSON local (champ code_qp)")
    imported.add_argument("--telecharger", action="store_true",
                          help="télécharger le GeoJSON officiel du jeu de données de l'ANCT "
                               "sur data.gouv.fr (réseau nécessaire)")
    imported.add_argument("--url", help="avec --telecharger : adresse directe du GeoJSON")
    imported.add_argument("--data", default=str(config.data_dir))
    imported.set_defaults(func=cmd_import_perimeters)
