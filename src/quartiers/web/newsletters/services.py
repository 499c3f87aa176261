"""Subscribing, confirming, changing one's letters and leaving them, by signed links that need no
account; and the lists of the centre's programme, loaded by ``quartiers init``.

Every link carries a signature and a date (``django.core.signing``, one salt per use): a forged
or outdated link is refused with a page saying so (``LinkError``), never with a traceback.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from wagtail.models import Page

from ..contacts.models import Person
from ..contacts.services import person_for, record_consent, withdraw_consent
from ..mail.models import OutgoingMessage
from ..mail.privacy import messages_to
from .models import IssueRecipient, NewsletterIndexPage, NewsletterList, Status, Subscription

# The letters of RésO Villes' programme (data: ../shared/seeds, « Programme d'actions 2024 »:
# « Lettres d'information génériques mensuelles (La Minute Pop) – des newsletters thématiques »;
# « 1 newsletter par trimestre » for health, culture and citizen participation; « Lettre
# d'information sur le développement économique et les transitions », quarterly as the others).
BUNDLED_LISTS = (
    ("la-minute-pop", "La Minute Pop", "mensuelle",
     "La lettre d'information générale du centre de ressources : l'actualité nationale et "
     "locale de la politique de la ville, les actions de RésO Villes, les initiatives repérées "
     "dans les quartiers de Bretagne et des Pays de la Loire."),
    ("sante", "Lettre d'information santé", "trimestrielle",
     "La santé, facteur déterminant de la lutte contre les inégalités : santé "
     "environnementale, accès aux soins, inégalités sociales territoriales de santé, santé "
     "communautaire, réseau des médiateurs et médiatrices santé."),
    ("culture", "Lettre d'information culture", "trimestrielle",
     "Avec PaQ La Lune : l'accès à l'art et à la culture, les pratiques artistiques, la place "
     "des habitants et des acteurs culturels des quartiers populaires."),
    ("participation-citoyenne", "Lettre d'information participation citoyenne",
     "trimestrielle",
     "Les dynamiques territoriales citoyennes, l'impact collectif, les conseils citoyens, des "
     "retours d'expériences et des initiatives locales."),
    ("developpement-economique-transitions",
     "Lettre d'information sur le développement économique et les transitions",
     "trimestrielle",
     "Entrepreneuriat et filières, emplois et compétences face aux transitions, tiers-lieux, "
     "Labo Quartiers en Transition : l'économie des quartiers et leur adaptation au changement "
     "climatique."),
)

CONSENT_VERSION = "2026-11-30"
CONSENT_TEXTS = {
    "2026-11-30": (
        "J'accepte de recevoir par courriel les lettres d'information que j'ai cochées. Mon "
        "adresse ne sert qu'à ces envois : elle n'est ni cédée ni utilisée à d'autres fins. "
        "Chaque lettre contient un lien pour me désabonner en un clic ou choisir mes lettres. "
        "La preuve de mon accord (date, page, texte accepté) est conservée tant que je suis "
        "abonné·e."),
}
"""Every version of the consent text ever shown, kept so that a confirmation records the very
text the person saw (a new wording gets a new version; never edit one in place)."""

CONFIRMATION_METHOD = "formulaire + confirmation par courriel"
PREFERENCES_METHOD = "page de préférences, par le lien personnel reçu par courriel"
CONFIRMATION_DAYS = 7
CONFIRMATION_CATEGORY = "lettre-confirmation"
RESEND_AFTER = timedelta(minutes=2)
"""A second request for the same address within this delay mails nothing (nobody can flood an
inbox from the form); the page answers the same."""
LETTER_LINK_DAYS = 400
"""A letter's links (preferences, unsubscribe) work for more than a year: an old letter still
lets its reader leave; a newer letter carries fresh links."""

SALT_CONFIRM = "quartiers.newsletters.confirmation"
SALT_PREFERENCES = "quartiers.newsletters.preferences"
SALT_UNSUBSCRIBE = "quartiers.newsletters.unsubscribe"


def load_bundled() -> str:
    """The lists and the parent page of the issues; what exists is left as staff edited it."""
    created = []
    for order, (slug, name, rhythm, description) in enumerate(BUNDLED_LISTS):
        _, made = NewsletterList.objects.get_or_create(slug=slug, defaults={
            "name": name, "rhythm": rhythm, "description": description, "order": order})
        if made:
            created.append(name)
    index_made = _issue_index()[1]
    lists = (f"listes créées : {', '.join(created)}" if created
             else "listes déjà en place")
    return (f"Lettres : {lists} ; page des numéros "
            f"{'créée' if index_made else 'déjà en place'}.")


def _issue_index() -> tuple[NewsletterIndexPage, bool]:
    from ..site.services import section_page

    return section_page(NewsletterIndexPage, title="Lettres d'information", slug="lettres",
                        what="les lettres")


def issue_index() -> Page:
    return _issue_index()[0]


# --- signed links ---------------------------------------------------------------------------

class LinkError(Exception):
    """A link that cannot be honoured: the page says why (400 forged, 410 outdated or spent)."""

    def __init__(self, status: int, title: str, message: str):
        super().__init__(message)
        self.status, self.title, self.message = status, title, message


def _read(token: str, salt: str, days: int):
    try:
        return signing.loads(token, salt=salt, max_age=timedelta(days=days))
    except signing.SignatureExpired as error:
        raise LinkError(410, "Lien expiré", f"Ce lien n'est valable que {days} jours et il a "
                        "expiré. Refaites la démarche depuis la page des lettres : un nouveau "
                        "lien vous sera envoyé.") from error
    except signing.BadSignature as error:
        raise LinkError(400, "Lien invalide", "Ce lien n'est pas valide : il a peut-être été "
                        "coupé ou modifié. Copiez-le en entier depuis le courriel reçu, ou "
                        "refaites la démarche depuis la page des lettres.") from error


def absolute(path: str) -> str:
    return settings.QUARTIERS.site_url.rstrip("/") + path


def preferences_url(person: Person) -> str:
    return absolute(reverse("newsletters:preferences",
                            args=[signing.dumps(person.pk, salt=SALT_PREFERENCES)]))


def unsubscribe_url(subscription: Subscription) -> str:
    return absolute(reverse("newsletters:unsubscribe",
                            args=[signing.dumps(subscription.pk, salt=SALT_UNSUBSCRIBE)]))


# --- subscribing ------------------------------------------------------------------------------

@dataclass(frozen=True)
class Request:
    person: Person | None  # None: a mail went to this address moments ago, nothing done
    pending: list[Subscription]
    already: list[NewsletterList]


@transaction.atomic
def request_subscription(email: str, lists: list[NewsletterList], *, source: str) -> Request:
    """Record the wish (nothing is sent to a pending subscription) and mail the confirmation
    link; lists already confirmed stay so and the message says it. The caller answers the same
    whether the address was known or not. At most one mail per address per ``RESEND_AFTER``,
    whatever its subscriptions (nobody can flood an inbox from the form). A known person is not
    touched before confirming (their activity is the confirmation); a new one is recorded, and
    erased with the request if it is never confirmed (``purge_pending``)."""
    email = email.strip().lower()
    now = timezone.now()
    if messages_to(email).filter(category=CONFIRMATION_CATEGORY,
                                 created_at__gt=now - RESEND_AFTER).exists():
        return Request(None, [], [])
    person = Person.objects.filter(email=email).order_by("pk").first() or person_for(email)
    pending, already = [], []
    for newsletter in lists:
        subscription, _ = Subscription.objects.get_or_create(person=person, newsletter=newsletter)
        if subscription.status == Status.SUBSCRIBED:
            already.append(newsletter)
            continue
        subscription.status, subscription.requested_at, subscription.changed_at = (
            Status.PENDING, now, now)
        subscription.text_version, subscription.source = CONSENT_VERSION, source
        subscription.save()
        pending.append(subscription)
    request = Request(person, pending, already)
    _send_confirmation(request, now)  # into the outbox, in this transaction
    return request


def confirmation_url(pending: list[Subscription], issued: datetime) -> str:
    token = signing.dumps({"s": [s.pk for s in pending], "t": issued.timestamp()},
                          salt=SALT_CONFIRM)
    return absolute(reverse("newsletters:confirm", args=[token]))


def _send_confirmation(request: Request, issued: datetime) -> None:
    context = {
        "pending": [s.newsletter for s in request.pending], "already": request.already,
        "confirm_url": confirmation_url(request.pending, issued),
        "preferences_url": preferences_url(request.person) if request.already else "",
        "days": CONFIRMATION_DAYS, "site_url": settings.QUARTIERS.site_url}
    subject = ("Confirmez votre abonnement aux lettres d'information" if request.pending
               else "Vos abonnements aux lettres d'information")
    EmailMultiAlternatives(subject, render_to_string("newsletters/email/confirmation.txt",
                                                     context), to=[request.person.email],
                           connection=get_connection(category=CONFIRMATION_CATEGORY)).send()


def check_confirmation_link(token: str) -> None:
    """Refuse a forged or expired link before showing the confirmation button."""
    _read(token, SALT_CONFIRM, CONFIRMATION_DAYS)


@transaction.atomic
def confirm(token: str) -> tuple[Person, list[NewsletterList]]:
    """Turn the pending subscriptions of a confirmation link into subscriptions, recording the
    consent with the text the person saw; a link used once, or replaced by a newer one, is
    spent."""
    payload = _read(token, SALT_CONFIRM, CONFIRMATION_DAYS)
    issued = datetime.fromtimestamp(payload["t"], tz=UTC)
    subscriptions = list(Subscription.objects.select_for_update().filter(pk__in=payload["s"])
                         .select_related("person", "newsletter"))
    if not subscriptions:
        raise LinkError(410, "Demande introuvable", "Cette demande d'abonnement n'existe plus : "
                        "elle a expiré ou vos données ont été effacées. Abonnez-vous à nouveau "
                        "depuis la page des lettres.")
    todo = [s for s in subscriptions if s.status == Status.PENDING
            and s.changed_at <= issued + timedelta(milliseconds=1)]
    if not todo:
        raise LinkError(410, "Lien déjà utilisé", "Ce lien de confirmation a déjà servi, ou une "
                        "demande plus récente l'a remplacé : vos abonnements sont tels que "
                        "vous les avez laissés. Pour les changer, utilisez le lien présent dans "
                        "chaque lettre, ou abonnez-vous à nouveau depuis la page des lettres.")
    now = timezone.now()
    person_for(todo[0].person.email)  # their activity: now
    for subscription in todo:
        subscription.status = Status.SUBSCRIBED
        subscription.confirmed_at = subscription.changed_at = now
        subscription.failed_at = subscription.unsubscribed_at = None
        subscription.save()
        record_consent(subscription.person, purpose=purpose(subscription.newsletter),
                       text=CONSENT_TEXTS[subscription.text_version],
                       text_version=subscription.text_version, method=CONFIRMATION_METHOD,
                       source=subscription.source)
    return todo[0].person, [s.newsletter for s in todo]


def purpose(newsletter: NewsletterList) -> str:
    return f"lettre:{newsletter.slug}"


# --- preferences and unsubscribing ---------------------------------------------------------

def person_of_preferences_link(token: str) -> Person:
    person = Person.objects.filter(pk=_read(token, SALT_PREFERENCES, LETTER_LINK_DAYS)).first()
    if person is None:
        raise LinkError(410, "Abonné·e introuvable", "Ce lien ne correspond plus à aucun "
                        "abonnement : vos données ont été effacées. Vous pouvez vous abonner à "
                        "nouveau depuis la page des lettres.")
    return person


@transaction.atomic
def set_preferences(person: Person, wanted: list[NewsletterList], *, source: str) -> None:
    """Subscribe at once to the lists newly chosen (the personal link, received by e-mail, proves
    the address), leave the others."""
    now = timezone.now()
    current = {s.newsletter_id: s for s in Subscription.objects.select_for_update()
               .filter(person=person).select_related("newsletter")}
    for newsletter in wanted:
        subscription = current.get(newsletter.pk) or Subscription(person=person,
                                                                  newsletter=newsletter)
        if subscription.status == Status.SUBSCRIBED and subscription.pk:
            continue
        subscription.status, subscription.text_version, subscription.source = (
            Status.SUBSCRIBED, CONSENT_VERSION, source)
        subscription.requested_at = subscription.confirmed_at = subscription.changed_at = now
        subscription.unsubscribed_at = subscription.failed_at = None
        subscription.save()
        record_consent(person, purpose=purpose(newsletter), text=CONSENT_TEXTS[CONSENT_VERSION],
                       text_version=CONSENT_VERSION, method=PREFERENCES_METHOD, source=source)
    kept = {n.pk for n in wanted}
    for subscription in current.values():
        if subscription.newsletter_id not in kept and subscription.status != Status.UNSUBSCRIBED:
            _leave(subscription, now)


def subscription_of_unsubscribe_link(token: str) -> Subscription:
    subscription = (Subscription.objects.select_related("person", "newsletter")
                    .filter(pk=_read(token, SALT_UNSUBSCRIBE, LETTER_LINK_DAYS)).first())
    if subscription is None:
        raise LinkError(410, "Abonnement introuvable", "Ce lien ne correspond plus à aucun "
                        "abonnement : vos données ont été effacées, vous ne recevrez plus "
                        "cette lettre.")
    return subscription


@transaction.atomic
def unsubscribe(subscription: Subscription) -> bool:
    """Leave the list at once; False when it was already left (a link used twice)."""
    subscription = Subscription.objects.select_for_update().select_related(
        "person", "newsletter").get(pk=subscription.pk)
    if subscription.status == Status.UNSUBSCRIBED:
        return False
    _leave(subscription, timezone.now())
    return True


def _leave(subscription: Subscription, now: datetime) -> None:
    subscription.status, subscription.unsubscribed_at, subscription.changed_at = (
        Status.UNSUBSCRIBED, now, now)
    subscription.save()
    _drop_queued([subscription.pk])
    withdraw_consent(subscription.person, purpose(subscription.newsletter))


def _drop_queued(subscription_ids: list[int]) -> int:
    """Delete the copies of these subscriptions still waiting in the outbox (never those being
    sent or sent): a person who left, or an address that failed, gets nothing more."""
    ids = IssueRecipient.objects.filter(subscription__in=subscription_ids,
                                        message_id__isnull=False).values("message_id")
    return OutgoingMessage.objects.filter(pk__in=ids, status__in=[
        OutgoingMessage.Status.PENDING, OutgoingMessage.Status.HELD,
        OutgoingMessage.Status.TEMPORARY_FAILURE]).delete()[0]


@transaction.atomic
def mark_failed(address: str) -> int:
    """A permanent failure of delivery to ``address``: nothing more is sent to it, on any list,
    until the person subscribes again (and so proves the address works)."""
    now = timezone.now()
    failing = list(Subscription.objects.filter(
        person__email=address.strip().lower(), status__in=[Status.SUBSCRIBED, Status.PENDING]
    ).values_list("pk", flat=True))
    _drop_queued(failing)
    return Subscription.objects.filter(pk__in=failing).update(
        status=Status.FAILED, failed_at=now, changed_at=now)


@transaction.atomic
def purge_pending() -> int:
    """Requests never confirmed once their link expired: nothing to keep, not even the person
    the request recorded when they are left with nothing else (nor their confirmation mails)."""
    limit = timezone.now() - timedelta(days=CONFIRMATION_DAYS)
    expired = Subscription.objects.filter(status=Status.PENDING, changed_at__lt=limit)
    people = list(Person.objects.filter(pk__in=expired.values("person_id")))
    count = expired.delete()[0]
    for person in people:
        if _nothing_else(person):
            messages_to(person.email).filter(category=CONFIRMATION_CATEGORY).delete()
            person.delete()
    return count


def _nothing_else(person: Person) -> bool:
    """Whether ``person`` holds nothing but what a never-confirmed request made: no names, no
    organisation, no consent, membership, history, nor anything in another app (the outbox
    aside: its messages to them are the confirmations)."""
    from ..contacts.privacy import _history, holders

    if (person.first_name or person.last_name or person.function or person.organisation_id
            or person.consents.exists() or person.memberships.exists()
            or _history(person).exists()):
        return False
    return not any(any(holder.module.export_person(person).values())
                   for holder in holders() if holder.label != "mail")
