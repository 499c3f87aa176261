"""``quartiers courriels``: the outbox from the command line: what it holds, and sending the
messages held while no SMTP server was configured (EMAIL_URL)."""

from __future__ import annotations

from .french import UserError, say
from .server import start_django


def cmd_status(args) -> int:
    """Messages per state; those in « état inconnu » (a worker died while sending) apart."""
    start_django(args)
    from django.conf import settings
    from django.db.models import Count

    from quartiers.web.mail import services
    from quartiers.web.mail.models import UNKNOWN_AFTER, OutgoingMessage

    Status = OutgoingMessage.Status
    counts = dict(OutgoingMessage.objects.values_list("status").annotate(Count("id")))
    unknown = OutgoingMessage.objects.filter(
        services.resendable(), status=Status.SENDING).count()
    say("Serveur d'envoi : " + (f"{settings.EMAIL_HOST}:{settings.EMAIL_PORT}"
                                if services.configured()
                                else "aucun (EMAIL_URL absente) : les courriels sont retenus"))
    for status in Status:
        count = counts.get(status.value, 0) - (unknown if status == Status.SENDING else 0)
        say(f"  {status.label} : {count}")
    minutes = int(UNKNOWN_AFTER.total_seconds() // 60)
    say(f"  état inconnu (en cours depuis plus de {minutes} min) : {unknown}",
        "red" if unknown else None)
    return 0


def cmd_send_held(args) -> int:
    start_django(args)
    from quartiers.web.mail import services

    try:
        count = services.release_held()
    except services.NoServer as error:
        raise UserError(str(error)) from None
    say(f"{count} courriel(s) retenu(s) mis en file d'envoi : le travailleur (« quartiers "
        "worker ») les envoie.")
    return 0


def add_commands(commands, config) -> None:
    mail = commands.add_parser("courriels", help="boîte d'envoi des courriels")
    mail_commands = mail.add_subparsers(dest="mail_command", metavar="commande", required=True)
    mail_commands.add_parser("etat", help="nombre de courriels par état").set_defaults(
        func=cmd_status)
    mail_commands.add_parser(
        "envoyer-retenus", help="envoyer les courriels retenus faute de serveur d'envoi, une "
        "fois EMAIL_URL définie").set_defaults(func=cmd_send_held)
