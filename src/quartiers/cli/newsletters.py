"""The letters: the lists with their subscribers counted by state, and the issues with the
state of their copies (no address is ever printed)."""

from __future__ import annotations

from .french import say
from .server import start_django


def cmd_lists(args) -> int:
    start_django(args)
    from django.db.models import Count

    from quartiers.web.newsletters.models import NewsletterList, Status, Subscription

    counts = {(row["newsletter"], row["status"]): row["n"] for row in
              Subscription.objects.values("newsletter", "status").annotate(n=Count("id"))}
    lists = list(NewsletterList.objects.all())
    if not lists:
        say("Aucune liste : lancez « quartiers init ».")
    for newsletter in lists:
        states = ", ".join(f"{label} : {counts.get((newsletter.pk, status), 0)}"
                           for status, label in Status.choices)
        say(f"{newsletter.name} [{newsletter.slug}] ({newsletter.rhythm or 'rythme non dit'}"
            f"{'' if newsletter.active else ', fermée aux abonnements'}) — {states}")
    return 0


def cmd_issues(args) -> int:
    start_django(args)
    from quartiers.web.mail.models import OutgoingMessage
    from quartiers.web.newsletters.models import NewsletterIssuePage
    from quartiers.web.newsletters.sending import counts

    issues = NewsletterIssuePage.objects.select_related("newsletter").order_by("pk")
    if not issues:
        say("Aucun numéro composé.")
    labels = dict(OutgoingMessage.Status.choices)
    for issue in issues:
        record = issue.sending
        if record is None:
            state = "publié, pas encore envoyé" if issue.live else "brouillon"
        else:
            copies = counts(issue)
            state = f"envoyé le {record.requested_at:%d/%m/%Y} — " + ", ".join(
                f"{labels[status]} : {n}" for status, n in copies.items()
                if status != "total" and n) + f" (total {copies['total']})"
        say(f"{issue.pk} · {issue.newsletter} · {issue.title} — {state}")
    return 0


def add_commands(commands, config) -> None:
    letters = commands.add_parser("lettres", help="lettres d'information : listes et numéros")
    sub = letters.add_subparsers(dest="letters_command", metavar="commande", required=True)
    sub.add_parser("listes", help="les listes et leurs abonnements par état").set_defaults(
        func=cmd_lists)
    sub.add_parser("numeros", help="les numéros et l'état de leurs envois").set_defaults(
        func=cmd_issues)
