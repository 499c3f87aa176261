"""Sending an issue: a test to the staff member's own address, and the real sending, once, to
the list's confirmed subscribers, built batch by batch in the background (tasks.py) so that a
subscriber who leaves before their batch is built receives nothing."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.db.models import Count
from django.utils import timezone

from ..mail.models import OutgoingMessage
from ..mail.services import deliver_later, queue
from .letters import message_for, render
from .models import IssueRecipient, IssueSending, NewsletterIssuePage, Status, Subscription

BATCH_SIZE = 500


class Refused(Exception):
    """What staff asked cannot be done (French message)."""


def category(issue: NewsletterIssuePage) -> str:
    return f"lettre:{issue.pk}"


def send_test(issue: NewsletterIssuePage, address: str) -> None:
    """The issue as the last saved revision shows it, to one staff address, through the outbox
    like any other message (category « lettre-test:<id> »: never counted as the sending)."""
    issue = issue.get_latest_revision_as_object()
    ids = queue([message_for(issue, render(issue), address)],
                category=f"lettre-test:{issue.pk}")
    deliver_later(ids)


def start(issue: NewsletterIssuePage, user) -> IssueSending:
    """Record the sending (once: the database refuses a second row) and enqueue its first batch.
    The published version is sent; a draft newer than it is not."""
    from .tasks import build_batch

    if not issue.live:
        raise Refused("Ce numéro n'est pas publié : publiez-le avant de l'envoyer (sa version "
                      "publiée est celle qui part, et celle de l'archive).")
    try:
        with transaction.atomic():
            sending = IssueSending.objects.create(issue=issue, newsletter=issue.newsletter,
                                                  requested_by=user)
            build_batch.enqueue(sending.pk)
    except IntegrityError as error:
        raise Refused("Ce numéro a déjà été envoyé : un numéro ne part qu'une fois.") from error
    return sending


def build(sending_id: int) -> bool:
    """Build, store and hand to delivery the next batch of copies, and enqueue the one after in
    the same transaction (a worker dying in between cannot stall the sending); False when all
    are built. Each batch reads the subscriptions as they are now, and a subscription gets one
    copy however often a batch is retried."""
    from .tasks import build_batch

    sending = IssueSending.objects.select_related("newsletter").get(pk=sending_id)
    issue = NewsletterIssuePage.objects.get(pk=sending.issue_id)
    with transaction.atomic():
        # Without the copies of erased people (NULL): ``NOT IN (…, NULL)`` would match nothing.
        done = IssueRecipient.objects.filter(sending=sending, subscription__isnull=False
                                             ).values("subscription_id")
        batch = list(Subscription.objects.filter(newsletter=sending.newsletter,
                                                 status=Status.SUBSCRIBED)
                     .exclude(pk__in=done).select_related("person")
                     .order_by("pk")[:BATCH_SIZE])
        if not batch:
            IssueSending.objects.filter(pk=sending.pk).update(built_at=timezone.now())
            return False
        rendered = render(issue)
        ids = queue([message_for(issue, rendered, s.person.email, s) for s in batch],
                    category=category(issue))
        IssueRecipient.objects.bulk_create([
            IssueRecipient(sending=sending, subscription=s, message_id=pk)
            for s, pk in zip(batch, ids, strict=True)])
        deliver_later(ids, batch_size=BATCH_SIZE)
        build_batch.enqueue(sending.pk)
    return True


def counts(issue: NewsletterIssuePage) -> dict[str, int]:
    """Copies of the issue by outbox status (« envoye », « echec_definitif »…), and « total »."""
    by_status = dict(OutgoingMessage.objects.filter(category=category(issue))
                     .values_list("status").annotate(n=Count("id")).order_by())
    return {**{status: by_status.get(status, 0) for status in OutgoingMessage.Status.values},
            "total": sum(by_status.values())}
