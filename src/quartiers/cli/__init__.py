"""``quartiers``: the command line. Each module adds the commands of its domain: the observatory
(build, profiles, search, locate, data), the server (init, serve, worker), the resource centre
(programme, accounts)."""

from __future__ import annotations

from pathlib import Path

from .. import config as configuration
from . import (
    analyses,
    centre,
    contacts,
    elections,
    events,
    heat,
    mail,
    newsletters,
    observatory,
    partners,
    presswatch,
    server,
)
from .french import FrenchParser, UserError, say, why

DESCRIPTION = ("Quartiers : construire l'entrepôt, servir la plateforme et ses tâches de fond, "
               "imprimer des fiches, localiser des fichiers dans les QPV, gérer le contenu.")


def main(argv: list[str] | None = None) -> int:
    try:
        config = configuration.current()
    except configuration.ConfigurationError as error:  # a malformed EMAIL_URL…
        say(str(error), "red")
        return 1
    parser = FrenchParser(prog="quartiers", description=DESCRIPTION)
    parser.set_defaults(config=config)
    parser.add_argument("--warehouse", type=Path, default=config.warehouse,
                        help="fichier DuckDB de l'entrepôt (défaut : %(default)s)")
    commands = parser.add_subparsers(dest="command", metavar="commande", required=True)
    for domain in (observatory, server, centre, heat, elections, analyses, events, contacts,
                   newsletters, presswatch, mail, partners):
        domain.add_commands(commands, config)

    args = parser.parse_args(argv)
    from ..engine.warehouse.store import NotFound, WarehouseMissing

    try:
        return args.func(args)
    except (NotFound, WarehouseMissing, UserError) as error:
        say(str(error), "red")
        for suggestion in getattr(error, "suggestions", []):
            say("  peut-être : " + " ".join(str(v) for v in suggestion.values()))
        return 1
    except OSError as error:  # a path the system refused midway (disk full, rights changed…)
        say(f"{error.filename} : {why(error)}" if error.filename else why(error), "red")
        return 1
    except KeyboardInterrupt:
        say("interrompu", "red")
        return 130
