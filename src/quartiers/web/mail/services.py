"""The outbox's work: storing messages, delivering them over SMTP, and what staff can do.

``queue`` stores; ``deliver`` sends now, over one connection; ``deliver_later`` enqueues tasks
that call ``deliver``. Before sending, each message is claimed by one conditional update
(« en attente » or « échec temporaire » → « en cours »): two workers never send the same one.
Its outcome is recorded as soon as its chunk is sent: « envoyé » once the server accepted it;
« échec temporaire » (server unreachable, 4xx) with a next attempt at growing intervals, taken by
the scheduled task « relancer les courriels »; « échec définitif » on a 5xx, with the signal
``permanent_failure`` for each address refused. Without a server (no ``EMAIL_URL``) messages
are « retenu »: nothing is attempted until staff send them.
"""

from __future__ import annotations

import dataclasses
import logging
import smtplib
import ssl
import uuid
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from datetime import datetime, timedelta
from functools import partial

from django.conf import settings
from django.core.mail import EmailMessage
from django.core.mail.message import sanitize_address
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django_tasks_db import DatabaseBackend

from .models import UNKNOWN_AFTER, OutgoingMessage
from .signals import permanent_failure

logger = logging.getLogger(__name__)
Status = OutgoingMessage.Status

SENDABLE = (Status.PENDING, Status.TEMPORARY_FAILURE)
CLAIM_SIZE = 100
"""Messages claimed, sent, then recorded together: a worker killed mid-chunk leaves at most
this many « en cours » (shown as « état inconnu », never resent on their own)."""
RETRY_DELAYS = (timedelta(minutes=1), timedelta(minutes=5), timedelta(minutes=15),
                timedelta(hours=1), timedelta(hours=3), timedelta(hours=6))
"""Wait after the n-th failed attempt; 6 h after every later one: a temporary failure is never
given up (staff see the message and its error)."""
KEPT_DAYS = 90
"""Sent and refused messages are deleted this long after their last attempt."""


class NoServer(Exception):
    """No SMTP server configured: held messages cannot be sent."""

    def __init__(self):
        super().__init__("Aucun serveur d'envoi n'est configuré : définissez EMAIL_URL (par "
                         "exemple smtp+tls://utilisateur:mot-de-passe@smtp.exemple.fr:587) et "
                         "redémarrez la plateforme et son travailleur.")


def configured() -> bool:
    return bool(settings.EMAIL_HOST)


def _chunks(ids: Sequence[int], size: int) -> Iterator[list[int]]:
    for start in range(0, len(ids), size):
        yield list(ids[start:start + size])


# --- storing -------------------------------------------------------------------------------

def _row(message: EmailMessage, *, category: str, status: str) -> OutgoingMessage:
    """The message as Django's SMTP backend would send it: envelope and MIME bytes."""
    encoding = message.encoding or settings.DEFAULT_CHARSET
    recipients = [sanitize_address(address, encoding) for address in message.recipients()]
    if not recipients:
        raise ValueError(f"courriel « {message.subject} » sans destinataire : rien n'est stocké")
    return OutgoingMessage(
        category=category, subject=str(message.subject)[:998], status=status,
        from_address=sanitize_address(message.from_email or settings.DEFAULT_FROM_EMAIL,
                                      encoding),
        to=", ".join(recipients), mime=message.message().as_bytes(linesep="\r\n"))


def queue(messages: Iterable[EmailMessage], *, category: str) -> list[int]:
    """Store the messages without delivering them; their ids, in order. One recipient per
    message gives a status per recipient. Held (« retenu ») when no server is configured."""
    status = Status.PENDING if configured() else Status.HELD
    rows = [_row(message, category=category, status=status) for message in messages]
    return [row.pk for row in OutgoingMessage.objects.bulk_create(rows, batch_size=500)]


def deliver_later(ids: Sequence[int], *, batch_size: int = 500) -> int:
    """Enqueue one delivery task per batch; the number of tasks. The database queue writes its
    task in the caller's transaction, so it runs only if the messages are committed (and a
    test's transaction sees it); any other queue is given the task once they are."""
    from .tasks import deliver_messages

    in_transaction = isinstance(deliver_messages.get_backend(), DatabaseBackend)
    tasks = 0
    for chunk in _chunks(list(ids), batch_size):
        if in_transaction:
            deliver_messages.enqueue(chunk)
        else:
            transaction.on_commit(partial(deliver_messages.enqueue, chunk))
        tasks += 1
    return tasks


# --- delivering ----------------------------------------------------------------------------

@dataclasses.dataclass
class Outcome:
    status: str
    error: str = ""
    refused: list[str] = dataclasses.field(default_factory=list)
    """Addresses refused for good (5xx): the signal ``permanent_failure`` for each."""


def _reply(code: int, text: bytes | str) -> str:
    if isinstance(text, bytes):
        text = text.decode("utf-8", "replace")
    return f"{code} {' '.join(text.split())}"[:300]


def _refusals(refused: dict[str, tuple[int, bytes]]) -> str:
    return " ; ".join(f"{address} refusée par le serveur ({_reply(code, text)})"
                      for address, (code, text) in refused.items())


class SmtpSession:
    """One connection to the configured server, opened at the first message and reopened once
    when the server drops it; when it cannot be opened, the rest of the batch waits."""

    def __init__(self):
        self.smtp: smtplib.SMTP | None = None
        self.down = ""
        """Why the server cannot be used for this batch (French), once known."""

    def __enter__(self) -> SmtpSession:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        if self.smtp is not None:
            try:
                self.smtp.quit()
            except (smtplib.SMTPException, OSError):
                self.smtp.close()
            self.smtp = None

    def _open(self) -> None:
        host, port, timeout = settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT
        if settings.EMAIL_USE_SSL:
            smtp = smtplib.SMTP_SSL(host, port, timeout=timeout,
                                    context=ssl.create_default_context())
        else:
            smtp = smtplib.SMTP(host, port, timeout=timeout)
        try:
            if settings.EMAIL_USE_TLS:
                smtp.starttls(context=ssl.create_default_context())
            if settings.EMAIL_HOST_USER:
                smtp.login(settings.EMAIL_HOST_USER, settings.EMAIL_HOST_PASSWORD)
        except BaseException:
            smtp.close()
            raise
        self.smtp = smtp

    def _connect(self) -> bool:
        where = f"{settings.EMAIL_HOST}:{settings.EMAIL_PORT}"
        try:
            self._open()
        except smtplib.SMTPAuthenticationError as error:
            self.down = (f"le serveur {where} refuse l'utilisateur et le mot de passe d'EMAIL_URL "
                         f"({_reply(error.smtp_code, error.smtp_error)})")
        except smtplib.SMTPResponseException as error:
            self.down = (f"le serveur {where} refuse la connexion "
                         f"({_reply(error.smtp_code, error.smtp_error)})")
        except (smtplib.SMTPException, OSError) as error:
            self.down = (f"serveur {where} injoignable ou muet "
                         f"({type(error).__name__} : {error})"[:300])
        return not self.down

    def send(self, message: OutgoingMessage) -> Outcome:
        """Hand one message to the server; what became of it."""
        for reconnected in (False, True):
            if self.down or (self.smtp is None and not self._connect()):
                return Outcome(Status.TEMPORARY_FAILURE, self.down)
            try:
                refused = self.smtp.sendmail(message.from_address, message.recipients,
                                             bytes(message.mime))
            except smtplib.SMTPRecipientsRefused as error:
                return self._all_refused(error.recipients)
            except smtplib.SMTPSenderRefused as error:
                refusal = (f"expéditeur {error.sender} refusé par le serveur "
                           f"({_reply(error.smtp_code, error.smtp_error)})")
                if error.smtp_code >= 500:  # the same for every message: stop the batch
                    self.down = refusal + " : vérifiez QUARTIERS_COURRIEL_EXPEDITEUR"
                return Outcome(Status.TEMPORARY_FAILURE, self.down or refusal)
            except smtplib.SMTPDataError as error:
                status = (Status.PERMANENT_FAILURE if error.smtp_code >= 500
                          else Status.TEMPORARY_FAILURE)
                return Outcome(status, "message refusé par le serveur "
                                       f"({_reply(error.smtp_code, error.smtp_error)})")
            except (smtplib.SMTPException, OSError) as error:  # dropped, timed out, reset
                self.close()
                if reconnected:
                    return Outcome(Status.TEMPORARY_FAILURE, "connexion perdue pendant l'envoi "
                                   f"({type(error).__name__} : {error})"[:300])
                continue
            if not refused:
                return Outcome(Status.SENT)
            return Outcome(Status.SENT, _refusals(refused),
                           [address for address, (code, _) in refused.items() if code >= 500])
        raise AssertionError("unreachable")

    @staticmethod
    def _all_refused(refused: dict[str, tuple[int, bytes]]) -> Outcome:
        if all(code >= 500 for code, _ in refused.values()):
            return Outcome(Status.PERMANENT_FAILURE, _refusals(refused), list(refused))
        return Outcome(Status.TEMPORARY_FAILURE, _refusals(refused))


def _claim(ids: list[int]) -> list[OutgoingMessage]:
    """Take the sendable ones among ``ids`` for this process only (one conditional update)."""
    token = uuid.uuid4().hex
    OutgoingMessage.objects.filter(id__in=ids, status__in=SENDABLE).update(
        status=Status.SENDING, claim=token, claimed_at=timezone.now(),
        attempts=F("attempts") + 1)
    return list(OutgoingMessage.objects.filter(claim=token).order_by("id"))


def _record(outcomes: list[tuple[OutgoingMessage, Outcome]]) -> None:
    now = timezone.now()
    plain = [message.pk for message, outcome in outcomes
             if outcome.status == Status.SENT and not outcome.error]
    others = []
    for message, outcome in outcomes:
        if outcome.status == Status.SENT and not outcome.error:
            continue
        message.status, message.last_error = outcome.status, outcome.error
        message.sent_at = now if outcome.status == Status.SENT else None
        message.next_attempt_at = (
            now + RETRY_DELAYS[min(message.attempts, len(RETRY_DELAYS)) - 1]
            if outcome.status == Status.TEMPORARY_FAILURE else None)
        others.append(message)
    with transaction.atomic():
        OutgoingMessage.objects.filter(pk__in=plain).update(
            status=Status.SENT, sent_at=now, last_error="", next_attempt_at=None)
        OutgoingMessage.objects.bulk_update(
            others, ["status", "last_error", "sent_at", "next_attempt_at"])
    for message, outcome in outcomes:
        for address in outcome.refused:
            permanent_failure.send(sender=OutgoingMessage, message=message, address=address)


def deliver(ids: Sequence[int]) -> dict[int, str]:
    """Deliver the sendable messages among ``ids`` now, in this process, over one connection;
    each id's status afterwards (those of messages already sent or held are left as they are)."""
    ids = list(ids)
    if not configured():
        for chunk in _chunks(ids, 500):
            OutgoingMessage.objects.filter(id__in=chunk, status__in=SENDABLE).update(
                status=Status.HELD)
    else:
        counts: Counter = Counter()
        with SmtpSession() as session:
            for chunk in _chunks(ids, CLAIM_SIZE):
                outcomes = [(message, session.send(message)) for message in _claim(chunk)]
                _record(outcomes)
                counts.update(outcome.status for _, outcome in outcomes)
        if counts:
            logger.info("Courriels : %s", ", ".join(f"{Status(status).label} {count}"
                                                    for status, count in counts.items()))
    statuses: dict[int, str] = {}
    for chunk in _chunks(ids, 500):
        statuses.update(OutgoingMessage.objects.filter(id__in=chunk).values_list("id", "status"))
    return {pk: statuses[pk] for pk in ids if pk in statuses}


def due(now: datetime | None = None, limit: int = 10_000) -> list[int]:
    """Messages whose next attempt has come, oldest first."""
    return list(OutgoingMessage.objects.filter(
        status=Status.TEMPORARY_FAILURE, next_attempt_at__lte=now or timezone.now())
        .order_by("id").values_list("id", flat=True)[:limit])


# --- staff's actions and the purge ---------------------------------------------------------

def release_held(ids: Sequence[int] | None = None) -> int:
    """Send held messages (all, or those of ``ids``) now that a server is configured; how many
    were enqueued."""
    if not configured():
        raise NoServer
    held = OutgoingMessage.objects.filter(status=Status.HELD)
    if ids is not None:
        held = held.filter(id__in=list(ids))
    with transaction.atomic():
        pks = list(held.order_by("id").values_list("id", flat=True))
        for chunk in _chunks(pks, 500):
            OutgoingMessage.objects.filter(id__in=chunk, status=Status.HELD).update(
                status=Status.PENDING)
        deliver_later(pks)
    return len(pks)


def resendable() -> Q:
    """Failed messages, and those whose state is unknown (a person takes the risk of a double)."""
    return (Q(status__in=[Status.TEMPORARY_FAILURE, Status.PERMANENT_FAILURE])
            | Q(status=Status.SENDING, claimed_at__lt=timezone.now() - UNKNOWN_AFTER))


def resend(ids: Sequence[int]) -> int:
    """Put failed or unknown messages back in the queue and enqueue their delivery."""
    with transaction.atomic():
        pks = list(OutgoingMessage.objects.filter(resendable(), id__in=list(ids))
                   .values_list("id", flat=True))
        OutgoingMessage.objects.filter(resendable(), id__in=pks).update(
            status=Status.PENDING, next_attempt_at=None)
        deliver_later(pks)
    return len(pks)


def purge(now: datetime | None = None) -> int:
    """Delete the messages sent or refused for good more than KEPT_DAYS ago; how many."""
    cutoff = (now or timezone.now()) - timedelta(days=KEPT_DAYS)
    deleted, _ = OutgoingMessage.objects.filter(
        Q(status=Status.SENT, sent_at__lt=cutoff)
        | Q(status=Status.PERMANENT_FAILURE, claimed_at__lt=cutoff)).delete()
    return deleted
