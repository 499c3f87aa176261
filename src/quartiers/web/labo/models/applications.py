"""A territory's application to a call, its answers and attachments, and the staff's scores.

The territory is an EPCI or a commune, a (level, code) pair checked against the warehouse's
referential when entered (not a foreign key: the warehouse is not in this database); its name is
kept as the referential gave it. The contact is a person of the contacts app (their consent is
recorded there); an erased person leaves the submitted application, without its contact.
Attachments are kept in the database: they are read by the staff and the applicant only, never
served as public files.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone

from ...core.territories import level_choices
from .calls import Call, Criterion

LEVELS = ("epci", "commune")
MAX_SCORE = 4


class Application(models.Model):
    class Status(models.TextChoices):
        DRAFT = "brouillon", "Brouillon"
        SUBMITTED = "deposee", "Déposée"
        SELECTED = "retenue", "Retenue"
        NOT_SELECTED = "non-retenue", "Non retenue"

    DEPOSITED = (Status.SUBMITTED, Status.SELECTED, Status.NOT_SELECTED)
    """Statuses of an application that was submitted (one per call and territory)."""

    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="applications",
                             verbose_name="appel")
    person = models.ForeignKey("contacts.Person", null=True, blank=True,
                               on_delete=models.SET_NULL, related_name="labo_applications",
                               verbose_name="contact",
                               help_text="Vide après l'effacement de la personne (RGPD).")
    contact_name = models.CharField("nom du contact", max_length=200, blank=True)
    contact_role = models.CharField("fonction du contact", max_length=200, blank=True)
    level = models.CharField("niveau du territoire", max_length=10, blank=True,
                             choices=level_choices(LEVELS))
    code = models.CharField("code du territoire", max_length=20, blank=True)
    territory_name = models.CharField("territoire", max_length=200, blank=True)
    structure = models.CharField("structure", max_length=200, blank=True)
    motivation = models.TextField("motivation", blank=True)
    status = models.CharField("statut", max_length=12, choices=Status.choices,
                              default=Status.DRAFT)
    decision_reason = models.TextField("motif de la décision", blank=True)
    decided_at = models.DateTimeField("décidée le", null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+",
                                   verbose_name="décidée par")
    created_at = models.DateTimeField("commencée le", default=timezone.now)
    updated_at = models.DateTimeField("modifiée le", default=timezone.now)
    submitted_at = models.DateTimeField("déposée le", null=True, blank=True)

    class Meta:
        ordering = ["call", "submitted_at", "created_at", "pk"]
        verbose_name = "candidature au Labo"
        verbose_name_plural = "candidatures au Labo"
        constraints = [models.UniqueConstraint(
            fields=["call", "level", "code"], condition=Q(status__in=["deposee", "retenue",
                                                                      "non-retenue"]),
            name="labo_one_submitted_application_per_territory")]

    def __str__(self) -> str:
        return f"Candidature n° {self.pk} : {self.territory_label or 'territoire à préciser'}"

    @property
    def territory_label(self) -> str:
        if not self.code:
            return ""
        kind = "EPCI" if self.level == "epci" else self.get_level_display().lower()
        return f"{self.territory_name} ({kind} {self.code})"

    @property
    def email(self) -> str:
        return self.person.email if self.person else ""

    @property
    def is_draft(self) -> bool:
        return self.status == self.Status.DRAFT

    @property
    def slug(self) -> str:
        """The roadmap's address part: « epci-244400404 »."""
        return f"{self.level}-{self.code}"


class Answer(models.Model):
    application = models.ForeignKey(Application, on_delete=models.CASCADE,
                                    related_name="answers")
    criterion = models.ForeignKey(Criterion, on_delete=models.CASCADE, related_name="answers")
    text = models.TextField("réponse", blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["application", "criterion"],
                                               name="labo_one_answer_per_criterion")]


class Attachment(models.Model):
    application = models.ForeignKey(Application, on_delete=models.CASCADE,
                                    related_name="attachments")
    name = models.CharField("nom du fichier", max_length=200)
    size = models.PositiveIntegerField("taille (octets)")
    content = models.BinaryField("contenu")
    uploaded_at = models.DateTimeField("déposée le", default=timezone.now)

    class Meta:
        ordering = ["uploaded_at", "pk"]
        verbose_name = "pièce jointe"
        verbose_name_plural = "pièces jointes"

    def __str__(self) -> str:
        return self.name


class Review(models.Model):
    """One staff member's scoring of one application: a score per criterion."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE,
                                    related_name="reviews")
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                                 related_name="labo_reviews", verbose_name="évaluateur·rice")
    updated_at = models.DateTimeField("notée le", default=timezone.now)

    class Meta:
        ordering = ["updated_at", "pk"]
        constraints = [models.UniqueConstraint(fields=["application", "reviewer"],
                                               name="labo_one_review_per_reviewer")]

    @property
    def weighted_total(self) -> int:
        """Σ score × weight over the criteria scored."""
        return sum(score.score * score.criterion.weight for score in self.scores.all())


class Score(models.Model):
    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="scores")
    criterion = models.ForeignKey(Criterion, on_delete=models.CASCADE, related_name="scores")
    score = models.PositiveSmallIntegerField("note", validators=[MaxValueValidator(MAX_SCORE)])
    comment = models.TextField("commentaire", blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["review", "criterion"],
                                    name="labo_one_score_per_criterion"),
            models.CheckConstraint(condition=Q(score__lte=MAX_SCORE), name="labo_score_0_to_4")]
