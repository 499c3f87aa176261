"""The command line of the agenda: events made from the programme's dated actions."""

from __future__ import annotations

from .centre import _year
from .french import UserError, say
from .server import start_django


def cmd_from_programme(args) -> int:
    start_django(args)
    from quartiers.web.events.services import events_from_programme

    try:
        report = events_from_programme(args.annee)
    except LookupError as error:
        raise UserError(str(error)) from error
    for line in report.lines:
        say(line)
    return 0


def add_commands(commands, config) -> None:
    agenda = commands.add_parser("agenda", help="agenda des événements du centre")
    agenda_commands = agenda.add_subparsers(dest="agenda_command", metavar="commande",
                                            required=True)
    made = agenda_commands.add_parser(
        "depuis-programme", help="créer un événement par action du programme de l'ANNÉE datée "
        "au jour (les événements déjà créés ne sont pas touchés)")
    made.add_argument("annee", type=_year, metavar="ANNÉE", help="année du programme")
    made.set_defaults(func=cmd_from_programme)
