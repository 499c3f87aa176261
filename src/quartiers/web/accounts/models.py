"""People with an account: they log in with their e-mail address; roles are groups.

The public has no account. Centre staff, *chef·fe·s de projet* (attached to territories) and
members of partner organisations hold a role, a group of the same name created by
``services.ensure_roles``.
"""

from __future__ import annotations

import enum

from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.utils.functional import cached_property

from quartiers.web.core.territories import TerritoryReference, level_choices


class Role(enum.StrEnum):
    """The roles, each the name of its group."""

    STAFF = "Équipe du centre"
    PROJECT_LEAD = "Chef·fe de projet"
    PARTNER_MEMBER = "Membre d'un partenaire"


class EmailUserManager(UserManager):
    """Accounts are created from an e-mail address; the username is not used."""

    use_in_migrations = True

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("L'adresse électronique est obligatoire.")
        user = self.model(email=self.normalize_email(email), **extra_fields)  # lowered by save()
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra_fields)

    def get_by_natural_key(self, email):
        """Log in whatever the case typed: « Marie@Exemple.fr » is marie@exemple.fr."""
        return self.get(email=email.lower())


class PartnerOrganisation(models.Model):
    """An organisation sharing data or working with the centre (social landlord, CAF…)."""

    class Kind(models.TextChoices):
        SOCIAL_LANDLORD = "bailleur", "Bailleur social"
        CAF = "caf", "Caisse d'allocations familiales"
        FRANCE_TRAVAIL = "france_travail", "France Travail"
        INSURER = "assureur", "Assureur"
        LOCAL_AUTHORITY = "collectivite", "Collectivité territoriale"
        STATE = "etat", "Service de l'État"
        ASSOCIATION = "association", "Association"
        OTHER = "autre", "Autre"

    name = models.CharField("nom", max_length=200, unique=True)
    kind = models.CharField("type d'organisme", max_length=20, choices=Kind.choices)

    class Meta:
        verbose_name = "organisme partenaire"
        verbose_name_plural = "organismes partenaires"
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class User(AbstractUser):
    username = None
    email = models.EmailField("adresse électronique", unique=True)
    partner_organisation = models.ForeignKey(
        PartnerOrganisation, verbose_name="organisme partenaire", null=True, blank=True,
        on_delete=models.SET_NULL, related_name="members",
        help_text="Pour les membres d'un partenaire : l'organisme dont ils relèvent.")

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    objects = EmailUserManager()

    class Meta:
        verbose_name = "compte"
        verbose_name_plural = "comptes"
        ordering = ["email"]

    def __str__(self) -> str:
        return self.get_full_name() or self.email

    def save(self, *args, **kwargs):
        self.email = self.email.lower()  # one account per address, whatever the case
        super().save(*args, **kwargs)

    @cached_property
    def roles(self) -> list[Role]:
        """The roles held, in the order of ``Role``."""
        names = set(self.groups.values_list("name", flat=True))
        return [role for role in Role if role in names]


class TerritoryAssignment(TerritoryReference):
    """A territory a person works on (a *chef·fe de projet* on their EPCI or commune); the code
    is checked against the referential of the warehouse, which is not in this database."""

    LEVELS = ("epci", "commune")

    user = models.ForeignKey(User, verbose_name="compte", on_delete=models.CASCADE,
                             related_name="territory_assignments")
    level = models.CharField("niveau", max_length=20, choices=level_choices(LEVELS))

    class Meta:
        verbose_name = "territoire d'un compte"
        verbose_name_plural = "territoires des comptes"
        ordering = ["user", "level", "code"]
        constraints = [models.UniqueConstraint(fields=["user", "level", "code"],
                                               name="one_assignment_per_territory")]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_level_display()} {self.code}"
