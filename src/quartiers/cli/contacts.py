"""Networks and contacts: import a table of people, and a person's GDPR rights (their data
exported, or erased everywhere)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from .centre import _existing_file
from .french import UserError, say
from .server import start_django


def cmd_import(args) -> int:
    """The report's lines (file, row, field of each problem); exit status 1 when blocking
    problems left everything as it was."""
    source = _existing_file(Path(args.fichier))
    start_django(args)
    from quartiers.web.contacts.importer import Existing, import_contacts

    report = import_contacts(source.read_bytes(), source.name, check_only=args.verifier,
                             existing=Existing.UPDATE if args.mettre_a_jour else Existing.SKIP)
    for line in report.lines:
        say(line)
    return 0 if report.ok else 1


def _person(email: str):
    from quartiers.web.contacts.models import Person

    person = Person.objects.filter(email=email.strip().lower()).first()
    if person is None:
        raise UserError(f"aucune personne n'a l'adresse « {email} »")
    return person


def cmd_export(args) -> int:
    start_django(args)
    from django.utils import timezone

    from quartiers.web.contacts.privacy import export_everything

    data = export_everything(_person(args.email))
    data["exporté le"] = timezone.now().isoformat()
    text = json.dumps(data, ensure_ascii=False, indent=2) + "\n"
    if args.sortie:
        Path(args.sortie).write_text(text, encoding="utf-8")
        say(f"Données écrites dans {args.sortie}")
    else:
        sys.stdout.write(text)
    return 0


def cmd_erase(args) -> int:
    start_django(args)
    from quartiers.web.contacts.models import Erasure
    from quartiers.web.contacts.privacy import erase_everywhere, holders

    person = _person(args.email)
    names = ", ".join(["Réseaux et contacts", *(holder.name for holder in holders())])
    if not args.oui:
        answer = input(f"Effacer définitivement {args.email} de toutes les applications "
                       f"({names}) ? Tapez « oui » : ")
        if answer.strip().lower() != "oui":
            say("Rien n'a été effacé.")
            return 1
    erasure = erase_everywhere(person, reason=Erasure.Reason.REQUEST)
    say(f"Effacée de : {', '.join(erasure.apps)}. L'effacement est consigné sans donnée "
        "personnelle.")
    return 0


def add_commands(commands, config) -> None:
    contacts = commands.add_parser("contacts", help="réseaux et contacts du centre")
    contacts_commands = contacts.add_subparsers(dest="contacts_command", metavar="commande",
                                                required=True)
    imported = contacts_commands.add_parser(
        "importer", help="importer des personnes d'un tableau CSV ou XLSX (prénom, nom, "
        "courriel, fonction, organisation, type d'organisation, territoire(s), réseau(x)) ; "
        "rien n'est importé au moindre problème bloquant")
    imported.add_argument("fichier", help="tableau CSV (UTF-8 ou Windows-1252) ou XLSX")
    imported.add_argument("--verifier", action="store_true",
                          help="seulement vérifier le fichier et dire ce qui serait fait")
    imported.add_argument("--mettre-a-jour", action="store_true",
                          help="mettre à jour les personnes déjà connues (même adresse) au "
                               "lieu d'ignorer leur ligne")
    imported.set_defaults(func=cmd_import)

    export = contacts_commands.add_parser(
        "exporter", help="toutes les données d'une personne, de toutes les applications (JSON)")
    export.add_argument("email", metavar="COURRIEL", help="adresse électronique de la personne")
    export.add_argument("--sortie", metavar="FICHIER", help="écrire le JSON dans ce fichier "
                                                            "plutôt qu'à l'écran")
    export.set_defaults(func=cmd_export)

    erase = contacts_commands.add_parser(
        "effacer", help="effacer une personne de toutes les applications (inscriptions "
        "anonymisées, les nombres d'inscrits gardés)")
    erase.add_argument("email", metavar="COURRIEL", help="adresse électronique de la personne")
    erase.add_argument("--oui", action="store_true", help="ne pas demander de confirmation")
    erase.set_defaults(func=cmd_erase)
