"""The centre's yearly action programme: programme → pôle → axis → action, and the taxonomy
(themes, publics, formats) it shares with the resource library.

Themes and publics are the ones declared in taxonomy.py, created by ``quartiers init`` and then
edited by staff; the library points to them. Territories are (level, code) pairs checked against
the warehouse's referential, not foreign keys (the warehouse is not in this database).
"""

from __future__ import annotations

from datetime import date

from django.contrib.contenttypes.fields import GenericRelation
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Prefetch
from django.urls import reverse
from django.utils.formats import date_format
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from modelcluster.models import ClusterableModel
from wagtail.models import RevisionMixin

from ..core.territories import TerritoryReference
from .taxonomy import FORMATS, OTHER_FORMAT, Term

Format = models.TextChoices(
    "Format", [(slug.upper(), (slug, label))
               for slug, label in [*((f.slug, f.name) for f in FORMATS), OTHER_FORMAT]])
"""What kind of action: rencontre, journée, webinaire… (the library may reuse it)."""

KEYWORDS_HELP = ("Un mot ou une expression par ligne, écrits comme dans les textes (accents et "
                 "majuscules indifférents) ; « * » à la fin d'un mot accepte les mots plus longs "
                 "(« éducati* » : éducation, éducative).")


class Vocabulary(models.Model):
    """A named entry of the taxonomy, recognised in texts by its keywords."""

    name = models.CharField("nom", max_length=150)
    slug = models.SlugField("identifiant", max_length=80, unique=True)
    keywords = models.TextField("mots-clés", blank=True, help_text=KEYWORDS_HELP)

    class Meta:
        abstract = True
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def as_term(self) -> Term:
        return Term(self.slug, self.name, tuple(k.strip() for k in self.keywords.splitlines()
                                                if k.strip()))


class Theme(Vocabulary):
    """One taxonomy for the programme and the resource library."""

    description = models.TextField("description", blank=True)

    class Meta(Vocabulary.Meta):
        verbose_name = "thème"
        verbose_name_plural = "thèmes"


class Public(Vocabulary):
    class Meta(Vocabulary.Meta):
        verbose_name = "public"
        verbose_name_plural = "publics"


class Programme(models.Model):
    year = models.PositiveSmallIntegerField(
        "année", unique=True, validators=[MinValueValidator(2000), MaxValueValidator(2100)])
    title = models.CharField("titre", max_length=200)
    intro = models.TextField("édito et introduction", blank=True)
    source_name = models.CharField("document source", max_length=200, blank=True,
                                   help_text="Fichier dont le programme a été importé.")
    source_sha256 = models.CharField("empreinte SHA-256 du document source", max_length=64,
                                     blank=True)
    imported_at = models.DateTimeField("importé le", null=True, blank=True)

    class Meta:
        ordering = ["-year"]
        verbose_name = "programme d'actions"
        verbose_name_plural = "programmes d'actions"

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("programme:year", args=[self.year])

    def tree(self, actions: models.QuerySet | None = None) -> models.QuerySet:
        """Its pôles with their axes, each axis carrying ``shown``: its actions in order (all,
        or those of ``actions``), with their publics and themes — the same few queries for the
        page, the PDF and the comparison."""
        actions = (Action.objects.all() if actions is None else actions)
        return self.poles.prefetch_related(Prefetch(
            "axes__actions", queryset=actions.prefetch_related("publics", "themes"),
            to_attr="shown"))


class Pole(models.Model):
    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="poles",
                                  verbose_name="programme")
    name = models.CharField("nom", max_length=200)
    order = models.PositiveIntegerField("ordre", default=0)
    intro = models.TextField("présentation", blank=True)

    class Meta:
        ordering = ["programme", "order", "id"]
        verbose_name = "pôle"
        verbose_name_plural = "pôles"

    def __str__(self) -> str:
        return f"{self.name} ({self.programme.year})"


class Axis(models.Model):
    pole = models.ForeignKey(Pole, on_delete=models.CASCADE, related_name="axes",
                             verbose_name="pôle")
    name = models.CharField("nom", max_length=255)
    order = models.PositiveIntegerField("ordre", default=0)
    intro = models.TextField("présentation", blank=True)
    publics_text = models.TextField("publics (texte du programme)", blank=True)
    subjects = models.TextField("sujets", blank=True)
    modalities = models.TextField(
        "autres modalités", blank=True,
        help_text="Ce que les modalités disent sans être une action (les actions sont à part).")

    class Meta:
        ordering = ["pole", "order", "id"]
        verbose_name = "axe"
        verbose_name_plural = "axes"

    def __str__(self) -> str:
        return f"{self.name} ({self.pole.programme.year})"


class DatePrecision(models.TextChoices):
    DAY = "jour", "Jour"
    MONTH = "mois", "Mois"


class Action(RevisionMixin, ClusterableModel):
    axis = models.ForeignKey(Axis, on_delete=models.CASCADE, related_name="actions",
                             verbose_name="axe")
    title = models.CharField("titre", max_length=255)
    heading = models.CharField(
        "intertitre", max_length=300, blank=True,
        help_text="Ligne du programme sous laquelle l'action figure (« Une offre de services »).")
    description = models.TextField("description", blank=True)
    format = models.CharField("format", max_length=20, choices=Format.choices,
                              default=Format.AUTRE)
    date_start = models.DateField("date (début)", null=True, blank=True)
    date_end = models.DateField("date de fin", null=True, blank=True)
    date_precision = models.CharField(
        "précision de la date", max_length=4, choices=DatePrecision.choices, blank=True,
        help_text="« Mois » quand le programme ne donne que le mois (« mai 2024 »).")
    place = models.CharField("lieu", max_length=200, blank=True)
    partners = models.TextField("partenaires", blank=True)
    publics = ParentalManyToManyField(Public, blank=True, related_name="actions",
                                      verbose_name="publics")
    themes = ParentalManyToManyField(Theme, blank=True, related_name="actions",
                                     verbose_name="thèmes")
    order = models.PositiveIntegerField("ordre", default=0)
    source_line = models.PositiveIntegerField("ligne du document source", null=True, blank=True,
                                              editable=False)
    _revisions = GenericRelation("wagtailcore.Revision", related_query_name="programme_action")

    class Meta:
        ordering = ["axis", "order", "id"]
        verbose_name = "action"
        verbose_name_plural = "actions"

    def __str__(self) -> str:
        return self.title

    @property
    def revisions(self):
        return self._revisions

    @property
    def programme(self) -> Programme:
        return self.axis.pole.programme

    def get_absolute_url(self) -> str:
        return reverse("programme:action", args=[self.programme.year, self.pk])

    def clean(self):
        if self.date_start and not self.date_precision:
            self.date_precision = DatePrecision.DAY
        if self.date_precision and not self.date_start:
            raise ValidationError({"date_precision": "Une précision sans date : indiquez la date "
                                                     "ou videz la précision."})
        if self.date_end and not self.date_start:
            raise ValidationError({"date_end": "Une date de fin demande une date de début."})
        if self.date_end and self.date_end < self.date_start:
            raise ValidationError({"date_end": "La date de fin précède la date de début."})

    @property
    def dates(self) -> str:
        """« 13 juin 2024 », « 1er mai 2024 », « mai 2024 », « du … au … », or ""."""
        if not self.date_start:
            return ""
        start = self._day(self.date_start)
        if not self.date_end or self.date_end == self.date_start:
            return start
        return f"du {start} au {self._day(self.date_end)}"

    def _day(self, day: date) -> str:
        month = date_format(day, "F Y")
        if self.date_precision == DatePrecision.MONTH:
            return month
        return f"{'1er' if day.day == 1 else day.day} {month}"


class ActionTerritory(TerritoryReference):
    """A territory the action concerns, checked against the referential."""

    action = ParentalKey(Action, on_delete=models.CASCADE, related_name="territories",
                         verbose_name="action")

    class Meta:
        ordering = ["level", "code"]
        verbose_name = "territoire de l'action"
        verbose_name_plural = "territoires de l'action"
