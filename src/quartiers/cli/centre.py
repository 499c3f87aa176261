"""The resource centre's commands: import a yearly action programme, create an account."""

from __future__ import annotations

import argparse
import getpass
from pathlib import Path

from .french import UserError, say
from .server import start_django


def _year(text: str) -> int:
    """``--annee``: four digits, as argparse's ``type``."""
    if not (text.isdigit() and len(text) == 4 and 2000 <= int(text) <= 2100):
        raise argparse.ArgumentTypeError(f"année sur quatre chiffres attendue, ex. 2026, et non "
                                         f"« {text} »")
    return int(text)


def _existing_file(path: Path) -> Path:
    if not path.is_file():
        raise UserError(f"{path} : " + ("fichier introuvable" if not path.exists()
                                        else "ce n'est pas un fichier"))
    return path


def cmd_programme_import(args) -> int:
    """The report's lines as they come (what was read, what could not be classified); exit
    status 1 when the import failed."""
    source = _existing_file(Path(args.fichier))
    start_django(args)
    from quartiers.web.programme.services import import_programme

    report = import_programme(source, args.annee, replace=args.remplacer)
    for line in report.lines:
        say(line)
    return 0 if report.ok else 1


def _password(args, email: str) -> str:
    if args.mot_de_passe_fichier:
        lines = _existing_file(Path(args.mot_de_passe_fichier)).read_text(
            encoding="utf-8").splitlines()
        return lines[0] if lines else ""
    password = getpass.getpass(f"Mot de passe pour {email} : ")
    if getpass.getpass("Le même, à nouveau : ") != password:
        raise UserError("les deux mots de passe diffèrent : rien n'a été créé")
    return password


def cmd_account_create(args) -> int:
    """An account that logs in by e-mail; ``--equipe``: the centre's staff role (the back office,
    every content). The password is checked by the site's rules."""
    start_django(args)
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError
    from django.core.validators import validate_email
    from django.db import transaction

    from quartiers.web.accounts.models import Role

    user_model = get_user_model()
    email = args.email.strip().lower()
    try:
        validate_email(email)
    except ValidationError as error:
        raise UserError(f"« {args.email} » n'est pas une adresse électronique valide") from error
    if user_model.objects.filter(email__iexact=email).exists():
        raise UserError(f"un compte existe déjà pour {email} : rien n'a été créé")
    staff = Group.objects.filter(name=Role.STAFF).first()
    if args.equipe and staff is None:
        raise UserError(f"le rôle « {Role.STAFF} » n'existe pas encore : lancez « quartiers "
                        "init »")
    password = _password(args, email)
    try:
        validate_password(password, user_model(email=email))
    except ValidationError as error:
        raise UserError("mot de passe refusé : " + " ".join(error.messages)) from error
    with transaction.atomic():
        user = user_model.objects.create_user(email=email, password=password)
        if args.equipe:
            user.groups.add(staff)
    say(f"Compte créé : {email}" + (f" ({Role.STAFF})" if args.equipe else " (sans rôle)"))
    return 0


def add_commands(commands, config) -> None:
    programme = commands.add_parser("programme", help="programme d'actions annuel du centre")
    programme_commands = programme.add_subparsers(dest="programme_command", metavar="commande",
                                                  required=True)
    imported = programme_commands.add_parser(
        "import", help="importer un programme écrit comme ceux du centre (titres, « Publics : », "
        "« Sujets : », « Modalités : », dates entre crochets) ; chaque ligne non classée est "
        "signalée")
    imported.add_argument("fichier", help="document du programme")
    imported.add_argument("--annee", type=_year, required=True, metavar="AAAA",
                          help="année du programme")
    imported.add_argument("--remplacer", action="store_true",
                          help="remplacer le programme de cette année s'il existe déjà")
    imported.set_defaults(func=cmd_programme_import)

    account = commands.add_parser("compte", help="comptes de la plateforme")
    account_commands = account.add_subparsers(dest="account_command", metavar="commande",
                                              required=True)
    create = account_commands.add_parser("creer", help="créer un compte qui se connecte par son "
                                         "adresse électronique")
    create.add_argument("email", metavar="ADRESSE", help="adresse électronique du compte")
    create.add_argument("--equipe", action="store_true",
                        help="rôle « Équipe du centre » : accès à la gestion de tout le contenu")
    create.add_argument("--mot-de-passe-fichier", metavar="FICHIER",
                        help="lire le mot de passe dans la première ligne de ce fichier plutôt "
                             "que de le demander")
    create.set_defaults(func=cmd_account_create)
