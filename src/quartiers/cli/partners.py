"""``quartiers tiers``: the trusted third party from the command line, through the same services
as the partner space (the same checks, the same journal). A refusal (unknown agreement, refused
file, a right the account does not hold) is said in French with exit status 2."""

from __future__ import annotations

import argparse
import functools
from datetime import date
from pathlib import Path

from .french import say
from .server import start_django


class Refusal(Exception):
    """What the command refuses before asking the services (exit status 2)."""


def _refusals(command):
    """The services' refusals and the command's own, said in red with exit status 2."""

    @functools.wraps(command)
    def run(args) -> int:
        start_django(args)
        from quartiers.web.partners.services import Refused

        try:
            return command(args)
        except (Refused, Refusal) as refusal:
            say(str(refusal), "red")
            return 2

    return run


def _user(email: str):
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.filter(email=email.strip().lower(), is_active=True).first()
    if user is None:
        raise Refusal(f"Aucun compte actif n'a l'adresse « {email} ».")
    return user


def _agreement(code: str):
    from quartiers.web.partners.models import Agreement

    agreement = Agreement.objects.select_related("partner").filter(code=code.strip().upper()).first()
    if agreement is None:
        known = ", ".join(Agreement.objects.values_list("code", flat=True)[:20]) or "aucune"
        raise Refusal(f"Aucune convention n'a le code « {code} » (conventions : {known}).")
    return agreement


def _day(value) -> str:
    return f"{value:%d/%m/%Y}" if value else "—"


@_refusals
def cmd_list(args) -> int:
    from quartiers.web.partners.models import Agreement

    agreements = Agreement.objects.select_related("partner").order_by("code")
    if not agreements:
        say("Aucune convention.")
    for agreement in agreements:
        say(f"{agreement.code}  {agreement.get_status_display():<28} du {_day(agreement.starts_on)} "
            f"au {_day(agreement.ends_on)}  {agreement.partner} — {agreement.title}")
    return 0


@_refusals
def cmd_show(args) -> int:
    agreement = _agreement(args.code)
    rules = agreement.rules()
    say(f"{agreement.code} — {agreement.title}")
    for label, value in (
            ("Partenaire", agreement.partner.name), ("Statut", agreement.get_status_display()),
            ("Base légale", agreement.get_legal_basis_display()), ("Finalité", agreement.purpose),
            ("Schéma", agreement.get_schema_display()),
            ("Champs autorisés", ", ".join(agreement.allowed_fields) or "aucun"),
            ("Sorties autorisées", ", ".join(agreement.recipes) or "aucune"),
            ("Secret", f"seuil {rules.threshold}, dominance ({rules.dominance_n}, "
                       f"{rules.dominance_k:g} %), p % {rules.p_percent:g}, protection "
                       f"{rules.protection_percent:g} %"),
            ("Période", f"du {_day(agreement.starts_on)} au {_day(agreement.ends_on)} (fin de "
                        "conservation)"),
            ("Territoires", ", ".join(str(t) for t in agreement.territories.all()) or "tous"),
            ("Données effacées le", _day(agreement.data_deleted_at))):
        say(f"  {label} : {value}")
    for signatory in agreement.signatories.all():
        say(f"  Signataire : {signatory} — signé le {_day(signatory.signed_on)}")
    for deposit in agreement.deposits.order_by("uploaded_at"):
        deleted = f", lignes effacées le {_day(deposit.deleted_at)}" if deposit.deleted_at else ""
        say(f"  Dépôt {deposit.pk} du {_day(deposit.uploaded_at)} : {deposit.filename}, "
            f"{deposit.get_status_display()}, {deposit.rows} lignes{deleted}")
    for output in agreement.outputs.order_by("pk"):
        say(f"  Sortie n° {output.pk} : recette « {output.recipe} », {output.get_status_display()}")
    return 0


def _fixed(values: list[str]) -> dict[str, str]:
    fixed = {}
    for value in values:
        name, sep, text = value.partition("=")
        if not sep or not name.strip():
            raise Refusal(f"--valeur attend CHAMP=VALEUR, et non « {value} ».")
        fixed[name.strip()] = text.strip()
    return fixed


@_refusals
def cmd_deposit(args) -> int:
    from quartiers.engine.partners import reading
    from quartiers.web.partners.models import Deposit
    from quartiers.web.partners.services import deposit

    agreement, user = _agreement(args.code), _user(args.par)
    path = Path(args.fichier)
    if not path.is_file():
        raise Refusal(f"{path} : " + ("fichier introuvable" if not path.exists()
                                      else "ce n'est pas un fichier") + ".")
    most = reading.DEFAULT_LIMITS.max_bytes
    if path.stat().st_size > most:  # refused before it is read into memory
        size = f"{path.stat().st_size / 2**20:.1f}".replace(".", ",")
        raise Refusal(f"{path} : fichier trop volumineux ({size} Mo ; au plus "
                      f"{most / 2**20:.0f} Mo par dépôt) : rien n'est enregistré.")
    made = deposit(agreement, user, path.name, path.read_bytes(),
                   **({"fixed": _fixed(args.valeur)} if args.valeur else {}))
    if made.status == Deposit.Status.ACCEPTED:
        say(f"Dépôt accepté sous la convention {agreement.code} : {made.rows} lignes "
            f"(dépôt {made.pk}).")
        for warning in made.report.get("warnings", []):
            say(f"  attention : {warning}")
        return 0
    say(f"Dépôt refusé : rien n'est enregistré ({made.report['error_count']} erreur(s)).", "red")
    for error in made.report["errors"]:
        say(f"  {error['message']}")
    return 2


@_refusals
def cmd_compute(args) -> int:
    from quartiers.web.partners.demonstration import describe
    from quartiers.web.partners.models import Output
    from quartiers.web.partners.services import request_output

    output = request_output(_agreement(args.code), args.recette, _user(args.par), background=False)
    say(describe(output))
    return 1 if output.status == Output.Status.FAILED else 0


@_refusals
def cmd_release(args) -> int:
    from quartiers.web.partners.models import Output
    from quartiers.web.partners.services import release, review

    user = _user(args.par)
    output = Output.objects.select_related("agreement").filter(pk=args.sortie).first()
    if output is None:
        raise Refusal(f"Aucune sortie n'a le numéro {args.sortie}.")
    if output.reviewed_by_id is None:
        review(output, user, True, args.commentaire or "Relue et acceptée en ligne de commande.")
    release(output, user)
    from django.conf import settings

    say(f"Sortie n° {output.pk} publiée ({output.release_key}) dans "
        f"{settings.QUARTIERS.imports_dir} : elle entre dans l'entrepôt public au prochain "
        "« quartiers build ».")
    return 0


@_refusals
def cmd_verify(args) -> int:
    from quartiers.web.partners.services import verify_journal

    result = verify_journal()
    say(str(result), None if result.ok else "red")
    return 0 if result.ok else 1


@_refusals
def cmd_purge(args) -> int:
    from quartiers.web.partners.services import delete_expired

    certificates = delete_expired(args.date)
    if not certificates:
        say("Aucune convention arrivée à échéance : rien à effacer.")
    for certificate in certificates:
        facts = certificate.facts
        say(f"{certificate.agreement.code} : données effacées ({facts['dépôts effacés']} dépôt(s), "
            f"{facts['lignes effacées']} lignes, clés "
            f"{'détruites' if facts['clés détruites'] else 'déjà absentes'}) ; certificat "
            f"d'effacement établi, empreinte du journal {certificate.journal_hash}.")
    return 0


@_refusals
def cmd_rotate(args) -> int:
    from quartiers.web.partners.services import rotate_key

    agreement = _agreement(args.code)
    rows = rotate_key(agreement, _user(args.par))
    say(f"Nouvelle clé de pseudonymisation pour {agreement.code} : {rows} ligne(s) "
        "re-pseudonymisée(s).")
    return 0


@_refusals
def cmd_demonstration(args) -> int:
    from quartiers.web.partners.demonstration import run

    for line in run(_user(args.par), args.config.data_dir):
        say(line)
    return 0


def _iso_date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"date attendue au format AAAA-MM-JJ, et non « {text} »") \
            from None


def add_commands(commands, config) -> None:
    tiers = commands.add_parser("tiers", help="tiers de confiance : conventions, dépôts, sorties, "
                                              "journal")
    sub = tiers.add_subparsers(dest="tiers_command", metavar="commande", required=True)

    def command(name, func, help_text, *arguments, par=False):
        parser = sub.add_parser(name, help=help_text)
        for argument, argument_help in arguments:
            parser.add_argument(argument, help=argument_help)
        if par:
            parser.add_argument("--par", required=True, metavar="COURRIEL",
                                help="adresse du compte qui agit (consignée au journal)")
        parser.set_defaults(func=func)
        return parser

    code = ("code", "code de la convention (TC-2026-001)")
    command("conventions", cmd_list, "lister les conventions")
    command("convention", cmd_show, "détail d'une convention, de ses dépôts et sorties", code)
    deposit = command("deposer", cmd_deposit, "déposer un fichier (CSV, XLSX, Parquet) sous une "
                      "convention en vigueur", code, ("fichier", "le fichier à déposer"), par=True)
    deposit.add_argument("--valeur", action="append", default=[], metavar="CHAMP=VALEUR",
                         help="valeur d'une colonne absente du fichier, la même pour toutes ses "
                              "lignes (ex. dispositif=FONJEP)")
    command("calculer", cmd_compute, "calculer une sortie (équipe du centre)", code,
            ("recette", "code de la recette (ex. postes)"), par=True)
    release = command("publier", cmd_release, "relire et publier une sortie dont l'audit du "
                      "secret est concluant (équipe du centre)", par=True)
    release.add_argument("sortie", type=int, help="numéro de la sortie")
    release.add_argument("--commentaire", default="", help="commentaire de relecture")
    command("verifier-journal", cmd_verify, "vérifier la chaîne d'empreintes du journal")
    purge = command("purger", cmd_purge, "effacer les données des conventions arrivées à "
                    "échéance, avec leur certificat")
    purge.add_argument("--date", type=_iso_date, default=None, metavar="AAAA-MM-JJ",
                       help="date de référence (défaut : aujourd'hui)")
    command("rotation-cle", cmd_rotate, "changer la clé de pseudonymisation d'une convention "
            "(équipe du centre)", code, par=True)
    command("demonstration", cmd_demonstration, "démonstration sur données publiques : les "
            "postes d'adultes-relais et FONJEP de l'ANCT déposés et calculés", par=True)
