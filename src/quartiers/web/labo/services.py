"""The Labo's workflows: a draft saved and resumed by a signed link, an application submitted
(before the deadline, once per territory), the staff's scores and decisions, each e-mail going
through the outbox in the same transaction (a change rolled back sends nothing)."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core import signing
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from ..contacts.services import person_for, record_consent
from . import notifications
from .models import Answer, Application, Attachment, Call, Criterion, Review, Score

Status = Application.Status
CONSENT_PURPOSE = "Candidature au Labo Quartiers en Transition"
CONSENT_TEXT = (
    "J'accepte que le centre de ressources conserve les informations de cette candidature "
    "(mon nom, mon adresse électronique, ma fonction, les réponses et les pièces jointes) "
    "pour l'instruire et, si le territoire est retenu, pour l'accompagner. Un brouillon jamais "
    "déposé est effacé six mois après la date limite de l'appel ; pour une candidature "
    "déposée, mes coordonnées sont effacées trois ans après cette date limite. Je peux en "
    "demander l'export ou l'effacement à tout moment.")
CONSENT_VERSION = "2026-labo-1"
LINK_SALT = "labo.application"


class Refused(Exception):
    """A request that cannot be honoured; the message is French, for the page."""

    def __init__(self, message: str, status: int = 400):
        super().__init__(message)
        self.status = status


@dataclass
class Draft:
    """What the form gives, as entered (blank when not given yet)."""

    contact_name: str
    email: str
    contact_role: str = ""
    level: str = ""
    code: str = ""
    territory_name: str = ""
    structure: str = ""
    motivation: str = ""
    answers: dict[int, str] = field(default_factory=dict)  # criterion pk -> text
    files: list[tuple[str, bytes]] = field(default_factory=list)  # (name, content)
    removed: list[int] = field(default_factory=list)  # attachment pks


# -- signed links (no account) ---------------------------------------------------------------
def token(application: Application) -> str:
    return signing.dumps(application.pk, salt=LINK_SALT)


def resume_url(application: Application) -> str:
    return reverse("labo:application", args=[token(application)])


def application_from(value: str) -> Application:
    try:
        pk = signing.loads(value, salt=LINK_SALT)
    except signing.BadSignature:
        raise Refused("Ce lien n'est pas valable : il a été modifié ou mal copié. Utilisez le "
                      "lien reçu par courriel, en entier.") from None
    application = (Application.objects.select_related("call", "person")
                   .filter(pk=pk, person__isnull=False).first())
    if application is None:
        raise Refused("Cette candidature n'existe plus (effacée à la demande de son contact "
                      "ou au terme de sa durée de conservation).", status=410)
    return application


# -- applicants ------------------------------------------------------------------------------
def save_draft(call: Call, application: Application | None, draft: Draft, *,
               source: str) -> Application:
    """Create or update a draft; the first save (or a new address) e-mails its link."""
    closed = call.closed_reason()
    if closed:
        raise Refused(closed)
    with transaction.atomic():
        if application is not None:
            application = Application.objects.select_for_update().get(pk=application.pk)
            if not application.is_draft:
                raise Refused("Cette candidature est déjà déposée : elle ne se modifie plus.")
        person = person_for(draft.email, *_split(draft.contact_name))
        new_address = application is None or application.person_id != person.pk
        if new_address:
            record_consent(person, purpose=CONSENT_PURPOSE, text=CONSENT_TEXT,
                           text_version=CONSENT_VERSION, method="formulaire de candidature",
                           source=source)
        application = application or Application(call=call)
        application.person = person
        for name in ("contact_name", "contact_role", "level", "code", "territory_name",
                     "structure", "motivation"):
            setattr(application, name, getattr(draft, name).strip())
        application.updated_at = timezone.now()
        application.save()
        for criterion in call.criteria.all():
            Answer.objects.update_or_create(
                application=application, criterion=criterion,
                defaults={"text": draft.answers.get(criterion.pk, "").strip()})
        application.attachments.filter(pk__in=draft.removed).delete()
        Attachment.objects.bulk_create(
            Attachment(application=application, name=name, size=len(content), content=content)
            for name, content in draft.files)
        if new_address:
            notifications.draft_saved(application)
    return application


def submit(application: Application) -> Application:
    """Submit a complete draft (the form checked it): refused after the deadline, and when
    the same territory has already submitted to this call."""
    with transaction.atomic():
        call = Call.objects.select_for_update().get(pk=application.call_id)
        closed = call.closed_reason()
        if closed:
            raise Refused(closed)
        application = Application.objects.select_for_update().get(pk=application.pk)
        if not application.is_draft:
            raise Refused("Cette candidature est déjà déposée.")
        if duplicate_of(application):
            raise Refused(duplicate_message(application))
        application.status = Status.SUBMITTED
        application.submitted_at = application.updated_at = timezone.now()
        try:
            with transaction.atomic():
                application.save(update_fields=["status", "submitted_at", "updated_at"])
        except IntegrityError:  # submitted at the same instant by another draft
            raise Refused(duplicate_message(application)) from None
        notifications.submitted(application)
    return application


def duplicate_of(application: Application) -> Application | None:
    return (Application.objects.filter(call_id=application.call_id, level=application.level,
                                       code=application.code, status__in=Application.DEPOSITED)
            .exclude(pk=application.pk).first())


def duplicate_message(application: Application) -> str:
    return (f"Une candidature pour {application.territory_label} a déjà été déposée à cet "
            "appel : un territoire ne dépose qu'une candidature. Rapprochez-vous de la "
            "personne qui l'a déposée, ou écrivez au centre de ressources.")


def _split(name: str) -> tuple[str, str]:
    first, _, last = name.strip().partition(" ")
    return first, last


# -- staff -----------------------------------------------------------------------------------
@transaction.atomic
def record_review(application: Application, reviewer, scores: dict[int, tuple[int, str]]
                  ) -> Review:
    """The reviewer's scores (criterion pk -> (0–4, comment)), replacing their previous ones."""
    if application.is_draft:
        raise Refused("Un brouillon ne se note pas : attendez son dépôt.")
    review, _ = Review.objects.update_or_create(application=application, reviewer=reviewer,
                                                defaults={"updated_at": timezone.now()})
    for criterion in Criterion.objects.filter(call_id=application.call_id):
        score, comment = scores[criterion.pk]
        Score.objects.update_or_create(review=review, criterion=criterion,
                                       defaults={"score": score, "comment": comment.strip()})
    return review


@transaction.atomic
def decide(application: Application, *, selected: bool, reason: str, by) -> Application:
    """Selected or not, with the reason; the applicant is told by e-mail. No more territories
    are selected than the call accompanies."""
    call = Call.objects.select_for_update().get(pk=application.call_id)
    application = Application.objects.select_for_update().get(pk=application.pk)
    if application.is_draft:
        raise Refused("Un brouillon n'a pas été déposé : il n'y a rien à décider.")
    status = Status.SELECTED if selected else Status.NOT_SELECTED
    if selected and application.status != Status.SELECTED:
        taken = call.applications.filter(status=Status.SELECTED).count()
        if taken >= call.places:
            raise Refused(f"L'appel accompagne {call.places} territoires, et {taken} sont déjà "
                          "retenus : retirez d'abord une autre décision.")
    if not selected and not reason.strip():
        raise Refused("Motif de la décision : dites au territoire pourquoi sa candidature "
                      "n'est pas retenue.")
    changed = status != application.status
    application.status = status
    application.decision_reason = reason.strip()
    application.decided_at = timezone.now()
    application.decided_by = by
    application.save(update_fields=["status", "decision_reason", "decided_at", "decided_by"])
    if changed and application.person_id:
        notifications.decided(application)
    return application


@dataclass(frozen=True)
class GridRow:
    application: Application
    reviews: list[Review]

    @property
    def average(self) -> float | None:
        """The weighted totals averaged over the reviewers, None before the first."""
        if not self.reviews:
            return None
        return sum(review.weighted_total for review in self.reviews) / len(self.reviews)


def grid(call: Call) -> list[GridRow]:
    """The call's applications (drafts last) with their reviews, best average first."""
    applications = (call.applications.select_related("person")
                    .prefetch_related("reviews__scores__criterion", "reviews__reviewer"))
    rows = [GridRow(application, list(application.reviews.all())) for application in applications]
    return sorted(rows, key=lambda row: (row.application.is_draft, row.average is None,
                                         -(row.average or 0), row.application.pk))
