"""The people and organisations the centre works with, the networks it animates: personal data
under the GDPR. People and organisations keep their revisions (who changed what, when: the back
office's « Historique »), erased with the person."""

from __future__ import annotations

import re
import unicodedata

from django.conf import settings
from django.contrib.contenttypes.fields import GenericRelation
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.models import RevisionMixin

from ..core.territories import TerritoryReference

_SEPARATORS = re.compile(r"[\s\-‐‑–—'’`´.]+")
_LIGATURES = str.maketrans({"œ": "oe", "æ": "ae", "ß": "ss"})


def normalised_name(*parts: str) -> str:
    """Lowercase, without accents, hyphens, apostrophes and spaces collapsed to one space:
    « Jean-Noël  d'Ornée » and « jean noel d ornee » are the same name."""
    text = unicodedata.normalize("NFKD", " ".join(parts).lower().translate(_LIGATURES))
    text = "".join(char for char in text if not unicodedata.combining(char))
    return _SEPARATORS.sub(" ", text).strip()


class Organisation(RevisionMixin, ClusterableModel):
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
    _revisions = GenericRelation("wagtailcore.Revision", related_query_name="contacts_organisation")

    class Meta:
        verbose_name = "organisation"
        verbose_name_plural = "organisations"
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def revisions(self):
        return self._revisions


class OrganisationTerritory(TerritoryReference):
    """A territory the organisation works on (commune, EPCI, département, région, QPV), checked
    against the warehouse's referential."""

    organisation = ParentalKey(Organisation, on_delete=models.CASCADE,
                               related_name="territories", verbose_name="organisation")

    class Meta:
        verbose_name = "territoire d'une organisation"
        verbose_name_plural = "territoires des organisations"
        ordering = ["level", "code"]
        constraints = [models.UniqueConstraint(fields=["organisation", "level", "code"],
                                               name="one_territory_per_organisation")]


class Network(models.Model):
    """A network the centre animates (the chef·fe·s de projet, the médiateurs santé…)."""

    name = models.CharField("nom", max_length=200, unique=True)
    description = models.TextField("description", blank=True)
    public = models.CharField("public concerné", max_length=300, blank=True)

    class Meta:
        verbose_name = "réseau"
        verbose_name_plural = "réseaux"
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Person(RevisionMixin, ClusterableModel):
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
    name_key = models.CharField("nom normalisé", max_length=310, blank=True, db_index=True,
                                editable=False,
                                help_text="Pour reconnaître les doublons : sans accents ni "
                                          "majuscules, tirets et apostrophes en espaces.")
    renewal_asked_at = models.DateTimeField(
        "renouvellement demandé le", null=True, blank=True, editable=False,
        help_text="Après trois ans sans activité : sans réponse trente jours plus tard, la "
                  "personne est effacée.")
    _revisions = GenericRelation("wagtailcore.Revision", related_query_name="contacts_person")

    class Meta:
        verbose_name = "personne"
        verbose_name_plural = "personnes"
        ordering = ["last_name", "first_name"]
        constraints = [models.UniqueConstraint(fields=["email"], condition=~Q(email=""),
                                               name="one_person_per_email")]

    def __str__(self) -> str:
        return " ".join(part for part in (self.first_name, self.last_name) if part) or self.email

    @property
    def revisions(self):
        return self._revisions

    def clean(self):
        self.email = self.email.strip().lower()
        if self.email and Person.objects.filter(email=self.email).exclude(pk=self.pk).exists():
            raise ValidationError({"email": "Une personne a déjà cette adresse électronique."})

    def save(self, *args, **kwargs):
        self.email = self.email.strip().lower()
        self.name_key = normalised_name(self.first_name, self.last_name)
        if "update_fields" in kwargs and kwargs["update_fields"] is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "name_key"}
        super().save(*args, **kwargs)


class Membership(models.Model):
    """A person in a network: their role in it and since when."""

    person = ParentalKey(Person, on_delete=models.CASCADE, related_name="memberships",
                         verbose_name="personne")
    network = models.ForeignKey(Network, on_delete=models.CASCADE, related_name="memberships",
                                verbose_name="réseau")
    role = models.CharField("rôle dans le réseau", max_length=200, blank=True,
                            help_text="Par exemple « membre », « animatrice », « référent ».")
    since = models.DateField("depuis", null=True, blank=True)

    class Meta:
        verbose_name = "appartenance à un réseau"
        verbose_name_plural = "appartenances aux réseaux"
        ordering = ["network__name"]
        constraints = [models.UniqueConstraint(fields=["person", "network"],
                                               name="one_membership_per_network")]

    def __str__(self) -> str:
        return f"{self.person} — {self.network}"


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


class Erasure(models.Model):
    """That a person was erased, without anything about them: when, on whose decision, why, and
    which apps erased what they held. The proof that a request was honoured."""

    class Reason(models.TextChoices):
        REQUEST = "demande", "À la demande de la personne"
        RENEWAL_REFUSED = "renouvellement_refuse", "Refus au renouvellement"
        NO_ANSWER = "sans_reponse", "Sans réponse au renouvellement"

    erased_at = models.DateTimeField("effacée le", default=timezone.now)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="par", null=True, blank=True,
                           on_delete=models.SET_NULL, related_name="+",
                           help_text="Vide : la personne elle-même ou la tâche planifiée.")
    reason = models.CharField("motif", max_length=30, choices=Reason.choices)
    apps = models.JSONField("applications ayant effacé", default=list)

    class Meta:
        verbose_name = "effacement"
        verbose_name_plural = "effacements"
        ordering = ["-erased_at"]

    def __str__(self) -> str:
        return f"Effacement du {timezone.localtime(self.erased_at):%d/%m/%Y %H:%M}"
