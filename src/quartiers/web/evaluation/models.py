"""A contrat de ville's evaluation framework: objectives (in the three parts of the ONPV / CGET
guide) → evaluation questions → indicators, each bound to the catalogue, to an analysis, or
entered locally by the contract's team; its narrative sections for the mid-term report; and
the log of every change made to it.

Contracts live in the warehouse, not in this database: a framework names its contract by its
official code (``CN03501I``), checked against the warehouse when it is created.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from ..contracts.priorities import PRIORITIES


class Part(models.TextChoices):
    """The three parts of the evaluation guide of contrats de ville (CGET / ONPV)."""

    CONTEXT = "contexte", "Évolution du contexte"
    ACTIONS = "actions", "Suivi et effets des actions"
    MAINSTREAM = "droit_commun", "Valeur ajoutée du contrat : mobilisation du droit commun"


PRIORITY_CHOICES = [(slug, name) for slug, name, _description, _keywords in PRIORITIES]
"""The ten national priorities of « Quartiers 2030 », as the contracts' documents are read
against them (one list for the tagging, the objectives and the synthesis)."""


class Framework(models.Model):
    class Status(models.TextChoices):
        DRAFT = "brouillon", "En construction"
        ADOPTED = "adopte", "Adopté"

    contract_code = models.CharField("code du contrat", max_length=12, unique=True)
    title = models.CharField("titre", max_length=200)
    status = models.CharField("statut", max_length=12, choices=Status, default=Status.DRAFT)
    from_template = models.BooleanField("créé à partir du modèle", default=False)
    created_at = models.DateTimeField("créé le", auto_now_add=True)
    updated_at = models.DateTimeField("modifié le", auto_now=True)

    class Meta:
        verbose_name = "cadre d'évaluation"
        verbose_name_plural = "cadres d'évaluation"
        ordering = ["contract_code"]

    def __str__(self) -> str:
        return f"{self.title} ({self.contract_code})"


class Objective(models.Model):
    framework = models.ForeignKey(Framework, on_delete=models.CASCADE, related_name="objectives")
    part = models.CharField("partie du guide", max_length=16, choices=Part)
    title = models.CharField("intitulé", max_length=300)
    priority = models.CharField("priorité nationale Quartiers 2030", max_length=40,
                                choices=PRIORITY_CHOICES, blank=True)
    order = models.PositiveSmallIntegerField("ordre", default=0)

    class Meta:
        verbose_name = "objectif"
        ordering = ["order", "pk"]

    def __str__(self) -> str:
        return self.title


class EvaluationQuestion(models.Model):
    objective = models.ForeignKey(Objective, on_delete=models.CASCADE, related_name="questions")
    text = models.CharField("question évaluative", max_length=500)
    order = models.PositiveSmallIntegerField("ordre", default=0)

    class Meta:
        verbose_name = "question évaluative"
        verbose_name_plural = "questions évaluatives"
        ordering = ["order", "pk"]

    def __str__(self) -> str:
        return self.text


class FrameworkIndicator(models.Model):
    """An indicator answering a question. Bound to the catalogue or to an analysis, its
    reference value (« baseline ») is read from the warehouse once, when it is bound, and kept
    with its vintage: a later build that changes vintages is detected and said."""

    class Kind(models.TextChoices):
        CATALOGUE = "catalogue", "Indicateur du catalogue de l'observatoire"
        ANALYSIS = "analyse", "Composante d'une analyse"
        LOCAL = "local", "Indicateur local (saisi par l'équipe du contrat)"

    class Direction(models.TextChoices):
        UP = "hausse", "à la hausse"
        DOWN = "baisse", "à la baisse"
        STEADY = "maintien", "maintien"

    question = models.ForeignKey(EvaluationQuestion, on_delete=models.CASCADE,
                                 related_name="indicators")
    kind = models.CharField("nature", max_length=10, choices=Kind)
    indicator_code = models.CharField("indicateur du catalogue", max_length=64, blank=True)
    analysis = models.CharField("analyse", max_length=32, blank=True)
    component = models.CharField("composante", max_length=64, blank=True)
    label = models.CharField("libellé", max_length=300, blank=True)
    unit = models.CharField("unité", max_length=40, blank=True)
    # what the warehouse gave when the indicator was bound (empty for a local indicator)
    baseline_level = models.CharField("niveau de la valeur de référence", max_length=32,
                                      blank=True)
    baseline_vintage = models.CharField("millésime de référence", max_length=120, blank=True)
    baseline_year = models.PositiveSmallIntegerField("année de référence", null=True, blank=True)
    baseline_value = models.FloatField("valeur de référence", null=True, blank=True)
    baseline_source = models.CharField("source de la valeur de référence", max_length=64,
                                       blank=True)
    baseline_values = models.JSONField("valeurs de référence par QPV", default=dict, blank=True)
    baseline_recorded_at = models.DateTimeField("référence enregistrée le", null=True, blank=True)
    target_value = models.FloatField("valeur cible", null=True, blank=True)
    target_year = models.PositiveSmallIntegerField("année cible", null=True, blank=True)
    direction = models.CharField("évolution recherchée", max_length=10, choices=Direction,
                                 blank=True)
    order = models.PositiveSmallIntegerField("ordre", default=0)

    class Meta:
        verbose_name = "indicateur du cadre"
        verbose_name_plural = "indicateurs du cadre"
        ordering = ["order", "pk"]

    def __str__(self) -> str:
        return self.display_label

    @property
    def display_label(self) -> str:
        """The catalogue's or the analysis's own words, else the team's label."""
        from .live import indicator_label  # reads the engine's declarations

        return indicator_label(self)


class LocalValue(models.Model):
    indicator = models.ForeignKey(FrameworkIndicator, on_delete=models.CASCADE,
                                  related_name="local_values")
    value = models.FloatField("valeur")
    date = models.DateField("date de la valeur")
    source = models.CharField("source", max_length=300)
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                   null=True, blank=True, related_name="+",
                                   verbose_name="saisie par")
    entered_at = models.DateTimeField("saisie le", auto_now_add=True)

    class Meta:
        verbose_name = "valeur locale"
        verbose_name_plural = "valeurs locales"
        ordering = ["date", "pk"]

    def __str__(self) -> str:
        return f"{self.value} ({self.date:%d/%m/%Y})"


class NarrativeSection(models.Model):
    """Text the contract's team writes for the mid-term report, one per part of the guide
    plus a synthesis and the outlook."""

    class Section(models.TextChoices):
        CONTEXT = Part.CONTEXT.value, Part.CONTEXT.label
        ACTIONS = Part.ACTIONS.value, Part.ACTIONS.label
        MAINSTREAM = Part.MAINSTREAM.value, Part.MAINSTREAM.label
        SYNTHESIS = "synthese", "Synthèse"
        OUTLOOK = "perspectives", "Perspectives"

    framework = models.ForeignKey(Framework, on_delete=models.CASCADE, related_name="narratives")
    section = models.CharField("section", max_length=16, choices=Section)
    text = models.TextField("texte", blank=True)
    updated_at = models.DateTimeField("modifié le", auto_now=True)

    class Meta:
        verbose_name = "section rédigée"
        verbose_name_plural = "sections rédigées"
        constraints = [models.UniqueConstraint(fields=["framework", "section"],
                                               name="evaluation_one_text_per_section")]

    def __str__(self) -> str:
        return self.get_section_display()


class FrameworkChange(models.Model):
    """One change to a framework or any of its parts: who, when, what (in words), and the
    object as it was after the change (before it, for a deletion)."""

    class Action(models.TextChoices):
        CREATE = "creation", "création"
        UPDATE = "modification", "modification"
        DELETE = "suppression", "suppression"

    framework = models.ForeignKey(Framework, on_delete=models.CASCADE, related_name="changes")
    at = models.DateTimeField("date", auto_now_add=True)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                               blank=True, related_name="+", verbose_name="auteur·rice")
    action = models.CharField("action", max_length=12, choices=Action)
    kind = models.CharField("objet", max_length=40)
    summary = models.TextField("résumé")
    snapshot = models.JSONField("état enregistré", default=dict)

    class Meta:
        verbose_name = "modification du cadre"
        verbose_name_plural = "modifications du cadre"
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return self.summary
