"""Agreements (*conventions*) with partners, the deposits made under them, the outputs computed
from the deposits, the append-only journal of everything done, and the certificates of deletion.

The deposited rows themselves are never in this database: they live in the agreement's encrypted
store (``engine.partners.store``); only their metadata and validation reports are here.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel

from ..accounts.models import PartnerOrganisation
from ..core.territories import TerritoryReference


def schema_choices() -> list[tuple[str, str]]:
    """The engine's schemas (read when the form is built, so that a new schema needs no migration)."""
    from quartiers.engine.partners.schemas import SCHEMAS

    return [(code, schema.title) for code, schema in SCHEMAS.items()]


class Agreement(ClusterableModel):
    """A *convention*: what a partner deposits, why, under which secrecy rules, until when."""

    class Status(models.TextChoices):
        DRAFT = "brouillon", "brouillon"
        ACTIVE = "active", "active"
        EXPIRED = "expiree", "expirée (données effacées)"

    class LegalBasis(models.TextChoices):
        PUBLIC_TASK = "mission_publique", "Mission d'intérêt public (RGPD, art. 6-1-e)"
        LEGAL_OBLIGATION = "obligation_legale", "Obligation légale (RGPD, art. 6-1-c)"
        LEGITIMATE_INTEREST = "interet_legitime", "Intérêt légitime (RGPD, art. 6-1-f)"
        CONSENT = "consentement", "Consentement des personnes (RGPD, art. 6-1-a)"
        PUBLIC_DATA = "donnees_publiques", "Données publiques (aucune donnée personnelle)"

    code = models.CharField("code", max_length=20, unique=True, editable=False,
                            help_text="Attribué à l'enregistrement : TC-<année>-<numéro>.")
    title = models.CharField("intitulé", max_length=250)
    partner = models.ForeignKey(PartnerOrganisation, verbose_name="organisme partenaire",
                                on_delete=models.PROTECT, related_name="agreements")
    legal_basis = models.CharField("base légale", max_length=30, choices=LegalBasis.choices)
    purpose = models.TextField("finalité", help_text="Ce que les données permettent de calculer, "
                                                     "et pour qui.")
    schema = models.CharField("schéma des fichiers", max_length=50, choices=schema_choices)
    allowed_fields = models.JSONField("champs autorisés", default=list, blank=True,
                                      help_text="Les champs du schéma que le partenaire peut déposer.")
    recipes = models.JSONField("sorties autorisées", default=list, blank=True,
                               help_text="Les recettes de calcul autorisées (codes).")
    threshold = models.PositiveIntegerField(
        "seuil de fréquence", default=11,
        help_text="Une case de moins d'unités que ce seuil est couverte par le secret.")
    dominance_n = models.PositiveIntegerField("dominance : nombre de contributeurs (n)", default=1)
    dominance_k = models.FloatField("dominance : part maximale en % (k)", default=85.0)
    p_percent = models.FloatField("règle du p % (0 : sans)", default=0.0)
    protection_percent = models.FloatField(
        "protection des cases masquées (%)", default=10.0,
        help_text="Largeur minimale, de chaque côté, de l'intervalle qu'un attaquant peut déduire "
                  "pour une case masquée, en % de sa valeur.")
    starts_on = models.DateField("début")
    ends_on = models.DateField("fin de conservation",
                               help_text="À cette date, les données déposées sont effacées.")
    status = models.CharField("statut", max_length=20, choices=Status.choices, default=Status.DRAFT)
    data_deleted_at = models.DateTimeField("données effacées le", null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="créée par", null=True,
                                   blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField("créée le", default=timezone.now, editable=False)

    class Meta:
        verbose_name = "convention"
        verbose_name_plural = "conventions"
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.code} — {self.title}"

    def save(self, *args, **kwargs):
        if not self.code:
            self.code = next_code(self.created_at.year)
        super().save(*args, **kwargs)

    @property
    def is_active(self) -> bool:
        """Deposits and computations are possible: active and today within its dates."""
        today = timezone.localdate()
        return self.status == self.Status.ACTIVE and self.starts_on <= today < self.ends_on

    def rules(self):
        """The engine's secrecy rules of this agreement."""
        from quartiers.engine.secrecy.rules import Rules

        return Rules(threshold=self.threshold, dominance_n=self.dominance_n,
                     dominance_k=self.dominance_k, p_percent=self.p_percent,
                     protection_percent=self.protection_percent)

    # what the partner signed and the deposits were checked against: fixed once in force (a
    # change of partner would show its data to another organisation, a lower threshold would
    # loosen the secrecy of what is already stored)
    FIXED_ONCE_ACTIVE = ("partner_id", "legal_basis", "schema", "allowed_fields", "recipes",
                         "threshold", "dominance_n", "dominance_k", "p_percent",
                         "protection_percent")

    def clean(self):
        errors = {}
        if self.pk:
            signed = Agreement.objects.filter(pk=self.pk).exclude(status=self.Status.DRAFT).first()
            for name in self.FIXED_ONCE_ACTIVE if signed else ():
                if getattr(signed, name) != getattr(self, name):
                    errors[name.removesuffix("_id")] = (
                        "La convention n'est plus un brouillon : ce champ ne change plus. Pour "
                        "d'autres termes, établissez une nouvelle convention.")
        if self.threshold is not None and self.threshold < 3:
            errors["threshold"] = "Le seuil de fréquence ne peut pas descendre sous 3 unités."
        if self.protection_percent is not None and self.protection_percent <= 0:
            errors["protection_percent"] = "Le niveau de protection doit être positif."
        if self.starts_on and self.ends_on and self.ends_on <= self.starts_on:
            errors["ends_on"] = "La fin de conservation doit suivre le début de la convention."
        if self.schema:
            errors.update(schema_problems(self.schema, self.allowed_fields or [], self.recipes or []))
        if self.dominance_k and not 0 < self.dominance_k <= 100:
            errors["dominance_k"] = "La part de dominance est un pourcentage, entre 0 et 100."
        if errors:
            raise ValidationError(errors)

    def activation_problems(self) -> list[str]:
        """Why this draft cannot be activated yet (French), empty when it can."""
        problems = []
        try:
            self.clean()
        except ValidationError as error:
            problems += [message for messages in error.message_dict.values() for message in messages]
        if not self.allowed_fields:
            problems.append("Aucun champ autorisé : le partenaire ne pourrait rien déposer.")
        if not self.recipes:
            problems.append("Aucune sortie autorisée : rien ne pourrait être calculé.")
        sides = set(self.signatories.values_list("side", flat=True)) if self.pk else set()
        for side in Signatory.Side:
            if side not in sides:
                problems.append(f"Il manque un signataire côté {side.label}.")
        if self.ends_on and self.ends_on <= timezone.localdate():
            problems.append("La fin de conservation est déjà passée.")
        return problems


def next_code(year: int) -> str:
    """« TC-<year>-<nnn> », the next free number of the year."""
    prefix = f"TC-{year}-"
    codes = Agreement.objects.filter(code__startswith=prefix).values_list("code", flat=True)
    numbers = [int(code.removeprefix(prefix)) for code in codes if code.removeprefix(prefix).isdigit()]
    return f"{prefix}{max(numbers, default=0) + 1:03d}"


def schema_problems(schema_code: str, allowed_fields, recipes) -> dict[str, str]:
    """The agreement's fields and recipes checked against the engine's schema (French messages)."""
    from quartiers.engine.partners.recipes import RECIPES
    from quartiers.engine.partners.schemas import SCHEMAS

    schema = SCHEMAS.get(schema_code)
    if schema is None:
        return {"schema": f"Schéma inconnu : « {schema_code} »."}
    errors = {}
    names = {field.name for field in schema.fields}
    unknown = [name for name in allowed_fields if name not in names]
    missing = [field.name for field in schema.fields if field.required and field.name not in allowed_fields]
    if unknown:
        errors["allowed_fields"] = (f"Champs absents du schéma « {schema.title} » : "
                                    f"{', '.join(unknown)}.")
    elif allowed_fields and missing:
        errors["allowed_fields"] = f"Champs obligatoires du schéma non autorisés : {', '.join(missing)}."
    wrong = [code for code in recipes if code not in RECIPES or RECIPES[code].schema != schema_code]
    if wrong:
        errors["recipes"] = (f"Recettes inconnues ou d'un autre schéma que « {schema.title} » : "
                             f"{', '.join(wrong)}.")
    return errors


class AgreementTerritory(TerritoryReference):
    """A territory the agreement covers (deposited rows elsewhere are reported)."""

    agreement = ParentalKey(Agreement, on_delete=models.CASCADE, related_name="territories",
                            verbose_name="convention")

    class Meta:
        verbose_name = "territoire d'une convention"
        verbose_name_plural = "territoires des conventions"
        ordering = ["level", "code"]
        constraints = [models.UniqueConstraint(fields=["agreement", "level", "code"],
                                               name="one_territory_per_agreement")]


class Signatory(models.Model):
    """A person who signed the agreement, for the partner or for the centre."""

    class Side(models.TextChoices):
        PARTNER = "partenaire", "partenaire"
        CENTRE = "centre", "centre de ressources"

    agreement = ParentalKey(Agreement, on_delete=models.CASCADE, related_name="signatories",
                            verbose_name="convention")
    name = models.CharField("nom", max_length=200)
    function = models.CharField("fonction", max_length=200)
    side = models.CharField("pour", max_length=20, choices=Side.choices)
    signed_on = models.DateField("signée le", null=True, blank=True)

    class Meta:
        verbose_name = "signataire"
        verbose_name_plural = "signataires"
        ordering = ["side", "name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.function}, {self.get_side_display()})"


class Deposit(models.Model):
    """A file deposited under an agreement: its metadata and validation report, never its rows."""

    class Status(models.TextChoices):
        ACCEPTED = "accepted", "accepté"
        REFUSED = "refused", "refusé"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    agreement = models.ForeignKey(Agreement, verbose_name="convention", on_delete=models.PROTECT,
                                  related_name="deposits")
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="déposé par", null=True,
                                    on_delete=models.SET_NULL, related_name="partner_deposits")
    uploaded_at = models.DateTimeField("déposé le", default=timezone.now)
    filename = models.CharField("fichier", max_length=255)
    size = models.PositiveBigIntegerField("taille (octets)")
    sha256 = models.CharField("empreinte SHA-256", max_length=64)
    status = models.CharField("statut", max_length=20, choices=Status.choices)
    rows = models.PositiveIntegerField("lignes enregistrées", default=0)
    report = models.JSONField("rapport de validation", default=dict)
    deleted_at = models.DateTimeField("lignes effacées le", null=True, blank=True)

    class Meta:
        verbose_name = "dépôt"
        verbose_name_plural = "dépôts"
        ordering = ["-uploaded_at"]

    def __str__(self) -> str:
        return f"{self.filename} ({self.agreement.code}, {self.get_status_display()})"


class Output(models.Model):
    """A table computed by a recipe from the agreement's store, checked, reviewed, released."""

    class Status(models.TextChoices):
        COMPUTING = "computing", "en calcul"
        FAILED = "failed", "échec du calcul"
        TO_REVIEW = "to_review", "à relire"
        REFUSED = "refused", "refusée"
        RELEASED = "released", "publiée"
        WITHDRAWN = "withdrawn", "retirée"

    agreement = models.ForeignKey(Agreement, verbose_name="convention", on_delete=models.PROTECT,
                                  related_name="outputs")
    recipe = models.CharField("recette", max_length=50)
    status = models.CharField("statut", max_length=20, choices=Status.choices,
                              default=Status.COMPUTING)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="demandée par", null=True,
                                     on_delete=models.SET_NULL, related_name="+")
    requested_at = models.DateTimeField("demandée le", default=timezone.now)
    computed_at = models.DateTimeField("calculée le", null=True, blank=True)
    result = models.JSONField("résultat", null=True, blank=True)
    error = models.TextField("erreur du calcul", blank=True)
    audit_ok = models.BooleanField("audit sans divulgation", null=True)
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="relue par", null=True,
                                    blank=True, on_delete=models.SET_NULL, related_name="+")
    reviewed_at = models.DateTimeField("relue le", null=True, blank=True)
    review_comment = models.TextField("commentaire de relecture", blank=True)
    released_at = models.DateTimeField("publiée le", null=True, blank=True)
    release_key = models.CharField("clé de publication", max_length=100, blank=True)
    withdrawn_at = models.DateTimeField("retirée le", null=True, blank=True)

    class Meta:
        verbose_name = "sortie"
        verbose_name_plural = "sorties"
        ordering = ["-requested_at"]

    def __str__(self) -> str:
        return f"{self.agreement.code} — {self.recipe} ({self.get_status_display()})"


class AppendOnly(Exception):
    """The journal is never changed nor deleted, only appended to."""


class JournalQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnly("Le journal ne peut pas être modifié.")

    def delete(self):
        raise AppendOnly("Le journal ne peut pas être effacé.")


class JournalEntry(models.Model):
    """One action, chained to the previous one by its hash (``engine.partners.journal``)."""

    class Action(models.TextChoices):
        DEPOSIT = "deposit", "dépôt"
        ACCESS = "access", "consultation"
        COMPUTATION = "computation", "calcul"
        REVIEW = "review", "relecture"
        RELEASE = "release", "publication"
        DELETION = "deletion", "effacement"
        AGREEMENT = "agreement", "convention"
        KEY = "key", "clé"

    seq = models.PositiveIntegerField("n°", unique=True)
    at = models.DateTimeField("date")
    actor = models.CharField("auteur", max_length=254)
    action = models.CharField("action", max_length=20, choices=Action.choices)
    agreement_code = models.CharField("convention", max_length=20, blank=True, db_index=True)
    object_ref = models.CharField("objet", max_length=100, blank=True)
    details = models.JSONField("détails", default=dict)
    previous_hash = models.CharField("empreinte précédente", max_length=64)
    hash = models.CharField("empreinte", max_length=64, unique=True)

    objects = JournalQuerySet.as_manager()

    class Meta:
        verbose_name = "entrée du journal"
        verbose_name_plural = "journal"
        ordering = ["seq"]

    def __str__(self) -> str:
        return f"n° {self.seq} — {self.get_action_display()} {self.agreement_code}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnly("Le journal ne peut pas être modifié.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnly("Le journal ne peut pas être effacé.")

    def hashed_fields(self) -> dict:
        """What the hash covers (everything but the hashes)."""
        return {"seq": self.seq, "at": self.at, "actor": self.actor, "action": self.action,
                "agreement_code": self.agreement_code, "object_ref": self.object_ref,
                "details": self.details}


class DeletionCertificate(models.Model):
    """What was deleted at the agreement's end, when, and the journal's hash at that moment;
    its PDF is generated on demand."""

    agreement = models.OneToOneField(Agreement, verbose_name="convention", on_delete=models.PROTECT,
                                     related_name="deletion_certificate")
    deleted_at = models.DateTimeField("effacement le")
    facts = models.JSONField("constats", default=dict)
    journal_hash = models.CharField("empreinte du journal", max_length=64)

    class Meta:
        verbose_name = "certificat d'effacement"
        verbose_name_plural = "certificats d'effacement"
        ordering = ["-deleted_at"]

    def __str__(self) -> str:
        return f"Certificat d'effacement — {self.agreement.code}"
