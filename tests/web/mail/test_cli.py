"""``quartiers courriels``: the outbox's states, and sending held messages once EMAIL_URL is
set (the command's module, on a parser of its own)."""

from __future__ import annotations

import pytest
from django.core.mail import EmailMessage

from quartiers.cli import mail as mail_cli
from quartiers.cli.french import FrenchParser, UserError
from quartiers.web.mail import services
from quartiers.web.mail.models import OutgoingMessage

from ..conftest import use_email_url

pytestmark = pytest.mark.django_db


def run(argv, monkeypatch) -> int:
    monkeypatch.setattr(mail_cli, "start_django", lambda args: None)  # set up by the tests
    parser = FrenchParser(prog="quartiers")
    mail_cli.add_commands(parser.add_subparsers(dest="command", required=True), None)
    args = parser.parse_args(argv)
    return args.func(args)


def test_held_messages_are_counted_then_sent_once_a_server_is_set(settings, smtp_server,
                                                                  run_tasks, monkeypatch,
                                                                  capsys):
    use_email_url(settings, "")
    services.queue([EmailMessage("Lettre", "Texte", None, [f"p{n}@exemple.test"])
                    for n in range(2)], category="lettre:1")
    assert run(["courriels", "etat"], monkeypatch) == 0
    said = capsys.readouterr().err
    assert "aucun (EMAIL_URL absente)" in said
    assert "retenu (aucun serveur d'envoi configuré) : 2" in said
    with pytest.raises(UserError, match="définissez EMAIL_URL"):
        run(["courriels", "envoyer-retenus"], monkeypatch)

    use_email_url(settings, smtp_server.url)
    assert run(["courriels", "envoyer-retenus"], monkeypatch) == 0
    assert "2 courriel(s) retenu(s) mis en file d'envoi" in capsys.readouterr().err
    run_tasks()
    assert len(smtp_server.messages) == 2
    assert set(OutgoingMessage.objects.values_list("status", flat=True)) == {"envoye"}
    run(["courriels", "etat"], monkeypatch)
    assert "envoyé : 2" in capsys.readouterr().err
