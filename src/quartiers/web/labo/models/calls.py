"""A call for applications of the *Labo Quartiers en Transition*: edited by staff in the back
office (a snippet with its criteria and documents inline), shown at /labo/<slug>/.

A snippet rather than a page: the call's public pages, its application form and the staff's
review all live under /labo/, served by this app's views, and a call needs no place in the
site's tree (``quartiers init`` creates none: staff create each real call)."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Orderable

from ...core.content import RICH_TEXT_FEATURES

PARIS = ZoneInfo("Europe/Paris")
RESERVED_SLUGS = ("equipe", "candidature")
"""Addresses of the Labo's own pages under /labo/."""


def paris(moment: datetime) -> str:
    """« 30/06/2026 à 12:00 » in Paris time, as the call's pages and messages say it."""
    return f"{timezone.localtime(moment, PARIS):%d/%m/%Y à %H:%M}"


class Call(ClusterableModel):
    class Status(models.TextChoices):
        DRAFT = "brouillon", "En préparation (non publié)"
        PUBLISHED = "publie", "Publié"

    class Phase(models.TextChoices):
        UPCOMING = "a-venir", "À venir"
        OPEN = "ouvert", "Candidatures ouvertes"
        CLOSED = "clos", "Clos"

    title = models.CharField("titre", max_length=200)
    slug = models.SlugField("identifiant dans l'adresse", max_length=80, unique=True,
                            help_text="/labo/<identifiant>/ ; par exemple « sante-"
                                      "environnementale-2026 ».")
    summary = models.TextField("résumé", max_length=600,
                               help_text="Quelques phrases, reprises dans la liste des appels.")
    presentation = RichTextField("présentation", features=RICH_TEXT_FEATURES)
    opens_at = models.DateTimeField("ouverture des candidatures",
                                    help_text="Heure de Paris.")
    deadline = models.DateTimeField(
        "date limite de dépôt", help_text="Heure de Paris. Au-delà, l'heure du serveur fait "
                                          "foi : plus aucune candidature n'est déposée.")
    places = models.PositiveSmallIntegerField(
        "territoires accompagnés", default=2,
        validators=[MinValueValidator(2), MaxValueValidator(4)],
        help_text="De 2 à 4 territoires, comme le prévoit le Labo.")
    status = models.CharField("statut", max_length=12, choices=Status.choices,
                              default=Status.DRAFT)
    created_at = models.DateTimeField("créé le", default=timezone.now, editable=False)

    panels = [
        FieldPanel("title"), FieldPanel("slug"), FieldPanel("summary"),
        FieldPanel("presentation"),
        MultiFieldPanel([FieldRowPanel([FieldPanel("opens_at"), FieldPanel("deadline")]),
                         FieldPanel("places"), FieldPanel("status")],
                        heading="Calendrier et statut"),
        InlinePanel("criteria", heading="Critères (grille d'évaluation)", label="critère",
                    min_num=1),
        InlinePanel("documents", heading="Documents de l'appel", label="document"),
    ]

    class Meta:
        ordering = ["-deadline"]
        verbose_name = "appel à candidatures du Labo"
        verbose_name_plural = "appels à candidatures du Labo"

    def __str__(self) -> str:
        return self.title

    def clean(self):
        super().clean()
        if self.slug in RESERVED_SLUGS:
            raise ValidationError({"slug": f"« {self.slug} » est réservé aux pages du Labo : "
                                           "choisissez un autre identifiant."})
        if self.opens_at and self.deadline and self.deadline <= self.opens_at:
            raise ValidationError({"deadline": "La date limite précède l'ouverture des "
                                               "candidatures."})

    def get_absolute_url(self) -> str:
        return reverse("labo:call", args=[self.slug])

    def phase(self, now: datetime | None = None) -> str:
        now = now or timezone.now()
        if now < self.opens_at:
            return self.Phase.UPCOMING
        return self.Phase.OPEN if now < self.deadline else self.Phase.CLOSED

    def phase_label(self) -> str:
        return self.Phase(self.phase()).label

    def closed_reason(self, now: datetime | None = None) -> str | None:
        """Why no application can be submitted now (French), None while the call is open."""
        phase = self.phase(now)
        if self.status != self.Status.PUBLISHED:
            return "Cet appel n'est pas publié : il ne reçoit pas de candidatures."
        if phase == self.Phase.UPCOMING:
            return f"Les candidatures ouvrent le {paris(self.opens_at)} (heure de Paris)."
        if phase == self.Phase.CLOSED:
            return (f"La date limite de dépôt était le {paris(self.deadline)} (heure de "
                    "Paris) : l'appel est clos et ne reçoit plus de candidatures, brouillons "
                    "compris.")
        return None

    @property
    def deadline_label(self) -> str:
        return paris(self.deadline)

    @property
    def opens_label(self) -> str:
        return paris(self.opens_at)

    @property
    def total_weight(self) -> int:
        return sum(criterion.weight for criterion in self.criteria.all())


class Criterion(Orderable):
    """One criterion of the call: a question the applicants answer, and its weight in the
    staff's scoring grid (each reviewer scores it 0 to 4)."""

    call = ParentalKey(Call, on_delete=models.CASCADE, related_name="criteria")
    title = models.CharField("critère", max_length=200)
    question = models.TextField("question posée aux candidats",
                                help_text="Ce que la réponse doit dire.")
    weight = models.PositiveSmallIntegerField(
        "poids", default=1, validators=[MinValueValidator(1), MaxValueValidator(10)],
        help_text="De 1 à 10 : la note (0 à 4) est multipliée par ce poids.")

    panels = [FieldPanel("title"), FieldPanel("question"), FieldPanel("weight")]

    class Meta(Orderable.Meta):
        verbose_name = "critère"
        verbose_name_plural = "critères"

    def __str__(self) -> str:
        return self.title


class CallDocument(Orderable):
    """A document of the call (règlement, dossier…), from the site's documents: checked at
    upload like every document (library.contents)."""

    call = ParentalKey(Call, on_delete=models.CASCADE, related_name="documents")
    document = models.ForeignKey(settings.WAGTAILDOCS_DOCUMENT_MODEL, on_delete=models.CASCADE,
                                 related_name="+", verbose_name="document")

    panels = [FieldPanel("document")]

    class Meta(Orderable.Meta):
        verbose_name = "document de l'appel"
        verbose_name_plural = "documents de l'appel"
