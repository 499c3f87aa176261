"""The roadmap of a selected territory: its steps, and the indicators it follows.

An indicator is bound to a component of the heat analysis (read for each of the territory's
QPV), to an indicator of the catalogue (read for the territory's QPV taken together), or is a
local indicator whose values staff enter: values read from the warehouse are never copied
here, so that the page always shows the served build's."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator
from django.db import models

from quartiers.engine.analyses.heat import ANALYSIS as HEAT
from quartiers.engine.indicators.catalogue import INDICATORS, INDICATORS_BY_CODE

from .applications import Application


class Step(models.Model):
    class Status(models.TextChoices):
        UPCOMING = "a-venir", "À venir"
        ONGOING = "en-cours", "En cours"
        DONE = "fait", "Fait"

    application = models.ForeignKey(Application, on_delete=models.CASCADE,
                                    related_name="steps")
    position = models.PositiveSmallIntegerField("ordre", default=0)
    title = models.CharField("étape", max_length=200)
    description = models.TextField("description", blank=True)
    starts_on = models.DateField("début", null=True, blank=True)
    ends_on = models.DateField("fin", null=True, blank=True)
    status = models.CharField("état", max_length=10, choices=Status.choices,
                              default=Status.UPCOMING)
    progress = models.PositiveSmallIntegerField("avancement (%)", default=0,
                                                validators=[MaxValueValidator(100)])

    class Meta:
        ordering = ["position", "starts_on", "pk"]
        verbose_name = "étape"
        verbose_name_plural = "étapes"

    def __str__(self) -> str:
        return self.title

    def clean(self):
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            raise ValidationError({"ends_on": "La fin précède le début."})
        if self.status == self.Status.DONE and self.progress not in (None, 100):
            raise ValidationError({"progress": "Une étape faite est avancée à 100 %."})


HEAT_CHOICES = [(f"chaleur:{c.code}", f"Chaleur : {c.label}") for c in HEAT.components]
CATALOGUE_CHOICES = [(f"catalogue:{i.code}", f"{i.label} ({i.code})") for i in INDICATORS]


class Indicator(models.Model):
    class Kind(models.TextChoices):
        HEAT = "chaleur", "Vulnérabilité aux fortes chaleurs (analyse)"
        CATALOGUE = "catalogue", "Indicateur du catalogue"
        LOCAL = "local", "Indicateur local (valeurs saisies par l'équipe)"

    application = models.ForeignKey(Application, on_delete=models.CASCADE,
                                    related_name="indicators")
    position = models.PositiveSmallIntegerField("ordre", default=0)
    kind = models.CharField("type", max_length=10, choices=Kind.choices)
    reference = models.CharField(
        "composante ou indicateur", max_length=80, blank=True,
        choices=[("Analyse « chaleur »", HEAT_CHOICES), ("Catalogue", CATALOGUE_CHOICES)],
        help_text="Pour un indicateur de l'analyse ou du catalogue.")
    label = models.CharField("libellé", max_length=200, blank=True,
                             help_text="Pour un indicateur local.")
    unit = models.CharField("unité", max_length=40, blank=True,
                            help_text="Pour un indicateur local (« % », « arbres »…).")
    target = models.CharField("cible", max_length=200, blank=True)

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = "indicateur de la feuille de route"
        verbose_name_plural = "indicateurs de la feuille de route"

    def __str__(self) -> str:
        return self.title

    def clean(self):
        if self.kind == self.Kind.LOCAL:
            if not self.label.strip():
                raise ValidationError({"label": "Un indicateur local a besoin d'un libellé."})
            self.reference = ""
        elif not self.reference.startswith(f"{self.kind}:"):
            raise ValidationError({"reference": "Choisissez une composante de l'analyse "
                                                "« chaleur » ou un indicateur du catalogue, "
                                                "selon le type."})

    @property
    def code(self) -> str:
        return self.reference.split(":", 1)[1] if ":" in self.reference else ""

    @property
    def title(self) -> str:
        if self.kind == self.Kind.HEAT:
            return HEAT.component(self.code).label
        if self.kind == self.Kind.CATALOGUE:
            return INDICATORS_BY_CODE[self.code].label
        return self.label


class LocalValue(models.Model):
    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="values",
                                  limit_choices_to={"kind": Indicator.Kind.LOCAL},
                                  verbose_name="indicateur local")
    measured_on = models.DateField("date")
    value = models.DecimalField("valeur", max_digits=14, decimal_places=3)
    source = models.CharField("source", max_length=300)

    class Meta:
        ordering = ["measured_on", "pk"]
        verbose_name = "valeur d'un indicateur local"
        verbose_name_plural = "valeurs des indicateurs locaux"
