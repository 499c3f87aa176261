"""Sending one letter to 10,000 subscribers through a local SMTP server: the outbox against a
bare smtplib loop sending the same messages in the same run.

    .venv/bin/python bench/mail.py                    # ≈ 1 min
    .venv/bin/python bench/mail.py --messages 2000 --tours 2

The messages: 10,000 Django ``EmailMultiAlternatives`` of about 20 KB (HTML and plain text, the
text of a letter written for the benchmark, never shown to anyone), one recipient each, at
made-up addresses ``abonne-N@exemple.test`` (a reserved domain: nothing can leave the machine),
each with its own greeting and unsubscribe link. The server: aiosmtpd in a process of its own
(so that it does not share the sender's interpreter), accepting everything and counting.

(a) bare loop: one smtplib connection, ``sendmail(message.message().as_bytes())`` for each.
(b) the outbox: ``queue`` (serialise and store, 500 rows at a time) then ``deliver`` by batches
    of 500 ids (claim, send over one connection, record each state), as the letters' task does.
Both serialise the same Django messages; (b) also writes each to the database twice (stored,
then its state). Printed: messages per second of each and (b)/(a), the goal being ≥ 0.5.
In a database of its own (a temporary SQLite file, or ``DATABASE_URL``), deleted after.
Results in bench/out/mail.json.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import smtplib
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from run import OUT, PY, ROOT

SERVER = """
import sys
from aiosmtpd.controller import Controller

class Counting:
    count = 0
    async def handle_DATA(self, server, session, envelope):
        Counting.count += 1
        return "250 OK"

controller = Controller(Counting(), hostname="127.0.0.1", port=int(sys.argv[1]))
controller.start()
print("prêt", flush=True)
for line in sys.stdin:  # each line asks for the count so far
    print(Counting.count, flush=True)
controller.stop()
"""

PARAGRAPH = ("Texte d'essai écrit pour la mesure d'envoi, jamais publié : le centre de ressources "
             "réunit les acteurs de la politique de la ville autour des quartiers prioritaires, "
             "de leurs habitants et de leurs projets ; la lettre annonce les rencontres du mois, "
             "les ressources parues et les échos de la veille. ")


def letter(number: int):
    """One subscriber's copy: about 20 KB, HTML and text, with its own greeting and link."""
    from django.core.mail import EmailMultiAlternatives

    address = f"abonne-{number}@exemple.test"
    unsubscribe = f"https://quartiers.exemple.test/lettres/desabonnement/{number:06d}-essai/"
    blocks = [f"Rubrique {n + 1}\n\n" + PARAGRAPH * 3 for n in range(10)]
    text = f"Bonjour abonné·e n° {number},\n\n" + "\n\n".join(blocks) + \
        f"\n\nSe désabonner : {unsubscribe}\n"
    html = ("<!doctype html><html lang='fr'><body style='font-family:sans-serif'>"
            f"<p>Bonjour abonné·e n° {number},</p>"
            + "".join(f"<h2 style='color:#000091'>Rubrique {n + 1}</h2><p>{PARAGRAPH * 3}</p>"
                      "<p><a href='https://quartiers.exemple.test/agenda/'>Voir l'agenda</a></p>"
                      for n in range(10))
            + f"<p><a href='{unsubscribe}'>Se désabonner</a></p></body></html>")
    message = EmailMultiAlternatives(
        "La Minute Pop — lettre d'essai de la mesure", text, None, [address],
        headers={"List-Unsubscribe": f"<{unsubscribe}>",
                 "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"})
    message.attach_alternative(html, "text/html")
    return message


def bare_loop(messages, port: int) -> float:
    """(a) seconds to send every message over one smtplib connection."""
    from django.conf import settings

    started = time.perf_counter()
    smtp = smtplib.SMTP("127.0.0.1", port)
    for message in messages:
        smtp.sendmail(settings.DEFAULT_FROM_EMAIL, message.recipients(),
                      message.message().as_bytes(linesep="\r\n"))
    smtp.quit()
    return time.perf_counter() - started


def outbox(messages, batch: int) -> float:
    """(b) seconds to queue then deliver every message by batches."""
    from quartiers.web.mail.models import OutgoingMessage
    from quartiers.web.mail.services import deliver, queue

    started = time.perf_counter()
    ids = []
    for start in range(0, len(messages), batch):
        ids += queue(messages[start:start + batch], category="lettre:mesure")
    statuses = {}
    for start in range(0, len(ids), batch):
        statuses.update(deliver(ids[start:start + batch]))
    seconds = time.perf_counter() - started
    assert set(statuses.values()) == {OutgoingMessage.Status.SENT}, set(statuses.values())
    OutgoingMessage.objects.all().delete()  # the next tour starts from an empty outbox
    return seconds


def cpu_model() -> str:
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            return line.split(":", 1)[1].strip()
    return platform.processor()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--messages", type=int, default=10_000)
    parser.add_argument("--lot", type=int, default=500, help="messages per batch of (b)")
    parser.add_argument("--tours", type=int, default=1, help="(a) then (b), this many times")
    args = parser.parse_args()

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen([PY, "-c", SERVER, str(port)], stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, text=True, cwd=ROOT)
    assert server.stdout.readline().strip() == "prêt"
    var = Path(tempfile.mkdtemp(prefix="quartiers-bench-mail-"))
    os.environ.update(QUARTIERS_VAR=str(var), EMAIL_URL=f"smtp://127.0.0.1:{port}",
                      DJANGO_SETTINGS_MODULE="quartiers.web.settings")
    try:
        import django
        from django.core.management import call_command

        django.setup()
        call_command("migrate", verbosity=0)
        from django.conf import settings

        started = time.perf_counter()
        messages = [letter(number) for number in range(args.messages)]
        size = len(messages[0].message().as_bytes(linesep="\r\n"))
        print(f"  {args.messages} messages de {size / 1024:.1f} Ko construits en "
              f"{time.perf_counter() - started:.1f} s", flush=True)

        tours = []
        for tour in range(args.tours):
            bare = bare_loop(messages, port)
            print(f"  tour {tour + 1} (a) smtplib seul : {args.messages / bare:7.0f} messages/s",
                  flush=True)
            ours = outbox(messages, args.lot)
            print(f"  tour {tour + 1} (b) boîte d'envoi : {args.messages / ours:7.0f} messages/s",
                  flush=True)
            tours.append((args.messages / bare, args.messages / ours))
        server.stdin.write("compte\n")
        server.stdin.flush()
        received = int(server.stdout.readline())
        assert received == 2 * args.tours * args.messages, received

        bare_rate = max(rate for rate, _ in tours)
        ours_rate = max(rate for _, rate in tours)
        results = {
            "date": time.strftime("%Y-%m-%d"), "machine": f"{os.cpu_count()} cœurs, {cpu_model()}",
            "database": settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1],
            "messages": args.messages, "message_kib": round(size / 1024, 1),
            "batch": args.lot, "tours": args.tours, "received_by_server": received,
            "bare_smtplib_per_s": round(bare_rate), "outbox_per_s": round(ours_rate),
            "ratio": round(ours_rate / bare_rate, 2), "goal_ratio": 0.5,
        }
        for key, value in results.items():
            print(f"  {key:22} {value}")
        OUT.mkdir(parents=True, exist_ok=True)
        (OUT / "mail.json").write_text(json.dumps(results, indent=1, ensure_ascii=False))
    finally:
        server.stdin.close()
        server.wait(timeout=30)
        shutil.rmtree(var, ignore_errors=True)


if __name__ == "__main__":
    main()
