"""Territories referenced by the Django apps as (level, code), checked against the warehouse's
referential (the warehouse is not in the Django database: no foreign key can do it)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse

from quartiers.engine.levels import LEVELS
from quartiers.engine.warehouse.store import NotFound, WarehouseMissing

from .warehouse import get_store


def level_choices(levels: tuple[str, ...]) -> list[tuple[str, str]]:
    return [(level, LEVELS[level].label) for level in levels]


def checked_territory(level: str, code: str) -> dict:
    """The territory of the referential; a French ValidationError on ``code`` naming the close
    matches when it is unknown, or saying why it cannot be checked."""
    try:
        return get_store().territory(level, code)
    except NotFound as error:
        raise ValidationError({"code": unknown_code_message(level, code, error.suggestions)}) \
            from error
    except WarehouseMissing as error:
        raise ValidationError({"code": (
            "Le référentiel des territoires n'est pas construit (quartiers build) : le code "
            f"« {code} » ne peut pas être vérifié.")}) from error


def unknown_code_message(level: str, code: str, suggestions: list[dict]) -> str:
    message = f"code inconnu pour le niveau « {LEVELS[level].label} » : « {code} »"
    if not suggestions:
        return message + "."
    close = ", ".join(f"{s['nom']} ({'' if s['niveau'] == level else LEVELS[s['niveau']].label + ' '}"
                      f"{s['code']})" for s in suggestions)
    return f"{message} ; peut-être : {close}."


def territory_name(level: str, code: str) -> str:
    """A territory's name from the referential; its code when the referential no longer has it
    (a later geography) or is not built."""
    try:
        return get_store().territory(level, code)["name"]
    except (NotFound, WarehouseMissing):
        return code


class TerritoryReference(models.Model):
    """A territory an object concerns (an action, a resource, a *chef·fe de projet*'s
    territory), checked against the referential when edited. Subclasses may narrow ``level``'s
    choices by redeclaring it."""

    LEVELS = ("qpv", "commune", "epci", "departement", "region")

    level = models.CharField("niveau", max_length=20, choices=level_choices(LEVELS))
    code = models.CharField(
        "code", max_length=20,
        help_text="Code officiel : QN03504M pour un QPV, code INSEE (35238) pour une commune, "
                  "SIREN (243500139) pour un EPCI, 35 pour un département, 53 pour une région.")

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{self.get_level_display()} {self.code}"

    def clean(self):
        self.code = self.code.strip().upper()
        if self.level and self.code:  # else the form says which is missing
            checked_territory(self.level, self.code)

    @property
    def name(self) -> str:
        """The territory's name, or its code when the referential no longer knows it."""
        return territory_name(self.level, self.code)

    @property
    def url(self) -> str:
        return reverse("profile", args=[self.level, self.code])
