"""The people and organisations the centre works with: personal data under the GDPR."""

from __future__ import annotations

from django.db import models
from django.utils import timezone


class Organisation(models.Model):
    """A collectivité, a State service, an association, a social landlord, a company…"""

    class Kind(models.TextChoices):
        LOCAL_AUTHORITY = "collectivite", "Collectivité territoriale"
        STATE = "etat", "Service de l'État"
        ASSOCIATION = "association", "Association"
        SOCIAL_LANDLORD = "bailleur", "Bailleur social"
        COMPANY = "entreprise", "Entreprise"
        PUBLIC_BODY = "etablissement_public", "Établissement public"
        OTHER = "autre", "Autre"

    name = models.CharField("nom", max_length=200)
    kind = models.CharField("type", max_length=30, choices=Kind.choices)

    class Meta:
        verbose_name = "organisation"
        verbose_name_plural = "organisations"
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Person(models.Model):
    """Someone in the centre's networks, registered to an event or subscribed to a letter.
    The e-mail address is stored lowered; one person per address."""

    first_name = models.CharField("prénom", max_length=150, blank=True)
    last_name = models.CharField("nom", max_length=150, blank=True)
    email = models.EmailField("adresse électronique", blank=True, db_index=True)
    function = models.CharField("fonction", max_length=200, blank=True)
    organisation = models.ForeignKey(Organisation, verbose_name="organisation", null=True,
                                     blank=True, on_delete=models.SET_NULL, related_name="people")
    created_at = models.DateTimeField("créée le", default=timezone.now)
    last_activity_at = models.DateTimeField("dernière activité", default=timezone.now)

    class Meta:
        verbose_name = "personne"
        verbose_name_plural = "personnes"
        ordering = ["last_name", "first_name"]

    def __str__(self) -> str:
        return " ".join(part for part in (self.first_name, self.last_name) if part) or self.email


class Consent(models.Model):
    """What a person accepted, when, how and in which version of the text: the proof the GDPR
    asks for (a newsletter subscription confirmed by e-mail, a registration's optional needs…).
    Withdrawing keeps the record and dates the withdrawal."""

    person = models.ForeignKey(Person, verbose_name="personne", on_delete=models.CASCADE,
                               related_name="consents")
    purpose = models.CharField("finalité", max_length=200,
                               help_text="Par exemple « lettre:la-minute-pop ».")
    text = models.TextField("texte accepté")
    text_version = models.CharField("version du texte", max_length=50)
    method = models.CharField("manière", max_length=100,
                              help_text="Par exemple « formulaire + confirmation par courriel ».")
    source = models.CharField("provenance", max_length=200,
                              help_text="La page ou le fichier d'où vient l'accord.")
    accepted_at = models.DateTimeField("accepté le", default=timezone.now)
    withdrawn_at = models.DateTimeField("retiré le", null=True, blank=True)

    class Meta:
        verbose_name = "consentement"
        verbose_name_plural = "consentements"
        ordering = ["-accepted_at"]

    def __str__(self) -> str:
        return f"{self.purpose} ({self.text_version})"
